#!/usr/bin/env node
// bench/render-compare: `kfchart template` of this tree's dist/ against another build of kfchart (--base <folder
// holding dist/bin/kfchart.js>, e.g. a `git archive` of an earlier commit, built), under each Node, in turns, on the
// generated ConfigMap charts and charts/kubeflow. Prints median wall, CPU (user + sys: less sensitive than wall to a
// busy shared machine) and peak RSS. Prints numbers; asserts nothing but identical output of the two builds.
// Usage: node bench/render-compare.mjs --base /tmp/base [--node machine,24,26] [--sizes 2000,10000] [--runs 7] [--no-build]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { root, opt, prepare, nodes, makeCharts, kfchart, median, f, table } from './lib.mjs';

const base = opt('base');
if (!base) throw new Error('--base <folder with dist/bin/kfchart.js> is required');
const runs = Number(opt('runs', '7'));
const sizes = opt('sizes', '2000,10000').split(',').map(Number);
prepare();
const list = nodes();
const builds = [['base', path.join(path.resolve(base), 'dist/bin/kfchart.js')], ['this tree', kfchart]];
const works = [
  ...sizes.map((n) => [`template ${n.toLocaleString('en')} ConfigMaps`, ['template', 'bench', makeCharts(n).kf]]),
  ['template charts/kubeflow (values-minimal)', ['template', 'kf', path.join(root, 'charts/kubeflow'), '-f', path.join(root, 'examples/values-minimal.yaml')]],
];

function once(bin, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed:\n${r.stderr}`);
  const [wall, u, s, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: u + s, rss: kb / 1024, out: r.stdout };
}

const rows = [];
for (const [label, args] of works) {
  const cmds = list.flatMap((n) => builds.map(([b, js]) => ({ n, b, bin: n.bin, args: [js, ...args] })));
  for (const c of cmds) {
    c.out = once(c.bin, c.args).out; // warm-up (fills the template cache), and the output to compare
    c.s = { wall: [], cpu: [], rss: [] };
  }
  for (let i = 0; i < cmds.length; i += 2) {
    // generated secrets differ between runs of the kubeflow chart: compare the generated charts only
    if (!label.includes('kubeflow') && cmds[i].out !== cmds[i + 1].out) throw new Error(`${label}: the two builds print different output under ${cmds[i].n.label}`);
  }
  for (let r = 0; r < runs; r++) for (const c of cmds) {
    const m = once(c.bin, c.args);
    for (const k of ['wall', 'cpu', 'rss']) c.s[k].push(m[k]);
  }
  for (const c of cmds) rows.push({ label, node: c.n.label, build: c.b, wall: median(c.s.wall), cpu: median(c.s.cpu), rss: median(c.s.rss), spread: [Math.min(...c.s.wall), Math.max(...c.s.wall)] });
}
console.log(`\nbench/render-compare — median of ${runs}, in turns; base: ${base}\n`);
console.log(table([
  ['work', 'Node', 'build', 'wall (min–max)', 'CPU user+sys', 'peak RSS'],
  ...rows.map((r) => [r.label, r.node, r.build, `${f(r.wall)} s (${f(r.spread[0])}–${f(r.spread[1])})`, `${f(r.cpu)} s`, `${f(r.rss, 1)} MiB`]),
]));
