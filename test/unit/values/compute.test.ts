import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeValues, subchartScopes } from '../../../engine/values/index.js';
import { KfError } from '../../../engine/errors.js';
import type { ChartDependency } from '../../../engine/chart/types.js';
import Handlebars from 'handlebars';
import { chart, thrown } from './_chart.js';

const dex = () =>
  chart({
    name: 'dex',
    source: 'top/charts/dex',
    values: 'replicas: 1\nissuer: http://dex\nconfig:\n  a: 1\n  b: 2\nglobal:\n  domain: sub.local\n  subOnly: x\n',
  });
const top = (extra = '', deps: ChartDependency[] = [{ name: 'dex', version: '1.0.0', condition: 'dex.enabled' }]) =>
  chart({
    name: 'top',
    values: `global:\n  domain: top.local\ndex:\n  enabled: true\n  replicas: 2\n${extra}`,
    dependencies: deps,
    subcharts: [dex()],
  });

test('precedence: subchart defaults < parent values < -f files in order < --set flags in order', () => {
  const { values } = computeValues(
    top(),
    [
      { file: 'one.yaml', text: 'dex:\n  replicas: 3\n  config:\n    a: 10\nextra: one\n' },
      { file: 'two.yaml', text: 'dex:\n  replicas: 4\nextra: two\n' },
    ],
    [
      { kind: 'set', expr: 'dex.replicas=5' },
      { kind: 'set-string', expr: 'dex.replicas=6' },
    ],
  );
  const d = values.dex as Record<string, unknown>;
  assert.is(d.replicas, '6', 'the last flag wins');
  assert.equal(d.config, { a: 10, b: 2 }, 'maps deep-merge across sources');
  assert.is(d.issuer, 'http://dex', 'subchart default survives');
  assert.is(values.extra, 'two', 'later -f file wins');
});
test('parent values.yaml overrides the subchart values.yaml', () => {
  const { values } = computeValues(top(), [], []);
  assert.is((values.dex as Record<string, unknown>).replicas, 2);
});
test('null in a -f file deletes a default, even when an earlier file set it', () => {
  const { values, user } = computeValues(
    top(),
    [
      { file: 'one.yaml', text: 'dex:\n  issuer: http://other\n' },
      { file: 'two.yaml', text: 'dex:\n  issuer: null\n  config: null\n' },
    ],
    [],
  );
  const d = values.dex as Record<string, unknown>;
  assert.not.ok('issuer' in d);
  assert.not.ok('config' in d);
  assert.equal(user, { dex: { issuer: null, config: null } }, 'user values keep the null');
});
test('--set x=null deletes a default', () => {
  const { values } = computeValues(top(), [], [{ kind: 'set', expr: 'dex.config.a=null' }]);
  assert.equal((values.dex as Record<string, unknown>).config, { b: 2 });
});
test('user holds only what the user supplied', () => {
  const { user } = computeValues(top(), [{ file: 'u.yaml', text: 'a: 1\n' }], [{ kind: 'set', expr: 'b.c=2' }]);
  assert.equal(user, { a: 1, b: { c: 2 } });
});
test('flags apply onto the -f values (a list item is replaced in place)', () => {
  const { values } = computeValues(top(), [{ file: 'u.yaml', text: 'l: [a, b, c]\n' }], [{ kind: 'set', expr: 'l[1]=B' }]);
  assert.equal(values.l, ['a', 'B', 'c']);
});
test('--set-file reads through opts.readFile', () => {
  const { values } = computeValues(top(), [], [{ kind: 'set-file', expr: 'cfg=c.txt' }], { readFile: (p) => `<${p}>` });
  assert.is(values.cfg, '<c.txt>');
});
test('global: parent wins over the subchart default, subchart-only globals kept, copied into the scope', () => {
  const { values } = computeValues(top(), [{ file: 'u.yaml', text: 'global:\n  user: u\n' }], []);
  const g = (values.dex as Record<string, unknown>).global;
  assert.equal(g, { domain: 'top.local', subOnly: 'x', user: 'u' });
  assert.equal(values.global, { domain: 'top.local', user: 'u' });
});
test('globals reach subcharts of subcharts', () => {
  const leaf = chart({ name: 'leaf', source: 'top/charts/mid/charts/leaf', values: 'x: 1\n' });
  const mid = chart({ name: 'mid', source: 'top/charts/mid', values: 'y: 1\n', subcharts: [leaf] });
  const t = chart({ name: 'top', values: 'global:\n  g: 1\nmid:\n  leaf:\n    x: 2\n', subcharts: [mid] });
  const { values } = computeValues(t, [], [{ kind: 'set', expr: 'global.h=2' }]);
  assert.equal(values.mid, { y: 1, leaf: { x: 2, global: { g: 1, h: 2 } }, global: { g: 1, h: 2 } });
});
test('a subchart under an alias gets its defaults under the alias', () => {
  const t = chart({
    name: 'top',
    values: 'login:\n  replicas: 3\n',
    dependencies: [{ name: 'dex', version: '1.0.0', alias: 'login' }],
    subcharts: [dex()],
  });
  const { values } = computeValues(t, [], []);
  assert.not.ok('dex' in values);
  assert.is((values.login as Record<string, unknown>).replicas, 3);
  assert.is((values.login as Record<string, unknown>).issuer, 'http://dex');
});
test('one subchart under two aliases gets two independent scopes', () => {
  const t = chart({
    name: 'top',
    values: 'a:\n  replicas: 3\n',
    dependencies: [
      { name: 'dex', version: '1.0.0', alias: 'a' },
      { name: 'dex', version: '1.0.0', alias: 'b' },
    ],
    subcharts: [dex()],
  });
  const { values } = computeValues(t, [], []);
  assert.is((values.a as Record<string, unknown>).replicas, 3);
  assert.is((values.b as Record<string, unknown>).replicas, 1);
});
test('a dependency missing from charts/ is a KfError suggesting dependency update', () => {
  const t = chart({ name: 'top', dependencies: [{ name: 'nope', version: '1.0.0' }] });
  const e = thrown(() => computeValues(t, [], []));
  assert.instance(e, KfError);
  assert.match(e.message, /dependency "nope" is not in .*kfchart dependency update/);
  assert.instance(thrown(() => subchartScopes(t, {})), KfError);
});
test('a forbidden key in a -f file is refused with file:line', () => {
  const e = thrown(() => computeValues(top(), [{ file: 'u.yaml', text: 'dex:\n  __proto__:\n    x: 1\n' }], []));
  assert.match(e.message, /^u\.yaml:2: key "__proto__" is not allowed/);
});
test('a forbidden key in chart defaults is refused with the chart file', () => {
  const bad = chart({ name: 'top' });
  bad.values = JSON.parse('{"a":{"prototype":1}}');
  const e = thrown(() => computeValues(bad, [], []));
  assert.match(e.message, /top\/values\.yaml: key "prototype" is not allowed/);
});

// --- provenance --------------------------------------------------------------------------------------------------
test('provenance: the highest-precedence source of each path', () => {
  const { provenance } = computeValues(
    top(),
    [{ file: 'one.yaml', text: 'dex:\n  config:\n    a: 10\n' }],
    [{ kind: 'set', expr: 'dex.issuer=x' }],
  );
  assert.equal(provenance.get('dex.config.a'), { file: 'one.yaml', line: 3 });
  assert.equal(provenance.get('dex.config.b'), { file: 'top/charts/dex/values.yaml', line: 5 });
  assert.equal(provenance.get('dex.replicas'), { file: 'top/values.yaml', line: 5 });
  assert.equal(provenance.get('dex.issuer'), { file: '--set dex.issuer=x', line: 0 });
  assert.equal(provenance.get('global.domain'), { file: 'top/values.yaml', line: 2 });
});
test('provenance: a subchart scope global points at the parent global that won', () => {
  const { provenance } = computeValues(top(), [], []);
  assert.equal(provenance.get('dex.global.domain'), { file: 'top/values.yaml', line: 2 });
  assert.equal(provenance.get('dex.global.subOnly'), { file: 'top/charts/dex/values.yaml', line: 8 });
});
test('provenance: a list replaced by a later source has no stale items', () => {
  const { provenance } = computeValues(
    chart({ name: 'top', values: 'l:\n  - a\n  - b\n' }),
    [{ file: 'u.yaml', text: 'l: [x]\n' }],
    [],
  );
  assert.equal(provenance.get('l[0]'), { file: 'u.yaml', line: 1 });
  assert.is(provenance.get('l[1]'), undefined);
});
test('provenance: --set-json records every path inside the JSON', () => {
  const { provenance } = computeValues(chart({ name: 'top' }), [], [{ kind: 'set-json', expr: 'a={"b":[1,{"c":2}]}' }]);
  assert.equal(provenance.get('a.b[1].c'), { file: '--set-json a={"b":[1,{"c":2}]}', line: 0 });
});

// --- conditions and tags -----------------------------------------------------------------------------------------
test('condition false disables a subchart, with a reason', () => {
  const { values } = computeValues(top(), [], [{ kind: 'set', expr: 'dex.enabled=false' }]);
  const [s] = subchartScopes(top(), values);
  assert.is(s!.enabled, false);
  assert.is(s!.reason, 'condition dex.enabled is false');
});
test('condition true or unresolvable leaves it enabled', () => {
  const t = top();
  assert.is(subchartScopes(t, computeValues(t, [], []).values)[0]!.enabled, true);
  const t2 = top('', [{ name: 'dex', version: '1.0.0', condition: 'nothing.here' }]);
  assert.is(subchartScopes(t2, computeValues(t2, [], []).values)[0]!.enabled, true);
});
test('comma-separated conditions: the first path holding a boolean decides', () => {
  const t = top('', [{ name: 'dex', version: '1.0.0', condition: 'missing.flag, notbool, dex.on, dex.enabled' }]);
  const { values } = computeValues(t, [], [{ kind: 'set', expr: 'notbool=yes,dex.on=false' }]);
  const [s] = subchartScopes(t, values);
  assert.is(s!.enabled, false);
  assert.is(s!.reason, 'condition dex.on is false');
});
test('tags: all false disables, any true enables, condition overrides tags', () => {
  const mk = (condition?: string) => top('', [{ name: 'dex', version: '1.0.0', tags: ['auth', 'sso'], ...(condition ? { condition } : {}) }]);
  const t = mk();
  assert.is(subchartScopes(t, computeValues(t, [], [{ kind: 'set', expr: 'tags.auth=false' }]).values)[0]!.enabled, false);
  assert.is(subchartScopes(t, computeValues(t, [], [{ kind: 'set', expr: 'tags.auth=false,tags.sso=true' }]).values)[0]!.enabled, true);
  assert.is(subchartScopes(t, computeValues(t, [], []).values)[0]!.enabled, true);
  const c = mk('dex.enabled');
  assert.is(subchartScopes(c, computeValues(c, [], [{ kind: 'set', expr: 'tags.auth=false' }]).values)[0]!.enabled, true);
});
test('tags of subcharts of subcharts come from the top chart values (Helm)', () => {
  const leaf = chart({ name: 'leaf', source: 'top/charts/mid/charts/leaf' });
  const mid = chart({ name: 'mid', source: 'top/charts/mid', subcharts: [leaf], dependencies: [{ name: 'leaf', version: '1.0.0', tags: ['extras'] }] });
  const t = chart({ name: 'top', subcharts: [mid] });
  const { values } = computeValues(t, [], [{ kind: 'set', expr: 'tags.extras=false' }]);
  const [midScope] = subchartScopes(t, values);
  const [leafScope] = subchartScopes(mid, midScope!.values);
  assert.is(leafScope!.enabled, false);
  assert.is(leafScope!.reason, 'tags.extras is false');
  assert.not.ok('tags' in midScope!.values, 'the scope values are not polluted');
});
test('scope values are the subchart key with global filled in, even for values not from computeValues', () => {
  const [s] = subchartScopes(top(), { global: { g: 1 }, dex: { replicas: 9 } });
  assert.equal(s!.values, { replicas: 9, global: { g: 1 } });
  assert.is(s!.key, 'dex');
  assert.is(s!.chart.meta.name, 'dex');
});
test('subcharts in charts/ that no dependency names still get a scope under their name', () => {
  const t = chart({ name: 'top', subcharts: [dex()] });
  const scopes = subchartScopes(t, computeValues(t, [], []).values);
  assert.equal(scopes.map((s) => [s.key, s.enabled]), [['dex', true]]);
});

test('computed values are plain objects Handlebars reads, even with keys named like Object.prototype members', () => {
  const { values } = computeValues(
    chart({ name: 'top', values: 'toString:\n  x: 1\n' }),
    [{ file: 'u.yaml', text: 'hasOwnProperty: 2\nlist: [{valueOf: 3}]\n' }],
    [{ kind: 'set', expr: 'isPrototypeOf=4' }],
  );
  const hb = Handlebars.create();
  const out = hb.compile('{{values.toString.x}} {{values.hasOwnProperty}} {{values.list.[0].valueOf}} {{values.isPrototypeOf}}', {
    noEscape: true,
    strict: true,
  })({ values }, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  assert.is(out, '1 2 3 4');
  assert.is(Object.getPrototypeOf(values), Object.prototype);
  assert.is(({} as Record<string, unknown>).x, undefined);
});
test('provenance of a map a --set created points at the flag when no file wrote it', () => {
  const { provenance } = computeValues(chart({ name: 'top', values: 'a:\n  b: 1\n' }), [], [{ kind: 'set', expr: 'a.c=2,n.m=1' }]);
  assert.equal(provenance.get('n'), { file: '--set a.c=2,n.m=1', line: 0 });
  assert.equal(provenance.get('a'), { file: 'top/values.yaml', line: 1 });
  assert.equal(provenance.get('a.c'), { file: '--set a.c=2,n.m=1', line: 0 });
});

test.run();
