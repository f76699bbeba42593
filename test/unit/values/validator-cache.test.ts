// The on-disk cache of compiled values-schema validators (ajv standalone code under $XDG_CACHE_HOME/kfchart):
// a cached validator reports exactly what a freshly compiled one does; a broken or unwritable cache is ignored.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { computeValues, validateValues, compileValuesSchema } from '../../../engine/values/index.js';
import { validatorCacheDir } from '../../../engine/values/schema.js';
import { chart, thrown } from './_chart.js';

const schema = () => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['issuer'],
  properties: {
    issuer: { type: 'string', format: 'uri' },
    replicas: { type: 'integer', minimum: 1 },
    mode: { enum: ['a', 'b'] },
    hash: { type: 'string', pattern: '^\\$2', errorMessage: 'must be a bcrypt hash' },
    list: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
  },
});
const bad = 'issuer: "not a uri"\nreplicas: 0\nmode: c\nhash: plain\nlist:\n  - {}\nextra: 1\n';

const orig = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, KFCHART_CACHE_HOME: process.env.KFCHART_CACHE_HOME };
let dir = '';
test.before.each(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kfchart-vcache-'));
  process.env.XDG_CACHE_HOME = dir;
  delete process.env.KFCHART_CACHE_HOME; // other suites in this process set it
});
test.after.each(() => {
  for (const [k, v] of Object.entries(orig)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

const files = () => {
  try {
    return readdirSync(path.join(dir, 'kfchart', 'validators'));
  } catch {
    return [];
  }
};
/** A fresh chart object each time (validators are also cached in memory per schema object). */
const errorsOf = (s: Record<string, unknown>) => {
  const c = chart({ name: 'kf', values: bad, schema: s });
  const { values, provenance } = computeValues(c, [], []);
  const fn = compileValuesSchema(c, { checkSchema: false })!;
  fn(values);
  const e = thrown(() => validateValues(c, values, provenance, { checkSchema: false }));
  return { fn, errors: fn.errors, message: e.message, details: e.details };
};

test('cache folder: $XDG_CACHE_HOME/kfchart/validators', () => {
  assert.is(validatorCacheDir(), path.join(dir, 'kfchart', 'validators'));
});

test('KFCHART_CACHE_HOME wins over XDG_CACHE_HOME, as `kfchart env` documents', () => {
  process.env.KFCHART_CACHE_HOME = path.join(dir, 'own');
  assert.is(validatorCacheDir(), path.join(dir, 'own', 'validators'));
});

test('a cached validator gives the same errors and messages as a compiled one', () => {
  const fresh = errorsOf(schema());
  assert.is(files().length, 1);
  assert.ok('schemaEnv' in fresh.fn, 'first compile is ajv');
  const cached = errorsOf(schema());
  assert.not.ok('schemaEnv' in cached.fn, 'second comes from the cache');
  assert.equal(cached.errors, fresh.errors);
  assert.equal(cached.details, fresh.details);
  assert.is(cached.message, fresh.message);
  assert.ok(fresh.details!.some((d) => d.includes('must be a bcrypt hash')));
  assert.ok(fresh.details!.some((d) => d.includes('must be a valid uri')));
});

test('a different schema gets a different entry', () => {
  errorsOf(schema());
  const s = schema();
  (s.properties.replicas as { minimum: number }).minimum = 2;
  errorsOf(s);
  assert.is(files().length, 2);
});

test('a corrupt cache file is ignored and rewritten', () => {
  const fresh = errorsOf(schema());
  const [f] = files();
  writeFileSync(path.join(dir, 'kfchart', 'validators', f!), 'throw new Error("corrupt")');
  const again = errorsOf(schema());
  assert.ok('schemaEnv' in again.fn, 'recompiled');
  assert.equal(again.details, fresh.details);
  assert.not.ok('schemaEnv' in errorsOf(schema()).fn, 'rewritten');
  writeFileSync(path.join(dir, 'kfchart', 'validators', f!), 'module.exports = 42');
  assert.ok('schemaEnv' in errorsOf(schema()).fn, 'not a function: recompiled');
});

test('an unusable cache folder does not matter', () => {
  const file = path.join(dir, 'not-a-folder');
  writeFileSync(file, 'x');
  process.env.XDG_CACHE_HOME = file;
  const a = errorsOf(schema());
  assert.ok(a.details!.length > 3);
});

test('schemas with $id are not cached', () => {
  errorsOf({ ...schema(), $id: 'https://example.com/kf-values.json' });
  assert.is(files().length, 0);
});

test('a schema ajv cannot compile is still refused, and nothing is cached', () => {
  const c = chart({ name: 'kf', values: 'a: 1\n', schema: { properties: { a: { minimum: 'x' } } } });
  const e = thrown(() => compileValuesSchema(c, { checkSchema: false }));
  assert.match(e.message, /^kf\/values\.schema\.json: not a valid JSON Schema/);
  assert.is(files().length, 0);
});

test.run();
