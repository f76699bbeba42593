#!/usr/bin/env node
// Bundles the compiled CLI (dist/bin/kfchart.js, from tsc) in place with esbuild: dist/bin/kfchart.js becomes the
// bundle, with lazily loaded chunks in dist/bin/chunks/ (the bin path package.json names never changes; if only tsc
// has run, the unbundled entry works as well, just slower). Why: Node 20 has no compile cache for ES modules, and
// resolving, reading and linking ~150 small module files (ours, yargs', handlebars', semver's) is a large share of
// every command's start-up (bench/render.mjs prints the figures). Code splitting keeps every `await import()` lazy,
// so `template` still loads no archive, signing or cluster code (client-node's KubeConfig lands in a chunk of its own
// that only cluster commands load: ~0.08 s instead of ~0.65 s). Not bundled: what the code loads through
// createRequire at run time (ajv for values schemas, node-forge, bcryptjs): those resolve from node_modules next to
// dist/, as before.
// Usage: node scripts/bundle.mjs   (part of `npm run build`, after tsc)

import { build } from 'esbuild';
import { rmSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist/bin/kfchart.js');
const outdir = path.join(root, 'dist/bin');
const BANNER = "import { createRequire as __kfchartCreateRequire } from 'node:module'; const require = __kfchartCreateRequire(import.meta.url);";
if (!existsSync(entry) || readFileSync(entry, 'utf8').includes(BANNER)) {
  console.error(`scripts/bundle.mjs: ${path.relative(root, entry)} is missing or already bundled; run tsc first (npm run build does both)`);
  process.exit(1);
}
rmSync(path.join(outdir, 'chunks'), { recursive: true, force: true });

/**
 * string-width (used by yargs' help layout, three copies) builds an Intl.Segmenter when its module is evaluated:
 * ~17 ms of ICU set-up on every kfchart run, though only help output measures strings. Build it on first use
 * instead. Same behaviour; if a new string-width no longer has these lines, the file is bundled as it is, a warning
 * is printed, and test/unit/cli/bundle.test.ts fails so the saving is not lost unnoticed.
 */
const lazySegmenter = {
  name: 'lazy-segmenter',
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/, namespace: 'file' }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const decl = 'const segmenter = new Intl.Segmenter();';
      const use = 'segmenter.segment(';
      if (text.split(decl).length !== 2 || !text.includes(use)) {
        console.warn(`scripts/bundle.mjs: ${path.relative(root, args.path)} changed; its Intl.Segmenter stays eager`);
        return undefined;
      }
      return { contents: text.replace(decl, 'let segmenter;').replaceAll(use, '(segmenter ??= new Intl.Segmenter()).segment('), loader: 'js' };
    });
  },
};

/**
 * yargs needs cliui and string-width only to lay out help and usage text, but its platform shim imports them
 * statically, and their dependency tree builds Unicode-property regular expressions when it loads: string-width's
 * `new RegExp('^\\p{RGI_Emoji}$', 'v')` alone takes ~25 ms on Node 24 (measured: `kfchart version` spent 23 ms of
 * its 87 ms profile in that chunk's top level). Here the shim gets a stand-in for each that loads the real module on
 * its first call (esbuild evaluates a `require`d ES module on first use), so only output that needs a layout pays.
 * Same behaviour, same functions; test/unit/cli/bundle.test.ts checks no such regular expression is built at load.
 */
const lazyHelpLayout = {
  name: 'lazy-help-layout',
  setup(b) {
    b.onResolve({ filter: /^(?:cliui|string-width)$/ }, async (args) => {
      if (!/[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/.test(args.importer)) return undefined;
      const real = await b.resolve(args.path, { kind: 'require-call', resolveDir: args.resolveDir });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-help-layout' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-help-layout' }, (args) => ({
      contents: `let real;\nexport default function lazy(...a) { real ??= require(${JSON.stringify(args.path)}).default; return real(...a); }\n`,
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * engine/render/handlebars.js loads Handlebars' compiler through createRequire, which esbuild leaves to Node: in the
 * bundle that would be a second copy of the runtime modules the compiler shares with the bundled runtime. Here its
 * `load(...)` calls become plain `require(...)`, which esbuild bundles and evaluates on the first call (same modules,
 * one copy, still lazy). test/unit/cli/bundle.test.ts checks the form survives.
 */
const bundledCompiler = {
  name: 'bundled-handlebars-compiler',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]engine[\\/]render[\\/]handlebars\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const decl = 'const load = createRequire(import.meta.url);';
      if (text.split(decl).length !== 2) throw new Error(`scripts/bundle.mjs: ${path.relative(root, args.path)} no longer has "${decl}"`);
      return { contents: text.replace(decl, '').replace(/\bload\(/g, 'require('), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

await build({
  entryPoints: { kfchart: entry },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS packages inside the bundle (handlebars, semver) call require() for Node built-ins.
  banner: { js: BANNER },
  allowOverwrite: true,
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [lazySegmenter, lazyHelpLayout, bundledCompiler],
});
