#!/usr/bin/env node
// Bundles the compiled CLI (tsc's dist/) with esbuild into what the package runs:
//   dist/bin/kfchart.js            the launcher (bin/launch.ts, the bin package.json names): one small ES module
//   dist/bin/chunks/kfchart.cjs    the CLI (bin/kfchart.ts and everything it imports): one CommonJS script, wrapped as
//                                  a function expression, that the launcher compiles with V8's code cache (the form is
//                                  scripts/script-format.mjs's, which the bench programs share)
//   dist/bin/chunks/client-node.cjs, openpgp.cjs
//                                  the two big libraries only a few commands need (client-node's KubeConfig for exec
//                                  plugins, auth-providers and the in-cluster account; openpgp for signing): required
//                                  on first use, so the CLI script other commands compile stays ~1.9 MB, not ~3.7 MB
// Why one script: V8 can cache the compiled code of a script (vm.Script cachedData) on every Node, including the
// functions compiled while a command ran; Node 20 has no compile cache, and Node 22+'s caches ES modules before their
// functions are compiled (engine/cache/code.ts runScriptBundle has the figures). The bundle stays lazy where the code
// is: every `await import()` of kfchart's own modules becomes a function esbuild calls on first use, so `template`
// still evaluates no archive, signing or cluster code. Not bundled: what the code loads through createRequire at run
// time (ajv for values schemas, node-forge, bcryptjs): those resolve from node_modules next to dist/, as before.
// If only tsc has run, dist/bin/kfchart.js is the unbundled CLI and works as well, just slower.
// Usage: node scripts/bundle.mjs   (part of `npm run build`, after tsc)

import { build } from 'esbuild';
import { chmodSync, mkdirSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SCRIPT_OPTIONS, WRAP_OPEN, ascii, scriptId } from './script-format.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist/bin/kfchart.js');
const launcher = path.join(root, 'dist/bin/launch.js');
const chunks = path.join(root, 'dist/bin/chunks');
/** In the bundled launcher only (esbuild prints strings with double quotes; the sources' comments name the file too). */
const LAUNCHER_MARK = '"./chunks/kfchart.cjs"';
if (!existsSync(entry) || !existsSync(launcher) || readFileSync(entry, 'utf8').includes(LAUNCHER_MARK)) {
  console.error(`scripts/bundle.mjs: ${path.relative(root, entry)} is missing or already bundled; run tsc first (npm run build does both)`);
  process.exit(1);
}
rmSync(chunks, { recursive: true, force: true });

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

/** Side bundles: the import resolves to a module that requires the bundle next to the CLI script on first use. */
const SIDE = { '@kubernetes/client-node/dist/config.js': 'client-node.cjs', openpgp: 'openpgp.cjs' };
const sideBundles = {
  name: 'side-bundles',
  setup(b) {
    b.onResolve({ filter: /^(?:@kubernetes\/client-node\/dist\/config\.js|openpgp)$/ }, (args) => ({ path: args.path, namespace: 'side-bundle' }));
    b.onLoad({ filter: /.*/, namespace: 'side-bundle' }, (args) => ({
      // __dirname: the CLI script's folder (a parameter of its wrapper)
      contents: `module.exports = require(require('node:path').join(__dirname, ${JSON.stringify(SIDE[args.path])}));\n`,
      loader: 'js',
    }));
  },
};

const common = { bundle: true, platform: 'node', target: 'node20', write: false, legalComments: 'linked', logLevel: 'warning' };
mkdirSync(chunks, { recursive: true });
const written = [];
const emit = (result) => {
  for (const o of result.outputFiles) {
    writeFileSync(o.path, o.path.endsWith('.cjs') ? ascii(o.text) : o.text);
    written.push(o.path);
  }
};

// The strict-mode rewrite's fingerprint (part of every precompiled-template cache key), computed here from tsc's
// output instead of in every run (engine/render/strict.ts says why).
const { rewriteFingerprint } = await import(pathToFileURL(path.join(root, 'dist/engine/render/strict.js')).href);
const fingerprint = rewriteFingerprint();
if (!/^[0-9a-f]{16}$/.test(fingerprint)) throw new Error(`scripts/bundle.mjs: unexpected rewrite fingerprint ${fingerprint}`);

// 1. The CLI: one CommonJS script, `(function (…) { "use strict"; … })`. tsc's entry starts with a hashbang, which
// esbuild would put before the wrapper: dropped (the launcher has its own).
const cli = await build({
  ...common,
  entryPoints: [entry],
  outfile: path.join(chunks, 'kfchart.cjs'),
  ...SCRIPT_OPTIONS,
  define: { ...SCRIPT_OPTIONS.define, __kfchartRewriteFingerprint: JSON.stringify(fingerprint) },
  plugins: [lazySegmenter, lazyHelpLayout, bundledCompiler, sideBundles],
});
const cliFiles = cli.outputFiles.map((o) => {
  if (!o.path.endsWith('.cjs')) return { path: o.path, text: o.text };
  const text = o.text.replace(/^#![^\n]*\n/, '');
  // strict mode, as the ES modules it came from: the directive must be the function's first statement
  if (!text.startsWith(`${WRAP_OPEN}\n"use strict";\n`)) throw new Error(`scripts/bundle.mjs: ${path.relative(root, o.path)} does not start with the wrapper and "use strict"`);
  return { path: o.path, text };
});
emit({ outputFiles: cliFiles });

// 2. The side bundles (plain CommonJS files; Node 22+ caches their code with its compile cache).
// client-node's old node-fetch dependency (whatwg-url 5, tr46 0.0.3) requires Node's own `punycode`, which Node 22+
// reports as deprecated on stderr whenever an exec plugin loads it: bundle the npm package of the same name (the
// same code Node's module was made from, and the same API) in its place.
for (const [spec, file] of Object.entries(SIDE)) {
  emit(await build({
    ...common, stdin: { contents: `module.exports = require(${JSON.stringify(spec)});`, resolveDir: root, loader: 'js' },
    outfile: path.join(chunks, file), format: 'cjs', alias: { punycode: 'punycode/' },
  }));
}

// 3. The launcher, with the CLI script's identity for its code cache entries.
const id = scriptId(readFileSync(path.join(chunks, 'kfchart.cjs')));
emit(await build({ ...common, entryPoints: [launcher], outfile: entry, format: 'esm', define: { __kfchartBundleId: JSON.stringify(id) }, allowOverwrite: true }));
if (!readFileSync(entry, 'utf8').includes(LAUNCHER_MARK)) throw new Error('scripts/bundle.mjs: the launcher does not name chunks/kfchart.cjs');
// executable, as esbuild makes a file it writes with a hashbang (tsc wrote this one 0644)
chmodSync(entry, 0o755);
for (const f of written) if (f.endsWith('.cjs') && /[^\x00-\x7f]/.test(readFileSync(f, 'latin1'))) throw new Error(`scripts/bundle.mjs: ${path.relative(root, f)} is not ASCII`);
