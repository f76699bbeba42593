// The precompiled-template cache: a second render compiles nothing, an unusable entry is recompiled, errors read the
// same through a cached template, and the disk store (engine/cache) writes private files and survives a bad folder.
// (Every other render test also compares cached and uncached renders: see renderAll in _util.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { renderChart } from '../../../engine/render/index.js';
import { diskCodeCache } from '../../../engine/cache/code.js';
import { KfError } from '../../../engine/errors.js';
import { ctx, mkChart } from './_util.js';

function counting() {
  const map = new Map<string, string>();
  const c = { gets: 0, sets: 0, map, get: (k: string) => (c.gets++, map.get(k)), set: (k: string, v: string) => void (c.sets++, map.set(k, v)) };
  return c;
}

const chart = () => mkChart({
  templates: {
    'templates/a.yaml': 'name: {{values.name}}\nlabels:{{nindent 2 (include "labels" .)}}\n',
    'templates/b.yaml': '{{#each values.items}}- {{this}}\n{{/each}}',
    'templates/c.yaml': 'name: {{values.name}}\nlabels:{{nindent 2 (include "labels" .)}}\n', // same text as a.yaml
  },
  partials: { 'templates/_labels.hbs': 'app: {{values.name}}' },
});
const values = { name: 'x', items: [1, 2] };

test('a second render takes every template from the cache; the output is the same', () => {
  const cache = counting();
  const first = renderChart(chart(), values, ctx(), { compileCache: cache });
  assert.is(cache.sets, 3, 'a.yaml and c.yaml share one entry; b.yaml; the partial');
  assert.is(cache.map.size, 3);
  const before = cache.gets;
  const second = renderChart(chart(), values, ctx(), { compileCache: cache });
  assert.is(cache.sets, 3, 'nothing compiled the second time');
  assert.is(cache.gets - before, 4, 'a.yaml, b.yaml, c.yaml and the partial looked up');
  assert.equal(second.files, first.files);
  assert.equal(renderChart(chart(), values, ctx()).files, first.files);
});

test('an entry that does not evaluate is compiled again and replaced', () => {
  const cache = counting();
  renderChart(chart(), values, ctx(), { compileCache: cache });
  for (const k of cache.map.keys()) cache.map.set(k, 'this is not (a template spec');
  const sets = cache.sets;
  const out = renderChart(chart(), values, ctx(), { compileCache: cache });
  assert.is(cache.sets - sets, 3);
  for (const v of cache.map.values()) assert.match(v, /"main":function/);
  assert.is(out.files[0]!.text, 'name: x\nlabels:\n  app: x\n');
});

test('a strict-mode error reads the same through a cached template (template, line, path)', () => {
  const bad = mkChart({ templates: { 'templates/t.yaml': 'a: 1\nb: {{values.missing.deep}}\n' } });
  const cache = counting();
  const messages: string[] = [];
  for (let i = 0; i < 3; i++) {
    try {
      renderChart(bad, {}, ctx(), i === 0 ? {} : { compileCache: cache });
      assert.unreachable('rendered');
    } catch (e) {
      assert.instance(e, KfError);
      messages.push(`${(e as KfError).message}\n${(e as KfError).details.join('\n')}`);
    }
  }
  assert.is(cache.sets, 1, 'compiled once, then taken from the cache');
  assert.match(messages[0]!, /^demo\/templates\/t\.yaml:2: /);
  assert.is(messages[1], messages[0]);
  assert.is(messages[2], messages[0]);
});

test('diskCodeCache: private files under $XDG_CACHE_HOME/kfchart/<kind>; an unusable folder is no cache, not an error', () => {
  const orig = process.env.XDG_CACHE_HOME;
  const dir = mkdtempSync(path.join(tmpdir(), 'kfchart-codecache-'));
  try {
    process.env.XDG_CACHE_HOME = dir;
    const store = diskCodeCache('templates', '.js')!;
    assert.is(store.get('k'), undefined);
    store.set('k', '{"x":1}');
    assert.is(store.get('k'), '{"x":1}');
    const folder = path.join(dir, 'kfchart', 'templates');
    assert.equal(readdirSync(folder), ['k.js']);
    assert.is(statSync(folder).mode & 0o777, 0o700);
    assert.is(statSync(path.join(folder, 'k.js')).mode & 0o777, 0o600);
    const file = path.join(dir, 'not-a-folder');
    writeFileSync(file, '');
    process.env.XDG_CACHE_HOME = file;
    const broken = diskCodeCache('templates', '.js')!;
    broken.set('k', 'x'); // cannot create a folder under a file: silently nothing
    assert.is(broken.get('k'), undefined);
  } finally {
    if (orig === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = orig;
    rmSync(dir, { recursive: true, force: true });
  }
});


test('a render whose templates all come from the cache never loads the Handlebars compiler; a miss loads it', () => {
  // A fresh process (this one has loaded the compiler long ago): render twice with one disk cache, then look at
  // Node's CommonJS cache for the parser (engine/render/handlebars.ts loads the compiler modules through require).
  const dir = mkdtempSync(path.join(tmpdir(), 'kfchart-hbc-'));
  const script = `
    import { renderChart } from ${JSON.stringify(path.resolve('engine/render/index.ts'))};
    import { diskCodeCache } from ${JSON.stringify(path.resolve('engine/cache/code.ts'))};
    import { ctx, mkChart } from ${JSON.stringify(path.resolve('test/unit/render/_util.ts'))};
    import { createRequire } from 'node:module';
    const chart = mkChart({ templates: { 'templates/a.yaml': 'name: {{values.name}}\\n{{#each values.items}}- {{this}}\\n{{/each}}' } });
    const out = renderChart(chart, { name: 'x', items: [1, 2] }, ctx(), { compileCache: diskCodeCache('templates', '.js') });
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.endsWith('/compiler/parser.js'));
    console.log(JSON.stringify({ loaded, text: out.files[0].text }));`;
  const run = () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8', env: { ...process.env, KFCHART_CACHE_HOME: dir },
    });
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { loaded: boolean; text: string };
  };
  try {
    const cold = run();
    assert.ok(cold.loaded, 'the first render compiles, so it loads the parser');
    const warm = run();
    assert.is(warm.loaded, false, 'a warm cache needs no parser');
    assert.is(warm.text, cold.text);
    assert.is(warm.text, 'name: x\n- 1\n- 2\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
test.run();
