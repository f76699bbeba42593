import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeValues, getPath, formatPath, parsePath, parentPath, formatKey } from '../../../engine/values/index.js';
import { KfError } from '../../../engine/errors.js';
import { thrown } from './_chart.js';

test('maps deep-merge, overlay wins on scalars', () => {
  assert.equal(mergeValues({ a: { b: 1, c: 2 }, d: 1 }, { a: { c: 3, e: 4 } }), { a: { b: 1, c: 3, e: 4 }, d: 1 });
});
test('lists replace, never merge', () => assert.equal(mergeValues({ a: [1, 2, 3] }, { a: [9] }), { a: [9] }));
test('a scalar replaces a map and a map replaces a scalar', () => {
  assert.equal(mergeValues({ a: { b: 1 } }, { a: 'x' }), { a: 'x' });
  assert.equal(mergeValues({ a: 'x' }, { a: { b: 1 } }), { a: { b: 1 } });
});
test('null in the overlay deletes the key, nested too', () => {
  assert.equal(mergeValues({ a: 1, b: { c: 1, d: 2 } }, { a: null, b: { c: null } }), { b: { d: 2 } });
});
test('null deletes a whole map', () => assert.equal(mergeValues({ a: { b: 1 }, c: 1 }, { a: null }), { c: 1 }));
test('null with nothing to delete stays null (Helm)', () => assert.equal(mergeValues({}, { a: null }), { a: null }));
test('null in the base is kept', () => assert.equal(mergeValues({ a: null }, { b: 1 }), { a: null, b: 1 }));
test('nulls inside lists are data', () => assert.equal(mergeValues({}, { a: [null, 1] }), { a: [null, 1] }));
test('inputs are never mutated and the result shares no containers', () => {
  const base = { a: { b: [1, 2] }, c: { d: 1 } };
  const over = { a: { e: { f: 1 } } };
  const b0 = JSON.stringify(base);
  const o0 = JSON.stringify(over);
  const out = mergeValues(base, over);
  assert.is(JSON.stringify(base), b0);
  assert.is(JSON.stringify(over), o0);
  assert.is.not(out.c, base.c);
  assert.is.not((out.a as { e: unknown }).e, over.a.e);
  assert.is.not((out.a as { b: unknown }).b, base.a.b);
});
test('a forbidden key in an overlay is a KfError naming its path', () => {
  const overlay = JSON.parse('{"a":{"__proto__":{"polluted":1}}}');
  const e = thrown(() => mergeValues({ a: { b: 1 } }, overlay));
  assert.instance(e, KfError);
  assert.match(e.message, /"__proto__" is not allowed in values \(at a.__proto__\)/);
  const e2 = thrown(() => mergeValues({}, JSON.parse('{"x":[{"constructor":1}]}')));
  assert.match(e2.message, /at x\[0\]\.constructor/);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});
test('the result is a plain object (JSON, spread and Object.prototype methods work)', () => {
  const out = mergeValues({ a: 1 }, { b: { c: 2 } });
  assert.is(Object.getPrototypeOf(out), Object.prototype);
  assert.is(Object.getPrototypeOf(out.b), Object.prototype);
  assert.is(JSON.stringify(out), '{"a":1,"b":{"c":2}}');
});

test('formatPath / parsePath round-trip, dots in keys escaped', () => {
  const segs = ['labels', 'app.kubernetes.io/name', 'x', 0, 'y[1]'];
  const p = formatPath(segs);
  assert.is(p, 'labels.app\\.kubernetes\\.io/name.x[0].y\\[1\\]');
  assert.equal(parsePath(p), segs);
  assert.equal(parsePath('a[0][1].b'), ['a', 0, 1, 'b']);
  assert.is(formatKey('a.b'), 'a\\.b');
});
test('parsePath rejects malformed paths', () => {
  assert.instance(thrown(() => parsePath('a..b')), KfError);
  assert.instance(thrown(() => parsePath('a[x]')), KfError);
  assert.instance(thrown(() => parsePath('a[0')), KfError);
  assert.instance(thrown(() => parsePath('a.')), KfError);
});
test('getPath reads own properties only', () => {
  const v = { a: { b: [{ c: 1 }, 'x'] }, 'k.l': 2 };
  assert.is(getPath(v, 'a.b[0].c'), 1);
  assert.is(getPath(v, 'a.b[1]'), 'x');
  assert.is(getPath(v, 'k\\.l'), 2);
  assert.is(getPath(v, 'a.b[5]'), undefined);
  assert.is(getPath(v, 'a.b[1].c'), undefined);
  assert.is(getPath(v, 'a.toString'), undefined);
  assert.is(getPath(v, 'constructor'), undefined);
  assert.equal(getPath(v, ''), v);
});
test('parentPath walks up through indexes and escaped dots', () => {
  assert.is(parentPath('a.b[0].c'), 'a.b[0]');
  assert.is(parentPath('a.b[0]'), 'a.b');
  assert.is(parentPath('a\\.b'), '');
  assert.is(parentPath('x.a\\.b'), 'x');
  assert.is(parentPath(''), undefined);
});

test.run();
