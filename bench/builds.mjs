#!/usr/bin/env node
// bench/builds: an A/B of kfchart builds — the same commands run by each build's dist/bin/kfchart.js under each Node,
// every build × Node × command in turns after one warm-up round (bench/lib.mjs measureAll), each build with its own
// cache folder (warm after the warm-up). Prints the median wall time (ms) and peak RSS per cell. A build is any
// checkout with a built dist/, e.g. `git worktree add ../kf-old <commit> && (cd ../kf-old && npm ci && npm run build)`.
// Asserts nothing but each command's exit code.
// Usage: node bench/builds.mjs --builds label=dir,label=dir [--node machine,24,26] [--runs 11] [--kubeconfig file]
//   (--kubeconfig adds `list -A` against that cluster)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { opt, nodes, root, table, makeCharts, measureAll, f } from './lib.mjs';

const runs = Number(opt('runs', '11'));
const builds = opt('builds', `current=${root}`).split(',').map((s) => {
  const [label, dir] = s.includes('=') ? s.split('=') : [path.basename(s), s];
  const bin = path.join(path.resolve(dir), 'dist/bin/kfchart.js');
  if (!existsSync(bin)) throw new Error(`--builds ${s}: no ${bin} (build it first)`);
  return { label, bin };
});
const list = nodes();
const kc = opt('kubeconfig');
const { kf: chart100 } = makeCharts(100, path.join(root, 'bench/.out/builds'));
const cmds = [
  ['version', ['version']],
  ['template of 100 ConfigMaps', ['template', 'b', chart100]],
  ['template charts/kubeflow', ['template', 'k', path.join(root, 'charts/kubeflow'), '-f', path.join(root, 'examples/values-minimal.yaml')]],
  ...(kc ? [['list -A', ['list', '-A', '--kubeconfig', kc]]] : []),
];
const caches = mkdtempSync(path.join(tmpdir(), 'kfchart-bench-builds-'));
const cells = cmds.flatMap(([label, args]) => list.flatMap((n) => builds.map((b, i) => ({
  label, n, cmd: [n.bin, [b.bin, ...args], { env: { ...process.env, KFCHART_CACHE_HOME: path.join(caches, String(i)) } }],
}))));
let results;
try {
  results = measureAll(cells.map((c) => c.cmd), runs);
} finally {
  rmSync(caches, { recursive: true, force: true });
}
const rows = [];
for (let i = 0; i < cells.length; i += builds.length) {
  rows.push([cells[i].label, cells[i].n.label, ...builds.map((_, b) => `${f(results[i + b].ms, 0)} ms, ${f(results[i + b].rss, 1)} MiB`)]);
}
console.log(`\nbench/builds — medians of ${runs} in turns after one warm-up round (wall, peak RSS)\n`);
console.log(table([['command', 'Node', ...builds.map((b) => b.label)], ...rows]));
