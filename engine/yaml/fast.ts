// Owns: a fast block-YAML writer for the common shape of toYaml arguments (maps, lists, short strings,
// numbers, booleans, null). js-yaml's dump costs ~0.1 ms per call even for a three-key map, which dominates
// templates that print `toYaml` per loop item. Anything outside the safe subset (multi-line or unusual
// strings, lists of lists, non-finite numbers, cycles, deep nesting) returns undefined and the caller falls
// back to js-yaml, so output is always valid YAML that reads back as the same value — under YAML 1.2 and under
// the YAML 1.1 rules Kubernetes' parser uses (`yes`, `on`, `y`, `010`, `1:20` are quoted).
// Must not: change style by input size or environment (output must be deterministic).

const PLAIN = /^[A-Za-z_/$][A-Za-z0-9_./@=+:,$()|;<>!&*%?~[\] -]*$/;
/** Command-line flags (`--port=7472`, `-v`): a dash then a letter starts neither a number nor a list entry. */
const FLAG = /^--?[A-Za-z][A-Za-z0-9_./@=+:,$()|;<>!&*%?~-]*$/;
/** Digit-led words, plain only with a letter no YAML 1.2/1.1 number or date can hold (see scalarString). */
const DIGIT_WORD = /^[0-9][A-Za-z0-9_.-]*$/;
const RESERVED = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
const MAX_DEPTH = 64;

function scalarString(s: string): string | undefined {
  if (s === '') return "''";
  if ((PLAIN.test(s) || FLAG.test(s)) && !RESERVED.test(s) && !s.endsWith(' ') && !s.endsWith(':') && !s.includes(': ') && !s.includes(' #')) {
    return s;
  }
  // a JSONPath of a CRD printer column (`.status.result`): a dot then a letter, except YAML's `.inf` / `.nan`
  if (/^\.[A-Za-z_][A-Za-z0-9_./-]*$/.test(s) && !/^\.(?:inf|Inf|INF|nan|NaN|NAN)$/.test(s)) return s;
  // `50-seed.ldif`, `1b7361d2…` (a hex digest): numbers hold only e/E (exponent), and x/o/b after a leading 0;
  // dates hold t/T/z/Z. Any other letter, without a 0x/0o/0b prefix, makes the word a string for every parser.
  // (`0bfd2b…`, a digest that starts 0b: not binary, since f is no binary digit; the same for 0x and 0o)
  if (DIGIT_WORD.test(s) && !/^0(?:[xX][0-9A-Fa-f_]*|[oO][0-7_]*|[bB][01_]*)$/.test(s) && /[A-DF-SU-Ya-df-su-y]/.test(s)) return s;
  // quantities and durations (`500m`, `128Mi`, `30s`): digits then letters that cannot make a number
  if (/^[0-9]+[AC-DF-NP-WYZac-df-np-wyz][A-Za-z]*$/.test(s)) return s;
  // two dots or more (`1.28.1`, `10.0.0.1-10.0.0.9`): no YAML 1.2 or 1.1 parser reads them as numbers or dates
  // (js-yaml, go-yaml and PyYAML leave them strings, and js-yaml's dump writes them plain)
  if (DIGIT_WORD.test(s) && s.indexOf('.') !== s.lastIndexOf('.')) return s;
  // single-quoted: any printable one-line text (escape ' as '')
  if (/^[\x20-\x7E\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]*$/.test(s)) return `'${s.replace(/'/g, "''")}'`;
  return undefined;
}

function scalar(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    const t = String(v);
    return /e/i.test(t) ? undefined : t;
  }
  if (typeof v === 'string') return scalarString(v);
  return undefined;
}

/**
 * A multi-line string as a literal block scalar (`|` or `|-`), lines indented by `indent`; undefined when it
 * needs what this writer does not do (keep-chomping `|+`, an indentation indicator, CR or control characters).
 */
function literal(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || s.endsWith('\n\n') || s === '\n') return undefined;
  if (!/^[\t\n\x20-\x7E\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]*$/.test(s)) return undefined;
  const clip = s.endsWith('\n');
  const lines = (clip ? s.slice(0, -1) : s).split('\n');
  if (lines[0] === '' || lines[0].startsWith(' ') || lines[0].startsWith('\t')) return undefined;
  if (lines.some((l) => l !== '' && /^\s*$/.test(l))) return undefined; // whitespace-only lines: leave to js-yaml
  return (clip ? ' |' : ' |-') + lines.map((l) => '\n' + (l === '' ? '' : indent + l)).join('');
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

export interface FastYamlOptions {
  /** Sort map keys (toYaml, as Helm does); false keeps insertion order (the manifest stream). Default true. */
  sortKeys?: boolean;
}

/** Block YAML without a trailing newline; undefined when the value is outside the safe subset. */
export function fastYaml(value: unknown, opts: FastYamlOptions = {}): string | undefined {
  const sortKeys = opts.sortKeys ?? true;
  const keysOf = (o: Record<string, unknown>): string[] => (sortKeys ? Object.keys(o).sort() : Object.keys(o));
  const out: string[] = [];
  const seen = new Set<object>();

  const node = (v: unknown, indent: string, depth: number): boolean => {
    // writes the value of a map entry / top level; caller has written `key:` (or nothing at top level)
    if (depth > MAX_DEPTH) return false;
    if (Array.isArray(v)) {
      if (v.length === 0) return out.push(depth === 0 ? '[]' : ' []'), true;
      if (seen.has(v)) return false;
      seen.add(v);
      const ok = list(v, depth === 0 ? '' : indent + '  ', depth);
      seen.delete(v);
      return ok;
    }
    if (isPlainObject(v)) {
      const keys = keysOf(v);
      if (keys.length === 0) return out.push(depth === 0 ? '{}' : ' {}'), true;
      if (seen.has(v)) return false;
      seen.add(v);
      const ok = map(v, keys, depth === 0 ? '' : indent + '  ', depth, depth > 0);
      seen.delete(v);
      return ok;
    }
    if (typeof v === 'object' && v !== null) return false;
    if (typeof v === 'string' && v.includes('\n')) {
      const block = literal(v, depth === 0 ? '  ' : indent + '  ');
      if (block === undefined) return false;
      out.push(depth === 0 ? block.slice(1) : block);
      return true;
    }
    const s = scalar(v);
    if (s === undefined) return false;
    out.push(depth === 0 ? s : ' ' + s);
    return true;
  };

  const map = (m: Record<string, unknown>, keys: string[], indent: string, depth: number, newline: boolean): boolean => {
    let first = true;
    for (const k of keys) {
      const ks = scalarString(k);
      if (ks === undefined || ks.length > 1000) return false;
      const v = m[k];
      if (v === undefined) continue; // js-yaml drops undefined
      if (!(first && !newline)) out.push('\n' + indent);
      first = false;
      out.push(ks + ':');
      if (!node(v, indent, depth + 1)) return false;
    }
    return true;
  };

  const list = (l: unknown[], indent: string, depth: number): boolean => {
    for (let i = 0; i < l.length; i++) {
      const item = l[i];
      if (!(i === 0 && depth === 0)) out.push('\n' + indent);
      out.push('-');
      if (Array.isArray(item)) {
        if (item.length !== 0) return false; // lists of lists: leave to js-yaml
        out.push(' []');
      } else if (isPlainObject(item)) {
        const keys = keysOf(item);
        if (keys.length === 0) out.push(' {}');
        else {
          if (seen.has(item)) return false;
          seen.add(item);
          out.push(' ');
          const ok = map(item, keys, indent + '  ', depth + 1, false);
          seen.delete(item);
          if (!ok) return false;
        }
      } else {
        if (item === undefined) {
          out.push(' null');
          continue;
        }
        if (typeof item === 'object' && item !== null) return false;
        if (typeof item === 'string' && item.includes('\n')) {
          const block = literal(item, indent + '  ');
          if (block === undefined) return false;
          out.push(block);
          continue;
        }
        const s = scalar(item);
        if (s === undefined) return false;
        out.push(' ' + s);
      }
    }
    return true;
  };

  return node(value, '', 0) ? out.join('') : undefined;
}
