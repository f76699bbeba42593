import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadValuesFile } from '../../../engine/values/index.js';
import { KfError } from '../../../engine/errors.js';
import { thrown } from './_chart.js';

const text = [
  'image:', //                       1
  '  repository: dex', //            2
  '  tag: "2.41"', //                3
  'staticPasswords:', //             4
  '  - email: a@example.com', //     5
  '    hash: x', //                  6
  '  - email: b@example.com', //     7
  'labels:', //                      8
  '  app.kubernetes.io/name: dex', // 9
  'flow: {a: 1, b: [x, y]}', //      10
  '', //                             11
  'base: &b {k: 1}', //              12
  'copy: *b', //                     13
  'merged:', //                      14
  '  <<: *b', //                     15
  '  own: 2', //                     16
  'empty:', //                       17
].join('\n');

test('every values path gets its file and 1-based line', () => {
  const { values, provenance } = loadValuesFile({ file: 'my.yaml', text });
  const line = (p: string) => provenance.get(p)?.line;
  assert.is(line('image'), 1);
  assert.is(line('image.tag'), 3);
  assert.is(line('staticPasswords[0]'), 5);
  assert.is(line('staticPasswords[0].hash'), 6);
  assert.is(line('staticPasswords[1].email'), 7);
  assert.is(line('labels.app\\.kubernetes\\.io/name'), 9);
  assert.is(line('flow.b[1]'), 10);
  assert.is(line('copy'), 13);
  assert.is(line('merged.own'), 16);
  assert.is(line('empty'), 17);
  assert.is(provenance.get('image.tag')?.file, 'my.yaml');
  assert.equal(values.merged, { k: 1, own: 2 }, 'merge keys are applied');
  assert.is(values.empty, null);
});
test('provenance behaves as a Map (computed lazily on first read)', () => {
  const { provenance } = loadValuesFile({ file: 'my.yaml', text });
  assert.ok(provenance instanceof Map);
  assert.ok([...provenance.keys()].includes('image.tag'));
  assert.is(provenance.size, [...provenance].length);
  assert.ok(provenance.has('flow.a'));
});
test('YAML aliases become independent copies', () => {
  const { values } = loadValuesFile({ file: 'my.yaml', text });
  assert.is.not(values.base, values.copy);
});
test('an empty file is an empty map', () => {
  assert.equal(loadValuesFile({ file: 'e.yaml', text: '' }).values, {});
  assert.equal(loadValuesFile({ file: 'e.yaml', text: '# only comments\n' }).values, {});
});
test('a file that is not a map is an error naming the file', () => {
  const e = thrown(() => loadValuesFile({ file: 'l.yaml', text: '- a\n- b\n' }));
  assert.instance(e, KfError);
  assert.match(e.message, /^l\.yaml: a values file must be a map/);
});
test('forbidden keys are refused with file:line', () => {
  for (const [t, key, line] of [
    ['a:\n  b:\n    __proto__:\n      polluted: 1\n', '__proto__', 3],
    ['x: 1\nconstructor: 2\n', 'constructor', 2],
    ['list:\n  - ok: 1\n  - prototype: 2\n', 'prototype', 3],
    ['"__proto__": {polluted: 1}\n', '__proto__', 1],
  ] as const) {
    const e = thrown(() => loadValuesFile({ file: 'bad.yaml', text: t }));
    assert.instance(e, KfError);
    assert.ok(e.message.startsWith(`bad.yaml:${line}: key "${key}" is not allowed`), e.message);
    assert.is(e.where?.line, line);
  }
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});
test('YAML syntax errors come from the YAML layer with file:line', () => {
  const e = thrown(() => loadValuesFile({ file: 'syn.yaml', text: 'a: 1\nb: [\n' }));
  assert.instance(e, KfError);
  assert.match(e.message, /^syn\.yaml:\d+: invalid YAML/);
});

test.run();
