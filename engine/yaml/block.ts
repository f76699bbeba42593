// Owns: the one fast reader of plain block YAML — what rendered templates are made of and what Helm's and Go's YAML
// writers emit (repository indexes): block mappings and sequences (compact `- key: v` items and indentless
// sequences too), plain scalars (resolved by the very schema js-yaml uses; also wrapped over several lines, as
// yaml.v2 writes long strings), one-line single- and double-quoted scalars, one-line flow collections, literal block
// scalars `|` / `|-`, `[]` / `{}`, comments, `---` separators. Two entry points: a whole text (blockParseAll, for
// parseYamlAll) and one document in a range of lines (blockParseLines, for a caller that splits a large text
// itself). Anything else — anchors, aliases, tags, merge keys, folded or keep-chomped block scalars, multi-line
// quoted scalars or flow collections, tabs, CR, directives, duplicate keys, `__proto__`, every error — returns
// undefined, and the caller parses the text with js-yaml, so objects and error messages are exactly js-yaml's
// (checked by test/unit/yaml/block.test.ts and subset.test.ts: every rendered chart, generated index-shaped
// documents, edge cases and mutated texts give identical objects).
// Why: js-yaml's loadAll of the rendered stream was a third of `kfchart template` (bench/profile.mjs), and of reading
// a large index; this reads the same text in a fraction of the time and garbage.
// Must not: accept any text js-yaml rejects, or give any value js-yaml would not; know about charts or indexes.

import { NOT_RESOLVED, type Schema } from 'js-yaml';

interface ImplicitTag { tagName: string; implicitFirstChars: readonly string[] | null; resolve: (s: string, explicit: boolean, tag: string) => unknown }
/** Per schema: the implicit scalar tags to try for a first character, in the schema's order (as js-yaml does). */
const dispatch = new WeakMap<Schema, (first: string) => readonly ImplicitTag[]>();
const RESOLVABLE = new Set(['tag:yaml.org,2002:null', 'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float']);

function tagsFor(schema: Schema): (first: string) => readonly ImplicitTag[] {
  let f = dispatch.get(schema);
  if (!f) {
    const implicit = schema.tags.filter((t) => t.nodeKind === 'scalar' && (t as { implicit?: boolean }).implicit) as unknown as ImplicitTag[];
    const memo = new Map<string, readonly ImplicitTag[]>();
    f = (first) => {
      let list = memo.get(first);
      if (!list) memo.set(first, (list = implicit.filter((t) => t.implicitFirstChars === null || t.implicitFirstChars.includes(first))));
      return list;
    };
    dispatch.set(schema, f);
  }
  return f;
}

/** js-yaml's own test for characters a YAML stream may not hold. */
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
/** Nesting past this goes to js-yaml, which enforces its own maxDepth (64). */
const MAX_DEPTH = 48;
/** Implicit keys longer than this go to js-yaml (it refuses keys over 1024 characters). */
const MAX_KEY = 1000;
const BAIL = Symbol('bail');
/**
 * Per schema: plain keys already resolved, and the key each gives (`name`, `version` repeat in every entry of an
 * index and every object of a manifest). A key that bails is never stored.
 */
const resolvedKeys = new WeakMap<Schema, Map<string, string>>();
const DOC = -1; // col[] of a `---` line

/** Characters that cannot start a plain scalar here (or that this reader leaves to js-yaml). */
const NOT_PLAIN_START = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);
const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/',
  '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};

const bail = (): never => {
  throw BAIL;
};

/**
 * The documents of `text` as js-yaml's `loadAll(text, { schema })` gives them, or undefined when the text is
 * outside the subset this reader knows (then parse it with js-yaml).
 */
export function blockParseAll(text: string, schema: Schema): unknown[] | undefined {
  if (text.includes('\t') || !blockCandidate(text)) return undefined;
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  return read(raw, schema, false);
}

/**
 * Whether a text may go to blockParseLines at all: no CR, no byte-order mark, no character js-yaml refuses (tabs are
 * checked line by line there, so one line with a tab sends only its own range to js-yaml).
 */
export function blockCandidate(text: string): boolean {
  return !text.includes('\r') && text.charCodeAt(0) !== 0xfeff && !NON_PRINTABLE.test(text);
}

/**
 * The one document in lines[from, to) (a `\n`-split text that passed blockCandidate), as js-yaml's `load` of those
 * lines gives it: `{ value }`, or undefined when the lines are outside the subset, hold no document or more than one.
 * For callers that split a large text into parts themselves (the repository index loader, per chart).
 */
export function blockParseLines(lines: readonly string[], from: number, to: number, schema: Schema): { value: unknown } | undefined {
  const docs = read(from === 0 && to === lines.length ? lines : lines.slice(from, to), schema, true);
  return docs?.length === 1 ? { value: docs[0] } : undefined;
}

function read(raw: readonly string[], schema: Schema, tabs: boolean): unknown[] | undefined {
  try {
    return new Reader(raw, schema, tabs).all();
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

class Reader {
  private readonly raw: readonly string[];
  /** Where each line's content starts (its indentation); DOC for `---`; moved right for compact `- ` items. */
  private readonly col: Int32Array;
  private readonly n: number;
  private i = 0;

  private readonly tags: (first: string) => readonly ImplicitTag[];
  private readonly keys: Map<string, string>;

  /** `tabs`: look for tabs in each line (blockParseAll has looked in the whole text). */
  constructor(raw: readonly string[], schema: Schema, tabs: boolean) {
    this.tags = tagsFor(schema);
    let keys = resolvedKeys.get(schema);
    if (!keys) resolvedKeys.set(schema, (keys = new Map()));
    this.keys = keys;
    this.raw = raw;
    this.n = raw.length;
    this.col = new Int32Array(this.n);
    for (let j = 0; j < this.n; j++) {
      const l = raw[j];
      if (tabs && l.includes('\t')) bail();
      let c = 0;
      while (l.charCodeAt(c) === 32) c++;
      if (c === 0 && l.length >= 3) {
        const head = l.slice(0, 3);
        if (head === '---') {
          if (l.length !== 3) bail();
          c = DOC;
        } else if (head === '...') bail();
      }
      if (c === 0 && l.charCodeAt(0) === 37 /* % */) bail();
      this.col[j] = c;
    }
  }

  all(): unknown[] {
    const docs: unknown[] = [];
    let open = false; // a `---` whose document is still to come
    for (;;) {
      this.skip();
      if (this.i >= this.n) {
        if (open) docs.push(null);
        return docs;
      }
      if (this.col[this.i] === DOC) {
        if (open) docs.push(null);
        open = true;
        this.i++;
        continue;
      }
      docs.push(this.node(this.col[this.i], 0));
      open = false;
      this.skip();
      if (this.i < this.n && this.col[this.i] !== DOC) bail();
    }
  }

  /** Past blank and comment lines (not `---`). */
  private skip(): void {
    const { raw, col, n } = this;
    while (this.i < n) {
      const c = col[this.i];
      if (c === DOC) return;
      const l = raw[this.i];
      if (c < l.length && l.charCodeAt(c) !== 35 /* # */) return;
      this.i++;
    }
  }

  private isDash(j: number): boolean {
    const l = this.raw[j];
    const c = this.col[j];
    return l.charCodeAt(c) === 45 /* - */ && (c + 1 === l.length || l.charCodeAt(c + 1) === 32);
  }

  /** The collection starting at line i, whose content starts at `indent`. */
  private node(indent: number, depth: number): unknown {
    return this.isDash(this.i) ? this.seq(indent, depth) : this.map(indent, depth);
  }

  private seq(indent: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) bail();
    const out: unknown[] = [];
    const { raw, col } = this;
    while (this.i < this.n && col[this.i] === indent && this.isDash(this.i)) {
      const l = raw[this.i];
      let p = indent + 1;
      while (l.charCodeAt(p) === 32) p++;
      if (p >= l.length || l.charCodeAt(p) === 35) {
        // `-` alone: the item is on the lines below, or null
        this.i++;
        this.skip();
        out.push(this.i < this.n && col[this.i] > indent ? this.node(col[this.i], depth + 1) : null);
      } else {
        col[this.i] = p; // a compact item: its content is a node starting at column p
        if (this.isDash(this.i)) out.push(this.seq(p, depth + 1));
        else if (this.key(l, p) !== undefined) out.push(this.map(p, depth + 1));
        else out.push(this.scalar(l, p, indent));
      }
      this.skip();
      if (this.i < this.n && col[this.i] > indent) bail();
    }
    return out;
  }

  private map(indent: number, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) bail();
    const out: Record<string, unknown> = {};
    const { raw, col } = this;
    while (this.i < this.n && col[this.i] === indent) {
      const l = raw[this.i];
      const k = this.key(l, indent);
      if (k === undefined) return bail();
      const [name, after] = k;
      if (name === '__proto__' || Object.prototype.hasOwnProperty.call(out, name)) bail();
      let p = after;
      while (l.charCodeAt(p) === 32) p++;
      let value: unknown;
      if (p >= l.length || l.charCodeAt(p) === 35) {
        this.i++;
        this.skip();
        if (this.i < this.n && col[this.i] > indent) value = this.node(col[this.i], depth + 1);
        else if (this.i < this.n && col[this.i] === indent && this.isDash(this.i)) value = this.seq(indent, depth + 1);
        else value = null;
      } else {
        value = this.scalar(l, p, indent);
      }
      out[name] = value;
      this.skip();
      if (this.i < this.n && col[this.i] > indent) bail();
    }
    return out;
  }

  /** `[key, position after the colon]` when line l holds an implicit key at p, else undefined. */
  private key(l: string, p: number): [string, number] | undefined {
    const c = l[p];
    if (c === '"' || c === "'") {
      const q = c === '"' ? doubleQuoted(l, p) : singleQuoted(l, p);
      if (q === undefined) return undefined;
      let e = q[1];
      while (l.charCodeAt(e) === 32) e++;
      if (l.charCodeAt(e) !== 58 /* : */ || (e + 1 < l.length && l.charCodeAt(e + 1) !== 32)) return undefined;
      if (q[0].length > MAX_KEY) bail();
      return [q[0], e + 1];
    }
    if (NOT_PLAIN_START.has(c) && !dashWord(l, p)) return undefined;
    let colon = l.indexOf(':', p);
    while (colon >= 0 && colon + 1 < l.length && l.charCodeAt(colon + 1) !== 32) colon = l.indexOf(':', colon + 1);
    if (colon < 0) return undefined;
    const hash = l.indexOf(' #', p);
    if (hash >= 0 && hash < colon) return undefined;
    let e = colon;
    while (l.charCodeAt(e - 1) === 32) e--;
    if (e - p > MAX_KEY) bail();
    const text = l.slice(p, e);
    const keys = this.keys;
    let name = keys.get(text);
    if (name === undefined) {
      name = String(this.resolve(text));
      if (keys.size < 10_000 && text.length <= 128) keys.set(text, name);
    }
    return [name, colon + 1];
  }

  /** A value that starts at l[p] (line i); moves past it. `indent`: the collection it belongs to. */
  private scalar(l: string, p: number, indent: number): unknown {
    const c = l[p];
    if (c === '|') return this.literal(l, p, indent);
    this.i++;
    if (c === '"' || c === "'") {
      const q = c === '"' ? doubleQuoted(l, p) : singleQuoted(l, p);
      if (q === undefined) return bail();
      restIsComment(l, q[1]);
      return q[0];
    }
    if (c === '[' || c === '{') {
      const [v, e] = this.flow(l, p, 0);
      restIsComment(l, e);
      return v;
    }
    if (NOT_PLAIN_START.has(c) && !dashWord(l, p)) bail();
    const hash = l.indexOf(' #', p);
    let e = hash < 0 ? l.length : hash;
    while (l.charCodeAt(e - 1) === 32) e--;
    const s = l.slice(p, e);
    if (s.includes(': ') || s.endsWith(':')) bail();
    // a comment ends a plain scalar; else it may go on over the lines below that are indented more (yaml.v2 wraps)
    return this.resolve(hash < 0 ? this.wrapped(s, indent) : s);
  }

  /**
   * A plain scalar whose first line is `first`, with the lines below it (this.i on) indented more than `indent`
   * folded in as js-yaml folds them: a space between lines, a newline per blank line between them. Moves past them.
   * A comment line ends it (the caller then refuses deeper content); an indicator, `: ` or ` #` in such a line goes
   * to js-yaml.
   */
  private wrapped(first: string, indent: number): string {
    const { raw, col, n } = this;
    let out = first;
    let blanks = 0;
    for (let j = this.i; j < n; j++) {
      const c = col[j];
      const r = raw[j];
      if (c === r.length) {
        blanks++;
        continue;
      }
      if (c <= indent || r.charCodeAt(c) === 35 /* # */) break;
      if (NOT_PLAIN_START.has(r[c])) bail();
      let e = r.length;
      while (r.charCodeAt(e - 1) === 32) e--;
      const t = r.slice(c, e);
      if (t.includes(': ') || t.endsWith(':') || t.includes(' #')) bail();
      out += blanks === 0 ? ` ${t}` : `${'\n'.repeat(blanks)}${t}`;
      blanks = 0;
      this.i = j + 1;
    }
    return out;
  }

  /**
   * A flow collection on one line at l[p] (`[a, "b"]`, `{"k":1, j: [x]}`, as templates print lists and toJson):
   * [value, position after it]. Items are scalars or flow collections; anything else (a pair in a list, a key
   * without a value, an empty entry, a collection that goes on to the next line) goes to js-yaml.
   */
  private flow(l: string, p: number, depth: number): [unknown, number] {
    if (depth > MAX_DEPTH) bail();
    const seq = l[p] === '[';
    const close = seq ? ']' : '}';
    const out: unknown[] | Record<string, unknown> = seq ? [] : {};
    let k = skipSpaces(l, p + 1);
    if (l[k] === close) return [out, k + 1];
    for (;;) {
      let value: unknown;
      if (seq) {
        [value, k] = this.flowNode(l, k, depth);
        (out as unknown[]).push(value);
      } else {
        let name: string;
        const q = l[k];
        if (q === '"' || q === "'") {
          const r = q === '"' ? doubleQuoted(l, k) : singleQuoted(l, k);
          if (r === undefined) return bail();
          [name, k] = r;
          k = skipSpaces(l, k);
          if (l[k] !== ':') bail();
          k++;
        } else {
          const [s, e] = flowPlain(l, k);
          k = skipSpaces(l, e);
          if (l[k] !== ':' || l[k + 1] !== ' ') bail();
          name = String(this.resolve(s));
          k += 1;
        }
        if (name.length > MAX_KEY || name === '__proto__' || Object.prototype.hasOwnProperty.call(out, name)) bail();
        [value, k] = this.flowNode(l, skipSpaces(l, k), depth);
        (out as Record<string, unknown>)[name] = value;
      }
      k = skipSpaces(l, k);
      if (l[k] === close) return [out, k + 1];
      if (l[k] !== ',') bail();
      k = skipSpaces(l, k + 1);
      if (l[k] === close || l[k] === ',') bail(); // a trailing or empty entry
    }
  }

  /** A scalar or collection inside a flow collection at l[k]: [value, position after it]. */
  private flowNode(l: string, k: number, depth: number): [unknown, number] {
    const c = l[k];
    if (c === '[' || c === '{') return this.flow(l, k, depth + 1);
    if (c === '"' || c === "'") {
      const r = c === '"' ? doubleQuoted(l, k) : singleQuoted(l, k);
      return r === undefined ? bail() : r;
    }
    const [s, e] = flowPlain(l, k);
    return [this.resolve(s), e];
  }

  /** `|` or `|-` at l[p], content on the lines below. */
  private literal(l: string, p: number, indent: number): string {
    let h = p + 1;
    const strip = l.charCodeAt(h) === 45; /* - */
    if (strip) h++;
    restIsComment(l, h);
    const { raw, col, n } = this;
    let j = this.i + 1;
    let blank = 0; // longest blank line before the first content line
    while (j < n && col[j] !== DOC && col[j] === raw[j].length) blank = Math.max(blank, raw[j].length), j++;
    const content = j < n && col[j] !== DOC && col[j] > indent ? col[j] : -1;
    if (content < 0) {
      // empty block scalar; the blank lines belong to it
      if (blank > 0) bail();
      this.i = j;
      return '';
    }
    if (blank > content) bail();
    const lines: string[] = [];
    j = this.i + 1;
    for (; j < n; j++) {
      const c = col[j];
      if (c === DOC) break;
      const r = raw[j];
      if (c === r.length) {
        if (r.length > content) bail(); // spaces past the indentation: content the reader leaves to js-yaml
        lines.push('');
        continue;
      }
      if (c < content) break;
      lines.push(r.slice(content));
    }
    this.i = j;
    let last = lines.length;
    while (last > 0 && lines[last - 1] === '') last--;
    if (last === 0) return '';
    const body = (last === lines.length ? lines : lines.slice(0, last)).join('\n');
    return strip ? body : `${body}\n`;
  }

  /** A plain scalar's value, as js-yaml's schema resolves it (null, bool, int, float, else the string). */
  private resolve(s: string): unknown {
    for (const tag of this.tags(s.charAt(0))) {
      const v = tag.resolve(s, false, tag.tagName);
      if (v === NOT_RESOLVED) continue;
      if (!RESOLVABLE.has(tag.tagName)) bail(); // `<<` (merge) and any other implicit tag: js-yaml's business
      return v;
    }
    return s; // the schema's default scalar tag (str) resolves a plain scalar to its text
  }
}

function skipSpaces(l: string, k: number): number {
  while (l.charCodeAt(k) === 32) k++;
  return k;
}

/**
 * A plain scalar inside a flow collection at l[k]: [text, end]. It ends before `,[]{}`, `: `, `:` then an
 * indicator, ` #` or the end of the line; empty, or starting with an indicator: js-yaml's business.
 */
function flowPlain(l: string, k: number): [string, number] {
  if (NOT_PLAIN_START.has(l[k]) && !dashWord(l, k)) bail();
  let e = k;
  for (; e < l.length; e++) {
    const ch = l[e];
    if (ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}') break;
    if (ch === ':') {
      const next = l[e + 1];
      if (next === undefined || next === ' ' || next === ',' || next === '[' || next === ']' || next === '{' || next === '}') break;
    }
    if (ch === '#' && l[e - 1] === ' ') bail();
  }
  let end = e;
  while (l.charCodeAt(end - 1) === 32) end--;
  if (end === k) bail();
  return [l.slice(k, end), e];
}

/** `-` then a non-space (`-1`, `--flag`): a plain scalar, not a sequence entry. */
function dashWord(l: string, p: number): boolean {
  return l.charCodeAt(p) === 45 && p + 1 < l.length && l.charCodeAt(p + 1) !== 32;
}

/** After a scalar: only spaces, then nothing or a comment. */
function restIsComment(l: string, e: number): void {
  const start = e;
  while (l.charCodeAt(e) === 32) e++;
  if (e < l.length && !(l.charCodeAt(e) === 35 && e > start)) bail();
}

/** `'…'` starting at l[p], on this line: [value, position after the closing quote]. */
function singleQuoted(l: string, p: number): [string, number] | undefined {
  let out = '';
  let s = p + 1;
  for (;;) {
    const q = l.indexOf("'", s);
    if (q < 0) return undefined;
    out += l.slice(s, q);
    if (l.charCodeAt(q + 1) === 39) {
      out += "'";
      s = q + 2;
      continue;
    }
    return [out, q + 1];
  }
}

/** `"…"` starting at l[p], on this line: [value, position after the closing quote]. */
function doubleQuoted(l: string, p: number): [string, number] | undefined {
  let out = '';
  let s = p + 1;
  for (let k = s; k < l.length; k++) {
    const ch = l.charCodeAt(k);
    if (ch === 34 /* " */) return [out + l.slice(s, k), k + 1];
    if (ch !== 92 /* \ */) continue;
    out += l.slice(s, k);
    const e = l[k + 1];
    if (e === undefined) return undefined; // a line continuation: multi-line, left to js-yaml
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      k++;
    } else {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      const hex = l.slice(k + 2, k + 2 + len);
      if (len === 0 || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) return undefined;
      const cp = parseInt(hex, 16);
      if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return undefined;
      out += String.fromCodePoint(cp);
      k += 1 + len;
    }
    s = k + 1;
  }
  return undefined;
}
