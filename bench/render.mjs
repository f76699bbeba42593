#!/usr/bin/env node
// bench/render: wall time and peak RSS of `kfchart template` on generated charts of 100, 2,000 and 10,000
// ConfigMaps (one template with a loop, labels and data via toYaml), next to `helm template` (v4.1.4) on the same
// chart written as Go templates, in the same run; plus the CLI's cold start and the real kubeflow chart
// (`template charts/kubeflow -f examples/values-minimal.yaml`; its values-schema validators come from the cache in
// $XDG_CACHE_HOME/kfchart after the first run, so the median is the warm figure), and at 2,000 objects the floor of
// the design (bench/floor-pipeline.mjs: the libraries alone). Prints numbers; asserts nothing.
// Usage: node bench/render.mjs [--runs 5] [--sizes 100,2000,10000]

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'bench/.out/render');
const args = process.argv.slice(2);
const opt = (n, d) => { const i = args.indexOf(`--${n}`); return i >= 0 ? args[i + 1] : d; };
const runs = Number(opt('runs', '5'));
const sizes = opt('sizes', '100,2000,10000').split(',').map(Number);

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
execFileSync('bash', [path.join(root, 'bench/tools.sh')], { stdio: 'inherit' });
const helm = path.join(root, 'bench/.tools/bin/helm/helm');
const kfchart = path.join(root, 'dist/bin/kfchart.js');

const labels = { 'app.kubernetes.io/name': 'bench', 'app.kubernetes.io/part-of': 'kfchart-bench', tier: 'config' };
const data = { 'config.yaml': 'log:\n  level: info\n  format: json\n', mode: 'fast', replicas: '3' };

function makeCharts(n) {
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

/**
 * Runs each command `runs` times under GNU time, taking turns (kfchart, helm, kfchart, ...) so that a slow spell of
 * this shared machine hits all of them alike; returns each one's median wall seconds and median peak RSS MiB.
 */
function measureAll(commands) {
  const samples = commands.map(() => ({ walls: [], rss: [] }));
  for (let i = 0; i < runs; i++) {
    commands.forEach(([cmd, cmdArgs], j) => {
      const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...cmdArgs], { encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed:\n${r.stderr}`);
      const [wall, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
      samples[j].walls.push(wall);
      samples[j].rss.push(kb / 1024);
    });
  }
  const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return commands.map(([cmd, cmdArgs], j) => ({
    wall: med(samples[j].walls),
    rss: med(samples[j].rss),
    out: spawnSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout,
  }));
}
const measure = (cmd, cmdArgs) => measureAll([[cmd, cmdArgs]])[0];

const rows = [];
let floor;
for (const n of sizes) {
  const { kf, hm } = makeCharts(n);
  const [a, b] = measureAll([['node', [kfchart, 'template', 'bench', kf]], [helm, ['template', 'bench', hm]]]);
  const objs = (a.out.match(/^kind: ConfigMap$/gm) ?? []).length;
  const hobjs = (b.out.match(/^kind: ConfigMap$/gm) ?? []).length;
  if (objs !== n || hobjs !== n) throw new Error(`expected ${n} objects, kfchart printed ${objs}, helm ${hobjs}`);
  rows.push({ n, ...a, hwall: b.wall, hrss: b.rss });
  if (n === 2000) {
    // The floor of this design on this machine (bench/floor-pipeline.mjs): what the libraries alone cost.
    const pipe = path.join(root, 'bench/floor-pipeline.mjs');
    const [node, imp, rendered, parsed] = measureAll([['node', ['-e', '0']], ...['import', 'render', 'parse'].map((m) => ['node', [pipe, m, kf]])]);
    floor = { node, imp, rendered, parsed };
  }
}

const tiny = makeCharts(1).kf;
const cold = {
  version: measure('node', [kfchart, 'version']),
  help: measure('node', [kfchart, '--help']),
  template1: measure('node', [kfchart, 'template', tiny]),
  nodeEmpty: measure('node', ['-e', '0']),
  kubeflow: measure('node', [kfchart, 'template', 'kf', path.join(root, 'charts/kubeflow'), '-f', path.join(root, 'examples/values-minimal.yaml')]),
};

const f = (x, d = 2) => x.toFixed(d);
console.log(`bench/render — median of ${runs} runs, node ${process.version}, helm v4 (bench/.tools), same machine, same run`);
console.log('objects   kfchart wall  kfchart RSS   helm wall  helm RSS   wall ratio (kf/helm)  RSS ratio');
for (const r of rows) {
  console.log(`${String(r.n).padStart(7)}   ${f(r.wall).padStart(9)} s  ${f(r.rss, 1).padStart(7)} MiB  ${f(r.hwall).padStart(7)} s  ${f(r.hrss, 1).padStart(5)} MiB  ${f(r.wall / r.hwall).padStart(18)}  ${f(r.rss / r.hrss).padStart(9)}`);
}
console.log(`cold start: kfchart version ${f(cold.version.wall)} s / ${f(cold.version.rss, 1)} MiB; --help ${f(cold.help.wall)} s; ` +
  `template of a 1-object chart ${f(cold.template1.wall)} s / ${f(cold.template1.rss, 1)} MiB; bare node -e 0 ${f(cold.nodeEmpty.wall)} s`);
console.log(`kubeflow: template charts/kubeflow -f examples/values-minimal.yaml ${f(cold.kubeflow.wall)} s / ${f(cold.kubeflow.rss, 1)} MiB`);
if (floor) {
  const row = (label, m) => `${label} ${f(m.wall)} s / ${f(m.rss, 1)} MiB`;
  console.log(`floor for 2,000 objects (bench/floor-pipeline.mjs, no CLI, no checks, no output): ${row('node -e 0', floor.node)}; ` +
    `${row('+ import handlebars, js-yaml', floor.imp)}; ${row('+ compile and render', floor.rendered)}; ${row('+ js-yaml loadAll', floor.parsed)}`);
}
