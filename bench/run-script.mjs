// Runs a script built by buildScript (bench/lib.mjs) the way kfchart runs its CLI: the bin's V8 heap setting first,
// then kfchart's own loader (engine/cache/code.ts runScriptBundle) with V8's code cache under bench/.out/<name>/cache
// (warmed by the untimed first run of each command). Kept to Node built-ins and those two modules of dist/ (what the
// launcher bundles): it is part of what is measured.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tuneHeap } from '../dist/bin/heap.js';

export async function runBuilt(script, tag) {
  // before the script is compiled (the code cache records V8's flags), as bin/launch.ts does
  tuneHeap();
  process.env.KFCHART_CACHE_HOME = path.join(path.dirname(script), 'cache');
  const { runScriptBundle } = await import('../dist/engine/cache/code.js');
  runScriptBundle(script, readFileSync(`${script}.id`, 'utf8'), tag);
}
