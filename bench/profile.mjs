#!/usr/bin/env node
// bench/profile: where `kfchart template` of the bench chart spends its time and memory, under each Node.
//  1. one run with --cpu-prof (sampling every 100 µs): self time by group (GC, V8 "(program)", module loading,
//     node built-ins, each bundle chunk) and the inclusive time of the heaviest bundle functions (the bundle keeps
//     function names). One run: indicative only.
//  2. peak RSS and wall of the same command under V8 heap flags given on the node command line (none,
//     --semi-space-growth-factor=1, --max-semi-space-size=1/2/4, --single-threaded-gc), all variants and Nodes in
//     turns, median of --runs (default 5): what a per-Node V8 setting would buy, measured. (On Node 20, 24 and 26 the bin
//     already sets --semi-space-growth-factor=1 itself.)
// Usage: node bench/profile.mjs [--node machine,24,26] [--sizes 2000] [--flag-sizes 2000,10000] [--runs 5] [--no-build]
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { root, opt, prepare, nodes, makeCharts, measureAll, kfchart, f, table } from './lib.mjs';

const sizes = opt('sizes', '2000').split(',').map(Number);
prepare();
const list = nodes();
const out = path.join(root, 'bench/.out/profile');

// Which package a bundled function comes from, by its name or its chunk (the bundle keeps function names).
const chunkOf = (url) => (url.includes('/dist/bin/') ? path.basename(url) : url);
function group(frame) {
  const { functionName: fn, url } = frame.callFrame;
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return '(program): V8 compile, native';
  if (fn === '(idle)') return '(idle)';
  if (fn === '(root)') return '(root)';
  if (url.startsWith('node:internal/modules') || url.startsWith('node:internal/vm')) return 'node: module loading';
  if (url.startsWith('node:')) return 'node: other built-ins';
  if (/node_modules[\\/](js-yaml)/.test(url)) return 'js-yaml';
  if (/node_modules[\\/](ajv|ajv-formats)/.test(url)) return 'ajv';
  if (/node_modules[\\/]/.test(url)) return `node_modules: ${url.split(/node_modules[\\/]/).pop().split(/[\\/]/)[0]}`;
  if (url.includes('/dist/bin/')) return `bundle: ${chunkOf(url)}`;
  if (url.includes(`${path.sep}.cache${path.sep}`) || url.includes('kfchart/templates')) return 'precompiled templates (cache)';
  return url || '(native)';
}

function cpuSummary(file) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = new Map();
  p.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const self = new Map();
  const incl = new Map();
  let total = 0;
  for (const [id, us] of dt) {
    total += us;
    const n = byId.get(id);
    const g = group(n);
    self.set(g, (self.get(g) ?? 0) + us);
    // inclusive time per bundle function (each name once per stack)
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const c = byId.get(cur).callFrame;
      if (!c.url.includes('/dist/bin/') || !c.functionName) continue;
      const key = `${c.functionName} (${chunkOf(c.url)})`;
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + us);
    }
  }
  return { total, self, incl, wall: (p.endTime - p.startTime) };
}

for (const size of sizes) {
  const { kf } = makeCharts(size, path.join(root, 'bench/.out/profile-charts'));
  for (const n of list) {
    const dir = path.join(out, `${n.major}-${size}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const run = (flags) => {
      const r = spawnSync(n.bin, [...flags, kfchart, 'template', 'bench', kf], { encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    run([]); // warm the template cache
    run(['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir]);
    const files = readdirSync(dir);
    const cpu = cpuSummary(path.join(dir, files.find((x) => x.endsWith('.cpuprofile'))));
    const ms = (us) => `${f(us / 1000, 0)} ms`;
    console.log(`\n${n.label}, template of ${size.toLocaleString('en')} ConfigMaps: profiled ${ms(cpu.wall)} ` +
      `(sampled ${ms(cpu.total)}; profiles in ${path.relative(root, dir)})\n`);
    console.log(table([['self time by group', 'ms', 'share'],
      ...[...cpu.self].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([g, us]) => [g, f(us / 1000, 0), `${f((100 * us) / cpu.total, 0)} %`])]));
    console.log('\n' + table([['heaviest bundle functions (inclusive)', 'ms'],
      ...[...cpu.incl].sort((a, b) => b[1] - a[1]).slice(0, 16).map(([k, us]) => [k, f(us / 1000, 0)])]));
  }
}

// 2. V8 heap flags.
const flagSizes = opt('flag-sizes', '2000,10000').split(',').filter(Boolean).map(Number);
const runs = Number(opt('runs', '5'));
const variants = [[], ['--semi-space-growth-factor=1'], ['--max-semi-space-size=1'], ['--max-semi-space-size=2'], ['--max-semi-space-size=4'], ['--single-threaded-gc']];
for (const size of flagSizes) {
  const { kf } = makeCharts(size, path.join(root, 'bench/.out/profile-charts'));
  const cmds = list.flatMap((n) => variants.map((v) => [n.bin, [...v, kfchart, 'template', 'bench', kf]]));
  const r = measureAll(cmds, runs);
  console.log(`\nV8 heap flags, template of ${size.toLocaleString('en')} ConfigMaps: wall, peak RSS (median of ${runs}, in turns)\n`);
  console.log(table([['flags', ...list.map((n) => n.label)],
    ...variants.map((v, i) => [v.join(' ') || '(none)', ...list.map((n, j) => {
      const m = r[j * variants.length + i];
      return `${f(m.wall)} s, ${f(m.rss, 0)} MiB`;
    })])]));
}
