import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseYaml, parseYamlAll, dumpYaml, YAML_LIMITS } from '../../../engine/yaml/index.js';
import { KfError } from '../../../engine/errors.js';

function bomb(levels: number): string {
  const names = 'abcdefghijklmnop';
  let s = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (let i = 1; i < levels; i++) {
    const prev = names[i - 1];
    s += `${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
  }
  return s;
}

test('an alias bomb is refused quickly with a clear error', () => {
  try {
    parseYamlAll(bomb(9), 'bomb.yaml');
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, KfError);
    assert.match((e as Error).message, /bomb\.yaml: YAML expands to more than/);
  }
});

test('a small legitimate use of aliases still loads', () => {
  const v = parseYaml(bomb(3), 'ok.yaml') as Record<string, unknown[]>;
  assert.is((v.c as unknown[][])[0]!.length, 9);
});

test('deep nesting is bounded', () => {
  assert.throws(() => parseYaml('['.repeat(YAML_LIMITS.maxDepth + 10), 'deep.yaml'), /deep\.yaml:1: invalid YAML: nesting exceeded/);
});

test('syntax errors name file and line and show the line', () => {
  try {
    parseYaml('a: 1\n  b: 2\n', 'values.yaml');
    assert.unreachable();
  } catch (e) {
    const k = e as KfError;
    assert.is(k.where.file, 'values.yaml');
    assert.is(k.where.line, 2);
    assert.match(k.message, /^values\.yaml:2: invalid YAML: bad indentation/);
    assert.equal(k.details, ['  2 |   b: 2']);
  }
});

test('duplicate keys are an error', () => {
  assert.throws(() => parseYaml('a: 1\na: 2\n', 'v.yaml'), /v\.yaml:2: invalid YAML: duplicated mapping key/);
});

test('merge keys are applied; YAML 1.2 core scalars', () => {
  const v = parseYaml('base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\nyes: yes\nn: 010\nt: 2020-01-01\n', 'm.yaml');
  assert.equal(v, { base: { x: 1 }, d: { x: 1, y: 2 }, yes: 'yes', n: 10, t: '2020-01-01' });
});

test('parseYaml refuses several documents; parseYamlAll keeps empty ones as null', () => {
  assert.throws(() => parseYaml('a: 1\n---\nb: 2\n', 'two.yaml'), /two\.yaml: expected one YAML document, found 2/);
  assert.equal(parseYamlAll('a: 1\n---\n---\nb: 2\n', 's.yaml'), [{ a: 1 }, null, { b: 2 }]);
});

test('dump is block style, unfolded, without anchors for shared objects', () => {
  const shared = { k: 'v' };
  const long = 'x'.repeat(200);
  const out = dumpYaml({ a: shared, b: shared, long, s: 'multi\nline' });
  assert.not.match(out, /&|\*ref/);
  assert.ok(out.includes(`long: ${long}\n`));
  assert.ok(out.includes('s: |-\n  multi\n  line\n'));
});

test.run();
