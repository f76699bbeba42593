#!/usr/bin/env node
// Bundles the compiled CLI (dist/bin/kfchart.js, from tsc) into dist/cli/kfchart.js plus lazily loaded chunks, with
// esbuild. Why: Node 20 has no compile cache for ES modules, and resolving, reading and linking ~150 small module
// files (ours, yargs', handlebars', semver's) is a large share of every command's start-up (bench/render.mjs prints
// the figures). Code splitting keeps every `await import()` lazy, so `template` still loads no archive, signing or
// cluster code. Not bundled: @kubernetes/client-node (large, loaded only by cluster commands) and what the code
// loads through createRequire at run time (ajv for values schemas, node-forge, bcryptjs): those resolve from
// node_modules next to dist/, as before.
// Usage: node scripts/bundle.mjs   (part of `npm run build`, after tsc)

import { build } from 'esbuild';
import { rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist/bin/kfchart.js');
const outdir = path.join(root, 'dist/cli');
if (!existsSync(entry)) {
  console.error(`scripts/bundle.mjs: ${path.relative(root, entry)} is missing; run tsc first (npm run build)`);
  process.exit(1);
}
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { kfchart: entry },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['@kubernetes/client-node'],
  // CommonJS packages inside the bundle (handlebars, semver) call require() for Node built-ins.
  banner: { js: "import { createRequire as __kfchartCreateRequire } from 'node:module'; const require = __kfchartCreateRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
});
