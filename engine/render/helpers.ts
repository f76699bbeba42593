// Owns: the pure helper library (Helm/Sprig names and argument order): strings, encodings, YAML/JSON, logic,
// comparison, lists, dicts, numbers, and the value words templates share (truthy, strval, kindOf). Each helper is a
// plain function of its arguments; render.ts adds arity checks and turns thrown Errors into KfErrors naming the
// template and line. Maps, own keys, forbidden keys and deep copies are engine/values' (one meaning everywhere).
// Must not: touch the file system, environment, process, clock or randomness (helpers that need render state —
// include, tpl, checksum, required — are in context-helpers.ts; genSecret and the certificates in generate.ts).

import { createRequire } from 'node:module';
import type * as Bcrypt from 'bcryptjs';
import semver from 'semver';
import { parseYaml, writeYaml } from '../yaml/index.js';
import { cloneValue, FORBIDDEN_KEYS, hasOwn, isMap } from '../values/index.js';
import { nodeCrypto } from '../crypto.js';

/** The one deep copy (engine/values cloneValue), typed for helpers. */
const deepCopy = <T>(v: T): T => cloneValue(v) as T;

export type HelperFn = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
export interface HelperDef {
  fn: HelperFn;
  /** Fewest arguments accepted. */
  min: number;
  /** Most arguments accepted (Infinity for variadic). */
  max: number;
}

export type Dict = Record<string, unknown>;

/** Go/Sprig emptiness: nil, false, 0, "", empty list, empty map. */
export function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (typeof v === 'number' && Number.isNaN(v)) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  return false;
}

export function truthy(v: unknown): boolean {
  return !isEmpty(v);
}

/** Sort map keys recursively (code-unit order), for deterministic JSON. */
export function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (isMap(v)) {
    const out: Dict = {};
    for (const k of Object.keys(v).sort()) out[k] = sortDeep(v[k]);
    return out;
  }
  return v;
}

/** A value as text, the way a template prints it: nil → '', maps/lists → JSON. */
export function strval(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'object') return JSON.stringify(sortDeep(v));
  return String(v);
}

function str(v: unknown, what = 'argument'): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === undefined || v === null) return '';
  throw new Error(`${what} must be a string, got ${kindOf(v)}`);
}

function num(v: unknown, what = 'argument'): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === undefined || v === null) return 0;
  throw new Error(`${what} must be a number, got ${kindOf(v)} ${JSON.stringify(strval(v))}`);
}

function list(v: unknown, what = 'argument'): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return [];
  throw new Error(`${what} must be a list, got ${kindOf(v)}`);
}

function dict(v: unknown, what = 'argument'): Dict {
  if (isMap(v)) return v;
  throw new Error(`${what} must be a map, got ${kindOf(v)}`);
}

function key(k: unknown): string {
  const s = str(k, 'key');
  if (FORBIDDEN_KEYS.has(s)) throw new Error(`key "${s}" is not allowed`);
  return s;
}

/** Go-like kind names: string, bool, int, float64, map, slice, invalid (nil). */
export function kindOf(v: unknown): string {
  if (v === undefined || v === null) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (Array.isArray(v)) return 'slice';
  if (isMap(v)) return 'map';
  return typeof v;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b));
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`cannot compare ${kindOf(a)} with ${kindOf(b)}`);
}

/** Deep merge where keys already in `dst` win (Sprig `merge`); returns a new map. */
function mergeInto(dst: Dict, src: Dict, overwrite: boolean): Dict {
  const out: Dict = deepCopy(dst);
  for (const k of Object.keys(src)) {
    if (FORBIDDEN_KEYS.has(k)) continue;
    const s = src[k];
    if (!hasOwn(out, k)) out[k] = deepCopy(s);
    else if (isMap(out[k]) && isMap(s)) out[k] = mergeInto(out[k] as Dict, s, overwrite);
    else if (overwrite) out[k] = deepCopy(s);
  }
  return out;
}

function assertSafe(v: unknown, what: string): unknown {
  if (Array.isArray(v)) v.forEach((x) => assertSafe(x, what));
  else if (isMap(v)) {
    for (const k of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(k)) throw new Error(`${what}: key "${k}" is not allowed`);
      assertSafe(v[k], what);
    }
  }
  return v;
}

/** Masterminds-style constraint (`>=1.21-0`, `>= 1.2, < 2`) → npm semver range. */
function normalizeConstraint(c: string): string {
  return c
    .replace(/,/g, ' ')
    .replace(/([<>=~^!]+)\s+/g, '$1')
    .replace(/(^|[\s<>=~^])v(?=\d)/g, '$1')
    .replace(/(^|[\s<>=~^])(\d+)(?:\.(\d+))?-/g, (_m, pre: string, maj: string, min?: string) => `${pre}${maj}.${min ?? '0'}.0-`);
}

export function semverCompare(constraint: string, version: string): boolean {
  const v = semver.coerce(version, { includePrerelease: true, loose: true });
  const clean = semver.valid(version.replace(/^v/, ''), { loose: true }) ?? v?.version;
  if (!clean) throw new Error(`"${version}" is not a semantic version`);
  const range = normalizeConstraint(constraint);
  if (semver.validRange(range, { loose: true, includePrerelease: true }) === null) {
    throw new Error(`"${constraint}" is not a valid version constraint`);
  }
  return semver.satisfies(clean, range, { loose: true, includePrerelease: true });
}

/** A subset of Go's fmt verbs: %s %v %d %q %f %g %e %t %x %X %o %% with flags `-`/`0`, width and precision. */
export function printf(format: string, ...args: unknown[]): string {
  let i = 0;
  return format.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([svdqfgetxXo%])/g, (_m, flags: string, width?: string, prec?: string, verb?: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    const p = prec === undefined ? undefined : Number(prec);
    let out: string;
    switch (verb) {
      case 's':
      case 'v':
        out = strval(a);
        if (p !== undefined) out = out.slice(0, p);
        break;
      case 'd':
        out = String(Math.trunc(num(a)));
        break;
      case 'q':
        out = JSON.stringify(strval(a));
        break;
      case 'f':
        out = num(a).toFixed(p ?? 6);
        break;
      case 'e':
        out = num(a).toExponential(p ?? 6);
        break;
      case 'g':
        out = String(num(a));
        break;
      case 't':
        out = String(truthy(a));
        break;
      case 'o':
        out = Math.trunc(num(a)).toString(8);
        break;
      default: {
        // x, X
        out = typeof a === 'string' ? Buffer.from(a).toString('hex') : Math.trunc(num(a)).toString(16);
        if (verb === 'X') out = out.toUpperCase();
      }
    }
    if (flags.includes('+') && /^[dfeg]$/.test(verb!) && !out.startsWith('-')) out = '+' + out;
    const w = width === undefined ? 0 : Number(width);
    if (w > 1000 || (p ?? 0) > 1000) throw new Error(`width/precision over 1000 in "${_m}"`);
    if (out.length < w) {
      if (flags.includes('-')) out = out.padEnd(w);
      else if (flags.includes('0') && /^[dfegxXo]$/.test(verb!)) {
        const neg = out.startsWith('-') || out.startsWith('+') ? out[0] : '';
        out = neg + out.slice(neg.length).padStart(w - neg.length, '0');
      } else out = out.padStart(w);
    }
    return out;
  });
}

/**
 * bcrypt (`$2a$`, cost 10) with a salt derived from the input (SHA-256), so the same password always gives the
 * same hash: a config holding it does not change (and roll pods) on every upgrade. Equal inputs give equal
 * hashes, which is acceptable for generated passwords (feed it genSecret output), not for user databases.
 */
const require = createRequire(import.meta.url);
let bcryptModule: typeof Bcrypt | undefined;

export function bcryptHash(password: string): string {
  const { encodeBase64, hashSync } = (bcryptModule ??= require('bcryptjs') as typeof Bcrypt); // lazy: rarely used
  const seed = nodeCrypto().createHash('sha256').update('kfchart-bcrypt\0' + password).digest();
  return hashSync(password, '$2a$10$' + encodeBase64([...seed.subarray(0, 16)], 16));
}

function indent(n: unknown, s: unknown): string {
  const width = Math.trunc(num(n, 'indent width'));
  if (width > 1000) throw new Error(`indent width ${width} is over 1000`);
  const pad = ' '.repeat(Math.max(0, width));
  return pad + strval(s).replace(/\n/g, '\n' + pad);
}

/**
 * toYaml results per map/list object. A loop that prints the same values map for every item dumps it once.
 * `mutations` counts set/unset calls (the only helpers that change an object in place); an entry from an
 * older count is stale. Render contexts deep-copy values, so objects are never shared between renders.
 */
const yamlMemo = new WeakMap<object, { at: number; text: string }>();
let mutations = 0;

function toYaml(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return writeYaml(v, { sortKeys: true }).replace(/\n$/, '');
  const hit = yamlMemo.get(v);
  if (hit && hit.at === mutations) return hit.text;
  const text = writeYaml(v, { sortKeys: true }).replace(/\n$/, '');
  yamlMemo.set(v, { at: mutations, text });
  return text;
}

function toJson(v: unknown): string {
  return v === undefined ? 'null' : JSON.stringify(sortDeep(v));
}

function trunc(n: unknown, s: unknown): string {
  const c = Math.trunc(num(n));
  const t = strval(s);
  if (c < 0 && t.length + c > 0) return t.slice(t.length + c);
  if (c >= 0 && t.length > c) return t.slice(0, c);
  return t;
}

function trimCut(cutset: string, s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && cutset.includes(s[a])) a++;
  while (b > a && cutset.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

function regex(re: unknown): RegExp {
  try {
    return new RegExp(str(re, 'regular expression'));
  } catch (e) {
    throw new Error(`invalid regular expression: ${(e as Error).message}`);
  }
}

function toInt(v: unknown): number {
  if (typeof v === 'string') {
    const n = Number.parseInt(v, 10);
    return Number.isNaN(n) ? 0 : n;
  }
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

function toFloat(v: unknown): number {
  if (typeof v === 'string') {
    const n = Number.parseFloat(v);
    return Number.isNaN(n) ? 0 : n;
  }
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

function dig(...args: unknown[]): unknown {
  const m = args.pop();
  const def = args.pop();
  let cur: unknown = dict(m, 'the last argument');
  for (const k of args.map((x) => str(x, 'key'))) {
    if (!isMap(cur) || FORBIDDEN_KEYS.has(k) || !hasOwn(cur, k)) return def;
    cur = cur[k];
  }
  return cur;
}

function slice(l: unknown, ...ix: unknown[]): unknown {
  if (typeof l === 'string') return l.slice(...ix.map((x) => Math.trunc(num(x))));
  return list(l).slice(...ix.map((x) => Math.trunc(num(x))));
}

function posixPath(p: string): { dir: string; base: string } {
  const trimmed = p.length > 1 ? p.replace(/\/+$/, '') : p;
  const i = trimmed.lastIndexOf('/');
  if (i < 0) return { dir: '.', base: trimmed || '.' };
  return { dir: i === 0 ? '/' : trimmed.slice(0, i), base: trimmed.slice(i + 1) || '/' };
}

/** The YAML text a fromYaml* helper (`name`, a plain identifier) was given, parsed; errors lose parseYaml's prefix. */
function yamlArg(s: unknown, name: string): unknown {
  try {
    return parseYaml(str(s), name);
  } catch (e) {
    throw new Error(`invalid YAML: ${(e as Error).message.replace(new RegExp(`^${name}(:\\d+)?: invalid YAML: `), '')}`);
  }
}

function parseList(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${what}: expected a list, got ${kindOf(v)}`);
  return v;
}

/** Bounds for helpers whose output size is set by an argument (a typo must not exhaust memory). */
const MAX_BUILT = 16 * 1024 * 1024;
const MAX_LIST = 1_000_000;

const d = (fn: HelperFn, min: number, max: number = min): HelperDef => ({ fn, min, max });
const V = Infinity;

/** The pure helpers, by Helm/Sprig name. */
export const PURE_HELPERS: Record<string, HelperDef> = {
  // YAML / JSON
  toYaml: d(toYaml, 1),
  toJson: d(toJson, 1),
  toPrettyJson: d((v: unknown) => (v === undefined ? 'null' : JSON.stringify(sortDeep(v), null, 2)), 1),
  fromYaml: d((s: unknown) => assertSafe(yamlArg(s, 'fromYaml') ?? {}, 'fromYaml'), 1),
  fromYamlArray: d((s: unknown) => assertSafe(parseList(yamlArg(s, 'fromYamlArray') ?? [], 'fromYamlArray'), 'fromYamlArray'), 1),
  fromJsonArray: d((s: unknown) => {
    let v: unknown;
    try {
      v = JSON.parse(str(s));
    } catch (e) {
      throw new Error(`invalid JSON: ${(e as Error).message}`);
    }
    return assertSafe(parseList(v, 'fromJsonArray'), 'fromJsonArray');
  }, 1),
  fromJson: d((s: unknown) => {
    try {
      return assertSafe(JSON.parse(str(s)), 'fromJson');
    } catch (e) {
      throw new Error(`invalid JSON: ${(e as Error).message}`);
    }
  }, 1),

  // layout and quoting
  indent: d(indent, 2),
  nindent: d((n: unknown, s: unknown) => '\n' + indent(n, s), 2),
  quote: d((...xs: unknown[]) => xs.filter((x) => x !== undefined && x !== null).map((x) => JSON.stringify(strval(x))).join(' '), 0, V),
  squote: d((...xs: unknown[]) => xs.filter((x) => x !== undefined && x !== null).map((x) => `'${strval(x)}'`).join(' '), 0, V),

  // strings
  lower: d((s: unknown) => strval(s).toLowerCase(), 1),
  upper: d((s: unknown) => strval(s).toUpperCase(), 1),
  title: d((s: unknown) => strval(s).replace(/(^|[^\p{L}\p{N}_])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase()), 1),
  trim: d((s: unknown) => strval(s).trim(), 1),
  trimAll: d((c: unknown, s: unknown) => trimCut(str(c), strval(s)), 2),
  trimPrefix: d((p: unknown, s: unknown) => { const t = strval(s); const q = str(p); return q && t.startsWith(q) ? t.slice(q.length) : t; }, 2),
  trimSuffix: d((p: unknown, s: unknown) => { const t = strval(s); const q = str(p); return q && t.endsWith(q) ? t.slice(0, t.length - q.length) : t; }, 2),
  trunc: d(trunc, 2),
  replace: d((o: unknown, n: unknown, s: unknown) => strval(s).split(str(o)).join(str(n)), 3),
  repeat: d((n: unknown, s: unknown) => {
    const t = strval(s);
    const c = Math.max(0, Math.trunc(num(n)));
    if (t.length * c > MAX_BUILT) throw new Error(`result would be over ${MAX_BUILT} characters`);
    return t.repeat(c);
  }, 2),
  nospace: d((s: unknown) => strval(s).replace(/\s+/g, ''), 1),
  cat: d((...xs: unknown[]) => xs.filter((x) => x !== undefined && x !== null).map(strval).join(' '), 0, V),
  contains: d((sub: unknown, s: unknown) => strval(s).includes(str(sub)), 2),
  hasPrefix: d((p: unknown, s: unknown) => strval(s).startsWith(str(p)), 2),
  hasSuffix: d((p: unknown, s: unknown) => strval(s).endsWith(str(p)), 2),
  split: d((sep: unknown, s: unknown) => {
    const out: Dict = {};
    strval(s).split(str(sep)).forEach((part, i) => (out[`_${i}`] = part));
    return out;
  }, 2),
  splitList: d((sep: unknown, s: unknown) => strval(s).split(str(sep)), 2),
  join: d((sep: unknown, l: unknown) => (typeof l === 'string' ? l : list(l).filter((x) => x !== undefined && x !== null).map(strval).join(str(sep))), 2),
  printf: d((f: unknown, ...xs: unknown[]) => printf(str(f), ...xs), 1, V),
  substr: d((a: unknown, b: unknown, s: unknown) => { const t = strval(s); const from = Math.max(0, Math.trunc(num(a))); const to = Math.trunc(num(b)); return to < 0 ? t.slice(from) : t.slice(from, to); }, 3),
  camelcase: d((s: unknown) => words(strval(s)).map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join(''), 1),
  kebabcase: d((s: unknown) => words(strval(s)).map((w) => w.toLowerCase()).join('-'), 1),
  snakecase: d((s: unknown) => words(strval(s)).map((w) => w.toLowerCase()).join('_'), 1),
  base: d((p: unknown) => posixPath(strval(p)).base, 1),
  dir: d((p: unknown) => posixPath(strval(p)).dir, 1),
  ext: d((p: unknown) => { const b = posixPath(strval(p)).base; const i = b.lastIndexOf('.'); return i > 0 ? b.slice(i) : ''; }, 1),
  regexMatch: d((re: unknown, s: unknown) => regex(re).test(strval(s)), 2),
  regexReplaceAll: d((re: unknown, s: unknown, r: unknown) => strval(s).replace(new RegExp(regex(re).source, 'g'), str(r)), 3),

  // encodings and digests
  b64enc: d((s: unknown) => Buffer.from(strval(s), 'utf8').toString('base64'), 1),
  b64dec: d((s: unknown) => {
    const t = strval(s).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) throw new Error('not valid base64');
    return Buffer.from(t, 'base64').toString('utf8');
  }, 1),
  sha256sum: d((s: unknown) => nodeCrypto().createHash('sha256').update(strval(s)).digest('hex'), 1),
  sha1sum: d((s: unknown) => nodeCrypto().createHash('sha1').update(strval(s)).digest('hex'), 1),
  bcrypt: d((s: unknown) => bcryptHash(strval(s)), 1),
  htpasswd: d((u: unknown, p: unknown) => {
    const user = strval(u);
    if (user.includes(':')) throw new Error('the user name must not contain ":"');
    return `${user}:${bcryptHash(strval(p))}`;
  }, 2),

  // logic and comparison
  default: d((def: unknown, ...given: unknown[]) => (given.length === 0 || isEmpty(given[0]) ? def : given[0]), 1, 2),
  empty: d((v: unknown) => isEmpty(v), 1),
  coalesce: d((...xs: unknown[]) => xs.find((x) => !isEmpty(x)), 0, V),
  ternary: d((a: unknown, b: unknown, c: unknown) => (truthy(c) ? a : b), 3),
  eq: d((a: unknown, ...bs: unknown[]) => bs.some((b) => deepEqual(a, b)), 2, V),
  ne: d((a: unknown, b: unknown) => !deepEqual(a, b), 2),
  lt: d((a: unknown, b: unknown) => compare(a, b) < 0, 2),
  le: d((a: unknown, b: unknown) => compare(a, b) <= 0, 2),
  gt: d((a: unknown, b: unknown) => compare(a, b) > 0, 2),
  ge: d((a: unknown, b: unknown) => compare(a, b) >= 0, 2),
  and: d((...xs: unknown[]) => { for (const x of xs) if (!truthy(x)) return x; return xs[xs.length - 1]; }, 1, V),
  or: d((...xs: unknown[]) => { for (const x of xs) if (truthy(x)) return x; return xs[xs.length - 1]; }, 1, V),
  not: d((x: unknown) => !truthy(x), 1),
  semverCompare: d((c: unknown, v: unknown) => semverCompare(str(c), str(v)), 2),
  fail: d((msg: unknown) => { throw new Error(strval(msg)); }, 1),

  // lists
  list: d((...xs: unknown[]) => xs, 0, V),
  first: d((l: unknown) => list(l)[0], 1),
  last: d((l: unknown) => { const a = list(l); return a[a.length - 1]; }, 1),
  rest: d((l: unknown) => list(l).slice(1), 1),
  initial: d((l: unknown) => list(l).slice(0, -1), 1),
  append: d((l: unknown, v: unknown) => [...list(l), v], 2),
  prepend: d((l: unknown, v: unknown) => [v, ...list(l)], 2),
  concat: d((...ls: unknown[]) => ls.flatMap((l) => list(l)), 0, V),
  has: d((needle: unknown, l: unknown) => list(l).some((x) => deepEqual(x, needle)), 2),
  without: d((l: unknown, ...vs: unknown[]) => list(l).filter((x) => !vs.some((v) => deepEqual(x, v))), 1, V),
  uniq: d((l: unknown) => list(l).filter((x, i, a) => a.findIndex((y) => deepEqual(x, y)) === i), 1),
  compact: d((l: unknown) => list(l).filter((x) => !isEmpty(x)), 1),
  sortAlpha: d((l: unknown) => list(l).map(strval).sort(), 1),
  slice: d(slice, 1, 3),
  reverse: d((l: unknown) => [...list(l)].reverse(), 1),
  until: d((n: unknown) => {
    const c = Math.max(0, Math.trunc(num(n)));
    if (c > MAX_LIST) throw new Error(`${c} is over the limit of ${MAX_LIST} items`);
    return Array.from({ length: c }, (_x, i) => i);
  }, 1),
  len: d((v: unknown) => (typeof v === 'string' || Array.isArray(v) ? v.length : isMap(v) ? Object.keys(v).length : v == null ? 0 : (() => { throw new Error(`len of ${kindOf(v)}`); })()), 1),

  // dicts
  dict: d((...kv: unknown[]) => {
    if (kv.length % 2 !== 0) throw new Error('needs key/value pairs (an even number of arguments)');
    const out: Dict = {};
    for (let i = 0; i < kv.length; i += 2) out[key(kv[i])] = kv[i + 1];
    return out;
  }, 0, V),
  dig: d(dig, 2, V),
  get: d((m: unknown, k: unknown) => { const o = dict(m); const s = key(k); return hasOwn(o, s) ? o[s] : ''; }, 2),
  set: d((m: unknown, k: unknown, v: unknown) => { dict(m)[key(k)] = v; mutations++; return ''; }, 3),
  unset: d((m: unknown, k: unknown) => { delete dict(m)[key(k)]; mutations++; return ''; }, 2),
  hasKey: d((m: unknown, k: unknown) => isMap(m) && hasOwn(m, str(k)) && !FORBIDDEN_KEYS.has(str(k)), 2),
  keys: d((...ms: unknown[]) => [...new Set(ms.flatMap((m) => Object.keys(dict(m))))].sort(), 1, V),
  pick: d((m: unknown, ...ks: unknown[]) => { const o = dict(m); const out: Dict = {}; for (const k of ks.map(key)) if (hasOwn(o, k)) out[k] = o[k]; return out; }, 1, V),
  omit: d((m: unknown, ...ks: unknown[]) => { const o = dict(m); const drop = new Set(ks.map(key)); const out: Dict = {}; for (const k of Object.keys(o)) if (!drop.has(k)) out[k] = o[k]; return out; }, 1, V),
  merge: d((dst: unknown, ...srcs: unknown[]) => srcs.reduce<Dict>((acc, s) => mergeInto(acc, dict(s), false), deepCopy(dict(dst))), 1, V),
  mergeOverwrite: d((dst: unknown, ...srcs: unknown[]) => srcs.reduce<Dict>((acc, s) => mergeInto(acc, dict(s), true), deepCopy(dict(dst))), 1, V),
  deepCopy: d((v: unknown) => deepCopy(v), 1),

  // types and numbers
  int: d(toInt, 1),
  int64: d(toInt, 1),
  atoi: d(toInt, 1),
  float64: d(toFloat, 1),
  toString: d((v: unknown) => strval(v), 1),
  toStrings: d((l: unknown) => list(l).map(strval), 1),
  kindOf: d((v: unknown) => kindOf(v), 1),
  kindIs: d((k: unknown, v: unknown) => kindOf(v) === str(k), 2),
  add: d((...xs: unknown[]) => xs.reduce<number>((a, x) => a + num(x), 0), 0, V),
  add1: d((x: unknown) => num(x) + 1, 1),
  sub: d((a: unknown, b: unknown) => num(a) - num(b), 2),
  mul: d((...xs: unknown[]) => xs.reduce<number>((a, x) => a * num(x), 1), 1, V),
  div: d((a: unknown, b: unknown) => { const y = num(b); if (y === 0) throw new Error('division by zero'); return Math.trunc(num(a) / y); }, 2),
  mod: d((a: unknown, b: unknown) => { const y = num(b); if (y === 0) throw new Error('division by zero'); return num(a) % y; }, 2),
  max: d((...xs: unknown[]) => Math.max(...xs.map((x) => num(x))), 1, V),
  min: d((...xs: unknown[]) => Math.min(...xs.map((x) => num(x))), 1, V),
};
