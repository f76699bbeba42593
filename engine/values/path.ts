// Owns: values paths — the one spelling of a location in a values tree (`a.b[0].c`, keys with dots escaped as
// `app\.kubernetes\.io/name`, like --set), parsing it back, looking a path up, and the small own-property helpers
// every values module uses so nothing ever reads through Object.prototype.
// Must not: build or change values trees (merge.ts, strvals.ts do that) or throw for user input other than a
// malformed path string.

import { KfError } from '../errors.js';

export type Values = Record<string, unknown>;
export type PathSegment = string | number;

/** Keys refused anywhere in values: they could reach Object.prototype through naive code downstream. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const hasOwnProperty = Object.prototype.hasOwnProperty;

export function hasOwn(obj: object, key: string): boolean {
  return hasOwnProperty.call(obj, key);
}

/** A map in the values sense: a plain object (not an array, not null, not a Date or Buffer). */
export function isMap(v: unknown): v is Values {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Escape one map key for a path: `.`, `[`, `]` and `\` get a backslash (the --set spelling). */
export function formatKey(key: string): string {
  return key.replace(/[.[\]\\]/g, (c) => '\\' + c);
}

/** Append a segment to an already formatted path. */
export function joinPath(prefix: string, seg: PathSegment): string {
  if (typeof seg === 'number') return `${prefix}[${seg}]`;
  const k = formatKey(seg);
  return prefix === '' ? k : `${prefix}.${k}`;
}

/** `['a', 'b', 0, 'c']` → `a.b[0].c`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) out = joinPath(out, s);
  return out;
}

/** `a.b[0].c` → `['a', 'b', 0, 'c']`; backslash escapes any character. Throws KfError on a malformed path. */
export function parsePath(path: string): PathSegment[] {
  const segs: PathSegment[] = [];
  let i = 0;
  const n = path.length;
  if (n === 0) return segs;
  const bad = (why: string): never => {
    throw new KfError(`bad values path "${path}": ${why} at position ${i + 1}`, { where: { path } });
  };
  let expectKey = true;
  while (i < n) {
    if (path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) bad('unclosed "["');
      const digits = path.slice(i + 1, close);
      if (!/^\d+$/.test(digits)) bad(`index "${digits}" is not a non-negative integer`);
      segs.push(Number(digits));
      i = close + 1;
      expectKey = false;
      if (i < n && path[i] === '.') {
        i++;
        expectKey = true;
        if (i >= n) bad('path ends with "."');
      }
      continue;
    }
    if (!expectKey) bad('expected "." or "["');
    let key = '';
    while (i < n && path[i] !== '.' && path[i] !== '[') {
      if (path[i] === '\\') {
        if (i + 1 >= n) bad('path ends with "\\"');
        key += path[i + 1];
        i += 2;
      } else {
        key += path[i];
        i++;
      }
    }
    if (key === '') bad('empty key');
    segs.push(key);
    expectKey = false;
    if (i < n && path[i] === '.') {
      i++;
      expectKey = true;
      if (i >= n) bad('path ends with "."');
    }
  }
  return segs;
}

/**
 * The value at `path` (`a.b[0]`, or segments), or undefined when any step is missing or goes through a scalar.
 * Reads own properties only.
 */
export function getPath(values: unknown, path: string | readonly PathSegment[]): unknown {
  const segs = typeof path === 'string' ? parsePath(path) : path;
  let cur: unknown = values;
  for (const s of segs) {
    if (typeof s === 'number') {
      if (!Array.isArray(cur) || s >= cur.length) return undefined;
      cur = cur[s];
    } else {
      if (!isMap(cur) || !hasOwn(cur, s)) return undefined;
      cur = cur[s];
    }
  }
  return cur;
}

function endsWithEscape(s: string): boolean {
  let k = 0;
  for (let j = s.length - 1; j >= 0 && s[j] === '\\'; j--) k++;
  return k % 2 === 1;
}

/** The path of the parent (`a.b[0].c` → `a.b[0]` → `a.b` → `a` → ''), or undefined for ''. */
export function parentPath(path: string): string | undefined {
  if (path === '') return undefined;
  for (let j = path.length - 1; j >= 0; j--) {
    const c = path[j];
    if ((c === '.' || c === '[') && !endsWithEscape(path.slice(0, j))) return path.slice(0, j);
  }
  return '';
}

/**
 * A Map whose entries are computed on first use. Provenance is only read when something goes wrong (an error
 * message needs a file:line), so the hot path never pays for walking YAML positions.
 */
export class LazyMap<K, V> extends Map<K, V> {
  private fill: (() => Map<K, V>) | undefined;
  constructor(fill: () => Map<K, V>) {
    super();
    this.fill = fill;
  }
  private ensure(): void {
    const f = this.fill;
    if (!f) return;
    this.fill = undefined;
    for (const [k, v] of f()) super.set(k, v);
  }
  override get(k: K): V | undefined {
    this.ensure();
    return super.get(k);
  }
  override has(k: K): boolean {
    this.ensure();
    return super.has(k);
  }
  override set(k: K, v: V): this {
    this.ensure();
    return super.set(k, v);
  }
  override delete(k: K): boolean {
    this.ensure();
    return super.delete(k);
  }
  override clear(): void {
    this.fill = undefined;
    super.clear();
  }
  override get size(): number {
    this.ensure();
    return super.size;
  }
  override forEach(cb: (v: V, k: K, m: Map<K, V>) => void, thisArg?: unknown): void {
    this.ensure();
    super.forEach(cb, thisArg);
  }
  override entries(): MapIterator<[K, V]> {
    this.ensure();
    return super.entries();
  }
  override keys(): MapIterator<K> {
    this.ensure();
    return super.keys();
  }
  override values(): MapIterator<V> {
    this.ensure();
    return super.values();
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    this.ensure();
    return super[Symbol.iterator]();
  }
}
