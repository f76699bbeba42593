#!/usr/bin/env node
// bench/builds: an A/B of kfchart builds — the same commands run by each build's dist/bin/kfchart.js under each Node,
// every build × Node × command in turns after one warm-up round, each build with its own cache folder (warm after
// the warm-up). Prints the median wall time and peak RSS (GNU time) per cell. A build is any checkout with a built
// dist/, e.g. `git worktree add ../kf-old <commit> && (cd ../kf-old && npm ci && npm run build)`.
// Asserts nothing but each command's exit code.
// Usage: node bench/builds.mjs --builds label=dir,label=dir [--node machine,24,26] [--runs 11] [--kubeconfig file]
//   (--kubeconfig adds `list -A` against that cluster)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { opt, nodes, root, table } from './lib.mjs';

const runs = Number(opt('runs', '11'));
const builds = opt('builds', `current=${root}`).split(',').map((s) => {
  const [label, dir] = s.includes('=') ? s.split('=') : [path.basename(s), s];
  const bin = path.join(path.resolve(dir), 'dist/bin/kfchart.js');
  if (!existsSync(bin)) throw new Error(`--builds ${s}: no ${bin} (build it first)`);
  return { label, bin };
});
const list = nodes();
const kc = opt('kubeconfig');
const chart100 = path.join(root, 'bench/.out/render/kf-100');
const cmds = [
  ['version', ['version']],
  ...(existsSync(chart100) ? [['template of 100 ConfigMaps', ['template', 'b', chart100]]] : []),
  ['template charts/kubeflow', ['template', 'k', path.join(root, 'charts/kubeflow'), '-f', path.join(root, 'examples/values-minimal.yaml')]],
  ...(kc ? [['list -A', ['list', '-A', '--kubeconfig', kc]]] : []),
];
const caches = mkdtempSync(path.join(tmpdir(), 'kfchart-bench-builds-'));
const samples = new Map();
try {
  for (let i = 0; i <= runs; i++) {
    for (const [label, args] of cmds) for (const n of list) for (const [b, build] of builds.entries()) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync('/usr/bin/time', ['-f', '%M', n.bin, build.bin, ...args], {
        encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, KFCHART_CACHE_HOME: path.join(caches, String(b)) },
      });
      const wall = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${build.label}, ${n.label}, ${label}: exit ${r.status}\n${r.stderr}`);
      if (i === 0) continue; // warm-up: fills each build's caches
      const key = `${label}\0${n.label}\0${b}`;
      if (!samples.has(key)) samples.set(key, []);
      samples.get(key).push([wall, Number(r.stderr.trim().split('\n').pop()) / 1024]);
    }
  }
} finally {
  rmSync(caches, { recursive: true, force: true });
}
const med = (v) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
const rows = cmds.flatMap(([label]) => list.map((n) => [label, n.label, ...builds.map((_, b) => {
  const v = samples.get(`${label}\0${n.label}\0${b}`);
  return `${med(v.map((x) => x[0])).toFixed(0)} ms, ${med(v.map((x) => x[1])).toFixed(1)} MiB`;
})]));
console.log(`\nbench/builds — medians of ${runs} in turns after one warm-up round (wall, peak RSS)\n`);
console.log(table([['command', 'Node', ...builds.map((b) => b.label)], ...rows]));
