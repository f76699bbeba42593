#!/usr/bin/env node
// bench/render: wall time and peak RSS of `kfchart template` on generated charts of 100, 2,000 and 10,000
// ConfigMaps (one template with a loop, labels and data via toYaml), next to `helm template` (v4.1.4) on the same
// chart written as Go templates, in the same run — kfchart under each Node of --node (default: the machine's Node,
// Node 24 and Node 26 from bench/tools.sh, each as `<node> dist/bin/kfchart.js`, so that Node is the one that runs:
// the bin neither re-execs nor spawns a Node), all Nodes and helm taking turns. Plus, per Node, the CLI's cold
// start, the real kubeflow chart (`template charts/kubeflow -f examples/values-minimal.yaml`; its values-schema
// validators come from the cache in $XDG_CACHE_HOME/kfchart after the warm-up run, so the median is the warm figure)
// and at each size the floor of the design (bench/floor-pipeline.mjs: the libraries alone, next to helm in the same
// turns). Ends with the goals of issue 15 marked met / not met, each unmet one with its floor (floor/helm). Every command runs once untimed (warm-up, output checked), then `--runs` times.
// Prints numbers; asserts nothing but the object counts.
// Usage: node bench/render.mjs [--node machine,24,26] [--sizes 100,2000,10000] [--runs 5] [--no-build] [--json file]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  root, opt, prepare, nodes, checkKfchartNode, measureAll, makeCharts, measureFloor, floorTable, helm, kfchart, f, table,
  helmVersion,
  x, goalsTable,
} from './lib.mjs';

const runs = Number(opt('runs', '5'));
const sizes = opt('sizes', '100,2000,10000').split(',').map(Number);
prepare();
const list = nodes();
for (const n of list) checkKfchartNode(n);

// 1. template of the generated charts: every Node's kfchart and helm in turns, per size.
const rows = [];
const floors = new Map();
for (const size of sizes) {
  const { kf, hm } = makeCharts(size);
  const r = measureAll([...list.map((n) => [n.bin, [kfchart, 'template', 'bench', kf]]), [helm, ['template', 'bench', hm]]], runs);
  const h = r.pop();
  const count = (out) => (out.match(/^kind: ConfigMap$/gm) ?? []).length;
  if (count(h.out) !== size) throw new Error(`expected ${size} objects, helm printed ${count(h.out)}`);
  r.forEach((k, i) => {
    if (count(k.out) !== size) throw new Error(`expected ${size} objects, kfchart under ${list[i].label} printed ${count(k.out)}`);
    rows.push({ node: list[i], size, wall: k.wall, rss: k.rss, hwall: h.wall, hrss: h.rss });
  });
  // the floor at this size, with helm in the same turns, so floor/helm is a ratio of one run
  floors.set(size, await measureFloor(list, kf, runs, [[helm, ['template', 'bench', hm]]]));
}

// 2. cold start and the kubeflow chart, per Node, in turns.
const tiny = makeCharts(1).kf;
const kubeflowArgs = ['template', 'kf', path.join(root, 'charts/kubeflow'), '-f', path.join(root, 'examples/values-minimal.yaml')];
const coldCmds = (n) => [
  [n.bin, ['-e', '0']],
  [n.bin, [kfchart, 'version']],
  [n.bin, [kfchart, '--help']],
  [n.bin, [kfchart, 'template', tiny]],
  [n.bin, [kfchart, ...kubeflowArgs]],
];
const coldAll = measureAll(list.flatMap(coldCmds), runs);
const cold = list.map((n, i) => {
  const [empty, version, help, template1, kubeflow] = coldAll.slice(i * 5, i * 5 + 5);
  return { node: n, empty, version, help, template1, kubeflow };
});

// 3. print.
const ratio = (a, b) => a / b;
console.log(`\nbench/render — median of ${runs} runs after one warm-up, whole processes in turns (every Node's kfchart ` +
  `and helm), same machine, same run; helm ${helmVersion()}; machine Node ${process.version}`);
for (const n of list) {
  console.log(`\n${n.label}${n.machine ? ' (the machine\'s)' : ''}: template of N ConfigMaps\n`);
  console.log(table([
    ['objects', 'kfchart wall', 'kfchart peak RSS', 'helm wall', 'helm peak RSS', 'wall ratio (kf/helm)', 'RSS ratio'],
    ...rows.filter((r) => r.node === n).map((r) => [r.size.toLocaleString('en'), `${f(r.wall)} s`, `${f(r.rss, 1)} MiB`,
      `${f(r.hwall)} s`, `${f(r.hrss, 1)} MiB`, x(ratio(r.wall, r.hwall)), x(ratio(r.rss, r.hrss))]),
  ]));
}
console.log('\ncold start and the kubeflow chart (wall, peak RSS)\n');
const c = (m) => `${f(m.wall)} s, ${f(m.rss, 0)} MiB`;
console.log(table([
  ['Node', 'node -e 0', 'kfchart version', 'kfchart --help', 'template, 1 object', 'template charts/kubeflow (values-minimal)'],
  ...cold.map((r) => [r.node.label, c(r.empty), c(r.version), c(r.help), c(r.template1), c(r.kubeflow)]),
]));
for (const [size, fl] of floors) {
  const h = fl.extra[0];
  console.log(`\nfloor for ${size.toLocaleString('en')} objects (bench/floor-pipeline.mjs: the libraries alone; no CLI, no checks, ` +
    `no output); helm in the same turns: ${f(h.wall)} s, ${f(h.rss, 0)} MiB\n`);
  console.log(floorTable(fl, h));
}

// 4. the goals of issue 15, ratio to helm in the same run.
const goals = [];
const at = (n, size) => rows.find((r) => r.node === n && r.size === size);
for (const n of list) {
  const add = (goal, size, kind, limit) => {
    const r = at(n, size);
    if (!r) return;
    const v = kind === 'wall' ? ratio(r.wall, r.hwall) : ratio(r.rss, r.hrss);
    const fl = floors.get(size);
    const fr = fl?.find((row) => row.n === n)?.parsed;
    const floor = fr && (kind === 'wall' ? ratio(fr.wall, fl.extra[0].wall) : ratio(fr.rss, fl.extra[0].rss));
    goals.push({ node: n, goal, limit, value: v, met: v <= limit, floor });
  };
  add('template 100: wall', 100, 'wall', 1.5);
  add('template 2,000: wall', 2000, 'wall', n.major === 20 ? 1.2 : 1.0);
  add('template 10,000: wall', 10000, 'wall', 0.5);
  add('template 2,000: peak RSS', 2000, 'rss', 1.0);
  add('template 10,000: peak RSS', 10000, 'rss', 1.0);
}
console.log('\ngoals of issue 15 (kfchart / helm, same run)\n');
console.log(goalsTable(goals, list, 1));
console.log(`\n${goals.filter((g) => g.met).length} of ${goals.length} met. This 2-core machine is shared: ` +
  `medians of ${runs} in turns are noisy (±10–20 %), so compare the ratios of one run.`);

const json = opt('json');
if (json) {
  const strip = (n) => ({ label: n.label, version: n.version, major: n.major, machine: n.machine });
  writeFileSync(json, JSON.stringify({
    date: new Date().toISOString(), runs, helm: helmVersion(),
    rows: rows.map((r) => ({ ...r, node: strip(r.node) })),
    cold: cold.map((r) => ({ node: strip(r.node), ...Object.fromEntries(['empty', 'version', 'help', 'template1', 'kubeflow'].map((k) => [k, { wall: r[k].wall, rss: r[k].rss, samples: r[k].samples }])) })),
    floors: [...floors].map(([size, fl]) => ({ size, helm: { wall: fl.extra[0].wall, rss: fl.extra[0].rss }, rows: fl.map((r) => ({ node: strip(r.n), ...Object.fromEntries(['node', 'imp', 'rendered', 'parsed'].map((k) => [k, { wall: r[k].wall, rss: r[k].rss }])) })) })),
    goals: goals.map((g) => ({ ...g, node: strip(g.node) })),
  }, null, 2));
}
