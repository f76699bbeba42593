#!/usr/bin/env node
// bench/startup: the start-up costs kfchart pays before a command's own work, per Node (median of --runs processes
// per cell, default 15, every cell in turns after one warm-up round):
//   - the first `require` of Node built-ins, timed inside the process: node:crypto (digests and hash helpers; since
//     stop 20 `template` loads it only for a chart that hashes), node:v8 (the heap setting, bin/heap.ts), node:https
//     (cluster commands);
//   - whole processes: `node -e 0`; an empty script run by kfchart's own loader from V8's code cache (the same
//     launcher work as kfchart's: bench/run-script.mjs); `kfchart version`. The difference between the last two is
//     what the CLI itself costs every command: the command table, reading the command line (engine/cli/fast-parse.ts,
//     or yargs), the script's top level.
// Asserts nothing. Usage: node bench/startup.mjs [--node machine,24,26] [--runs 15] [--no-build]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { opt, prepare, nodes, buildScript, kfchart, f, table } from './lib.mjs';

const runs = Number(opt('runs', '15'));
prepare();
const list = nodes();
const script = await buildScript('startup');
const probe = path.join(path.dirname(script), 'probe.cjs');
writeFileSync(probe, "const t = performance.now(); require(process.argv[2]); process.stdout.write(String(performance.now() - t));\n");
const inside = ['node:crypto', 'node:v8', 'node:https'].map((m) => ({ label: `first require('${m}'), in the process`, args: [probe, m] }));
const whole = [
  { label: 'node -e 0, whole process', args: ['-e', '0'] },
  { label: 'an empty script from the code cache, whole process', args: [fileURLToPath(new URL('./startup-empty.mjs', import.meta.url))] },
  { label: 'kfchart version, whole process', args: [kfchart, 'version'] },
];
const probes = [...inside, ...whole];
const samples = list.map(() => probes.map(() => []));
for (let i = 0; i <= runs; i++) {
  list.forEach((n, a) => probes.forEach((p, b) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(n.bin, p.args, { encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${n.label} ${p.args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    if (i > 0) samples[a][b].push(b < inside.length ? Number(r.stdout) : wall); // round 0 warms up (and writes the code cache entries)
  }));
}
const med = (v) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
const m = (a, b) => med(samples[a][b]);
const rows = probes.map((p, b) => [p.label, ...list.map((_, a) => `${f(m(a, b), 1)} ms`)]);
const k = inside.length;
rows.push(['kfchart version beyond the empty script (the CLI itself)', ...list.map((_, a) => `${f(m(a, k + 2) - m(a, k + 1), 1)} ms`)]);
console.log(`\nbench/startup — medians of ${runs} processes per cell, every cell in turns, after one warm-up round\n`);
console.log(table([['', ...list.map((n) => n.label)], ...rows]));
