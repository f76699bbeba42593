// Strict mode: missing values are errors naming file, line and the full path — also as helper arguments —
// except inside guards; prototype access is denied; printed maps are JSON.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kfErr, mkChart, r, renderAll } from './_util.js';

const V = { image: { repo: 'dex', tag: 'v2' }, port: 8080, list: [{ name: 'a' }, { name: 'b', extra: 'x' }], on: true };

test('a missing value is an error naming template, line and the full values path', () => {
  const src = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  tag: {{values.image.tga}}\n';
  const e = kfErr(() => r(src, V));
  assert.is(e.message, 'demo/templates/t.yaml:4: values.image.tga is not defined');
  assert.equal(e.where, { file: 'demo/templates/t.yaml', line: 4, path: 'values.image.tga' });
  assert.is(e.details[0], '  4 |   tag: {{values.image.tga}}');
  assert.match(e.details[1], /^ +\^$/);
  assert.not.match(e.message, /object Object/);
});

test('a missing intermediate map is named, and a path through a number is not a raw TypeError', () => {
  assert.is(kfErr(() => r('{{values.dex.config.issuer}}', V)).message,
    'demo/templates/t.yaml:1: values.dex.config.issuer is not defined (values.dex is not defined)');
  assert.is(kfErr(() => r('{{values.port.number}}', V)).message,
    'demo/templates/t.yaml:1: values.port.number is not defined (values.port is a number, not a map)');
});

test('missing values used as helper arguments and hash values are errors too', () => {
  assert.match(kfErr(() => r('{{quote values.image.nope}}', V)).message, /t\.yaml:1: values\.image\.nope is not defined/);
  assert.match(kfErr(() => r('x: {{nindent 2 (toYaml values.resources)}}', V)).message, /values\.resources is not defined/);
  assert.match(kfErr(() => r('{{include "p" (dict "a" values.zzz)}}', V, { partials: { 'templates/_p.hbs': 'x' } })).message, /values\.zzz is not defined/);
});

test('guards: default, if, unless, with, each, and, or, not, eq, empty, coalesce, required accept missing values', () => {
  assert.is(r('{{default "x" values.missing}}', V), 'x');
  assert.is(r('{{#if values.missing.deep}}y{{else}}n{{/if}}{{#unless values.missing}}u{{/unless}}', V), 'nu');
  assert.is(r('{{#with values.missing}}y{{else}}w{{/with}}{{#each values.missing}}e{{else}}none{{/each}}', V), 'wnone');
  assert.is(r('{{and values.on values.missing}}|{{or values.missing "o"}}|{{not values.missing}}|{{eq values.missing "x"}}', V), '|o|true|false');
  assert.is(r('{{empty values.missing}} {{coalesce values.missing "c"}}', V), 'true c');
  assert.is(r('{{#if (and values.on (not values.port.x))}}ok{{/if}}', V), 'ok');
  // but a guard does not protect a nested helper's own arguments
  assert.match(kfErr(() => r('{{default "x" (lower values.missing)}}', V)).message, /values\.missing is not defined/);
});

test('strict inside #each/#with blocks, with this, block params, ../ and @root', () => {
  assert.is(r('{{#each values.list}}{{name}}{{/each}}', V), 'ab');
  assert.is(r('{{#each values.list as |it i|}}{{i}}{{it.name}}{{@root.values.port}}{{../values.port}}{{/each}}', V), '0a808080801b80808080');
  assert.match(kfErr(() => r('{{#each values.list}}\n{{extra}}{{/each}}', V)).message, /t\.yaml:2: extra is not defined/);
  assert.match(kfErr(() => r('{{#each values.list as |it|}}{{it.nope}}{{/each}}', V)).message, /it\.nope is not defined/);
  assert.match(kfErr(() => r('{{#with values.image}}{{repo}}{{tga}}{{/with}}', V)).message, /tga is not defined/);
  assert.match(kfErr(() => r('{{#each values.list}}{{@root.values.nope}}{{/each}}', V)).message, /: values\.nope is not defined/);
});

test('else-if chains guard their conditions too; each with block params over a map', () => {
  const src = '{{#if values.a}}A{{else if values.b.c}}B{{else if values.on}}ON{{else}}E{{/if}}';
  assert.is(r(src, V), 'ON');
  assert.is(r(src, {}), 'E');
  assert.is(r('{{#each values.m as |v k|}}{{k}}={{v}};{{/each}}', { m: { y: 2, x: 1 } }), 'x=1;y=2;');
});

test('docs: bare helper names win, this.name reaches the value; default treats false as empty', () => {
  assert.is(r('{{#with values.x}}{{list}}|{{this.list}}|{{./list}}{{/with}}', { x: { list: 'L' } }), '[]|L|L');
  assert.is(r('{{default true values.enabled}}|{{#if (hasKey values "enabled")}}{{values.enabled}}{{else}}true{{/if}}', { enabled: false }), 'true|false');
});

test('keys with "-" work in paths; keys with dots use [..] segments; both are strict', () => {
  const v = { 'gateway-https': { enabled: true }, 'a.b': 1 };
  assert.is(r('{{#if values.gateway-https.enabled}}on{{/if}} {{values.[a.b]}}', v), 'on 1');
  assert.is(r('{{#if values.ldap-demo.enabled}}on{{else}}off{{/if}}', v), 'off');
  assert.match(kfErr(() => r('{{values.ldap-demo.enabled}}', v)).message, /values\.ldap-demo\.enabled is not defined \(values\.ldap-demo is not defined\)/);
});

test('block helpers check their argument count and block use', () => {
  assert.is(kfErr(() => r('x\n{{#if values.on values.port}}y{{/if}}', V)).message, 'demo/templates/t.yaml:2: if expects 1 argument, got 2');
  assert.match(kfErr(() => r('{{each values.list}}', V)).message, /each must be used as a block/);
  assert.match(kfErr(() => r('{{#each values.port}}x{{/each}}', V)).message, /each needs a list or a map, got a number/);
});

test('if/with/each use Go truthiness: empty maps and lists are false; each walks map keys sorted', () => {
  const v = { m: {}, l: [], z: 0, s: '', full: { b: 2, a: 1 } };
  assert.is(r('{{#if values.m}}1{{/if}}{{#if values.l}}2{{/if}}{{#if values.z}}3{{/if}}{{#if values.s}}4{{/if}}{{#with values.m}}5{{/with}}', v), '');
  assert.is(r('{{#each values.full}}{{@key}}={{this}}{{#unless @last}},{{/unless}}{{/each}}', v), 'a=1,b=2');
});

test('prototype access is denied: constructor, __proto__ and inherited members are not values', () => {
  assert.match(kfErr(() => r('{{values.constructor}}', V)).message, /values\.constructor is not defined/);
  assert.match(kfErr(() => r('{{values.image.toString}}', V)).message, /values\.image\.toString is not defined/);
  assert.match(kfErr(() => r('{{values.__proto__}}', V)).message, /values\.__proto__ is not defined/);
  assert.match(kfErr(() => r('{{constructor.name}}', V)).message, /constructor\.name is not defined/);
  assert.is(r('[{{lookup values "__proto__"}}][{{lookup values "constructor"}}][{{values.constructor.name}}]'.replace('[{{values.constructor.name}}]', ''), V), '[][]');
  assert.is(r('{{#with values.constructor}}bad{{else}}none{{/with}}', V), 'none');
});

test('denied prototype lookups print nothing on the console', () => {
  const calls: unknown[] = [];
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  console.log = console.warn = console.error = console.info = (...a: unknown[]) => void calls.push(a);
  try {
    r('{{lookup values "constructor"}}{{lookup values "__proto__"}}{{#with (lookup values.image "toString")}}x{{/with}}', V);
    r('{{include "p" values}}', V, { partials: { 'templates/_p.hbs': '{{lookup this "constructor"}}' } });
  } finally {
    Object.assign(console, saved);
  }
  assert.equal(calls, []);
});

test('templates cannot reach process, require or globals', () => {
  for (const src of ['{{process.env.HOME}}', '{{global.process}}', '{{this.constructor.constructor}}']) {
    assert.match(kfErr(() => r(src, V)).message, /is not defined/);
  }
});

test('maps and lists print as JSON, not [object Object]', () => {
  assert.is(r('{{values.image}} {{values.list}} {{list 1 2}}', V), '{"repo":"dex","tag":"v2"} [{"name":"a"},{"extra":"x","name":"b"}] [1,2]');
});

test('template syntax errors name the file and line', () => {
  const e = kfErr(() => r('a: 1\nb: {{#if values.on}}\nc: 2\n', V));
  assert.match(e.message, /^demo\/templates\/t\.yaml:(2|4): template syntax error/);
  assert.match(e.message, /not closed/);
  const e2 = kfErr(() => r('a: 1\nb: {{values.on}\n', V));
  assert.is(e2.message, 'demo/templates/t.yaml:2: template syntax error: unexpected character');
  assert.equal(e2.details, ['  2 | b: {{values.on}']);
});

test('errors in partials name the partial file and its line', () => {
  const chart = mkChart({ templates: { 'templates/t.yaml': 'x:\n  {{> labels}}\n' }, partials: { 'templates/_labels.hbs': 'app: x\nbad: {{values.nope}}\n' } });
  const e = kfErr(() => renderAll(chart, {}));
  assert.is(e.message, 'demo/templates/_labels.hbs:2: values.nope is not defined');
});

test('a missing partial is a KfError naming the template', () => {
  assert.match(kfErr(() => r('a\n{{> nothere}}\n', V)).message, /^demo\/templates\/t\.yaml:2: .*nothere/);
  assert.match(kfErr(() => r('{{include "nothere" this}}', V)).message, /include: no partial named "nothere"/);
});

test.run();
