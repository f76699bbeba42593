// Owns: JSON-Schema validation of computed values — the top chart against its values.schema.json and every
// enabled subchart's scope against its own, recursively — and turning ajv's errors into one KfError whose details
// read `values.yaml:12: dex.staticPasswords[0].hash: must match pattern "…"`.
// Must not: change values (no defaults, coercion or removal), or print.

import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { codeCacheDir, diskCodeCache, textKeyed } from '../cache/code.js';
import type { Chart } from '../chart/types.js';
import { formatWhere, KfError } from '../errors.js';
import { chartFileLabel, subchartScopes } from './compute.js';
import type { Provenance } from './load.js';
import { isMap, joinPath, parentPath, type Values } from './path.js';

// ajv is loaded on first use (synchronously, it is CommonJS): importing it costs ~100 ms and charts without a
// schema never need it. Each draft's class is loaded only when a schema of that draft shows up.
const requireCjs = createRequire(import.meta.url);

interface AjvLike {
  compile(schema: object): ValidateFunction;
  validateSchema(schema: object): boolean | Promise<unknown>;
  errors?: ErrorObject[] | null;
  errorsText(errors?: ErrorObject[] | null): string;
}
type AjvClass = new (opts: object) => AjvLike;

// Meta-schema checks are explicit (checkSchema) rather than on every compile, so they can be skipped when speed
// matters more; the compiled validator is the same either way.
// logger: false — ajv would print warnings (e.g. unknown formats, which are ignored as in Helm); engine/ never prints.
// code.optimize: false — ajv's code optimisation passes cost ~40% of compile time (measured on the shipped charts'
// schemas); a validator runs once per command, so compiling faster wins.
// code.source: true — keep the generated code, so that it can be saved as ajv standalone code (validator cache below).
const OPTIONS = { allErrors: true, strict: false, verbose: true, validateSchema: false, logger: false, code: { optimize: false, source: true } } as const;
const instances = new Map<string, AjvLike>();

function instance(draft: '07' | '2019' | '2020'): AjvLike {
  let a = instances.get(draft);
  if (a) return a;
  const mod =
    draft === '2020'
      ? (requireCjs('ajv/dist/2020.js') as { Ajv2020: AjvClass }).Ajv2020
      : draft === '2019'
        ? (requireCjs('ajv/dist/2019.js') as { Ajv2019: AjvClass }).Ajv2019
        : (requireCjs('ajv') as { Ajv: AjvClass }).Ajv;
  const formats = requireCjs('ajv-formats') as ((ajv: unknown) => void) & { default?: (ajv: unknown) => void };
  a = new mod(OPTIONS);
  (formats.default ?? formats)(a);
  instances.set(draft, a);
  return a;
}

type Draft = '07' | '2019' | '2020';

function draftOf(schema: Record<string, unknown>): { draft: Draft; schema: Record<string, unknown> } {
  const id = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (id.includes('2020-12')) return { draft: '2020', schema };
  if (id.includes('2019-09')) return { draft: '2019', schema };
  if (id !== '' && !id.includes('draft-07')) {
    // draft-04/06: validate with draft-07 rules (close enough for values schemas) instead of failing on the id.
    const { $schema: _drop, ...rest } = schema;
    void _drop;
    return { draft: '07', schema: rest };
  }
  return { draft: '07', schema };
}

/*
 * Validator cache: loading ajv and compiling the values schemas of a chart tree costs ~150 ms per command (the
 * kubeflow chart has 7 schemas), every time, for the same schemas. A compiled validator is saved as ajv standalone
 * code under $XDG_CACHE_HOME/kfchart/validators (default ~/.cache), named by the SHA-256 of everything that
 * determines the code (ajv and ajv-formats versions, draft, options, the schema itself), and later runs load it
 * (~3 ms a schema) without loading the ajv compiler. Files are written to a temp name and renamed (concurrent runs
 * are safe); a cache that cannot be read or written, or a file that does not load as a validator, is ignored (and
 * rewritten). Schemas with `$id` are never cached: ajv keeps ids per instance, and compiling such a schema must
 * keep behaving as it does today. Errors are the same objects either way (same code, same options).
 */
const CACHE_FORMAT = 'kfchart-ajv-standalone-2';

export function validatorCacheDir(): string | undefined {
  return codeCacheDir('validators');
}

let versions: string | undefined;
/** The cache key of a schema's validator (the text it is made from); undefined when it must not be cached. */
function cacheKey(draft: Draft, schema: Record<string, unknown>): string | undefined {
  const text = JSON.stringify(schema);
  if (text.includes('"$id"')) return undefined;
  versions ??= ['ajv/package.json', 'ajv-formats/package.json']
    .map((p) => (requireCjs(p) as { version: string }).version)
    .join('/');
  return `${JSON.stringify([CACHE_FORMAT, versions, draft, OPTIONS])}\0${text}`;
}

function loadCached(code: string): ValidateFunction | undefined {
  try {
    const mod: { exports: unknown } = { exports: {} };
    // Standalone code is CommonJS that requires ajv's runtime helpers (and ajv-formats' formats): resolve them from here.
    new Function('require', 'module', 'exports', code)(requireCjs, mod, mod.exports);
    return typeof mod.exports === 'function' ? (mod.exports as ValidateFunction) : undefined;
  } catch {
    return undefined;
  }
}

function standaloneCode(ajv: AjvLike, fn: ValidateFunction): string | undefined {
  try {
    const standalone = (requireCjs('ajv/dist/standalone') as { default: (ajv: AjvLike, fn: ValidateFunction) => string }).default;
    return standalone(ajv, fn);
  } catch {
    return undefined;
  }
}

const compiled = new WeakMap<object, ValidateFunction>();
const checked = new WeakSet<object>();

export interface SchemaCheckOptions {
  /**
   * Check each schema against its draft's meta-schema (default true). Costs ~70 ms once per draft; without it an
   * invalid schema is still refused when ajv cannot compile it, but some mistakes (a misspelt keyword value
   * ajv tolerates) pass silently.
   */
  checkSchema?: boolean;
}

/** The compiled validator of a chart's schema (cached per schema object); an invalid schema is a KfError. */
export function compileValuesSchema(chart: Chart, opts: SchemaCheckOptions = {}): ValidateFunction | undefined {
  const schema = chart.schema;
  if (!schema) return undefined;
  const label = chartFileLabel(chart, 'values.schema.json');
  const invalid = (why: string, cause?: unknown): KfError =>
    new KfError(`${label}: not a valid JSON Schema: ${why.replace(/\s+/g, ' ').trim()}`, { where: { file: label }, cause });
  if (!isMap(schema)) throw invalid('the top level must be an object');
  const { draft, schema: s } = draftOf(schema);
  if ((opts.checkSchema ?? true) && !checked.has(schema)) {
    const ajv = instance(draft);
    let ok: boolean | Promise<unknown>;
    try {
      ok = ajv.validateSchema(s);
    } catch (e) {
      throw invalid(e instanceof Error ? e.message : String(e), e);
    }
    if (ok !== true) throw invalid(metaErrors(ajv.errors ?? []));
    checked.add(schema);
  }
  const hit = compiled.get(schema);
  if (hit) return hit;
  let fn: ValidateFunction;
  try {
    fn = cachedValidator(schema);
  } catch (e) {
    throw invalid(e instanceof Error ? e.message : String(e), e);
  }
  compiled.set(schema, fn);
  return fn;
}

/**
 * The validator of any JSON Schema (draft from its `$schema`) through the validator cache below: standalone code
 * from the disk when there, else compiled (and saved). Throws what ajv throws for a schema it cannot compile.
 * The release record's schema goes through here too (engine/release/record.ts), so reading records costs no ajv.
 */
export function cachedValidator(schema: Record<string, unknown>): ValidateFunction {
  const { draft, schema: s } = draftOf(schema);
  const disk = diskCodeCache('validators', '.cjs'); // per call: XDG_CACHE_HOME may change
  const store = disk && textKeyed(disk);
  const key = store ? cacheKey(draft, s) : undefined;
  const text = key ? store!.get(key) : undefined;
  const cached = text === undefined ? undefined : loadCached(text);
  if (cached) return cached;
  const ajv = instance(draft);
  const fn = ajv.compile(s);
  if (key) {
    const code = standaloneCode(ajv, fn);
    if (code !== undefined) store!.set(key, code);
  }
  return fn;
}

/** Meta-schema errors, one per schema location: `properties.a.type: must be equal to one of the allowed values`. */
function metaErrors(errors: ErrorObject[]): string {
  const seen = new Map<string, string>();
  for (const e of errors) {
    const at = e.instancePath.split('/').slice(1).map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
    if (!seen.has(at)) seen.set(at, `${at === '' ? '(top level)' : at}: ${e.message ?? e.keyword}`);
  }
  return [...seen.values()].join('; ') || 'rejected by its meta-schema';
}

/**
 * Validate the values of `chart` and of every enabled subchart (recursively) against their schemas. All errors
 * are collected and thrown as one KfError: `values don't match the schema (N errors)` with one detail line each.
 */
export function validateValues(chart: Chart, values: Values, provenance: Provenance, opts: SchemaCheckOptions = {}): void {
  const lines: string[] = [];
  validateChart(chart, values, '', provenance, lines, opts);
  if (lines.length > 0) {
    const unique = [...new Set(lines)];
    throw new KfError(`values don't match the schema (${unique.length} error${unique.length === 1 ? '' : 's'})`, {
      details: unique,
    });
  }
}

function validateChart(
  chart: Chart,
  values: Values,
  prefix: string,
  prov: Provenance,
  out: string[],
  opts: SchemaCheckOptions,
): void {
  const fn = compileValuesSchema(chart, opts);
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
    if (scope.enabled) validateChart(scope.chart, scope.values, joinPath(prefix, scope.key), prov, out, opts);
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
  if (e.keyword === 'type' && where) msg += setStringHint(where.file, path, p.type, e.data);
  return `${formatWhere(where ?? {})}${path === '' ? '' : `${path}: `}${msg}`;
}

/**
 * A string-typed value that `--set` turned into a number, boolean or null (`--set istio.version=1.29`): name the
 * `--set-string` that keeps it text, with the value as it was typed (1.10 stays 1.10, not 1.1).
 */
function setStringHint(file: string, path: string, expected: unknown, data: unknown): string {
  const m = /^--set (.*)$/s.exec(file);
  const types = Array.isArray(expected) ? expected : [expected];
  if (!m || !types.includes('string') || !(typeof data === 'number' || typeof data === 'boolean' || data === null)) return '';
  const esc = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const typed = new RegExp(`(?:^|,)${esc}=([^,]*)`).exec(m[1]!)?.[1] ?? String(data);
  return `; to keep it a string, use --set-string ${path}=${typed}`;
}

/** File and line of `path`, or of its nearest ancestor that has one. */
function locate(path: string, prov: Provenance): { file: string; line?: number } | undefined {
  for (let p: string | undefined = path; p !== undefined; p = parentPath(p)) {
    const e = prov.get(p);
    if (e) return e.line > 0 ? { file: e.file, line: e.line } : { file: e.file };
  }
  return undefined;
}
