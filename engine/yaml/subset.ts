// Owns: a fast reader for the plain block-style subset of YAML that generated files use (Helm's `repo index`
// layout, Go's yaml.v2/v3 output): block mappings and sequences (indentless ones too), plain scalars (also wrapped
// over several lines), single- and double-quoted scalars on one line, `|`/`|-` literal blocks, `[]`, `{}`, comments.
// It gives exactly what parseYaml (js-yaml, core schema) gives for such text — plain scalars are resolved by
// js-yaml's own core-schema tags — and gives up (undefined) on anything else: anchors, aliases, tags, flow
// collections, folded or keep-chomped blocks, multi-line quoted scalars, tabs, duplicate keys, odd indentation. The
// caller then parses the text with parseYaml, which also reports the errors: this reader never throws for its input.
// Must not: know about charts or indexes; be used where a YAML error must be reported (use parseYaml).

import * as yaml from 'js-yaml';

/** Thrown inside the reader when the text leaves the subset; never escapes it. */
class OutsideSubset {}
const OUT = new OutsideSubset();

// The implicit scalar tags of the core schema (null, bool, int, float), in schema order, by first character.
type ScalarTag = { tagName: string; implicit?: boolean; implicitFirstChars?: readonly string[] | null; resolve: (s: string, e: boolean, t: string) => unknown };
const IMPLICIT = (yaml.CORE_SCHEMA.tags as unknown as ScalarTag[]).filter((t) => t.implicit === true && typeof t.resolve === 'function');
const byFirstChar = new Map<string, ScalarTag[]>();
/** Plain keys already found to be plain strings (field names repeat in every entry). */
const goodKeys = new Set<string>();

/** A plain scalar as the core schema reads it: null, a boolean, a number, or the string itself. */
function plainValue(s: string): unknown {
  const c = s.charAt(0);
  let tags = byFirstChar.get(c);
  if (!tags) {
    tags = IMPLICIT.filter((t) => t.implicitFirstChars == null || t.implicitFirstChars.includes(c));
    byFirstChar.set(c, tags);
  }
  for (const t of tags) {
    const v = t.resolve(s, false, t.tagName);
    if (v !== yaml.NOT_RESOLVED) return v;
  }
  return s;
}

// Characters js-yaml refuses anywhere in a stream (it reports them; so must the caller's full parse).
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
/** First characters a plain scalar may not start with here (YAML indicators, and `<` for merge keys). */
const INDICATOR = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '<']);
/** Deeper nesting is left to the full parser (and its limit, YAML_LIMITS.maxDepth). */
const MAX_DEPTH = 32;
/** What a plain scalar's line may not hold here: a mapping indicator, a comment, a trailing colon, a tab. */
const PLAIN_BAD = /: | #|:$|\t/;
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ',
  '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};
const HEX_LEN: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Whether `text` may go to the subset reader at all (no characters the full parser rejects). */
export function subsetCandidate(text: string): boolean {
  return !NON_PRINTABLE.test(text);
}

/**
 * Read lines[from, to) (one YAML document, `\n`-split, no `\r`) if it is in the subset: `{ value }`, else undefined.
 * Check the whole text with subsetCandidate() first.
 */
export function parseYamlSubset(lines: readonly string[], from = 0, to = lines.length): { value: unknown } | undefined {
  const r = new Reader(lines, from, to);
  try {
    const value = r.document();
    return { value };
  } catch (e) {
    if (e === OUT) return undefined;
    throw e;
  }
}

class Reader {
  private i: number;
  private depth = 0;
  constructor(
    private readonly lines: readonly string[],
    from: number,
    private readonly end: number,
  ) {
    this.i = from;
  }

  document(): unknown {
    const j = this.nextSignificant();
    if (j >= this.end) throw OUT; // empty document: let the full parser say what it is
    const line = this.lines[j]!;
    const ind = indentOf(line);
    const value = isDash(line, ind) ? this.sequence(ind) : this.mapping(ind);
    if (this.nextSignificant() < this.end) throw OUT;
    return value;
  }

  /** Index of the next line that is neither blank nor only a comment (from this.i); sets this.i to it. */
  private nextSignificant(): number {
    const lines = this.lines;
    let j = this.i;
    for (; j < this.end; j++) {
      const line = lines[j]!;
      const ind = indentOf(line);
      if (ind === line.length) continue; // blank
      if (line.charCodeAt(ind) === 35 /* # */) continue;
      if (line.charCodeAt(ind) === 9) throw OUT; // a tab in the indentation
      break;
    }
    this.i = j;
    return j;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw OUT;
  }

  /** A block mapping with its keys in column `ind`; `afterDash`: its first key follows `- ` on this.i's line. */
  private mapping(ind: number, afterDash = false): Record<string, unknown> {
    this.enter();
    const obj: Record<string, unknown> = {};
    const lines = this.lines;
    for (let first = afterDash; ; first = false) {
      const j = first ? this.i : this.nextSignificant();
      if (j >= this.end) break;
      const line = lines[j]!;
      const li = first ? ind : indentOf(line);
      if (li < ind) break;
      if (li > ind) throw OUT;
      let key: string;
      let rest: string;
      const c = line.charCodeAt(ind);
      if (c === 34 || c === 39) {
        const q = c === 34 ? doubleQuoted(line, ind) : singleQuoted(line, ind);
        if (line.charCodeAt(q.end) !== 58 /* : */) throw OUT;
        key = q.value;
        rest = line.slice(q.end + 1);
        if (rest !== '' && rest.charCodeAt(0) !== 32) throw OUT;
      } else {
        let colon = line.indexOf(': ', ind);
        if (colon < 0) {
          if (line.charCodeAt(line.length - 1) !== 58) throw OUT;
          colon = line.length - 1;
        }
        key = line.slice(ind, colon);
        if (!goodKeys.has(key)) {
          if (!PLAIN_KEY.test(key) || typeof plainValue(key) !== 'string') throw OUT;
          if (goodKeys.size < 10_000) goodKeys.add(key);
        }
        rest = line.slice(colon + 1);
      }
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(obj, key)) throw OUT;
      this.i = j + 1;
      obj[key] = this.value(rest, ind, true);
    }
    this.depth--;
    return obj;
  }

  private sequence(ind: number): unknown[] {
    this.enter();
    const arr: unknown[] = [];
    const lines = this.lines;
    for (;;) {
      const j = this.nextSignificant();
      if (j >= this.end) break;
      const line = lines[j]!;
      const li = indentOf(line);
      if (li < ind) break;
      if (li > ind) throw OUT;
      if (!isDash(line, ind)) break; // the key after an indentless sequence (else the caller gives up)
      const after = ind + 1;
      let k = after;
      while (line.charCodeAt(k) === 32) k++;
      const r = line.slice(k);
      if (r === '' || r.charCodeAt(0) === 35) {
        this.i = j + 1;
        arr.push(this.value('', ind, false));
      } else if (r === '-' || r.startsWith('- ')) {
        throw OUT; // a sequence in a sequence on one line
      } else if (startsMapping(r)) {
        // `- key: value`: a mapping whose keys are in column k; the first one is on this line.
        this.i = j;
        arr.push(this.mapping(k, true));
      } else {
        this.i = j + 1;
        arr.push(this.value(' ' + r, ind, false));
      }
    }
    this.depth--;
    return arr;
  }

  /**
   * The value after `key:` or `- ` (`rest`, starting with a space or empty); `ind` is the column of the key or the
   * dash. this.i is the next line.
   */
  private value(rest: string, ind: number, inMapping: boolean): unknown {
    let k = 0;
    while (rest.charCodeAt(k) === 32) k++;
    if (k === rest.length || rest.charCodeAt(k) === 35) {
      if (rest.length > 0 && k === 0) throw OUT;
      return this.nested(ind, inMapping);
    }
    if (k === 0) throw OUT;
    const s = rest.slice(k);
    const c = s.charCodeAt(0);
    if (c === 34 || c === 39) {
      const q = c === 34 ? doubleQuoted(s, 0) : singleQuoted(s, 0);
      trailer(s, q.end);
      return q.value;
    }
    if (c === 124 /* | */) return this.literal(s, ind);
    if (c === 91 || c === 123) {
      const t = s.slice(0, 2);
      if (t !== '[]' && t !== '{}') throw OUT;
      trailer(s, 2);
      return t === '[]' ? [] : {};
    }
    if (INDICATOR.has(s[0]!) && !(c === 45 && s.length > 1 && s.charCodeAt(1) !== 32)) throw OUT;
    const hash = s.indexOf(' #');
    // a comment ends a plain scalar: it cannot go on on the next line (the caller gives up on a deeper line)
    return plainValue(hash < 0 ? this.plain(s, ind) : plainLine(s.slice(0, hash)));
  }

  /** What follows an empty value: a block more indented (or an indentless sequence after a key), else null. */
  private nested(ind: number, inMapping: boolean): unknown {
    const j = this.nextSignificant();
    if (j >= this.end) return null;
    const line = this.lines[j]!;
    const li = indentOf(line);
    if (li > ind) return isDash(line, li) ? this.sequence(li) : this.mapping(li);
    if (li === ind && inMapping && isDash(line, li)) return this.sequence(li);
    return null;
  }

  /** A plain scalar starting with `first` (the rest of its line), continued on lines indented more than `ind`. */
  private plain(first: string, ind: number): string {
    let out = plainLine(first);
    const lines = this.lines;
    let blanks = 0;
    let j = this.i;
    for (; j < this.end; j++) {
      const line = lines[j]!;
      const li = indentOf(line);
      if (li === line.length) {
        blanks++;
        continue;
      }
      if (li <= ind) break;
      const c = line[li]!;
      if (c === '\t' || INDICATOR.has(c)) throw OUT; // comments and indicators inside a wrapped scalar
      out += blanks === 0 ? ' ' : '\n'.repeat(blanks);
      out += plainLine(line.slice(li));
      blanks = 0;
      this.i = j + 1;
    }
    return out;
  }

  /** A `|` or `|-` block scalar (header `h`) under column `ind`. */
  private literal(h: string, ind: number): string {
    let p = 1;
    const chomp = h[1] === '-' ? '-' : '';
    if (chomp) p++;
    trailer(h, p);
    const lines = this.lines;
    let j = this.i;
    let content = -1;
    const start = j;
    for (; j < this.end; j++) {
      const line = lines[j]!;
      const li = indentOf(line);
      if (li === line.length) continue;
      content = li;
      break;
    }
    if (content <= ind) throw OUT; // empty block: rare, left to the full parser
    for (let b = start; b < j; b++) if (lines[b]!.length > content) throw OUT;
    const parts: string[] = [];
    let end = start; // one past the last content line
    for (j = start; j < this.end; j++) {
      const line = lines[j]!;
      const li = indentOf(line);
      if (li === line.length) {
        if (li > content) throw OUT;
        parts.push('');
        continue;
      }
      if (li < content) {
        if (li > ind) throw OUT;
        break;
      }
      parts.push(line.slice(content));
      end = j + 1;
    }
    parts.length = end - start;
    this.i = end;
    const text = parts.join('\n');
    return chomp === '-' ? text : `${text}\n`;
  }
}

function indentOf(line: string): number {
  let k = 0;
  while (line.charCodeAt(k) === 32) k++;
  return k;
}

/** `-` alone or `- …` at column ind. */
function isDash(line: string, ind: number): boolean {
  return line.charCodeAt(ind) === 45 && (line.length === ind + 1 || line.charCodeAt(ind + 1) === 32);
}

/** Whether the text after `- ` begins a mapping (`key:` then a space or the end, plain or quoted key). */
function startsMapping(r: string): boolean {
  const c = r.charCodeAt(0);
  if (c === 34 || c === 39) {
    const q = c === 34 ? doubleQuoted(r, 0) : singleQuoted(r, 0);
    return r.charCodeAt(q.end) === 58;
  }
  return r.includes(': ') || r.endsWith(':');
}

/** After a scalar that ends at `end`: only spaces, or spaces and a comment. */
function trailer(s: string, end: number): void {
  let k = end;
  while (s.charCodeAt(k) === 32) k++;
  if (k === s.length) return;
  if (k > end && s.charCodeAt(k) === 35) return;
  throw OUT;
}

/** One line of a plain scalar: no `: `, ` #`, trailing `:` or tab; trailing spaces dropped. */
function plainLine(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 32) e--;
  const t = e === s.length ? s : s.slice(0, e);
  if (PLAIN_BAD.test(t)) throw OUT;
  return t;
}

/** A double-quoted scalar starting at s[at] and closed on the same line; end is the index after the quote. */
function doubleQuoted(s: string, at: number): { value: string; end: number } {
  let out = '';
  let k = at + 1;
  let run = k;
  for (;;) {
    const q = s.indexOf('"', k);
    const b = s.indexOf('\\', k);
    if (q < 0) throw OUT; // continues on the next line
    if (b < 0 || q < b) {
      out += s.slice(run, q);
      return { value: out, end: q + 1 };
    }
    out += s.slice(run, b);
    const e = s[b + 1];
    if (e === undefined) throw OUT;
    const n = HEX_LEN[e];
    if (n !== undefined) {
      const hex = s.slice(b + 2, b + 2 + n);
      if (hex.length !== n || !/^[0-9A-Fa-f]+$/.test(hex)) throw OUT;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw OUT;
      out += cp <= 0xffff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      k = run = b + 2 + n;
    } else {
      const r = ESCAPES[e];
      if (r === undefined) throw OUT;
      out += r;
      k = run = b + 2;
    }
  }
}

/** A single-quoted scalar starting at s[at] and closed on the same line (`''` is a quote). */
function singleQuoted(s: string, at: number): { value: string; end: number } {
  let out = '';
  let k = at + 1;
  for (;;) {
    const q = s.indexOf("'", k);
    if (q < 0) throw OUT;
    out += s.slice(k, q);
    if (s.charCodeAt(q + 1) === 39) {
      out += "'";
      k = q + 2;
      continue;
    }
    return { value: out, end: q + 1 };
  }
}
