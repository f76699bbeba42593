// The shipped CLI is the esbuild bundle (scripts/bundle.mjs; `npm test` builds it before the unit suites): package.json
// names its launcher, it starts, the CLI script runs from V8's code cache, and the start-up savings the build applies
// are present in its output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cliDir = path.join(root, 'dist/bin');
const script = path.join(cliDir, 'chunks/kfchart.cjs');
const files = () => [path.join(cliDir, 'kfchart.js'), ...readdirSync(path.join(cliDir, 'chunks')).filter((f) => /\.c?js$/.test(f)).map((f) => path.join(cliDir, 'chunks', f))];

test('package.json bin is the bundle, and it runs', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; version: string };
  assert.is(pkg.bin.kfchart, 'dist/bin/kfchart.js');
  const entry = readFileSync(path.join(root, pkg.bin.kfchart), 'utf8');
  assert.ok(entry.startsWith('#!/usr/bin/env node\n'), 'shebang first');
  // the launcher (tsc's CLI root was replaced): Node built-ins only, and the CLI script it runs
  assert.match(entry, /runScriptBundle\(fileURLToPath\(new URL\("\.\/chunks\/kfchart\.cjs", import\.meta\.url\)\), "[0-9a-f]{16}", commandWord\(/);
  for (const m of entry.matchAll(/^import .* from "([^"]+)";$/gm)) assert.match(m[1]!, /^node:/, `the launcher imports ${m[1]}`);
  assert.ok(statSync(path.join(root, pkg.bin.kfchart)).size < 16 * 1024, 'the launcher is small');
  assert.is(statSync(path.join(root, pkg.bin.kfchart)).mode & 0o111, 0o111, 'executable');
  const direct = spawnSync(path.join(root, pkg.bin.kfchart), ['version'], { encoding: 'utf8' });
  assert.is(direct.status, 0, `run as a program: ${direct.stderr}`);
  const r = spawnSync(process.execPath, [path.join(root, pkg.bin.kfchart), 'version'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^kfchart ${pkg.version.replace(/\./g, '\\.')} `));
});

test('the V8 setting the bin makes at start-up is one each Node knows: no V8 line on stderr (machine Node, and bench/.tools Node 24 / 26 when fetched)', () => {
  const bins = [process.execPath, ...[24, 26].map((m) => path.join(root, `bench/.tools/node${m}/bin/node`)).filter((b) => { try { return statSync(b).isFile(); } catch { return false; } })];
  for (const bin of bins) {
    const r = spawnSync(bin, [path.join(cliDir, 'kfchart.js'), 'template', path.join(root, 'charts/metallb')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.is(r.status, 0, `${bin}: ${r.stderr}`);
    assert.is(r.stderr, '', `${bin} printed on stderr`);
    assert.match(r.stdout, /^kind: /m);
  }
});

test('no Intl.Segmenter is built when a module loads (string-width made lazy by the build)', () => {
  let uses = 0;
  for (const f of files()) {
    const text = readFileSync(f, 'utf8');
    assert.not.match(text, /^\s*(?:var|let|const) \w+ = new Intl\.Segmenter\(/m, f);
    uses += (text.match(/\?\?= new Intl\.Segmenter\(\)/g) ?? []).length;
  }
  assert.ok(uses >= 1, 'expected the lazy form in the bundle');
});

test('client-node (its KubeConfig module only) and openpgp are side bundles the CLI script requires on first use', () => {
  const cli = readFileSync(script, 'latin1');
  for (const [lib, file, mark] of [['client-node', 'client-node.cjs', 'KubeConfig = class'], ['openpgp', 'openpgp.cjs', 'PrivateKey']] as const) {
    const side = path.join(cliDir, 'chunks', file);
    assert.ok(readFileSync(side, 'latin1').includes(mark), `${file} holds ${lib}`);
    // the package index with every generated API client bundles to ~15 MB; KubeConfig's module alone to ~1.8 MB
    assert.ok(statSync(side).size < 4 * 1024 * 1024, `${file}: ${statSync(side).size} bytes`);
    // one require of it, inside a lazily evaluated module of esbuild's (`__commonJS`), not at the script's top level
    const uses = cli.split(`require(require("node:path").join(__dirname, "${file}"))`).length - 1;
    assert.is(uses, 1, `${file} required once`);
    const at = cli.indexOf(`require(require("node:path").join(__dirname, "${file}"))`);
    assert.match(cli.slice(Math.max(0, at - 300), at), /= __commonJS\(\{\s*"side-bundle:[^"]+"\(exports\d*, (module\d*)\) \{\s*\1\.exports = $/, `${file} is required inside its lazy module`);
  }
  assert.not.ok(cli.includes('KubeConfig = class'), 'client-node is not in the CLI script');
  // Node's own punycode (deprecated, a warning on Node 22+) is replaced by the npm package in client-node's bundle
  assert.not.match(readFileSync(path.join(cliDir, 'chunks/client-node.cjs'), 'latin1'), /require\("punycode"\)/);
  assert.ok(statSync(script).size < 2.5 * 1024 * 1024, `the CLI script: ${statSync(script).size} bytes`);
});

test('the CLI script: a strict-mode function expression, ASCII only (read as a one-byte string)', () => {
  const bytes = readFileSync(script);
  assert.ok(bytes.every((b) => b < 0x80), 'ASCII');
  const text = bytes.toString('latin1');
  assert.ok(text.startsWith('(function (exports, require, module, __filename, __dirname, __kfchartModuleUrl) {\n"use strict";\n'), text.slice(0, 120));
  assert.match(text, /\n\}\)\n(?:\/\*![^\n]*\*\/\n)?$/);
  assert.not.match(text, /import\.meta/, 'import.meta became the wrapper parameter');
  // no import(): a script compiled from cached data has no dynamic-import callback on Node 20 (and one would print an
  // experimental-feature warning on Node 24+); esbuild turned those of Node built-ins into require
  assert.not.match(text, /(?:^|[^\w$.])import\s*\(/m);
});

/** Runs the launcher with its cache in `home`; returns the result. */
function runIn(home: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const e: NodeJS.ProcessEnv = { ...process.env };
  delete e.NODE_OPTIONS;
  delete e.NODE_DISABLE_COMPILE_CACHE;
  Object.assign(e, { KFCHART_CACHE_HOME: home }, env);
  return spawnSync(process.execPath, [path.join(cliDir, 'kfchart.js'), ...args], { encoding: 'utf8', env: e, maxBuffer: 1 << 26 });
}

test('V8 code cache of the CLI script: one entry per command, 0600 in a 0700 folder, used by the next run, remade when refused', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'kfchart-v8-'));
  try {
    const first = runIn(home, ['version']);
    assert.is(first.status, 0, first.stderr);
    const builds = readdirSync(path.join(home, 'compile')).filter((d) => d.startsWith('kfchart-'));
    assert.is(builds.length, 1, builds.join(', '));
    const folder = path.join(home, 'compile', builds[0]!);
    assert.is(statSync(folder).mode & 0o777, 0o700);
    const entries = () => readdirSync(folder).sort();
    assert.equal(entries(), [`version-${process.version}-${process.arch}-${entries()[0]!.split('-').pop()!.replace('.v8', '')}.v8`]);
    const entry = path.join(folder, entries()[0]!);
    assert.is(statSync(entry).mode & 0o777, 0o600);
    const made = statSync(entry).mtimeMs;
    // a second run reads it and writes nothing
    assert.is(runIn(home, ['version']).stdout, first.stdout);
    assert.is(statSync(entry).mtimeMs, made, 'an accepted entry is not rewritten');
    // another command has its own entry; output is the same from the entry as without it (istio: no generated secrets)
    const t = runIn(home, ['template', 'x', path.join(root, 'charts/istio')]);
    assert.is(t.status, 0, t.stderr);
    assert.is(entries().length, 2);
    assert.ok(entries().some((f) => f.startsWith('template-')));
    const again = runIn(home, ['template', 'x', path.join(root, 'charts/istio')]);
    assert.is(again.stdout, t.stdout);
    // an entry V8 refuses (here: garbage) is compiled around and written again
    writeFileSync(entry, 'not a code cache');
    const r = runIn(home, ['version']);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, first.stdout);
    assert.ok(statSync(entry).size > 10_000, 'a real entry replaced the refused one');
    // other Node options: another entry (V8 refuses an entry made under other flags)
    assert.is(runIn(home, ['version'], { NODE_OPTIONS: '--max-old-space-size=300' }).status, 0);
    assert.is(entries().filter((f) => f.startsWith('version-')).length, 2);
    // another build's folder goes when this build writes its first entry
    rmSync(folder, { recursive: true });
    const stale = path.join(home, 'compile', 'kfchart-0000000000000000');
    mkdirSync(stale, { mode: 0o700 });
    writeFileSync(path.join(stale, 'x.v8'), 'old');
    assert.is(runIn(home, ['version']).status, 0);
    assert.not.ok(existsSync(stale), 'the stale build folder was removed');
    assert.ok(existsSync(folder));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('V8 code cache: NODE_DISABLE_COMPILE_CACHE writes none, and a cache folder that cannot be made is no error', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'kfchart-v8-'));
  try {
    const r = runIn(home, ['version'], { NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.is(r.status, 0, r.stderr);
    assert.not.ok(existsSync(path.join(home, 'compile')), 'nothing written');
    const file = path.join(home, 'a-file');
    writeFileSync(file, '');
    const f = runIn(file, ['version']);
    assert.is(f.status, 0, f.stderr);
    assert.is(f.stderr, '');
    assert.match(f.stdout, /^kfchart /);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

/** Runs the bundle with a preload that counts the Unicode-property regular expressions built (string-width's). */
function emojiRegexps(args: string[]): number {
  const preload = `const R = globalThis.RegExp; let n = 0;
globalThis.RegExp = new Proxy(R, { construct(t, a, nt) { if (String(a[0]).includes('RGI_Emoji')) n++; return Reflect.construct(t, a, nt); } });
process.on('exit', () => process.stderr.write('\\nRGI_EMOJI=' + n + '\\n'));`;
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(preload)}`, path.join(cliDir, 'kfchart.js'), ...args], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return Number(/RGI_EMOJI=(\d+)/.exec(r.stderr)?.[1]);
}

test('yargs\' help layout (cliui, string-width) loads only when help is printed (the bundle makes it lazy)', () => {
  assert.is(emojiRegexps(['version']), 0, 'version builds no layout regular expression');
  assert.is(emojiRegexps(['template', path.join(root, 'charts/metallb')]), 0, 'nor does template');
  assert.ok(emojiRegexps(['--help']) >= 1, 'help does (so the count can see it)');
});

test('the CLI script carries the strict-mode rewrite\'s fingerprint that tsc\'s output computes, so no run hashes the rewrite\'s source', async () => {
  const { rewriteFingerprint } = (await import(pathToFileURL(path.join(root, 'dist/engine/render/strict.js')).href)) as { rewriteFingerprint: () => string };
  const fp = rewriteFingerprint();
  assert.match(fp, /^[0-9a-f]{16}$/);
  const cli = readFileSync(script, 'latin1');
  const at = cli.indexOf('fingerprint ??= ');
  assert.ok(at > 0, 'rewriteFingerprint is in the script');
  assert.ok(cli.slice(at, at + 80).includes(`true ? ${JSON.stringify(fp)} :`), cli.slice(at, at + 80));
});

/** Runs the bundled CLI with a preload that reports at exit whether the Node built-in `builtin` was loaded. */
function loadsBuiltin(bin: string, args: string[], env: NodeJS.ProcessEnv, builtin: string, status = 0): boolean {
  const preload = `process.on('exit', () => process.stderr.write('\\nLOADED=' + process.moduleLoadList.includes('NativeModule ${builtin}') + '\\n'));`;
  const r = spawnSync(bin, ['--import', `data:text/javascript,${encodeURIComponent(preload)}`, path.join(cliDir, 'kfchart.js'), ...args], { encoding: 'utf8', env });
  assert.is(r.status, status, r.stderr);
  const m = /LOADED=(true|false)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return m![1] === 'true';
}
const loadsCrypto = (bin: string, args: string[], env: NodeJS.ProcessEnv) => loadsBuiltin(bin, args, env, 'crypto');

test('a plain command line runs without yargs (engine/cli/fast-parse.ts); help and a usage error load it (node:assert, which yargs\' platform shim requires, is the probe)', () => {
  const env = { ...process.env };
  const chart = path.join(root, 'charts/metallb');
  assert.is(loadsBuiltin(process.execPath, ['template', 'm', chart, '--set', 'logLevel=debug', '-n', 'ns'], env, 'assert'), false, 'template');
  assert.is(loadsBuiltin(process.execPath, ['version'], env, 'assert'), false, 'version');
  assert.ok(loadsBuiltin(process.execPath, ['template', '--help'], env, 'assert'), '--help');
  assert.ok(loadsBuiltin(process.execPath, ['template', chart, '--nosuch'], env, 'assert', 2), 'an unknown flag');
});

test('template loads no node:crypto (cache keys are textHash), cold and warm caches, on each Node; a chart that hashes does load it', () => {
  const nodes = [process.execPath, ...[24, 26].map((m) => path.join(root, `bench/.tools/node${m}/bin/node`))].filter((b) => {
    try { return statSync(b).isFile(); } catch { return false; }
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'kfchart-nocrypto-'));
  try {
    const chart = path.join(dir, 'chart');
    mkdirSync(path.join(chart, 'templates'), { recursive: true });
    writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 1.0.0\n');
    writeFileSync(path.join(chart, 'values.yaml'), 'items: [a, b]\nlabels: {app: c}\n');
    writeFileSync(path.join(chart, 'values.schema.json'), JSON.stringify({ type: 'object', properties: { items: { type: 'array', items: { type: 'string' } } } }));
    writeFileSync(path.join(chart, 'templates/cm.yaml'), '{{#each values.items}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{this}}\n  labels:{{nindent 4 (toYaml @root.values.labels)}}\n{{/each}}\n');
    for (const bin of nodes) {
      const env = { ...process.env, KFCHART_CACHE_HOME: path.join(dir, `cache-${path.basename(path.dirname(path.dirname(bin)))}`) };
      assert.is(loadsCrypto(bin, ['template', 'r', chart], env), false, `${bin}: cold caches`);
      assert.is(loadsCrypto(bin, ['template', 'r', chart], env), false, `${bin}: warm caches`);
      assert.is(loadsBuiltin(bin, ['template', 'r', chart], env, 'zlib'), false, `${bin}: short texts are hashed without node:zlib`);
      assert.ok(readdirSync(path.join(env.KFCHART_CACHE_HOME, 'templates')).length >= 1, 'the template cache was written');
      assert.ok(readdirSync(path.join(env.KFCHART_CACHE_HOME, 'validators')).length >= 1, 'the validator cache was written');
    }
    writeFileSync(path.join(chart, 'templates/sum.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sum\ndata:\n  sum: {{sha256sum "x"}}\n');
    assert.ok(loadsCrypto(process.execPath, ['template', 'r', chart], { ...process.env, KFCHART_CACHE_HOME: path.join(dir, 'cache-sum') }), 'sha256sum takes node:crypto (the probe sees it)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Node\'s compile cache (modules the CLI script loads at run time: ajv on a validator-cache miss) goes to <cache>/compile (0700) on Nodes that have it; NODE_DISABLE_COMPILE_CACHE turns it off', () => {
  const nodes = [process.execPath, ...[24, 26].map((m) => path.join(root, `bench/.tools/node${m}/bin/node`))].filter((b) => {
    try { return statSync(b).isFile(); } catch { return false; }
  });
  let checked = 0;
  for (const bin of nodes) {
    const has = spawnSync(bin, ['-p', "typeof require('node:module').enableCompileCache"], { encoding: 'utf8' }).stdout.trim() === 'function';
    for (const disable of [false, true]) {
      const home = mkdtempSync(path.join(tmpdir(), 'kfchart-cc-'));
      try {
        const env: NodeJS.ProcessEnv = { ...process.env, KFCHART_CACHE_HOME: home };
        delete env.NODE_COMPILE_CACHE;
        if (disable) env.NODE_DISABLE_COMPILE_CACHE = '1'; else delete env.NODE_DISABLE_COMPILE_CACHE;
        const r = spawnSync(bin, [path.join(cliDir, 'kfchart.js'), 'template', 'x', path.join(root, 'charts/metallb')], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
        assert.is(r.status, 0, r.stderr);
        const dir = path.join(home, 'compile');
        // Node's own entries: its folders, beside kfchart's code cache of the CLI script (kfchart-<build>/, every Node)
        const nodeEntries = existsSync(dir) ? readdirSync(dir).filter((d) => !d.startsWith('kfchart-')) : [];
        assert.is(existsSync(dir) && readdirSync(dir).some((d) => d.startsWith('kfchart-')), !disable, `${bin}: kfchart's code cache (disabled: ${disable})`);
        const made = nodeEntries.length > 0;
        assert.is(made, has && !disable, `${bin} (enableCompileCache: ${has}, disabled: ${disable})`);
        if (made) {
          assert.is(statSync(dir).mode & 0o777, 0o700);
          checked++;
        }
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    }
  }
  if (process.env.CI) assert.ok(checked >= 1, 'under CI, Node 24/26 from bench/tools.sh are there: at least one Node writes a compile cache');
});

test('Handlebars: one copy of each of its modules in the bundle, and its compiler required only inside loadCompiler', () => {
  const texts = files().map((f) => readFileSync(f, 'utf8'));
  const copies = (m: string) => texts.reduce((n, t) => n + t.split(`\n// node_modules/handlebars/dist/cjs/${m}\n`).length - 1, 0);
  assert.is(copies('handlebars/base.js'), 1, 'the runtime, bundled once');
  assert.is(copies('handlebars/compiler/parser.js'), 1, 'the compiler, bundled (not left to createRequire)');
  const holder = texts.find((t) => t.includes('function loadCompiler()'));
  assert.ok(holder, 'loadCompiler is in the bundle');
  const body = holder!.slice(holder!.indexOf('function loadCompiler()'));
  assert.match(body.slice(0, 400), /= require_compiler\(\);/, 'loadCompiler requires the bundled compiler');
  assert.is(texts.reduce((n, t) => n + (t.match(/require_compiler\(\)/g) ?? []).length, 0), 1, 'and nothing else does');
});

test.run();
