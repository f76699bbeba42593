// The floor of kfchart's design: the least work any `template` built on our libraries must do — import handlebars
// and js-yaml, compile and render the bench chart's template, parse the rendered text back into objects (with
// kfchart's own parser, engine/yaml parseYamlAll from dist/: the block reader, js-yaml when it declines) — with
// nothing else: no CLI, no values merge or schema, no checks, no output. `toYaml`/`nindent` return precomputed
// text, so rendering costs as little as it can. The program (bench/floor-program.mjs) is bundled into one script and
// run from V8's code cache by kfchart's own loader (engine/cache/code.ts), as the CLI is: the floor gets every
// start-up saving kfchart has.
//
// Two uses:
//   node bench/floor-pipeline.mjs [--node machine,24,26] [--sizes 2000] [--runs 5] [--no-build]
//     measures the floor under each Node (whole processes, in turns; median wall time and peak RSS) and prints it
//     next to `helm template` of the same chart, with the ratio floor/helm: no kfchart design on these libraries
//     can be faster than this on that Node.
//   node bench/floor-pipeline.mjs <import|render|parse> <chart dir>
//     one step (what the measurement runs; bench/render.mjs runs it too, at 2,000 objects).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBuilt } from './run-script.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// built by buildScript (bench/lib.mjs, for measureFloor) before anything is measured
const script = path.join(here, '.out/floor/floor.cjs');

const [mode] = process.argv.slice(2);
if (['import', 'render', 'parse'].includes(mode)) await step(mode);
else await driver();

async function step(mode) {
  await runBuilt(script, mode);
}

async function driver() {
  const lib = await import('./lib.mjs');
  const { opt, prepare, nodes, makeCharts, measureFloor, floorTable, helm, f, table, helmVersion } = lib;
  const runs = Number(opt('runs', '5'));
  const sizes = opt('sizes', '2000').split(',').map(Number);
  prepare();
  const list = nodes();
  console.log(`bench/floor-pipeline — median of ${runs} runs, whole processes in turns, ${helmVersion()}; ` +
    `Nodes: ${list.map((n) => n.label).join(', ')}`);
  for (const n of sizes) {
    const { kf, hm } = makeCharts(n, path.join(lib.root, 'bench/.out/floor'));
    const rows = await measureFloor(list, kf, runs, [[helm, ['template', 'bench', hm]]]);
    const [h] = rows.extra;
    console.log(`\n${n.toLocaleString('en')} objects (helm template: ${f(h.wall)} s, ${f(h.rss, 0)} MiB)\n`);
    console.log(floorTable(rows));
    console.log('\n' + table([
      ['Node', 'floor / helm wall', 'floor / helm RSS'],
      ...rows.map((r) => [r.n.label, `${f(r.parsed.wall / h.wall)}×`, `${f(r.parsed.rss / h.rss)}×`]),
    ]));
  }
}
