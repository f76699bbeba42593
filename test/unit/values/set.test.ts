import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applySet, typedScalar, type SetFlag } from '../../../engine/values/index.js';
import { KfError } from '../../../engine/errors.js';
import { thrown } from './_chart.js';

const set = (expr: string, base: Record<string, unknown> = {}) => applySet(base, { kind: 'set', expr });
const str = (expr: string, base: Record<string, unknown> = {}) => applySet(base, { kind: 'set-string', expr });
const json = (expr: string, base: Record<string, unknown> = {}) => applySet(base, { kind: 'set-json', expr });
const bad = (expr: string, kind: SetFlag['kind'] = 'set', base: Record<string, unknown> = {}) => {
  const e = thrown(() => applySet(base, { kind, expr }, (p) => `file:${p}`));
  assert.instance(e, KfError);
  return e.message;
};

// --- grammar ---------------------------------------------------------------------------------------------------
test('a.b=c nests maps', () => assert.equal(set('a.b=c'), { a: { b: 'c' } }));
test('a=1,b=2 sets several keys', () => assert.equal(set('a=1,b=2'), { a: 1, b: 2 }));
test('deep dotted keys', () => assert.equal(set('a.b.c.d=e'), { a: { b: { c: { d: 'e' } } } }));
test('a=1,a.b is a path through a scalar within one flag', () => assert.match(bad('a=1,a.b=2'), /cannot set a key under "a": it is the number 1/));
test('two keys under one map in one flag', () => assert.equal(set('a.b=1,a.c=2'), { a: { b: 1, c: 2 } }));
test('a[0]=x creates a list', () => assert.equal(set('a[0]=x'), { a: ['x'] }));
test('a[2]=x grows the list with nulls', () => assert.equal(set('a[2]=x'), { a: [null, null, 'x'] }));
test('a[1].b=y: a map inside a list, earlier slots null', () => assert.equal(set('a[1].b=y'), { a: [null, { b: 'y' }] }));
test('a[0].b=1,a[0].c=2 fills one list item', () => assert.equal(set('a[0].b=1,a[0].c=2'), { a: [{ b: 1, c: 2 }] }));
test('a[0][1]=x: nested lists', () => assert.equal(set('a[0][1]=x'), { a: [[null, 'x']] }));
test('a.b[0].c[1].d=z: mixed nesting', () => assert.equal(set('a.b[0].c[1].d=z'), { a: { b: [{ c: [null, { d: 'z' }] }] } }));
test('a={x,y} is a list', () => assert.equal(set('a={x,y}'), { a: ['x', 'y'] }));
test('list items are typed', () => assert.equal(set('a={1,true,x,null}'), { a: [1, true, 'x', null] }));
test('a={x,y},b=z: a list followed by another key', () => assert.equal(set('a={x,y},b=z'), { a: ['x', 'y'], b: 'z' }));
test('a={} is an empty list', () => assert.equal(set('a={}'), { a: [] }));
test('a[1]={x,y}: a list as a list item', () => assert.equal(set('a[1]={x,y}'), { a: [null, ['x', 'y']] }));
test('values may hold = and .', () => assert.equal(set('a=b=c,d=1.2.3'), { a: 'b=c', d: '1.2.3' }));
test('a= is the empty string', () => assert.equal(set('a='), { a: '' }));
test('a=,b=1: empty value then another key', () => assert.equal(set('a=,b=1'), { a: '', b: 1 }));
test('a trailing comma is accepted', () => assert.equal(set('a=1,'), { a: 1 }));
test('spaces are kept in values', () => assert.equal(set('a= x y '), { a: ' x y ' }));

// --- escapes ---------------------------------------------------------------------------------------------------
test('\\. keeps a dot in a key', () =>
  assert.equal(set('labels.app\\.kubernetes\\.io/name=x'), { labels: { 'app.kubernetes.io/name': 'x' } }));
test('\\, keeps a comma in a value', () => assert.equal(set('a=x\\,y,b=2'), { a: 'x,y', b: 2 }));
test('\\, inside a {list} item', () => assert.equal(set('a={x\\,y,z}'), { a: ['x,y', 'z'] }));
test('\\= keeps = in a key', () => assert.equal(set('a\\=b=c'), { 'a=b': 'c' }));
test('\\\\ is a backslash', () => assert.equal(set('a=x\\\\y'), { a: 'x\\y' }));
test('\\[ keeps a bracket in a key', () => assert.equal(set('a\\[0\\]=x'), { 'a[0]': 'x' }));

// --- typing ----------------------------------------------------------------------------------------------------
test('--set types ints, bools and null like Helm', () =>
  assert.equal(set('a=1,b=-5,c=+7,d=0,e=true,f=False,g=NULL,h=null'), { a: 1, b: -5, c: 7, d: 0, e: true, f: false, g: null, h: null }));
test('-0 is 0, -012 is -12 (Helm parses after the sign)', () => {
  const v = set('a=-0,b=-012');
  assert.ok(Object.is(v.a, 0));
  assert.is(v.b, -12);
});
test('a leading zero keeps a string (Helm)', () => assert.equal(set('a=0123,b=007'), { a: '0123', b: '007' }));
test('ints beyond 2^53 stay strings: no digit lost', () =>
  assert.equal(set('a=9007199254740993,b=123456789012345678901'), { a: '9007199254740993', b: '123456789012345678901' }));
test('floats that print back identically become numbers', () => assert.equal(set('a=1.5,b=-0.25,c=0.5'), { a: 1.5, b: -0.25, c: 0.5 }));
test('floats that would change stay strings (image tags)', () =>
  assert.equal(set('a=1.10,b=1.0,c=1e3,d=.5,e=Infinity,f=NaN,g=0x10'), { a: '1.10', b: '1.0', c: '1e3', d: '.5', e: 'Infinity', f: 'NaN', g: '0x10' }));
test('yes/no/on/off stay strings (YAML 1.2, as Helm --set)', () => assert.equal(set('a=yes,b=off'), { a: 'yes', b: 'off' }));
test('typedScalar is exported for other layers', () => assert.is(typedScalar('42'), 42));
test('--set-string keeps every scalar a string', () =>
  assert.equal(str('a=1,b=true,c=null,d={1,2}'), { a: '1', b: 'true', c: 'null', d: ['1', '2'] }));
test('--set null deletes a user value only later (kept as null here)', () => assert.equal(set('a=null', { a: 1 }), { a: null }));

// --- --set-json ------------------------------------------------------------------------------------------------
test('--set-json object', () => assert.equal(json('a.b={"x":1,"y":[true,null]}'), { a: { b: { x: 1, y: [true, null] } } }));
test('--set-json list and scalar, several keys', () => assert.equal(json('a=[1,2],b="s,t",c=3'), { a: [1, 2], b: 's,t', c: 3 }));
test('--set-json braces inside strings do not confuse it', () => assert.equal(json('a={"k":"}]"},b=1'), { a: { k: '}]' }, b: 1 }));
test('--set-json into a list index', () => assert.equal(json('a[1]={"x":1}'), { a: [null, { x: 1 }] }));
test('--set-json with no key merges a whole JSON object (Helm 3.17+)', () => {
  assert.equal(json(' {"u":{"c":3},"l":[1]}', { u: { a: 1 }, l: [0, 0] }), { u: { a: 1, c: 3 }, l: [1] });
  assert.equal(json('{"a":null}', { a: 1 }), { a: null }, 'null kept: it deletes the default later');
  assert.match(bad('{"a":1},b=2', 'set-json'), /invalid JSON object/);
  assert.match(bad('{"a":{"constructor":1}}', 'set-json'), /"constructor" is not allowed/);
});
test('--set-json empty value is null', () => assert.equal(json('a=,b=2'), { a: null, b: 2 }));
test('--set-json invalid JSON names the flag and position', () => assert.match(bad('a.b={x:1}', 'set-json'), /^--set-json a\.b=\{x:1\}: invalid JSON .*\(at position 5\)$/));
test('--set-json unterminated', () => assert.match(bad('a=[1,2', 'set-json'), /unterminated JSON value/));
test('--set-json text after the value', () => assert.match(bad('a=1 x', 'set-json'), /unexpected "x" after the JSON value/));
test('--set-json __proto__ inside the JSON is refused', () => {
  assert.match(bad('a={"__proto__":{"polluted":1}}', 'set-json'), /"__proto__" is not allowed/);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

// --- --set-file ------------------------------------------------------------------------------------------------
test('--set-file reads through the injected reader', () =>
  assert.equal(applySet({}, { kind: 'set-file', expr: 'cfg.script=./run.sh' }, (p) => `#!/bin/sh ${p}`), { cfg: { script: '#!/bin/sh ./run.sh' } }));
test('--set-file without a reader is an error naming the flag', () =>
  assert.match(thrown(() => applySet({}, { kind: 'set-file', expr: 'a=x' })).message, /^--set-file a=x: cannot read files here/));
test('--set-file read failure names the path', () =>
  assert.match(
    thrown(() => applySet({}, { kind: 'set-file', expr: 'a=missing.txt' }, () => { throw new Error('ENOENT'); })).message,
    /^--set-file a=missing\.txt: cannot read file "missing\.txt": ENOENT/,
  ));
test('--set-file a= is the empty string (Helm); an empty path before a comma is an error', () => {
  assert.equal(applySet({}, { kind: 'set-file', expr: 'a=' }, () => 'never'), { a: '' });
  assert.match(bad('a=,b=x', 'set-file'), /empty file path/);
});

// --- onto existing values --------------------------------------------------------------------------------------
test('set merges into existing maps, keeping siblings', () => assert.equal(set('a.c=2', { a: { b: 1 } }), { a: { b: 1, c: 2 } }));
test('set replaces an existing list item, keeping the others', () => assert.equal(set('a[1]=z', { a: ['x', 'y', 'w'] }), { a: ['x', 'z', 'w'] }));
test('set into a map inside an existing list item', () => assert.equal(set('a[0].c=2', { a: [{ b: 1 }] }), { a: [{ b: 1, c: 2 }] }));
test('a whole list replaces an existing list', () => assert.equal(set('a={z}', { a: ['x', 'y'] }), { a: ['z'] }));
test('a null existing value is replaced by a map', () => assert.equal(set('a.b=1', { a: null }), { a: { b: 1 } }));
test('applySet never mutates its input', () => {
  const base = { a: { b: [1, { c: 2 }] } };
  const before = JSON.stringify(base);
  const out = set('a.b[1].c=3,a.d=4', base);
  assert.is(JSON.stringify(base), before);
  assert.equal(out, { a: { b: [1, { c: 3 }], d: 4 } });
});
test('inherited names are ordinary keys (toString, hasOwnProperty)', () => {
  assert.equal(set('toString.x=1,hasOwnProperty=2'), { toString: { x: 1 }, hasOwnProperty: 2 });
});

// --- bad input -------------------------------------------------------------------------------------------------
test('empty expression', () => assert.match(bad(''), /^--set : empty expression/));
test('empty key', () => assert.match(bad('=x'), /^--set =x: empty key \(at position 1\)$/));
test('empty key after a dot', () => assert.match(bad('a..b=1'), /empty key \(at position 3\)$/));
test('empty key after a comma', () => assert.match(bad('a=1,,b=2'), /empty key \(at position 5\)$/));
test('key without a value', () => assert.match(bad('a'), /key "a" has no value/));
test('key without a value before a comma', () => assert.match(bad('a,b=1'), /key "a" has no value/));
test('trailing dot', () => assert.match(bad('a.'), /has no name after "\."/));
test('unclosed [', () => assert.match(bad('a[0=1'), /^--set a\[0=1: unclosed "\[" \(at position 2\)$/));
test('bad index', () => assert.match(bad('a[x]=1'), /bad index "x": not an integer \(at position 3\)/));
test('empty index', () => assert.match(bad('a[]=1'), /bad index "": not an integer/));
test('negative index', () => assert.match(bad('a[-1]=1'), /negative index -1 is not allowed/));
test('huge index is refused before allocating', () => assert.match(bad('a[99999999]=1'), /index 99999999 is greater than the maximum of 65536/));
test('index without a value', () => assert.match(bad('a[0]'), /"a\[0\]" has no value/));
test('text after ]', () => assert.match(bad('a[0]x=1'), /unexpected "x" after "\]"/));
test('unclosed {', () => assert.match(bad('a={x,y'), /^--set a=\{x,y: list is missing its closing "\}" \(at position 3\)$/));
test('text after }', () => assert.match(bad('a={x}y'), /unexpected "y" after the list/));
test('a lone trailing backslash is dropped (Helm)', () => assert.equal(set('a=x\\'), { a: 'x' }));
test('key path through a scalar from earlier values', () =>
  assert.match(bad('image.tag=1', 'set', { image: 'nginx' }), /^--set image\.tag=1: cannot set a key under "image": it is the string "nginx" \(at position 6\)$/));
test('index into a map', () => assert.match(bad('a[0]=1', 'set', { a: { b: 1 } }), /cannot use "a" as a list: it is a map/));
test('index into a scalar list item', () => assert.match(bad('a[0][0]=1', 'set', { a: ['x'] }), /cannot use "a\[0\]" as a list/));
test('key under a scalar list item', () => assert.match(bad('a[0].b=1', 'set', { a: ['x'] }), /cannot set a key under "a\[0\]"/));
test('dotted key deeper than 30 levels', () => assert.match(bad(Array.from({ length: 32 }, (_, i) => `k${i}`).join('.') + '=1'), /deeper than the maximum of 30/));
test('one flag cannot grow lists without bound', () => {
  const expr = Array.from({ length: 20 }, (_, i) => `k${i}[60000]=1`).join(',');
  assert.match(bad(expr), /lists would grow by more than 1000000 items/);
  assert.is((set('a[65536]=1').a as unknown[]).length, 65537);
});
test('lists nested 100000 deep are refused, not a stack overflow', () => {
  const e = thrown(() => set('a' + '[0]'.repeat(100000) + '=1'));
  assert.instance(e, KfError);
  assert.match(e.message, /nesting is deeper than the maximum of 30/);
});
test('forbidden keys in a flag, anywhere in the path', () => {
  assert.match(bad('__proto__.polluted=1'), /^--set __proto__\.polluted=1: key "__proto__" is not allowed in values \(at position 1\)$/);
  assert.match(bad('a.constructor.prototype.x=1'), /key "constructor" is not allowed/);
  assert.match(bad('a[0].prototype=1'), /key "prototype" is not allowed/);
  assert.match(bad('prototype=1', 'set-string'), /key "prototype" is not allowed/);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});
test('errors carry the flag text as where.file', () => {
  const e = thrown(() => set('a[x]=1'));
  assert.is(e.where?.file, '--set a[x]=1');
});

// --- --set-literal: the value as typed ----------------------------------------------------------------------------
const lit = (expr: string, base: Record<string, unknown> = {}) => applySet(base, { kind: 'set-literal', expr });
test('--set-literal keeps commas, braces, backslashes, "=" and numbers-looking text as one string', () => {
  assert.equal(lit('a.b=x,y={z}\\n=1'), { a: { b: 'x,y={z}\\n=1' } });
  assert.equal(lit('tag=1.29'), { tag: '1.29' });
  assert.equal(lit('list[1]=true'), { list: [null, 'true'] });
  assert.equal(lit('a='), { a: '' });
  assert.equal(lit('a=x,b=y'), { a: 'x,b=y' });
  assert.equal(set('a=x,b=y'), { a: 'x', b: 'y' }, 'for contrast: --set splits at the comma');
});
test('--set-literal: the key is still checked', () => {
  assert.match(bad('=x', 'set-literal'), /empty key/);
  assert.match(bad('__proto__=x', 'set-literal'), /not allowed/);
});

test.run();
