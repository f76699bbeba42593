// The shipped CLI is the esbuild bundle (scripts/bundle.mjs; `npm test` builds it before the unit suites): package.json
// names it, it starts, and the start-up savings the build applies are present in its output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cliDir = path.join(root, 'dist/bin');
const files = () => [path.join(cliDir, 'kfchart.js'), ...readdirSync(path.join(cliDir, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => path.join(cliDir, 'chunks', f))];

test('package.json bin is the bundle, and it runs', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; version: string };
  assert.is(pkg.bin.kfchart, 'dist/bin/kfchart.js');
  const entry = readFileSync(path.join(root, pkg.bin.kfchart), 'utf8');
  assert.ok(entry.startsWith('#!/usr/bin/env node\n'), 'shebang first');
  assert.match(entry, /__kfchartCreateRequire/); // scripts/bundle.mjs's banner: tsc's output was replaced
  assert.match(entry, /import "\.\/chunks\/chunk-[A-Z0-9]+\.js"/);
  assert.not.match(entry, /from "\.\.\/engine\//);
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

test('client-node: only its KubeConfig module is bundled, in one chunk that the entry does not import statically', () => {
  const holders = files().filter((f) => readFileSync(f, 'utf8').includes('KubeConfig = class'));
  assert.is(holders.length, 1, holders.join(', '));
  const chunk = holders[0]!;
  assert.ok(chunk.includes(`${path.sep}chunks${path.sep}`), chunk);
  // the package index with every generated API client bundles to ~15 MB; KubeConfig's module alone to ~1.5 MB
  assert.ok(statSync(chunk).size < 4 * 1024 * 1024, `${chunk}: ${statSync(chunk).size} bytes`);
  const name = path.basename(chunk);
  for (const f of files()) {
    const text = readFileSync(f, 'utf8');
    assert.not.match(text, /from "@kubernetes\/client-node/, f);
    assert.not.ok(new RegExp(`^import [^;]*"\\./(?:chunks/)?${name.replace('.', '\\.')}"`, 'm').test(text), `${f} imports ${name} statically`);
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

test('Node\'s compile cache goes to <cache>/compile (0700) on Nodes that have it; NODE_DISABLE_COMPILE_CACHE turns it off', () => {
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
        const r = spawnSync(bin, [path.join(cliDir, 'kfchart.js'), 'version'], { encoding: 'utf8', env });
        assert.is(r.status, 0, r.stderr);
        const dir = path.join(home, 'compile');
        const made = existsSync(dir) && readdirSync(dir).length > 0;
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
