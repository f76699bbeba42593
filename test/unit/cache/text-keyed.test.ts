// Cache entries addressed by their text (engine/cache/code.ts): textHash names the file, the entry carries the text,
// and a read gives code only for exactly that text, so a shared hash, a truncated or foreign entry is a miss.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diskCodeCache, textHash, textKeyed, type CodeCache } from '../../../engine/cache/code.js';

const memory = (): CodeCache & { map: Map<string, string> } => {
  const map = new Map<string, string>();
  return { map, get: (k) => map.get(k), set: (k, v) => void map.set(k, v) };
};

test('textHash: 16 hex digits, the same for the same text, different for near texts', () => {
  assert.match(textHash(''), /^[0-9a-f]{16}$/);
  assert.is(textHash('name: {{values.name}}'), textHash('name: {{values.name}}'));
  const near = ['', '\0', 'a', 'b', 'ab', 'ba', 'aa', 'a\0', 'name: x', 'name: y', 'name: x ', 'é', '😀', 'x'.repeat(1000), 'x'.repeat(1001)];
  assert.is(new Set(near.map(textHash)).size, near.length);
});

test('textHash: no two of 50,000 similar texts share a hash, and each digit position takes every value', () => {
  const seen = new Map<string, string>();
  const digits = Array.from({ length: 16 }, () => new Set<string>());
  for (let i = 0; i < 50_000; i++) {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n`;
    const h = textHash(text);
    assert.is(seen.get(h), undefined, `${JSON.stringify(text)} and ${JSON.stringify(seen.get(h))} share ${h}`);
    seen.set(h, text);
    [...h].forEach((d, p) => digits[p]!.add(d));
  }
  digits.forEach((d, p) => assert.is(d.size, 16, `digit ${p}`));
});

test('textHash of long texts (CRC-32 and a sampled lane): a one-character change anywhere, or a different length, changes it', () => {
  const base = 'x: 1\n'.repeat(2000); // 10,000 characters, over the native threshold
  const seen = new Set([textHash(base)]);
  for (const at of [0, 1, 4999, 5000, 7777, 9998, 9999]) {
    const changed = `${base.slice(0, at)}y${base.slice(at + 1)}`;
    assert.is(changed.length, base.length);
    seen.add(textHash(changed));
  }
  seen.add(textHash(base + ' '));
  seen.add(textHash(base.slice(1)));
  seen.add(textHash(base.replace('x: 1', 'x: é')));
  assert.is(seen.size, 11);
  assert.match(textHash(base), /^[0-9a-f]{16}$/);
  const edge = 'a'.repeat(2047);
  assert.is.not(textHash(edge), textHash(`${edge}a`), 'either side of the threshold');
});

test('textKeyed: the code comes back for its text only; the entry is named by the hash and starts with the text', () => {
  const store = memory();
  const cache = textKeyed(store);
  assert.is(cache.get('a'), undefined);
  cache.set('a', 'code of a');
  cache.set('b\0c', 'code of b');
  assert.is(cache.get('a'), 'code of a');
  assert.is(cache.get('b\0c'), 'code of b');
  assert.is(cache.get('b'), undefined);
  assert.equal([...store.map.keys()].sort(), [textHash('a'), textHash('b\0c')].sort());
  assert.is(store.map.get(textHash('a')), '1\nacode of a');
  cache.set('a', '');
  assert.is(cache.get('a'), '', 'empty code is a hit');
});

test('textKeyed: an entry under the same name for another text, or a damaged one, is a miss (and a set replaces it)', () => {
  const store = memory();
  const cache = textKeyed(store);
  const name = textHash('template A');
  for (const foreign of ['10\ntemplate Bcode', '11\ntemplate ABcode', '10\ntemplate', '\ntemplate Acode', 'template Acode', '9\ntemplate Acode', '', 'x\ny']) {
    store.map.set(name, foreign);
    assert.is(cache.get('template A'), undefined, JSON.stringify(foreign));
  }
  store.map.set(name, '10\ntemplate Acode'); // the same entry, well formed: a hit
  assert.is(cache.get('template A'), 'code');
  cache.set('template A', 'new');
  assert.is(store.map.get(name), '10\ntemplate Anew');
});

test('textKeyed over diskCodeCache: texts outside ASCII round-trip through the file; a lone surrogate is a miss, not a wrong hit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kfchart-textkeyed-'));
  const orig = process.env.KFCHART_CACHE_HOME;
  try {
    process.env.KFCHART_CACHE_HOME = dir;
    const cache = textKeyed(diskCodeCache('templates', '.js')!);
    const text = 'name: {{values.name}} # é, 中文, 😀\n';
    cache.set(text, '{"main":1}');
    assert.is(cache.get(text), '{"main":1}');
    assert.equal(readdirSync(path.join(dir, 'templates')), [`${textHash(text)}.js`]);
    assert.ok(readFileSync(path.join(dir, 'templates', `${textHash(text)}.js`), 'utf8').includes(text));
    cache.set('bad \ud800', 'x'); // written as U+FFFD: its text no longer matches
    assert.is(cache.get('bad \ud800'), undefined);
  } finally {
    if (orig === undefined) delete process.env.KFCHART_CACHE_HOME;
    else process.env.KFCHART_CACHE_HOME = orig;
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
