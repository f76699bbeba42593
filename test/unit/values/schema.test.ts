import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeValues, validateValues, compileValuesSchema } from '../../../engine/values/index.js';
import { KfError } from '../../../engine/errors.js';
import type { Chart } from '../../../engine/chart/types.js';
import { chart, thrown } from './_chart.js';

const BCRYPT = '^\\$2[aby]\\$(1[0-9]|2[0-9]|3[01])\\$';

const dexSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['issuer'],
  properties: {
    enabled: { type: 'boolean' },
    issuer: { type: 'string', format: 'uri' },
    replicas: { type: 'integer', minimum: 1 },
    logLevel: { enum: ['debug', 'info', 'error'] },
    staticPasswords: {
      type: 'array',
      items: {
        type: 'object',
        required: ['email', 'hash'],
        properties: { email: { type: 'string', format: 'email' }, hash: { type: 'string', pattern: BCRYPT } },
      },
    },
  },
};

const dexValues = [
  'enabled: true', //                          1
  'issuer: http://dex.example.com', //         2
  'replicas: 1', //                            3
  'logLevel: info', //                         4
  'staticPasswords:', //                       5
  '  - email: admin@example.com', //           6
  '    hash: "$2y$12$abcdefghijklmnopqrstuv"', // 7
  '',
].join('\n');

const build = (topSchema?: Record<string, unknown>, dexSchemaOverride: Record<string, unknown> = dexSchema): Chart => {
  const dex = chart({ name: 'dex', source: 'kf/charts/dex', values: dexValues, schema: dexSchemaOverride });
  return chart({
    name: 'kf',
    source: 'kf',
    values: 'global:\n  domain: example.com\ndex:\n  enabled: true\nport: 8080\n',
    schema: topSchema,
    dependencies: [{ name: 'dex', version: '1.0.0', condition: 'dex.enabled' }],
    subcharts: [dex],
  });
};

const run = (c: Chart, files: { file: string; text: string }[] = [], sets: string[] = []) => {
  const { values, provenance } = computeValues(c, files, sets.map((expr) => ({ kind: 'set' as const, expr })));
  validateValues(c, values, provenance);
};

test('valid values pass; a subchart schema with additionalProperties:false does not trip on global (#10392)', () => {
  run(build());
});
test('every error at once, with file:line, subchart-prefixed path and humanised message', () => {
  const e = thrown(() =>
    run(build(), [
      {
        file: 'prod.yaml',
        text: [
          'dex:', //                            1
          '  replicas: 0', //                   2
          '  logLevel: loud', //                3
          '  staticPasswords:', //              4
          '    - email: admin@example.com', //  5
          '      hash: plain', //               6
          '  colour: blue', //                  7
          '',
        ].join('\n'),
      },
    ]),
  );
  assert.instance(e, KfError);
  assert.is(e.message, "values don't match the schema (4 errors)");
  assert.equal(e.details, [
    'prod.yaml:2: dex.replicas: must be >= 1',
    'prod.yaml:3: dex.logLevel: must be one of "debug", "info", "error" (got "loud")',
    `prod.yaml:6: dex.staticPasswords[0].hash: must match pattern "${BCRYPT}"`,
    'prod.yaml:7: dex: unknown property "colour"',
  ].sort((a, b) => e.details!.indexOf(a) - e.details!.indexOf(b)));
  assert.is(e.details!.length, 4);
});
test('missing required property points at the nearest ancestor that has a line', () => {
  const e = thrown(() => run(build(), [{ file: 'u.yaml', text: 'dex:\n  staticPasswords:\n    - email: x@example.com\n' }]));
  assert.equal(e.details, ['u.yaml:3: dex.staticPasswords[0]: missing required property "hash"']);
});
test('a deleted required default is reported at the subchart values', () => {
  const e = thrown(() => run(build(), [], ['dex.issuer=null']));
  assert.equal(e.details, ['kf/values.yaml:3: dex: missing required property "issuer"']);
});
test('type errors say what was found; --set values are located by the flag', () => {
  const e = thrown(() => run(build(), [], ['dex.replicas=two']));
  assert.equal(e.details, ['--set dex.replicas=two: dex.replicas: must be integer (got string)']);
});
test('format errors (ajv-formats) are reported', () => {
  // --set on a list index builds a new list (lists replace the default, as in Helm), so give both fields.
  const e = thrown(() => run(build(), [], ['dex.staticPasswords[0].email=nope,dex.staticPasswords[0].hash=$2y$10$x']));
  assert.equal(e.details, ['--set dex.staticPasswords[0].email=nope,dex.staticPasswords[0].hash=$2y$10$x: dex.staticPasswords[0].email: must be a valid email (got "nope")']);
});
test('a disabled subchart is not validated', () => {
  run(build(), [], ['dex.enabled=false', 'dex.replicas=two']);
});
test('the top chart validates against a draft-07 schema; root errors have no path', () => {
  const top = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['name'],
    properties: { port: { type: 'integer', maximum: 65535 }, global: { type: 'object' } },
  };
  const e = thrown(() => run(build(top), [], ['port=70000']));
  assert.equal(e.details, [
    'kf/values.yaml:1: missing required property "name"',
    '--set port=70000: port: must be <= 65535',
  ]);
});
test('a schema without $schema is treated as draft-07', () => {
  const e = thrown(() => run(build({ properties: { port: { type: 'string' } } })));
  assert.equal(e.details, ['kf/values.yaml:5: port: must be string (got integer)']);
});
test('additionalProperties:false on the top chart ignores global unless the schema declares it', () => {
  const strict = { type: 'object', additionalProperties: false, properties: { port: {}, dex: {} } };
  run(build(strict));
  const declares = { type: 'object', additionalProperties: false, properties: { port: {}, dex: {}, global: { type: 'object', additionalProperties: false } } };
  const e = thrown(() => run(build(declares)));
  assert.equal(e.details, ['kf/values.yaml:2: global: unknown property "domain"']);
});
test('a 2020-12 schema with unevaluatedProperties is reported as unknown property', () => {
  const s = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { port: {}, dex: {} }, unevaluatedProperties: false };
  const e = thrown(() => run(build(s), [], ['extra=1']));
  assert.equal(e.details, ['--set extra=1: unknown property "extra"']);
});
test('errorMessage in the schema replaces the generic message', () => {
  const s = JSON.parse(JSON.stringify(dexSchema));
  s.properties.staticPasswords.items.properties.hash.errorMessage = 'must be a bcrypt hash';
  const e = thrown(() => run(build(undefined, s), [{ file: 'u.yaml', text: 'dex:\n  staticPasswords:\n    - email: a@b.c\n      hash: plain\n' }]));
  assert.equal(e.details, ['u.yaml:4: dex.staticPasswords[0].hash: must be a bcrypt hash']);
});
test('an invalid schema is a KfError naming the chart values.schema.json', () => {
  const e = thrown(() => run(build(undefined, { type: 'object', properties: { a: { type: 'nonsense' } } })));
  assert.instance(e, KfError);
  assert.match(e.message, /^kf\/charts\/dex\/values\.schema\.json: not a valid JSON Schema/);
  const e2 = thrown(() => run(build({ $schema: 'https://json-schema.org/draft/2020-12/schema', properties: { a: { $ref: '#/nowhere' } } })));
  assert.match(e2.message, /^kf\/values\.schema\.json: not a valid JSON Schema/);
});
test('meta-schema errors are listed per schema location', () => {
  const e = thrown(() => run(build({ properties: { port: { type: 'nonsense' } }, required: 'port' })));
  assert.match(e.message, /^kf\/values\.schema\.json: not a valid JSON Schema: required: must be array; properties\.port\.type: must be equal to one of the allowed values$/);
});
test('checkSchema:false skips the meta-schema but still refuses what ajv cannot compile', () => {
  const c = build({ properties: { port: { minimum: 'x' } } });
  const { values, provenance } = computeValues(c, [], []);
  const e = thrown(() => validateValues(c, values, provenance, { checkSchema: false }));
  assert.match(e.message, /^kf\/values\.schema\.json: not a valid JSON Schema: minimum value must be/);
});
test('unknown formats and keywords are ignored silently (no console output from engine/)', () => {
  const orig = { warn: console.warn, log: console.log, error: console.error };
  const printed: unknown[] = [];
  console.warn = console.log = console.error = (...a: unknown[]) => void printed.push(a);
  try {
    run(build({ properties: { port: { type: 'integer', format: 'tcp-port', 'x-ui': 1 } } }));
  } finally {
    Object.assign(console, orig);
  }
  assert.equal(printed, []);
});
test('compiled validators are cached per schema object', () => {
  const c = build();
  const dex = c.subcharts[0]!;
  assert.is(compileValuesSchema(dex), compileValuesSchema(dex));
});
test('validation does not change values (no defaults, no coercion)', () => {
  const s = { type: 'object', properties: { port: { type: 'integer', default: 1 }, x: { type: 'string', default: 'd' } } };
  const c = build(s);
  const { values, provenance } = computeValues(c, [], []);
  const before = JSON.stringify(values);
  validateValues(c, values, provenance);
  assert.is(JSON.stringify(values), before);
});
test('nested subcharts are validated with the full path prefix', () => {
  const leaf = chart({ name: 'leaf', source: 'kf/charts/mid/charts/leaf', values: 'n: 1\n', schema: { properties: { n: { type: 'integer' } }, additionalProperties: false } });
  const mid = chart({ name: 'mid', source: 'kf/charts/mid', values: '', subcharts: [leaf] });
  const top = chart({ name: 'kf', values: 'mid:\n  leaf:\n    n: 2\n', subcharts: [mid] });
  const e = thrown(() => run(top, [], ['mid.leaf.n=x']));
  assert.equal(e.details, ['--set mid.leaf.n=x: mid.leaf.n: must be integer (got string)']);
});

test.run();
