// `npm run -s auth:up -- --release NAME --namespace NS [--port N] [--kubeconfig FILE]`: runs the release's front
// door on 127.0.0.1 (see stack.ts) in the background and prints `export KFCHART_GATEWAY_URL=http://127.0.0.1:PORT`
// (eval-able, like cluster:up); what it changed in the configuration read from the cluster goes to stderr.
// `npm run auth:down` stops it. `kill -HUP <pid>` (pid in the state file) re-reads the release and restarts the
// programs, e.g. after `kfchart upgrade`. Owns: the CLI and the background process; must not: run programs itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAuthStack } from './stack.js';

const stateDir = () => process.env.KFCHART_AUTH_STATE || path.join(os.tmpdir(), `kfchart-auth-up-${os.userInfo().uid}`);
const stateFile = () => path.join(stateDir(), 'state.json');
const die = (msg: string, code = 1): never => { process.stderr.write(`auth: ${msg}\n`); process.exit(code); };
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

function flags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) die(`unexpected argument ${argv[i]} (usage: auth:up -- --release NAME --namespace NS [--port N] [--kubeconfig FILE])`, 2);
    out[m![1]] = m![2] ?? argv[++i] ?? die(`--${m![1]} needs a value`, 2);
  }
  for (const k of Object.keys(out)) if (!['release', 'namespace', 'port', 'kubeconfig'].includes(k)) die(`unknown flag --${k}`, 2);
  return out;
}

function kubeconfigOf(f: Record<string, string>): string {
  const k = f.kubeconfig ?? process.env.KUBECONFIG?.split(':').find((p) => p && fs.existsSync(p));
  if (!k) die('no kubeconfig: set KUBECONFIG (e.g. eval "$(npm run -s cluster:up)") or pass --kubeconfig FILE');
  return k!;
}

function readState(): { pid: number; url?: string; dir: string; error?: string } | undefined {
  try { return JSON.parse(fs.readFileSync(stateFile(), 'utf8')); } catch { return undefined; }
}

async function up(argv: string[]): Promise<void> {
  const f = flags(argv);
  if (!f.release || !f.namespace) die('--release NAME and --namespace NS are required', 2);
  if (f.port && !/^\d+$/.test(f.port)) die(`--port ${f.port}: not a number`, 2);
  const kubeconfig = kubeconfigOf(f);
  const old = readState();
  if (old && alive(old.pid)) die(`already running (pid ${old.pid}, ${old.url ?? 'starting'}); stop it with npm run auth:down`);
  fs.rmSync(stateDir(), { recursive: true, force: true });
  fs.mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
  const logFile = path.join(stateDir(), 'serve.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'serve', '--release', f.release, '--namespace', f.namespace,
    '--kubeconfig', kubeconfig, ...(f.port ? ['--port', f.port] : [])], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  const deadline = Date.now() + 180_000;
  for (;;) {
    const s = readState();
    if (s?.url) {
      const subs = JSON.parse(fs.readFileSync(path.join(stateDir(), 'substitutions.json'), 'utf8')) as { where: string; from: string; to: string }[];
      process.stderr.write(`auth: release ${f.namespace}/${f.release} is served at ${s.url} (pid ${s.pid}; logs in ${s.dir})\n` +
        `auth: changes made to the configuration read from the cluster:\n${subs.map((x) => `  ${x.where}: ${x.from} → ${x.to}`).join('\n')}\n`);
      process.stdout.write(`export KFCHART_GATEWAY_URL=${s.url}\n`);
      return;
    }
    if (s?.error || child.exitCode !== null || !alive(child.pid!)) die(`the auth stack did not start: ${s?.error ?? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-20).join('\n')}`);
    if (Date.now() > deadline) die(`the auth stack was not ready after 180 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function serve(argv: string[]): Promise<void> {
  const f = flags(argv);
  const write = (s: object) => fs.writeFileSync(stateFile(), JSON.stringify({ pid: process.pid, dir: path.join(stateDir(), 'run'), ...s }));
  write({});
  let stack;
  try {
    stack = await startAuthStack({ kubeconfig: f.kubeconfig, release: f.release, namespace: f.namespace, gatewayPort: f.port ? Number(f.port) : undefined,
      dir: path.join(stateDir(), 'run'), log: (s) => process.stdout.write(`${s}\n`) });
  } catch (err) {
    write({ error: (err as Error).message });
    process.exit(1);
  }
  const publish = () => {
    fs.writeFileSync(path.join(stateDir(), 'substitutions.json'), JSON.stringify(stack!.substitutions, null, 1));
    write({ url: stack!.gatewayUrl });
  };
  publish();
  let busy = Promise.resolve();
  process.on('SIGHUP', () => { busy = busy.then(() => stack!.reload()).then(publish, (e) => { process.stdout.write(`reload failed: ${e.message}\n`); }); });
  const quit = () => { void busy.then(() => stack!.stop()).finally(() => { fs.rmSync(stateFile(), { force: true }); process.exit(0); }); };
  process.on('SIGTERM', quit);
  process.on('SIGINT', quit);
}

async function down(): Promise<void> {
  const s = readState();
  if (!s || !alive(s.pid)) { fs.rmSync(stateDir(), { recursive: true, force: true }); process.stderr.write('auth: nothing running\n'); return; }
  process.kill(s.pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (alive(s.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // serve runs as a process-group leader: its programs (dex, oauth2-proxy, slapd) are in that group
  if (alive(s.pid)) { try { process.kill(-s.pid, 'SIGKILL'); } catch { /* gone */ } }
  fs.rmSync(stateDir(), { recursive: true, force: true });
  process.stderr.write(`auth: stopped (pid ${s.pid})\n`);
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'up') await up(rest);
else if (cmd === 'serve') await serve(rest);
else if (cmd === 'down') await down();
else die('usage: cli.ts up|down [--release NAME --namespace NS]', 2);
