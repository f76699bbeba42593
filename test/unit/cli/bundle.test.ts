// The shipped CLI is the esbuild bundle (scripts/bundle.mjs; `npm test` builds it before the unit suites): package.json
// names it, it starts, and the start-up savings the build applies are present in its output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
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

test.run();
