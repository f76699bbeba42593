// The block reader (engine/yaml/block.ts, whole-text entry point; test/unit/yaml/subset.test.ts checks its line-range
// one) against js-yaml: on every text it accepts it gives exactly js-yaml's
// documents (same values, types, key order, -0), it accepts nothing js-yaml refuses, and it does take the common
// shapes (so the fast path cannot silently fall away): every rendered template of every chart and example, every
// YAML file of the repository, a corpus of edge cases and thousands of mutated texts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as yaml from 'js-yaml';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { blockParseAll } from '../../../engine/yaml/block.js';
import { parseYamlAll } from '../../../engine/yaml/index.js';
import { loadChart } from '../../../engine/chart/load.js';
import { computeValues } from '../../../engine/values/index.js';
import { readValueFiles } from '../../../engine/values/read.js';
import { renderChart } from '../../../engine/render/index.js';
import { ROOT } from '../charts/_charts.js';

const SCHEMA = yaml.CORE_SCHEMA.withTags(yaml.mergeTag);

type Verdict = 'fast' | 'fallback';
/** Compares the reader with js-yaml on one text; throws on any difference. */
function check(text: string, what = JSON.stringify(text)): Verdict {
  let ref: unknown[] | undefined;
  let err: string | undefined;
  try {
    ref = yaml.loadAll(text, { schema: SCHEMA, maxDepth: 64, maxAliases: 1000 });
  } catch (e) {
    err = (e as Error).message;
  }
  const got = blockParseAll(text, SCHEMA);
  if (got === undefined) return 'fallback';
  if (err !== undefined) assert.unreachable(`${what}: accepted by the block reader, refused by js-yaml (${err.split('\n')[0]})`);
  if (!isDeepStrictEqual(got, ref) || JSON.stringify(got) !== JSON.stringify(ref)) {
    assert.unreachable(`${what}: block reader ${JSON.stringify(got)}\n  js-yaml ${JSON.stringify(ref)}`);
  }
  return 'fast';
}

const FAST = [
  '', '---\n', '# only a comment\n', 'a: 1\n---\n', '---\na: 1', '\n---\na: 1\n\n---\nb: 2\n', '---\n---\n', '---\n# c\n---\nx: 1\n',
  'a:\n- 1\n- 2\nb: x', 'a:\n  - b: 1\n    c: 2\n  - d\n', '- - a\n  - b\n- c', '-   a: 1\n    b: 2\n', '-\n  a: 1\n-\n', '  a: 1\n  b: 2\n',
  'a: |\n  x\n  y\n\nb: 1', 'a: |-\n  x\n\n  y\n\n', 'a: |\nb: 1', 'a: |\n\n\n  x\n', 'a: |\n  x\n # c\nb: 1', 'a: | # c\n  x\n', '- |\n  x\n- |-\n  y\n',
  'a:\n  b: |\n    deep\n      more\n  c: 1\n', 'a: |\n    four\n', 'a: |\n  x\n---\nb: 1\n',
  'a: "x\\ty\\u00e9\\x41\\U0001F600 \\" \\\\ \\/ \\n\\0\\N\\_\\L\\P"', "a: 'it''s' # c", "a: ''", 'a: ""', 'a: []\nb: {}', 'a: [] # c\nb: {}  # d',
  'k: -1\nl: --flag\n-x: 1\n', 'args:\n- --port=8080\n- -v\n- "-x"\n', 'a: b # c\n', 'a: b#c\n', '"q k": v', "'s k': v", '"a:b": 1\n', 'a b: c d\n', 'a   : 1\n',
  'a:\n  b:\n    c: null\n', 'x: 0x1F\ny: 1e3\nz: .inf\nw: ~\nv: True\nu: 010\nt: 0o17\ns: -0\nr: -0.0\nq: +1\np: .5\no: 1.\nn: -.inf\nm: .NaN\n',
  'x: 1_000\ny: 12:30\nz: 2024-01-01\nw: 0b11\nv: yes\nu: on\nt: 1.28.1\ns: 9007199254740993\nr: 1e400\n', '1: a\ntrue: b\n~: c\n', 'True: d\n1.0: e\n',
  'url: http://x:80/a\nimage: ghcr.io/dex/dex:v2.45.1\ncmd: a, b; c\n', 'a: x\n\n\n# c\n  # d\nb: y\n', 'a:\n# c\n  b: 1\n', 'a:    \n  - x\n',
  'a: {b: 1}', 'a: [1, 2]', 'a: [ "x" , \'y\' ]  # c', 'drop: [ALL]\nres: [pods, nodes]\n', 'j: {"k":1,"j":[true,null,-0.5,"x\\u00e9"],"m":{}}',
  'a: [[a, b], {c: [d]}]', '- [a, http://x:1/y, a:b]\n- {k: v}\n', 'a: {1: x, ~: y}',
  'a: é日本😀\n',
  // wrapped plain scalars (yaml.v2 writes long strings so), formerly only in the index reader
  'a: b\n c\n', '- one\n  two\n- three\n', 'a: first\n\n  after a blank\n\n\n  after two\nb: x\n', 'a: x\n  y   \n---\nb: 1\n',
  '- k: v\n    w\n  j: 1\n', 'a: x\n  y\n  # c\nb: 1\n', 'a: 1\n  2\n', 'a: x\n\n',
];
const FALLBACK = [
  'a: 1\na: 2\n', 'a: b: c', 'a:\n  b\n', 'a: &x 1\nb: *x', "<<: {a: 1}", 'a: !!str 1', 'a: >\n  x\n', 'a: |+\n  x\n', 'a: |2\n   x\n',
  'a: "x\ny"', "a: 'x\ny'", 'a:\tb', 'a: b\r\n', '\uFEFFa: 1', '%YAML 1.2\n---\na: 1', '--- a\n', 'a: 1\n...\n', '? a\n: b\n', '__proto__: 1\n',
  'a:\n  - x\n   y: 1\n', 'a: "x" y\n', 'a: \'x\'y\n', 'a: `x`\n', 'a: @x\n', 'a: "\\q"\n', 'a: "\\uD800"\n', 'm: -\n', 'a: b:\n', 'x\n', '- a\nb: 1\n',
  'a: 1\n b: 2\n', 'a:\n  - 1\n  b: 2\n', `a: ${'x'.repeat(10)}\n${'k'.repeat(1200)}: 1\n`, 'a: |\n  x\n    \n', 'a: |\n    \n  x\n', 'a: |\n   \nb: 1\n',
  'a: "x"#c\n', 'a: []x\n', `${'- '.repeat(70)}x\n`, `${'a:\n'.split('').join('')}${Array.from({ length: 70 }, (_, d) => `${' '.repeat(d + 1)}a:`).join('\n')} 1\n`,
  'a: b\n...x: 1\n', 'key:value\n', 'a: [a, ]', 'a: [a,,b]', 'a: {a}', 'a: [a: b]', 'a: [x\n  , y]', 'a: {a: 1, a: 2}', 'a: {a:1}', 'a: [a #c]', 'a: [x] y', 'a: [*x]', 'a: {? a}',
  'a: \x07\n', 'a: x\n---\n- b\n  c: 1\n',
  'a: x\n  # c\n  more\n', 'a: x\n  - y\n', 'a: x\n  y: 1\n', 'a: x\n  y #c\n', 'a: x # c\n  y\n', 'a: x\n  "y"\n',
];

test('edge cases: the shapes it knows give js-yaml\'s documents', () => {
  for (const t of FAST) assert.is(check(t), 'fast', `expected the block reader to take ${JSON.stringify(t)}`);
});

test('edge cases: what it does not know (or js-yaml refuses) goes to js-yaml', () => {
  for (const t of FALLBACK) assert.is(check(t), 'fallback', `expected ${JSON.stringify(t)} to go to js-yaml`);
});

test('parseYamlAll: errors are still js-yaml\'s, with file and line', () => {
  try {
    parseYamlAll('a: 1\nb: 2\na: 3\n', 'x.yaml');
    assert.unreachable('duplicate key accepted');
  } catch (e) {
    assert.match((e as Error).message, /^x\.yaml:3: invalid YAML: duplicated mapping key/);
  }
  assert.equal(parseYamlAll('a: 1\n---\nb: [x]\n', 'y.yaml'), [{ a: 1 }, { b: ['x'] }]);
});

/** Every rendered template of every chart, with its defaults and with each example. */
let rendered: { template: string; text: string }[] | undefined;
async function renderedTexts(): Promise<{ template: string; text: string }[]> {
  if (rendered) return rendered;
  const out: { template: string; text: string }[] = [];
  const examples = readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => path.join(ROOT, 'examples', f));
  for (const name of readdirSync(path.join(ROOT, 'charts'))) {
    const chart = await loadChart(path.join(ROOT, 'charts', name));
    for (const files of name === 'kubeflow' ? [[], ...examples.map((e) => [e])] : [[]]) {
      const { values } = computeValues(chart, await readValueFiles(files), []);
      let r;
      try {
        r = renderChart(chart, values, {
          release: { name: 'kf', namespace: 'kubeflow', revision: 1, isInstall: true, isUpgrade: false, service: 'kfchart' },
          capabilities: { kubeVersion: { version: 'v1.34.0', major: '1', minor: '34' }, apiVersions: ['v1', 'apps/v1'] },
        });
      } catch {
        continue; // a chart that needs values to render (its own tests cover it)
      }
      for (const f of r.files) out.push({ template: `${f.template} (${files.map((x) => path.basename(x)).join(',') || 'defaults'})`, text: f.text });
    }
  }
  return (rendered = out);
}

test('every rendered template of every chart: identical documents, and nearly all through the block reader', async () => {
  const texts = await renderedTexts();
  assert.ok(texts.length > 100, `only ${texts.length} rendered templates`);
  const fast = texts.filter((t) => check(t.text, t.template) === 'fast').length;
  assert.ok(fast / texts.length >= 0.95, `only ${fast} of ${texts.length} rendered templates took the block reader`);
});

test('every YAML file of the repository (charts, values, CRDs, examples, fixtures): identical documents', () => {
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.name === 'node_modules' || d.name.startsWith('.') ? [] : d.isDirectory() ? walk(path.join(dir, d.name)) : /\.ya?ml$/.test(d.name) ? [path.join(dir, d.name)] : []);
  const files = ['charts', 'examples', 'test'].flatMap((d) => walk(path.join(ROOT, d)));
  assert.ok(files.length > 50, `only ${files.length} YAML files`);
  let fast = 0;
  for (const f of files) if (check(readFileSync(f, 'utf8'), path.relative(ROOT, f)) === 'fast') fast++;
  assert.ok(fast > files.length / 2, `only ${fast} of ${files.length} files took the block reader`);
});

test('mutated texts: 2,000 random edits of rendered templates never make the two disagree', async () => {
  const texts = (await renderedTexts()).filter((t) => t.text.length > 200 && t.text.length < 4_000);
  let s = 7;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) & 0x7fffffff) % n);
  const bits = [' ', '  ', ':', ': ', '-', '- ', '#', ' #', "'", '"', '|', '|-', '\n', '\n  ', 'x', '[', ']', '{}', '&a', '*a', '0', '.', '~', '\\', '---\n', '<<: '];
  let fast = 0;
  for (let k = 0; k < 2000; k++) {
    let t = texts[rnd(texts.length)].text;
    for (let e = 1 + rnd(3); e > 0; e--) {
      const at = rnd(t.length);
      t = rnd(3) === 0 ? t.slice(0, at) + t.slice(at + 1 + rnd(3)) : t.slice(0, at) + bits[rnd(bits.length)] + t.slice(at);
    }
    if (check(t, `mutation ${k}: ${JSON.stringify(t.slice(0, 300))}`) === 'fast') fast++;
  }
  assert.ok(fast > 500, `only ${fast} mutated texts took the block reader (the test would prove little)`);
});

test.run();
