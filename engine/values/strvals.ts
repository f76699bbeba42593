// Owns: the --set / --set-string / --set-json / --set-file grammar (Helm's strvals, re-implemented from its
// documented behaviour): `a.b=c`, `a=1,b=2`, `a[0]=x`, `a[1].b=y`, `a={x,y}`, backslash escapes, typed scalars,
// and which values paths each flag assigned (for provenance).
// Must not: touch the file system itself (set-file reads through the injected readFile), mutate the caller's
// values, or accept a forbidden key.

import { KfError } from '../errors.js';
import { assertValueBounds } from './bounds.js';
import { assertNoForbiddenKeys, cloneValues, mergeKeepNull } from './merge.js';
import { FORBIDDEN_KEYS, hasOwn, isMap, joinPath, type Values } from './path.js';

export interface SetFlag {
  kind: 'set' | 'set-string' | 'set-json' | 'set-file' | 'set-literal';
  expr: string;
}

/** Largest list index a flag may name (Helm's limit): `a[65537]=x` would allocate a huge list. */
export const MAX_INDEX = 65536;
/** Most list slots one flag may add by growing lists (`a[65536]=x` adds 65537): bounds memory. */
export const MAX_LIST_GROWTH = 1_000_000;
/** Deepest nesting (dots, and list-in-list indexes) a flag may name: Helm's limit for dots; it bounds recursion. */
export const MAX_NESTED_NAME_LEVEL = 30;

/** `--set a.b=c` — the flag as the user typed it, for messages and provenance. */
export function flagText(flag: SetFlag): string {
  return `--${flag.kind} ${flag.expr}`;
}

/** Apply one flag to a copy of `values` and return it (Helm applies each flag onto the merged -f values). */
export function applySet(values: Values, flag: SetFlag, readFile?: (p: string) => string): Values {
  return applySetTracked(values, flag, readFile).values;
}

/**
 * applySet, also returning every values path the flag assigned (each assigned path and everything below an
 * assigned map or list) and the maps and lists it had to create on the way (`a` for `a.b=1` when `a` was absent).
 * `inPlace` changes `values` itself (for callers that own a private copy); on error it may be half-changed.
 */
export function applySetTracked(
  values: Values,
  flag: SetFlag,
  readFile?: (p: string) => string,
  inPlace = false,
): { values: Values; paths: string[]; created: string[] } {
  const out = inPlace ? values : cloneValues(values);
  const p = new SetParser(flag, readFile);
  if (flag.kind === 'set-json' && flag.expr.trimStart().startsWith('{')) {
    // Helm: `--set-json '{"a":{"b":1}}'` (no key) merges a whole JSON object into the values.
    const obj = p.wholeJsonObject();
    const paths: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (path !== '') paths.push(path);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, joinPath(path, i)));
      else if (isMap(v)) for (const k of Object.keys(v)) walk(v[k], joinPath(path, k));
    };
    walk(obj, '');
    return { values: mergeKeepNull(out, obj), paths, created: [] };
  }
  p.parse(out);
  return { values: out, paths: p.paths, created: p.created };
}

/**
 * Helm's typing of a --set scalar: `true`/`false`/`null` (any case), integers (no leading zero; kept as a string
 * when beyond JavaScript's safe integer range, so no digit is lost), floats only when they print back identically
 * (`1.5` → 1.5, but `1.10` and `1e3` stay strings: image tags must not change), everything else a string.
 */
export function typedScalar(s: string): unknown {
  const lower = s.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (s === '0') return 0;
  if (s.length > 0 && s[0] !== '0' && /^[+-]?\d+$/.test(s)) {
    const n = Number(s);
    if (!Number.isSafeInteger(n)) return s;
    return n === 0 ? 0 : n; // `-0` is 0
  }
  if (/^-?(0|[1-9]\d*)\.\d+$/.test(s)) {
    const n = Number(s);
    if (Number.isFinite(n) && String(n) === s) return n;
  }
  return s;
}

type Reader = (raw: string, start: number) => unknown;

class SetParser {
  readonly paths: string[] = [];
  readonly created: string[] = [];
  private grown = 0;
  private readonly s: string;
  private pos = 0;
  private readonly text: string;
  private readonly reader: Reader;
  private readonly json: boolean;
  /** --set-literal: the value is the rest of the expression, as typed (commas, braces, backslashes included). */
  private readonly literal: boolean;

  constructor(
    flag: SetFlag,
    readFile?: (p: string) => string,
  ) {
    this.s = flag.expr;
    this.text = flagText(flag);
    this.json = flag.kind === 'set-json';
    this.literal = flag.kind === 'set-literal';
    switch (flag.kind) {
      case 'set':
        this.reader = (raw) => typedScalar(raw);
        break;
      case 'set-string':
      case 'set-json':
      case 'set-literal':
        this.reader = (raw) => raw;
        break;
      case 'set-file':
        this.reader = (raw, start) => {
          if (!readFile) this.fail(`cannot read files here (internal: no readFile was passed to the values layer)`, start);
          if (raw === '') this.fail('empty file path', start);
          try {
            return readFile!(raw);
          } catch (e) {
            const why = e instanceof Error ? e.message : String(e);
            return this.fail(`cannot read file "${raw}": ${why}`, start);
          }
        };
        break;
      default:
        throw new KfError(`unknown set flag kind "${String((flag as SetFlag).kind)}"`);
    }
  }

  /** KfError `--set a[x]=1: <why> (at position 3)`; positions are 1-based characters of the expression. */
  fail(why: string, at: number = this.pos): never {
    const pos = Math.min(at, this.s.length) + 1;
    // a flag of megabytes (a pasted document) is named by its start: messages stay one readable line
    const shown = this.text.length > 100 ? `${this.text.slice(0, 80)}… (${this.text.length} characters)` : this.text;
    throw new KfError(`${shown}: ${why} (at position ${pos})`, {
      where: { file: shown },
      exitCode: 1,
    });
  }

  parse(root: Values): void {
    if (this.s.length === 0) this.fail('empty expression', 0);
    while (this.pos < this.s.length) this.key(root, '', 0);
  }

  /** Read until one of `stops` (unescaped) or the end. Returns the text and the stop char ('' at the end). */
  private until(stops: string): { text: string; last: string } {
    let text = '';
    const s = this.s;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (stops.includes(c)) {
        this.pos++;
        return { text, last: c };
      }
      if (c === '\\') {
        if (this.pos + 1 >= s.length) {
          this.pos++; // a lone trailing backslash escapes nothing and is dropped (Helm)
          break;
        }
        text += s[this.pos + 1];
        this.pos += 2;
        continue;
      }
      text += c;
      this.pos++;
    }
    return { text, last: '' };
  }

  private record(path: string, value: unknown): void {
    this.paths.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => this.record(joinPath(path, i), v));
    else if (isMap(value)) for (const k of Object.keys(value)) this.record(joinPath(path, k), value[k]);
  }

  /** Count the slots setting index `i` adds to `list`; too many in one flag is an error. */
  private grow(list: unknown[], i: number): void {
    if (i < list.length) return;
    this.grown += i + 1 - list.length;
    if (this.grown > MAX_LIST_GROWTH) this.fail(`lists would grow by more than ${MAX_LIST_GROWTH} items`, this.pos);
  }

  private checkKey(k: string, start: number): void {
    if (k === '') this.fail('empty key', start);
    if (FORBIDDEN_KEYS.has(k)) this.fail(`key "${k}" is not allowed in values`, start);
  }

  private key(data: Values, prefix: string, level: number): void {
    const start = this.pos;
    const { text: k, last } = this.until('=[,.');
    this.checkKey(k, start);
    const path = joinPath(prefix, k);
    const existing = hasOwn(data, k) ? data[k] : undefined;
    switch (last) {
      case '':
      case ',':
        this.fail(`key "${path}" has no value`, this.pos);
        break;
      case '[': {
        const idxAt = this.pos;
        const idx = this.index();
        let list: unknown[];
        if (existing === undefined || existing === null) {
          list = [];
          this.created.push(path);
        } else if (Array.isArray(existing)) list = existing;
        else return this.fail(`cannot use "${path}" as a list: it is ${describe(existing)}`, idxAt - 1);
        data[k] = this.listItem(list, idx, path, level);
        return;
      }
      case '=': {
        const v = this.value();
        data[k] = v;
        this.record(path, v);
        return;
      }
      case '.': {
        if (level + 1 > MAX_NESTED_NAME_LEVEL) {
          this.fail(`nesting is deeper than the maximum of ${MAX_NESTED_NAME_LEVEL}`, this.pos - 1);
        }
        let inner: Values;
        if (existing === undefined || existing === null) {
          inner = {};
          this.created.push(path);
        } else if (isMap(existing)) inner = existing;
        else return this.fail(`cannot set a key under "${path}": it is ${describe(existing)}`, this.pos - 1);
        if (this.pos >= this.s.length) this.fail(`key "${path}." has no name after "."`, this.pos);
        this.key(inner, path, level + 1);
        data[k] = inner;
        return;
      }
    }
  }

  /** After `[`: digits up to `]`. */
  private index(): number {
    const open = this.pos - 1;
    const { text, last } = this.until(']');
    if (last !== ']') this.fail('unclosed "["', open);
    const t = text.trim();
    if (/^-\d+$/.test(t)) this.fail(`negative index ${t} is not allowed`, open + 1);
    if (!/^\+?\d+$/.test(t)) this.fail(`bad index "${text}": not an integer`, open + 1);
    const i = Number(t);
    if (i > MAX_INDEX) this.fail(`index ${t} is greater than the maximum of ${MAX_INDEX}`, open + 1);
    return i;
  }

  /** After `name[i]`: `=value`, `[j]…` (nested list) or `.key…` (map inside the list). */
  private listItem(list: unknown[], i: number, listPath: string, level: number): unknown[] {
    const itemPath = joinPath(listPath, i);
    const start = this.pos;
    const { text: k, last } = this.until('[.=');
    if (k.length > 0) this.fail(`unexpected "${k}" after "]"`, start);
    const existing = i < list.length ? list[i] : undefined;
    switch (last) {
      case '':
        return this.fail(`"${itemPath}" has no value`, this.pos);
      case '=': {
        const v = this.value();
        this.grow(list, i);
        setIndex(list, i, v);
        this.record(itemPath, v);
        return list;
      }
      case '[': {
        const nidxAt = this.pos;
        if (level + 1 > MAX_NESTED_NAME_LEVEL) {
          this.fail(`nesting is deeper than the maximum of ${MAX_NESTED_NAME_LEVEL}`, nidxAt - 1);
        }
        const j = this.index();
        let inner: unknown[];
        if (existing === undefined || existing === null) {
          inner = [];
          this.created.push(itemPath);
        } else if (Array.isArray(existing)) inner = existing;
        else return this.fail(`cannot use "${itemPath}" as a list: it is ${describe(existing)}`, nidxAt - 1);
        this.grow(list, i);
        setIndex(list, i, this.listItem(inner, j, itemPath, level + 1));
        return list;
      }
      case '.': {
        let inner: Values;
        if (existing === undefined || existing === null) {
          inner = {};
          this.created.push(itemPath);
        } else if (isMap(existing)) inner = existing;
        else return this.fail(`cannot set a key under "${itemPath}": it is ${describe(existing)}`, this.pos - 1);
        if (this.pos >= this.s.length) this.fail(`key "${itemPath}." has no name after "."`, this.pos);
        this.key(inner, itemPath, level + 1);
        this.grow(list, i);
        setIndex(list, i, inner);
        return list;
      }
    }
    return list;
  }

  /** The value after `=`, consuming the `,` that ends it. */
  private value(): unknown {
    if (this.json) return this.jsonValue();
    if (this.literal) {
      const v = this.s.slice(this.pos);
      this.pos = this.s.length;
      return v;
    }
    if (this.pos >= this.s.length) return ''; // `a=` is the empty string (also for --set-file, as Helm)
    if (this.s[this.pos] === '{') return this.list();
    const start = this.pos;
    const { text } = this.until(',');
    return this.reader(text, start);
  }

  /** `{a,b,c}` → a list of read scalars; `{}` → []. */
  private list(): unknown[] {
    const open = this.pos;
    this.pos++; // '{'
    const out: unknown[] = [];
    if (this.s[this.pos] === '}') {
      this.pos++;
      this.afterClose(open);
      return out;
    }
    for (;;) {
      const start = this.pos;
      const { text, last } = this.until(',}');
      if (last === '') this.fail('list is missing its closing "}"', open);
      out.push(this.reader(text, start));
      if (last === '}') {
        this.afterClose(open);
        return out;
      }
    }
  }

  private afterClose(open: number): void {
    if (this.pos >= this.s.length) return;
    if (this.s[this.pos] === ',') {
      this.pos++;
      return;
    }
    this.fail(`unexpected "${this.s[this.pos]}" after the list that starts at position ${open + 1}`, this.pos);
  }

  /** The whole expression as one JSON object (keyless --set-json). */
  wholeJsonObject(): Values {
    const start = this.s.length - this.s.trimStart().length;
    let v: unknown;
    try {
      v = JSON.parse(this.s);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return this.fail(`invalid JSON object: ${why}`, start);
    }
    if (!isMap(v)) return this.fail('a --set-json without a key must be one JSON object', start);
    try {
      assertValueBounds(v, this.text);
      assertNoForbiddenKeys(v, this.text);
    } catch (e) {
      if (e instanceof KfError) this.fail(e.message.slice(this.text.length + 2), start);
      throw e;
    }
    return v;
  }

  /** --set-json: one JSON value (nothing → null), then optional spaces and `,`. */
  private jsonValue(): unknown {
    const s = this.s;
    while (this.pos < s.length && /\s/.test(s[this.pos])) this.pos++;
    if (this.pos >= s.length) return null;
    if (s[this.pos] === ',') {
      this.pos++;
      return null;
    }
    const start = this.pos;
    const end = jsonEnd(s, start);
    if (end < 0) this.fail('unterminated JSON value', start);
    const raw = s.slice(start, end);
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return this.fail(`invalid JSON ${JSON.stringify(raw.length > 60 ? raw.slice(0, 57) + '...' : raw)}: ${why}`, start);
    }
    try {
      assertValueBounds(v, this.text);
      assertNoForbiddenKeys(v, this.text);
    } catch (e) {
      if (e instanceof KfError) this.fail(e.message.slice(this.text.length + 2), start);
      throw e;
    }
    this.pos = end;
    while (this.pos < s.length && /\s/.test(s[this.pos])) this.pos++;
    if (this.pos < s.length) {
      if (s[this.pos] !== ',') this.fail(`unexpected "${s[this.pos]}" after the JSON value`, this.pos);
      this.pos++;
    }
    return v;
  }
}

/** End (exclusive) of the JSON value starting at `start`, or -1 when a string or bracket never closes. */
function jsonEnd(s: string, start: number): number {
  const c = s[start];
  if (c === '{' || c === '[' || c === '"') {
    let depth = 0;
    let inStr = false;
    for (let i = start; i < s.length; i++) {
      const ch = s[i];
      if (inStr) {
        if (ch === '\\') i++;
        else if (ch === '"') {
          inStr = false;
          if (depth === 0) return i + 1;
        }
        continue;
      }
      if (ch === '"') inStr = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  // A number or literal: up to a comma or whitespace.
  let i = start;
  while (i < s.length && s[i] !== ',' && !/\s/.test(s[i])) i++;
  return i;
}

function setIndex(list: unknown[], i: number, v: unknown): void {
  while (list.length < i) list.push(null);
  list[i] = v;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isMap(v)) return 'a map';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  return `the ${typeof v} ${String(v)}`;
}
