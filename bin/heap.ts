// Owns: the V8 heap setting every kfchart process makes before it allocates much (bin/launch.ts in the installed
// bundle, bin/kfchart.ts when run from tsc's output).
// Must not: set anything that was not measured on that Node.

import { setFlagsFromString } from 'node:v8';

/**
 * Keep V8's young generation at its initial size instead of letting it double up to 16 MiB per semi-space: a CLI run
 * allocates many short-lived objects (YAML events and trees), and the doubling is what made `template` of 2,000 objects
 * peak at ~115 MiB RSS (~87 MiB with this, and no slower; bench/render.mjs). Measured per Node (bench/RESULTS.md
 * "render"): Node 20 (V8 11.3) as above; Node 24 and 26, peak RSS of `template` of 2,000 / 10,000 objects 93 / 157 MiB
 * → 81 / 116 MiB, no wall cost above the noise; and `repo update` of a 4 MiB index 142 → 112 MiB (bench/index.mjs,
 * measured when engine/repo/lenient-index.ts set it for large indexes only). (`--max-semi-space-size=1`, which cut as
 * much when given on the node command line, does nothing once the heap exists.) Only on the Nodes it was measured on:
 * an unknown flag would make V8 print an error line on stderr. Setting it again is harmless (same flags, same V8 flag hash, so the code cache of
 * engine/cache/code.ts stays valid).
 */
export function tuneHeap(): void {
  if (/^(?:20|24|26)\./.test(process.versions.node)) setFlagsFromString('--semi-space-growth-factor=1');
}
