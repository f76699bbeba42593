// Owns: JSON-Schema validation of computed values — the top chart against its values.schema.json and every
// enabled subchart's scope against its own, recursively — and turning ajv's errors into one KfError whose details
// read `values.yaml:12: dex.staticPasswords[0].hash: must match pattern "…"`.
// Must not: change values (no defaults, coercion or removal), or print.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { Chart } from '../chart/types.js';
import { formatWhere, KfError } from '../errors.js';
import { chartFileLabel, subchartScopes } from './compute.js';
import type { Provenance } from './load.js';
import { isMap, joinPath, parentPath, type Values } from './path.js';

type AjvLike = { compile(schema: object): ValidateFunction };

const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (
  ajv: unknown,
) => void;

const OPTIONS = { allErrors: true, strict: false, verbose: true } as const;
let draft07: AjvLike | undefined;
let draft2019: AjvLike | undefined;
let draft2020: AjvLike | undefined;

function ajvFor(schema: Record<string, unknown>): { ajv: AjvLike; schema: Record<string, unknown> } {
  const id = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (id.includes('2020-12')) {
    if (!draft2020) {
      const a = new Ajv2020(OPTIONS);
      addFormats(a);
      draft2020 = a;
    }
    return { ajv: draft2020, schema };
  }
  if (id.includes('2019-09')) {
    if (!draft2019) {
      const a = new Ajv2019(OPTIONS);
      addFormats(a);
      draft2019 = a;
    }
    return { ajv: draft2019, schema };
  }
  if (!draft07) {
    const a = new Ajv(OPTIONS);
    addFormats(a);
    draft07 = a;
  }
  if (id !== '' && !id.includes('draft-07')) {
    // draft-04/06: validate with draft-07 rules (close enough for values schemas) instead of failing on the id.
    const { $schema: _drop, ...rest } = schema;
    void _drop;
    return { ajv: draft07, schema: rest };
  }
  return { ajv: draft07, schema };
}

const compiled = new WeakMap<object, ValidateFunction>();

/** The compiled validator of a chart's schema (cached per schema object); an invalid schema is a KfError. */
export function compileValuesSchema(chart: Chart): ValidateFunction | undefined {
  const schema = chart.schema;
  if (!schema) return undefined;
  const hit = compiled.get(schema);
  if (hit) return hit;
  const label = chartFileLabel(chart, 'values.schema.json');
  if (!isMap(schema)) {
    throw new KfError(`${label}: not a valid JSON Schema: the top level must be an object`, { where: { file: label } });
  }
  let fn: ValidateFunction;
  try {
    const { ajv, schema: s } = ajvFor(schema);
    fn = ajv.compile(s);
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
    throw new KfError(`${label}: not a valid JSON Schema: ${why}`, { where: { file: label }, cause: e });
  }
  compiled.set(schema, fn);
  return fn;
}

/**
 * Validate the values of `chart` and of every enabled subchart (recursively) against their schemas. All errors
 * are collected and thrown as one KfError: `values don't match the schema (N errors)` with one detail line each.
 */
export function validateValues(chart: Chart, values: Values, provenance: Provenance): void {
  const lines: string[] = [];
  validateChart(chart, values, '', provenance, lines);
  if (lines.length > 0) {
    const unique = [...new Set(lines)];
    throw new KfError(`values don't match the schema (${unique.length} error${unique.length === 1 ? '' : 's'})`, {
      details: unique,
    });
  }
}

function validateChart(chart: Chart, values: Values, prefix: string, prov: Provenance, out: string[]): void {
  const fn = compileValuesSchema(chart);
  if (fn && chart.schema) {
    // Helm bug #10392: `global` is injected into every scope; a schema that does not declare it must not see it.
    const props = chart.schema.properties;
    const declaresGlobal = isMap(props) && Object.prototype.hasOwnProperty.call(props, 'global');
    let data: Values = values;
    if (!declaresGlobal && Object.prototype.hasOwnProperty.call(values, 'global')) {
      const { global: _g, ...rest } = values;
      void _g;
      data = rest;
    }
    if (!fn(data)) {
      for (const e of fn.errors ?? []) {
        const line = formatError(e, data, prefix, prov);
        if (line !== undefined) out.push(line);
      }
    }
  }
  for (const scope of subchartScopes(chart, values)) {
    if (scope.enabled) validateChart(scope.chart, scope.values, joinPath(prefix, scope.key), prov, out);
  }
}

/** JSON pointer (`/a/0/b`) → values path (`a[0].b`), using the data to tell list indexes from keys. */
export function pointerToPath(pointer: string, data: unknown, prefix = ''): string {
  let path = prefix;
  let cur: unknown = data;
  if (pointer === '') return path;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      const i = Number(seg);
      path = joinPath(path, i);
      cur = cur[i];
    } else {
      path = joinPath(path, seg);
      cur = isMap(cur) && Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    }
  }
  return path;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s;
}

/** One detail line, or undefined for errors that only repeat others (`if`). */
function formatError(e: ErrorObject, data: unknown, prefix: string, prov: Provenance): string | undefined {
  const path = pointerToPath(e.instancePath, data, prefix);
  let lookup = path;
  let msg: string;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'if':
      return undefined;
    case 'required':
      msg = `missing required property "${String(p.missingProperty)}"`;
      break;
    case 'additionalProperties':
      msg = `unknown property "${String(p.additionalProperty)}"`;
      lookup = joinPath(path, String(p.additionalProperty));
      break;
    case 'unevaluatedProperties':
      msg = `unknown property "${String(p.unevaluatedProperty)}"`;
      lookup = joinPath(path, String(p.unevaluatedProperty));
      break;
    case 'enum':
      msg = `must be one of ${(p.allowedValues as unknown[]).map(show).join(', ')} (got ${show(e.data)})`;
      break;
    case 'const':
      msg = `must be ${show(p.allowedValue)} (got ${show(e.data)})`;
      break;
    case 'type':
      msg = `must be ${Array.isArray(p.type) ? p.type.join(' or ') : String(p.type)} (got ${typeName(e.data)})`;
      break;
    case 'pattern':
      msg = `must match pattern "${String(p.pattern)}"`;
      break;
    case 'format':
      msg = `must be a valid ${String(p.format)} (got ${show(e.data)})`;
      break;
    default:
      msg = e.message ?? `fails "${e.keyword}"`;
  }
  const custom = isMap(e.parentSchema) ? e.parentSchema.errorMessage : undefined;
  if (typeof custom === 'string' && e.keyword !== 'required' && e.keyword !== 'additionalProperties') msg = custom;
  const where = locate(lookup, prov);
  return `${formatWhere(where ?? {})}${path === '' ? '' : `${path}: `}${msg}`;
}

/** File and line of `path`, or of its nearest ancestor that has one. */
function locate(path: string, prov: Provenance): { file: string; line?: number } | undefined {
  for (let p: string | undefined = path; p !== undefined; p = parentPath(p)) {
    const e = prov.get(p);
    if (e) return e.line > 0 ? { file: e.file, line: e.line } : { file: e.file };
  }
  return undefined;
}
