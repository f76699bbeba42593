// Shared by the bench scripts: options, the Node binaries to run kfchart under, whole-process measurement in turns,
// and the generated ConfigMap charts. Bench tooling only.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SCRIPT_OPTIONS, ascii, scriptId } from '../scripts/script-format.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const tools = path.join(root, 'bench/.tools');
export const helm = path.join(tools, 'bin/helm/helm');
export const kubectl = path.join(tools, 'bin/kubectl/kubectl');
export const kfchart = path.join(root, 'dist/bin/kfchart.js');

const args = process.argv.slice(2);
/** `--name value` (or `--name=value`); `d` when absent. */
export const opt = (n, d) => {
  const eq = args.find((a) => a.startsWith(`--${n}=`));
  if (eq) return eq.slice(n.length + 3);
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
export const flag = (n) => args.includes(`--${n}`);

/** Fetches helm, kubectl, Node 24 and 26 (bench/tools.sh) and builds dist/ unless --no-build. */
export function prepare() {
  if (!flag('no-build')) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  execFileSync('bash', [path.join(root, 'bench/tools.sh')], { stdio: 'inherit' });
}

/**
 * The Node binaries of `--node` (default: the machine's Node, 24 and 26). Each entry is a major version (the
 * machine's Node when its major matches, else bench/.tools/node<major>/bin/node), `machine`, or a path to a node
 * binary. Returns [{ label: 'node 24.22.3', major: 24, bin }], without duplicates; checks that each binary is the
 * version it claims.
 */
export function nodes() {
  const machineMajor = Number(process.versions.node.split('.')[0]);
  const wanted = opt('node', `machine,24,26`).split(',').map((s) => s.trim()).filter(Boolean);
  const seen = new Set();
  const list = [];
  for (const w of wanted) {
    let bin;
    if (w === 'machine' || w === String(machineMajor)) bin = process.execPath;
    else if (/^\d+$/.test(w)) bin = path.join(tools, `node${w}/bin/node`);
    else bin = path.resolve(w);
    if (!existsSync(bin)) throw new Error(`no Node binary for --node ${w} (${bin}); bench/tools.sh fetches 24 and 26`);
    const version = execFileSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    if (seen.has(version)) continue;
    seen.add(version);
    const major = Number(version.split('.')[0]);
    if (/^\d+$/.test(w) && major !== Number(w)) throw new Error(`--node ${w}: ${bin} is Node ${version}`);
    list.push({ label: `node ${version}`, short: `Node ${major}`, major, version, bin, machine: bin === process.execPath });
  }
  return list;
}

/** Checks that `<node> dist/bin/kfchart.js version` really runs under that Node (the bin does not re-exec). */
export function checkKfchartNode(n) {
  const out = execFileSync(n.bin, [kfchart, 'version'], { encoding: 'utf8' });
  if (!out.includes(`(node v${n.version})`)) throw new Error(`kfchart under ${n.bin} reports: ${out.trim()}`);
}

export const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/**
 * Runs one command under GNU time; returns { wall s, rss MiB, cpu s (user + system), ms, stdout }: `wall` is GNU
 * time's (10 ms steps), `ms` the spawn measured here in milliseconds (GNU time's own start included), for A/Bs of
 * short commands. Throws on a non-zero exit.
 */
export function timed(cmd, cmdArgs, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', cmd, ...cmdArgs], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
  const [wall, kb, user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, rss: kb / 1024, cpu: user + sys, ms, stdout: r.stdout };
}

/**
 * Runs each command `runs` times, taking turns (A, B, C, A, B, C, ...) so that a slow spell of this shared machine
 * hits all of them alike, after one untimed warm-up run of each (its stdout is returned as `out`, for checks; it also
 * fills kfchart's template and validator caches). Returns each one's median wall seconds, peak RSS MiB, CPU seconds
 * and milliseconds (`timed`'s `ms`), and the samples. A command is [cmd, args] or [cmd, args, spawnOptions].
 */
export function measureAll(commands, runs) {
  const outs = commands.map(([cmd, cmdArgs, o]) => {
    const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 1 << 30, ...o });
    if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
    return r.stdout;
  });
  const samples = commands.map(() => ({ walls: [], rss: [], cpu: [], ms: [] }));
  for (let i = 0; i < runs; i++) {
    commands.forEach(([cmd, cmdArgs, o], j) => {
      const { wall, rss, cpu, ms } = timed(cmd, cmdArgs, o);
      samples[j].walls.push(wall);
      samples[j].rss.push(rss);
      samples[j].cpu.push(cpu);
      samples[j].ms.push(ms);
    });
  }
  return commands.map((_, j) => ({ wall: median(samples[j].walls), rss: median(samples[j].rss), cpu: median(samples[j].cpu), ms: median(samples[j].ms), out: outs[j], samples: samples[j] }));
}

const labels = { 'app.kubernetes.io/name': 'bench', 'app.kubernetes.io/part-of': 'kfchart-bench', tier: 'config' };

/** The bench chart of `n` ConfigMaps (one template with a loop, labels and data via toYaml), for kfchart and helm. */
export function makeCharts(n, out = path.join(root, 'bench/.out/render')) {
  const items = Array.from({ length: n }, (_, i) => `cm-${i}`);
  const values = `labels:\n${Object.entries(labels).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n` +
    `data:\n  config.yaml: |\n    log:\n      level: info\n      format: json\n  mode: fast\n  replicas: "3"\n` +
    `items:\n${items.map((x) => `  - ${x}`).join('\n')}\n`;
  const kf = path.join(out, `kf-${n}`);
  const hm = path.join(out, `helm-${n}`);
  rmSync(kf, { recursive: true, force: true });
  rmSync(hm, { recursive: true, force: true });
  for (const d of [kf, hm]) {
    mkdirSync(path.join(d, 'templates'), { recursive: true });
    writeFileSync(path.join(d, 'Chart.yaml'), `apiVersion: v2\nname: bench\nversion: 1.0.0\n`);
    writeFileSync(path.join(d, 'values.yaml'), values);
  }
  writeFileSync(path.join(kf, 'templates/configmaps.yaml'),
    `{{#each values.items}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{this}}
  labels:{{nindent 4 (toYaml @root.values.labels)}}
data:{{nindent 2 (toYaml @root.values.data)}}
{{/each}}`);
  writeFileSync(path.join(hm, 'templates/configmaps.yaml'),
    `{{- range .Values.items }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ . }}
  labels:{{ toYaml $.Values.labels | nindent 4 }}
data:{{ toYaml $.Values.data | nindent 2 }}
{{- end }}`);
  return { kf, hm };
}

export const f = (x, d = 2) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
export const helmVersion = () => execFileSync(helm, ['version', '--short'], { encoding: 'utf8' }).trim();

/** Prints rows (arrays of cells) as a Markdown table, the first row being the header. */
/** A ratio as printed in the tables: `1.23×`. */
export const x = (v) => `${f(v)}×`;

/** The goals table: one row a goal (`g.goal`), one column a Node, each cell the ratio, its limit and met / not met. */
export function goalsTable(goals, nodeList, limitDigits) {
  const names = [...new Set(goals.map((g) => g.goal))];
  return table([
    ['goal', ...nodeList.map((n) => n.label)],
    ...names.map((name) => [name, ...nodeList.map((n) => {
      const g = goals.find((y) => y.goal === name && y.node === n);
      if (!g) return '—';
      const floor = g.floor === undefined || g.met ? '' : `; floor ${x(g.floor)}`;
      return `${x(g.value)} (≤ ${f(g.limit, limitDigits)}×) ${g.met ? 'met' : '**not met**'}${floor}`;
    })]),
  ]);
}

export function table(rows) {
  const [head, ...body] = rows;
  const line = (r) => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

/**
 * A bench program (`bench/<name>-program.mjs`, exporting `run(argv[2], argv[3])`) as a script of the form
 * scripts/script-format.mjs gives, as the CLI is (wrapped, no import() left, ASCII), written to
 * bench/.out/<name>/<name>.cjs with its identity beside it, so that bench/run-script.mjs runs it the way kfchart runs
 * its CLI. Returns the script's path.
 */
export async function buildScript(name) {
  const { build } = await import('esbuild');
  const r = await build({
    stdin: { contents: `require('./${name}-program.mjs').run(process.argv[2], process.argv[3]);`, resolveDir: path.join(root, 'bench'), loader: 'js' },
    bundle: true, platform: 'node', target: 'node20', write: false, logLevel: 'warning', ...SCRIPT_OPTIONS,
  });
  const text = ascii(r.outputFiles[0].text);
  const script = path.join(root, `bench/.out/${name}/${name}.cjs`);
  mkdirSync(path.dirname(script), { recursive: true });
  writeFileSync(script, text);
  writeFileSync(`${script}.id`, scriptId(text));
  return script;
}

/**
 * The floor of the design (bench/floor-pipeline.mjs) for one chart, under each Node, all steps and Nodes in turns:
 * bare `node -e 0`, + import handlebars and js-yaml, + compile and render, + parse (engine/yaml parseYamlAll). Returns per Node
 * { node, imp, rendered, parsed } (each { wall, rss }); `extra` commands are measured in the same turns, their
 * results in `.extra`.
 */
export async function measureFloor(nodeList, dir, runs, extra = []) {
  const pipe = path.join(root, 'bench/floor-pipeline.mjs');
  await buildScript('floor');
  const cmds = nodeList.flatMap((n) => [[n.bin, ['-e', '0']], ...['import', 'render', 'parse'].map((m) => [n.bin, [pipe, m, dir]])]);
  const r = measureAll([...cmds, ...extra], runs);
  const rows = nodeList.map((n, i) => ({ n, node: r[i * 4], imp: r[i * 4 + 1], rendered: r[i * 4 + 2], parsed: r[i * 4 + 3] }));
  rows.extra = r.slice(cmds.length);
  return rows;
}

/** Markdown table of measureFloor's result. */
export function floorTable(rows, helmRun) {
  const c = (m) => `${f(m.wall)} s, ${f(m.rss, 0)} MiB`;
  const vs = (m) => (helmRun ? ` (${x(m.wall / helmRun.wall)} wall, ${x(m.rss / helmRun.rss)} RSS of helm)` : '');
  return table([
    ['Node', 'node -e 0', '+ import handlebars, js-yaml', '+ compile and render', '+ parse, parseYamlAll (the floor)'],
    ...rows.map((r) => [r.n.label, c(r.node), c(r.imp), c(r.rendered), `${c(r.parsed)}${vs(r.parsed)}`]),
  ]);
}

/**
 * The cluster a lifecycle bench runs on: --kubeconfig (or KFCHART_TEST_KUBECONFIG), else a test control plane of its
 * own (test/controlplane, with its kwok fake nodes), started here and stopped by `stop()`.
 */
export async function benchCluster(extra = {}) {
  const given = opt('kubeconfig', process.env.KFCHART_TEST_KUBECONFIG);
  if (given) return { kubeconfig: given, stop: () => {} };
  const { startControlPlane } = await import(pathToFileURL(path.join(root, 'test/controlplane/controlplane.mjs')).href);
  const cp = await startControlPlane({ owner: process.pid, log: () => {}, ...extra });
  return { kubeconfig: cp.kubeconfig, stop: () => cp.stop() };
}
