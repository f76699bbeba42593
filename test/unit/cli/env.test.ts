// The command line's environment and edges through the built CLI (dist/bin/kfchart.js): usage errors of every
// number, duration and enum (exit 2, one line), EPIPE on stdout and stderr, `kfchart env` and the KFCHART_*
// settings, the --set-string hint, and shell completion (`__complete` candidates; the bash, zsh and fish scripts run
// in the real shells; powershell's text only, no PowerShell here). Release names on a cluster: test/cluster/env.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../../../engine/cli/commands/index.js';
import { globalOptions } from '../../../engine/cli/flags.js';
import { cliSpec, type CommandSpec } from '../../../engine/cli/spec.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const bin = path.join(root, 'dist/bin/kfchart.js');
const demo = path.join(here, 'fixtures/demo');
const tmp = mkdtempSync(path.join(tmpdir(), 'kfchart-env-'));
// no cluster anywhere: every usage error must be found before a connection is tried
const NO_CLUSTER = { KUBECONFIG: path.join(tmp, 'no-such-kubeconfig'), KFCHART_CONFIG_HOME: path.join(tmp, 'config'), KFCHART_CACHE_HOME: path.join(tmp, 'cache') };

function kf(args: string[], env: Record<string, string | undefined> = {}, cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...NO_CLUSTER, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// ---- usage errors -------------------------------------------------------------------------------------------

const USAGE: [string[], RegExp][] = [
  [['list', '-o', 'xml'], /invalid value "xml" for output: choose one of "table", "json", "yaml"/],
  [['history', 'web', '--max', '-1'], /--max "-1": must be a whole number ≥ 0/],
  [['history', 'web', '--max', 'abc'], /--max "abc": must be a whole number ≥ 0/],
  [['list', '--offset', 'x'], /--offset "x": must be a whole number ≥ 0/],
  [['rollback', 'web', 'abc'], /revision "abc": must be a positive whole number/],
  [['rollback', 'web', '0'], /revision "0": must be a positive whole number/],
  [['rollback', 'web', '--timeout', '1q'], /--timeout "1q" is not a duration/],
  [['rollback', 'web', '--history-max', 'x'], /--history-max "x": must be a whole number ≥ 0/],
  [['install', 'web', demo, '--history-max', 'abc'], /--history-max "abc": must be a whole number ≥ 0/],
  [['upgrade', 'web', demo, '--history-max', '-2'], /--history-max "-2"/],
  [['install', 'web', demo, '--timeout', '5x'], /--timeout "5x" is not a duration/],
  [['upgrade', 'web', demo, '--timeout', ''], /--timeout "" is not a duration/],
  [['uninstall', 'web', '--timeout', 'soon'], /--timeout "soon" is not a duration/],
  [['install', 'web', demo, '--dry-run=bogus'], /--dry-run must be client, server or none, not "bogus"/],
  [['get', 'values', 'web', '--revision', 'abc'], /--revision "abc": must be a positive whole number/],
  [['status', 'web', '--revision', '1.5'], /--revision "1.5": must be a positive whole number/],
  [['diff', 'rollback', 'web', 'two'], /revision "two": must be a positive whole number/],
  [['hash-password', '--cost', 'abc'], /--cost "abc"/],
  [['get', 'nope', 'web'], /Did you mean notes\?/],
  [['show', 'bogus', demo], /invalid value "bogus" for what/],
  [['completion', 'tcsh'], /invalid value "tcsh" for shell: choose one of "bash", "zsh", "fish", "powershell"/],
  [['env', 'KFCHART_NOPE'], /env: no setting "KFCHART_NOPE"/],
  [['nosuchverb'], /Unknown argument: nosuchverb/],
];

test('usage errors: numbers, durations and enums are checked by the parser; exit 2 with one line, no cluster asked', () => {
  for (const [args, re] of USAGE) {
    const r = kf(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, re, args.join(' '));
    assert.is(r.err.trimEnd().split('\n').length, 1, `${args.join(' ')}: one line, got ${JSON.stringify(r.err)}`);
    assert.not.match(r.err, /unexpected error|kubeconfig/, args.join(' '));
  }
});

test('usage errors: KFCHART_MAX_HISTORY is checked like --history-max and named in the message', () => {
  const r = kf(['install', 'web', demo], { KFCHART_MAX_HISTORY: 'many' });
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /--history-max "many" \(from \$KFCHART_MAX_HISTORY\)/);
});

/** Every command path of the spec, with its node. */
function walk(c: CommandSpec, pre: string[] = []): { path: string[]; node: CommandSpec }[] {
  return c.commands.filter((s) => !s.hidden).flatMap((s) => [{ path: [...pre, s.name], node: s }, ...walk(s, [...pre, s.name])]);
}
/** Arguments that satisfy a command's required positionals (a valid choice where there are choices). */
const fill = (n: CommandSpec, skip?: string) => n.positionals.filter((p) => p.required && p.name !== skip).map((p) => p.choices?.[0] ?? 'x');

test('usage errors: every enum flag and argument of every command (read from the command definitions) rejects a bogus value', () => {
  let checked = 0;
  for (const { path: p, node } of walk(cliSpec(commands, globalOptions))) {
    if (node.commands.length) continue;
    for (const o of node.options.filter((x) => x.choices)) {
      const r = kf([...p, ...fill(node), `--${o.name}=bogus-value`]);
      assert.is(r.code, 2, `${p.join(' ')} --${o.name}: ${r.err}`);
      assert.match(r.err, new RegExp(`invalid value "bogus-value" for ${o.name}`), p.join(' '));
      checked++;
    }
    for (const pos of node.positionals.filter((x) => x.choices)) {
      const args = node.positionals.filter((x) => x.required).map((x) => (x === pos ? 'bogus-value' : x.choices?.[0] ?? 'x'));
      const r = kf([...p, ...args]);
      assert.is(r.code, 2, `${p.join(' ')} <${pos.name}>: ${r.err}`);
      checked++;
    }
  }
  assert.ok(checked >= 15, `${checked} enums checked`);
});

test('usage errors: no option is a bare yargs number (which lets "abc" through as NaN)', () => {
  const bare: string[] = [];
  for (const { path: p, node } of walk(cliSpec(commands, globalOptions))) {
    for (const o of node.options) if (o.type === 'number' && !o.validated) bare.push(`${p.join(' ')} --${o.name}`);
    for (const x of node.positionals) if (x.type === 'number' && !x.validated) bare.push(`${p.join(' ')} <${x.name}>`);
  }
  assert.equal(bare, [], `declare these as type: 'string' with coerce: intArg(...) from engine/cli/flags.ts: ${bare.join(', ')}`);
});

// ---- EPIPE ------------------------------------------------------------------------------------------------------

const big = path.join(tmp, 'big');
mkdirSync(path.join(big, 'templates'), { recursive: true });
writeFileSync(path.join(big, 'Chart.yaml'), 'apiVersion: v2\nname: big\nversion: 0.1.0\n');
writeFileSync(path.join(big, 'values.yaml'), `items: [${Array.from({ length: 3000 }, (_, i) => i).join(', ')}]\n`);
writeFileSync(path.join(big, 'templates', 'cms.yaml'), '{{#each values.items}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{this}}\ndata:\n  value: "{{this}} of a stream much longer than a pipe buffer"\n{{/each}}\n');

test('EPIPE: `kfchart template … | head -1` ends quietly with exit 0 (a real pipe closed early)', () => {
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" template big "${big}" 2>"${tmp}/epipe.err" | head -1; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  assert.match(r.stdout, /^---\nstatus=0\n$/);
  assert.is(readFileSync(path.join(tmp, 'epipe.err'), 'utf8'), '', 'nothing on stderr');
  // the stream really was longer than what head read (else no EPIPE happened)
  assert.ok(kf(['template', 'big', big]).out.length > 4 * 65536);
});

test('EPIPE: a closed stderr does not crash kfchart; the exit code stays the error\'s', async () => {
  const child = spawn(process.execPath, [bin, 'rollback', 'web', 'abc'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...NO_CLUSTER } });
  child.stderr!.destroy();
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  assert.is(code, 2);
  const out = spawn(process.execPath, [bin, 'template', 'big', big], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  out.stderr!.on('data', (c) => (err += c));
  out.stdout!.once('data', () => out.stdout!.destroy());
  const code2 = await new Promise<number | null>((r) => out.on('close', (c) => r(c)));
  assert.is(code2, 0, err);
  assert.is(err, '');
});

// ---- kfchart env and the KFCHART_* settings ----------------------------------------------------------------

test('env: every setting as KEY="value" (effective defaults), one value by name, json with descriptions, secrets hidden', () => {
  const r = kf(['env'], { KFCHART_CACHE_HOME: '/tmp/kf cache', KFCHART_KEY_PASSPHRASE: 'hunter2', KFCHART_NAMESPACE: 'apps' });
  assert.is(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  for (const l of lines) assert.match(l, /^KFCHART_[A-Z_]+=".*"$/);
  assert.ok(lines.includes('KFCHART_CACHE_HOME="/tmp/kf cache"'));
  assert.ok(lines.includes('KFCHART_NAMESPACE="apps"'));
  assert.ok(lines.includes('KFCHART_MAX_HISTORY="10"'));
  assert.ok(lines.includes(`KFCHART_REGISTRY_CONFIG="${path.join(NO_CLUSTER.KFCHART_CONFIG_HOME, 'registry', 'config.json')}"`));
  assert.not.match(r.out, /hunter2/);
  assert.is(kf(['env', 'KFCHART_CACHE_HOME'], { KFCHART_CACHE_HOME: '/x/y' }).out, '/x/y\n');
  const j = JSON.parse(kf(['env', '-o', 'json']).out) as { name: string; description: string }[];
  assert.ok(j.length === lines.length && j.every((s) => s.description.length > 10));
});

test('env: lists every KFCHART_* variable engine/ and bin/ read', () => {
  const names = new Set<string>();
  const scan = (d: string) => {
    for (const n of readdirSync(d)) {
      const f = path.join(d, n);
      if (statSync(f).isDirectory()) scan(f);
      else if (n.endsWith('.ts') && !n.endsWith('.gen.ts')) for (const m of readFileSync(f, 'utf8').matchAll(/KFCHART_[A-Z][A-Z_]*[A-Z]/g)) names.add(m[0]);
    }
  };
  scan(path.join(root, 'engine'));
  scan(path.join(root, 'bin'));
  const listed = new Set(kf(['env']).out.split('\n').filter(Boolean).map((l) => l.split('=')[0]));
  assert.equal([...names].filter((n) => !listed.has(n)).sort(), [], 'missing from `kfchart env` (engine/actions/env.ts)');
});

test('KFCHART_NAMESPACE is the default namespace (-n wins); KFCHART_KUBECONTEXT the default context (--kube-context wins)', () => {
  const ns = (out: string) => [...new Set([...out.matchAll(/^  namespace: (\S+)$/gm)].map((m) => m[1]))];
  assert.equal(ns(kf(['template', 'web', demo], { KFCHART_NAMESPACE: 'from-env' }).out), ['from-env']);
  assert.equal(ns(kf(['template', 'web', demo, '-n', 'from-flag'], { KFCHART_NAMESPACE: 'from-env' }).out), ['from-flag']);
  const kc = path.join(tmp, 'kubeconfig');
  writeFileSync(kc, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: real, context: {cluster: c, user: u}}]\ncurrent-context: real\n');
  const a = kf(['list'], { KUBECONFIG: kc, KFCHART_KUBECONTEXT: 'env-ctx' });
  assert.is(a.code, 2, a.err);
  assert.match(a.err, /kubeconfig has no context "env-ctx"/);
  const b = kf(['list', '--kube-context', 'flag-ctx'], { KUBECONFIG: kc, KFCHART_KUBECONTEXT: 'env-ctx' });
  assert.match(b.err, /kubeconfig has no context "flag-ctx"/);
});

test('KFCHART_DEBUG prints the stack as --debug does', () => {
  const plain = kf(['template', 'web', path.join(tmp, 'no-chart-here')]);
  assert.is(plain.code, 1);
  assert.not.match(plain.err, /\n\s+at /);
  const dbg = kf(['template', 'web', path.join(tmp, 'no-chart-here')], { KFCHART_DEBUG: '1' });
  assert.is(dbg.code, 1);
  assert.match(dbg.err, /\n\s+at /);
});

test('--set-string hint: a string value --set turned into a number names the --set-string that keeps it text', () => {
  const r = kf(['template', 'web', demo, '--set', 'replicas=3,image.tag=1.28']);
  assert.is(r.code, 1);
  assert.match(r.err, /--set replicas=3,image\.tag=1\.28: image\.tag: must be string \(got number\); to keep it a string, use --set-string image\.tag=1\.28\n/);
  assert.is(kf(['template', 'web', demo, '--set', 'replicas=3', '--set-string', 'image.tag=1.28']).code, 0);
  const f = path.join(tmp, 'tag.yaml');
  writeFileSync(f, 'image:\n  tag: 1.28\n');
  const fromFile = kf(['template', 'web', demo, '-f', f]);
  assert.match(fromFile.err, /tag\.yaml:2: image\.tag: must be string/);
  assert.not.match(fromFile.err, /--set-string/, 'no hint for a value from a file');
});

// ---- completion ----------------------------------------------------------------------------------------------

/** `__complete` output: candidates (values only) and the directive. */
function candidates(words: string[], env: Record<string, string> = {}, cwd = root) {
  const r = kf(['__complete', ...words], env, cwd);
  assert.is(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  const d = lines.pop()!;
  assert.match(d, /^:\d+$/);
  return { values: lines.map((l) => l.split('\t')[0]!), lines, directive: Number(d.slice(1)), err: r.err };
}

// a configured repository with a cached index, in the private homes of NO_CLUSTER
mkdirSync(path.join(NO_CLUSTER.KFCHART_CONFIG_HOME), { recursive: true });
mkdirSync(path.join(NO_CLUSTER.KFCHART_CACHE_HOME, 'repository'), { recursive: true });
writeFileSync(path.join(NO_CLUSTER.KFCHART_CONFIG_HOME, 'repositories.yaml'), 'apiVersion: v1\nrepositories:\n- name: myrepo\n  url: https://charts.invalid/x\n- name: other\n  url: https://charts.invalid/y\n');
writeFileSync(path.join(NO_CLUSTER.KFCHART_CACHE_HOME, 'repository', 'myrepo-index.yaml'),
  'apiVersion: v1\nentries:\n  alpha:\n  - name: alpha\n    version: 1.0.0\n  "beta-chart":\n  - name: beta-chart\n    version: 0.1.0\ngenerated: "2026-01-01T00:00:00Z"\n');
writeFileSync(path.join(NO_CLUSTER.KFCHART_CACHE_HOME, 'repository', 'other-index.yaml'), JSON.stringify({ apiVersion: 'v1', entries: { gamma: [{ name: 'gamma', version: '1.0.0' }] } }));

test('__complete: verbs, subcommands (no hidden ones), flags long and short, with descriptions or without', () => {
  const v = candidates(['li']);
  assert.equal(v.values, ['lint', 'list']);
  assert.match(v.lines[1]!, /^list\t.+/);
  assert.is(v.directive & 4, 4, 'no file names for a verb');
  const all = candidates(['']).values;
  for (const c of ['template', 'install', 'completion', 'env', 'version', 'repo']) assert.ok(all.includes(c), c);
  assert.not.ok(all.some((c) => c.startsWith('__')));
  assert.equal(candidates(['repo', '']).values.sort(), ['add', 'index', 'list', 'remove', 'update']);
  assert.equal(candidates(['list', '--st']).values, ['--status']);
  const short = candidates(['list', '-']).values;
  for (const f of ['-A', '-o', '-n', '--all-namespaces', '--kube-context', '--help']) assert.ok(short.includes(f), f);
  assert.ok(candidates(['install', 'x', 'y', '--']).values.includes('--history-max'));
  assert.ok(candidates(['-n', 'ns', 'upgrade', 'x', 'y', '--ti']).values.includes('--timeout'), 'global flags before the verb');
  const bare = kf(['__completeNoDesc', 'li']).out;
  assert.is(bare, 'lint\nlist\n:4\n');
});

test('__complete: enum values of flags and arguments', () => {
  assert.equal(candidates(['list', '-o', '']).values, ['table', 'json', 'yaml']);
  assert.equal(candidates(['list', '--output', 'j']).values, ['json']);
  assert.equal(candidates(['list', '--output=y']).values, ['--output=yaml']);
  assert.equal(candidates(['get', '']).values, ['all', 'hooks', 'manifest', 'notes', 'values', 'metadata']);
  assert.equal(candidates(['show', 'v']).values, ['values']);
  assert.equal(candidates(['completion', '']).values, ['bash', 'zsh', 'fish', 'powershell']);
  assert.equal(candidates(['diff', '']).values, ['upgrade', 'rollback']);
});

test('__complete: charts — repo/chart from the cached indexes, the shipped charts, local folders and archives', () => {
  const named = candidates(['install', 'web', '']);
  for (const c of ['myrepo/alpha', 'myrepo/beta-chart', 'other/gamma', 'kubeflow', 'dex', 'charts/']) assert.ok(named.values.includes(c), c);
  assert.equal(candidates(['template', 'web', 'myrepo/']).values, ['myrepo/alpha', 'myrepo/beta-chart']);
  const local = candidates(['lint', 'charts/k']);
  assert.equal(local.values, ['charts/kubeflow/']);
  assert.is(local.directive & 2, 2, 'no space after a folder');
  assert.not.ok(candidates(['lint', '']).values.includes('kubeflow'), 'lint takes folders only');
  writeFileSync(path.join(tmp, 'web-0.1.0.tgz'), '');
  assert.ok(candidates(['show', 'chart', ''], {}, tmp).values.includes('web-0.1.0.tgz'));
  assert.ok(candidates(['upgrade', 'web', 'kube']).values.includes('kubeflow'));
  assert.equal(candidates(['install', 'kfchart/ku']).values, ['kfchart/kubeflow'], 'the bundled repository by name');
  assert.ok(candidates(['install', 'kube']).values.includes('kubeflow'), 'install CHART: the first word may be a chart');
  assert.equal(candidates(['uninstall', 'kube']).values, [], 'other verbs: the first word is a release');
  assert.equal(candidates(['repo', 'remove', '']).values, ['myrepo', 'other']);
  assert.equal(candidates(['pull', 'other/']).values, ['other/gamma']);
});

test('__complete: files for file flags, contexts for --kube-context, nothing (quietly, fast) for releases without a cluster', () => {
  assert.is(candidates(['template', 'web', demo, '-f', '']).directive, 0, 'the shell completes file names');
  const kc = path.join(tmp, 'ctx-kubeconfig');
  writeFileSync(kc, 'apiVersion: v1\nkind: Config\ncontexts: [{name: prod, context: {}}, {name: staging, context: {}}]\n');
  assert.equal(candidates(['--kubeconfig', kc, 'list', '--kube-context', '']).values, ['prod', 'staging']);
  assert.equal(candidates(['list', '--kube-context=s'], { KUBECONFIG: kc }).values, ['--kube-context=staging']);
  const t0 = Date.now();
  const r = candidates(['status', ''], { KUBECONFIG: kc });
  assert.equal(r.values, []);
  assert.is(r.err, '');
  assert.ok(Date.now() - t0 < 5000);
});

/** COMPREPLY of the bash script for a command line (the cursor at its end), in a real bash. */
function bashComplete(line: string, env: Record<string, string> = {}): string[] {
  const script = kf(['completion', 'bash']).out;
  writeFileSync(path.join(tmp, 'kfchart.bash'), script);
  const prog = `
    kfchart() { "${process.execPath}" "${bin}" "$@"; }
    source "${tmp}/kfchart.bash"
    # split the line as readline does (COMP_WORDBREAKS keeps "=" a word of its own)
    line=$1
    read -ra COMP_WORDS <<< "\${line//=/ = }"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
    COMP_LINE=$line; COMP_POINT=\${#line}
    _kfchart
    printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', prog, 'bash', line], { encoding: 'utf8', cwd: root, env: { ...process.env, ...NO_CLUSTER, ...env } });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

test('bash: the script completes verbs, flags, enum values (also after "="), charts, in a real bash', () => {
  assert.equal(bashComplete('kfchart li'), ['lint', 'list']);
  assert.equal(bashComplete('kfchart list --outp'), ['--output']);
  assert.equal(bashComplete('kfchart list -o '), ['table', 'json', 'yaml']);
  assert.equal(bashComplete('kfchart list --output=j'), ['json']);
  assert.equal(bashComplete('kfchart list --output='), ['=table', '=json', '=yaml']);
  assert.equal(bashComplete('kfchart install web myrepo/b'), ['myrepo/beta-chart']);
  assert.equal(bashComplete('kfchart get '), ['all', 'hooks', 'manifest', 'notes', 'values', 'metadata']);
});

/** Whether a shell is installed; under CI (.ci/run installs zsh and fish) a missing one fails the test, never skips it. */
function shellHere(sh: string): boolean {
  if (have(sh)) return true;
  assert.not.ok(/^(1|true|yes)$/i.test(process.env.CI ?? ''), `${sh} is not installed: .ci/run installs it (apt-get install ${sh})`);
  console.log(`  ${sh} not installed (.ci/run installs it): not run outside CI`);
  return false;
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

test('zsh: the script hands the candidates (with descriptions) to _describe, in a real zsh', () => {
  if (!shellHere('zsh')) return;
  writeFileSync(path.join(tmp, '_kfchart'), kf(['completion', 'zsh']).out);
  // outside zle the completion system cannot run: compdef/_describe/_files are stubs that record what they get
  const prog = `
    compdef() { :; }
    _files() { print -r -- "FILES"; }
    _describe() { local n=$4; print -rl -- "\${(@P)n}" "opts:$5 $6"; }
    kfchart() { "${process.execPath}" "${bin}" "$@"; }
    source "${tmp}/_kfchart"
    words=("\${(@s: :)1}")   # a trailing space leaves a last, empty word
    CURRENT=\${#words}
    _kfchart`;
  const run = (line: string) => {
    const r = spawnSync('zsh', ['-f', '-c', prog, 'zsh', line], { encoding: 'utf8', cwd: root, env: { ...process.env, ...NO_CLUSTER } });
    assert.is(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  };
  const v = run('kfchart li');
  assert.match(v[0]!, /^lint:check charts/);
  assert.match(v[1]!, /^list:releases/);
  assert.equal(run('kfchart list -o j'), ['json', 'opts: ']);
  assert.equal(run('kfchart lint charts/k'), ['charts/kubeflow/:chart folder', 'opts:-S '], 'no space after a folder');
  assert.equal(run('kfchart template web ./ -f '), ['FILES']);
});

test('fish: `complete -C` through the script, in a real fish', () => {
  if (!shellHere('fish')) return;
  writeFileSync(path.join(tmp, 'kfchart.fish'), kf(['completion', 'fish']).out);
  const run = (line: string) => {
    const prog = `function kfchart; "${process.execPath}" "${bin}" $argv; end; source "${tmp}/kfchart.fish"; complete -C ${JSON.stringify(line)}`;
    const r = spawnSync('fish', ['--no-config', '-c', prog], { encoding: 'utf8', cwd: root, env: { ...process.env, ...NO_CLUSTER } });
    assert.is(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  };
  const v = run('kfchart li');
  assert.match(v[0]!, /^lint\tcheck charts/);
  assert.match(v[1]!, /^list\treleases/);
  assert.equal(run('kfchart list --output ').sort(), ['json', 'table', 'yaml']);
  assert.equal(run('kfchart install web myrepo/a').map((l) => l.split('\t')[0]), ['myrepo/alpha']);
});

test('powershell: the script is printed (no PowerShell on this machine to run it)', () => {
  const r = kf(['completion', 'powershell']);
  assert.is(r.code, 0);
  assert.match(r.out, /Register-ArgumentCompleter -Native -CommandName kfchart/);
  assert.match(r.out, /& kfchart __complete @words/);
  assert.match(kf(['completion', 'powershell', '--no-descriptions']).out, /& kfchart __completeNoDesc @words/);
  for (const sh of ['bash', 'zsh', 'fish']) assert.match(kf(['completion', sh, '--no-descriptions']).out, /__completeNoDesc/);
});

test.run();
