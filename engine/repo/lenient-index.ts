// Owns: reading repository indexes other tools publish the way Helm does: an entry that is invalid (null, not a
// mapping, a name that differs from its key, a version Helm could not read either, no usable sha256 digest, no
// urls, a field of the wrong type) is skipped with one warning naming chart, version and reason, and the rest of the
// repository stays usable. Versions are read as permissively as Helm reads them (engine/repo/version.ts), `sha256:`
// prefixes and upper-case digests are normalised, a version listed twice is kept once. No digest, no download: an
// entry without a checkable digest is never offered. The index is parsed chart by chart (one YAML parse per
// `entries.<name>` block, each under engine/yaml's limits), so the size of the whole index is bounded only by
// indexMaxBytes() (KFCHART_MAX_INDEX_MB), not by the YAML parser's per-text cap.
// Must not: fetch, write files, or print (warnings go to the caller).

import indexSchema from '../../schemas/index.schema.json' with { type: 'json' };
import { KfError } from '../errors.js';
import { parseYaml, parseYamlSubset, subsetCandidate } from '../yaml/index.js';
import type { IndexVersion, RepoIndex } from './repoindex.js';
import { looseSemver, setCanonical, sortVersions } from './version.js';

export interface IndexWarning {
  chart: string;
  version?: string;
  reason: string;
}

export interface LoadedIndex {
  index: RepoIndex;
  warnings: IndexWarning[];
  /** How the chart blocks were read: by the fast reader or by the full parser (undefined: the text was parsed whole). */
  blocks?: { fast: number; full: number };
}

/** The largest index accepted, in bytes: 256 MiB unless KFCHART_MAX_INDEX_MB says otherwise. */
export function indexMaxBytes(): number {
  const mb = Number(process.env.KFCHART_MAX_INDEX_MB);
  return (Number.isFinite(mb) && mb > 0 ? mb : 256) * 1024 * 1024;
}

export function formatIndexWarning(w: IndexWarning, source: string): string {
  return `${source}: skipping chart ${w.chart}${w.version !== undefined ? ` version ${JSON.stringify(w.version)}` : ''}: ${w.reason}`;
}

/** The first error of a value against a schema, as Ajv reports it (`allErrors: false`): instancePath and message. */
export type EntryCheck = (x: unknown) => { instancePath: string; message: string } | undefined;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * A JSON Schema (the index's version definition) as a plain function that finds the first error Ajv would report
 * (the same keyword order: type, then the data type's keywords — minLength, pattern; minItems, items; required,
 * additionalProperties, properties — and the same messages), so reading an index needs no Ajv (~265 KB of code to
 * load) and no schema compilation. It knows only the keywords that definition uses: any other gives undefined.
 * Kept equal to Ajv by test/unit/repo/index-fast.test.ts.
 */
export function compileEntryCheck(schema: Record<string, unknown>): EntryCheck | undefined {
  const known = new Set(['type', 'minLength', 'pattern', 'items', 'minItems', 'additionalProperties', 'required', 'properties', 'description']);
  if (Object.keys(schema).some((k) => !known.has(k))) return undefined;
  const typeOf: Record<string, (x: unknown) => boolean> = {
    string: (x) => typeof x === 'string',
    boolean: (x) => typeof x === 'boolean',
    null: (x) => x === null,
    array: (x) => Array.isArray(x),
    object: isObject,
  };
  const types = schema.type === undefined ? undefined : ((Array.isArray(schema.type) ? schema.type : [schema.type]) as string[]);
  if (types?.some((t) => !typeOf[t])) return undefined;
  const typeFns = types?.map((t) => typeOf[t]!);
  const typeOk = !typeFns ? undefined : typeFns.length === 1 ? typeFns[0]! : (x: unknown) => typeFns.some((f) => f(x));
  const sub = (s: unknown) => (isObject(s) ? compileEntryCheck(s) : undefined);
  const items = schema.items === undefined ? undefined : sub(schema.items);
  const extra = schema.additionalProperties === undefined ? undefined : sub(schema.additionalProperties);
  if ((schema.items !== undefined && !items) || (schema.additionalProperties !== undefined && !extra)) return undefined;
  const props: [string, EntryCheck][] = [];
  for (const [k, v] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
    const c = sub(v);
    if (!c) return undefined;
    props.push([k, c]);
  }
  const named = new Set(props.map(([k]) => k));
  const minLength = schema.minLength as number | undefined;
  const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern as string, 'u');
  const minItems = schema.minItems as number | undefined;
  const required = schema.required as string[] | undefined;
  // an error's path is built on the way out only: nothing is allocated for an entry that passes
  const under = (seg: string, e: { instancePath: string; message: string }) => ({ instancePath: `/${seg}${e.instancePath}`, message: e.message });
  const path = '';
  return (x) => {
    if (typeOk && !typeOk(x)) return { instancePath: path, message: `must be ${types!.join(',')}` };
    if (typeof x === 'string') {
      // Ajv counts code points: a surrogate pair is one character
      if (minLength !== undefined && x.length < 2 * minLength && [...x].length < minLength) {
        return { instancePath: path, message: `must NOT have fewer than ${minLength} characters` };
      }
      if (pattern && !pattern.test(x)) return { instancePath: path, message: `must match pattern "${schema.pattern as string}"` };
    } else if (Array.isArray(x)) {
      if (minItems !== undefined && x.length < minItems) return { instancePath: path, message: `must NOT have fewer than ${minItems} items` };
      if (items) {
        for (let i = 0; i < x.length; i++) {
          const e = items(x[i]);
          if (e) return under(String(i), e);
        }
      }
    } else if (isObject(x)) {
      for (const k of required ?? []) if (x[k] === undefined) return { instancePath: path, message: `must have required property '${k}'` };
      if (extra) {
        for (const k of Object.keys(x)) {
          if (named.has(k)) continue;
          const e = extra(x[k]);
          if (e) return under(k.replace(/~/g, '~0').replace(/\//g, '~1'), e);
        }
      }
      for (const [k, c] of props) {
        if (x[k] === undefined) continue;
        const e = c(x[k]);
        if (e) return under(k, e);
      }
    }
    return undefined;
  };
}

let entryCheck: EntryCheck | undefined;
function versionCheck(): EntryCheck {
  entryCheck ??= compileEntryCheck(indexSchema.definitions.version as Record<string, unknown>);
  if (!entryCheck) throw new Error('schemas/index.schema.json: the version definition uses a keyword compileEntryCheck does not know');
  return entryCheck;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Split the lines of a Helm-layout index into the top-level part (apiVersion, generated, …) and one block of lines
 * per chart under `entries:` ([from, to) into `lines`). Undefined when the layout is not the usual one (then the
 * whole text is parsed at once).
 */
function splitIndex(lines: string[]): { head: string; blocks: [number, number][] } | undefined {
  const head: string[] = [];
  const blocks: [number, number][] = [];
  let cur = -1;
  let inEntries = false;
  let sawEntries = false;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const c = line.charCodeAt(0);
    if (line.length > 0 && c !== 32 && c !== 35 && !/^\s/.test(line)) {
      // a top-level key
      if (cur >= 0) blocks.push([cur, n]);
      cur = -1;
      if (/^entries:\s*(#.*)?$/.test(line)) {
        if (sawEntries) return undefined;
        inEntries = sawEntries = true;
        continue;
      }
      if (/^(---|\.\.\.|%)/.test(line) || /^entries\s*:/.test(line) || /^["']?entries["']?\s*:/.test(line)) return undefined;
      inEntries = false;
      head.push(line);
      continue;
    }
    if (!inEntries) {
      head.push(line);
      continue;
    }
    if (c === 32 && line.charCodeAt(1) === 32 && /^ {2}[^\s#-]/.test(line)) {
      if (cur >= 0) blocks.push([cur, n]);
      cur = n;
      continue;
    }
    if (cur < 0) {
      if (line.trim() === '' || /^\s*#/.test(line)) continue;
      return undefined; // entries at another indentation
    }
  }
  if (cur >= 0) blocks.push([cur, lines.length]);
  return sawEntries ? { head: head.join('\n'), blocks } : undefined;
}

function parseWhole(text: string, source: string, fastReader: boolean): Record<string, unknown> {
  const raw = parseYaml(text, source, { maxExpandedNodes: 5_000_000, fastReader });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new KfError(`${source}: not a chart repository index (expected a mapping with apiVersion: v1 and entries)`, { where: { file: source } });
  }
  return raw as Record<string, unknown>;
}

/**
 * Parse the index as chart blocks; undefined when that is not possible (the caller parses the whole text). Each block
 * is read by the fast reader of engine/yaml (parseYamlSubset: the plain block layout Helm writes, the same result as
 * the full parser) and only when it leaves that subset by the full YAML parser.
 */
function parseBlocks(text: string, source: string, fastReader: boolean, count: { fast: number; full: number }): Record<string, unknown> | undefined {
  if (text.includes('&')) {
    // anchors may be shared across charts: only a whole parse resolves them
    if (/(^|[\s[{,])&[^\s]/.test(text)) return undefined;
  }
  const lines = text.split('\n');
  const split = splitIndex(lines);
  if (!split) return undefined;
  const fast = fastReader && !text.includes('\r') && subsetCandidate(text);
  let root: Record<string, unknown>;
  try {
    const head = split.head.trim() === '' ? {} : parseYaml(split.head, source, { fastReader });
    if (head === null || typeof head !== 'object' || Array.isArray(head)) return undefined;
    root = head as Record<string, unknown>;
    const entries: Record<string, unknown> = {};
    for (const [from, to] of split.blocks) {
      let part = fast ? (parseYamlSubset(lines, from, to)?.value as Record<string, unknown> | undefined) : undefined;
      if (part !== undefined) count.fast++;
      else {
        count.full++;
        const whole = parseYaml(`entries:\n${lines.slice(from, to).join('\n')}`, source, { maxExpandedNodes: 5_000_000, fastReader }) as {
          entries?: Record<string, unknown>;
        } | null;
        if (!whole || typeof whole.entries !== 'object' || whole.entries === null) return undefined;
        part = whole.entries;
      }
      for (const [k, v] of Object.entries(part)) {
        if (Object.prototype.hasOwnProperty.call(entries, k)) return undefined; // let the whole parse report it
        entries[k] = v;
      }
    }
    root.entries = entries;
  } catch {
    return undefined; // the whole parse names the line
  }
  return root;
}

/**
 * Parse an index leniently (see the header). `fastReader: false` reads every block with js-yaml alone (the
 * result is the same; tests compare both). Throws only when the document as a whole is not an index: not YAML, not
 * a mapping, no `apiVersion: v1`, `entries` not a mapping.
 */
export function loadIndex(text: string, source: string, opts: { fastReader?: boolean } = {}): LoadedIndex {
  // CRLF line ends read as LF ones (YAML reads every line break inside a scalar as \n; line numbers stay); a lone CR
  // is a line break to YAML, not to the block split: such a text is parsed whole.
  const lf = text.includes('\r') && !/\r(?!\n)/.test(text) ? text.replace(/\r\n/g, '\n') : text;
  const count = { fast: 0, full: 0 };
  const blocks = parseBlocks(lf, source, opts.fastReader ?? true, count);
  const raw = blocks ?? parseWhole(text, source, opts.fastReader ?? true);
  if (raw.apiVersion !== 'v1') {
    throw new KfError(
      `${source}: not a valid chart repository index: ${raw.apiVersion === undefined ? 'no apiVersion (expected apiVersion: v1)' : `apiVersion ${JSON.stringify(raw.apiVersion)} (expected v1)`}`,
      { where: { file: source } },
    );
  }
  const rawEntries = raw.entries ?? {};
  if (typeof rawEntries !== 'object' || Array.isArray(rawEntries)) {
    throw new KfError(`${source}: not a valid chart repository index: entries must be a mapping of chart names to version lists`, {
      where: { file: source },
    });
  }
  const warnings: IndexWarning[] = [];
  const entries: Record<string, IndexVersion[]> = Object.create(null);
  const check = versionCheck();
  for (const [chart, list] of Object.entries(rawEntries as Record<string, unknown>)) {
    if (!NAME_RE.test(chart) || chart === '__proto__' || chart === 'constructor' || chart === 'prototype') {
      warnings.push({ chart: JSON.stringify(chart), reason: 'not a valid chart name' });
      continue;
    }
    if (!Array.isArray(list)) {
      if (list !== null) warnings.push({ chart, reason: 'its entry is not a list of versions' });
      continue;
    }
    const kept: IndexVersion[] = [];
    const seen = new Set<string>();
    for (const item of list as unknown[]) {
      if (item === null || item === undefined) {
        warnings.push({ chart, reason: 'empty entry' });
        continue;
      }
      if (typeof item !== 'object' || Array.isArray(item)) {
        warnings.push({ chart, reason: 'entry is not a mapping' });
        continue;
      }
      const v = item as Record<string, unknown>;
      // An unquoted `version: 1.2` is a YAML number; Helm (a Go string field) reads it as the string "1.2".
      if (typeof v.version === 'number' && Number.isFinite(v.version)) v.version = String(v.version);
      if (typeof v.appVersion === 'number' && Number.isFinite(v.appVersion)) v.appVersion = String(v.appVersion);
      const version = typeof v.version === 'string' ? v.version : v.version === undefined ? undefined : String(v.version);
      const skip = (reason: string) => warnings.push({ chart, version, reason });
      if (typeof v.digest === 'string') {
        const d = v.digest.trim().replace(/^sha256:/i, '').toLowerCase();
        if (d !== v.digest) v.digest = d;
      }
      if (typeof v.version !== 'string') {
        skip(v.version === undefined ? 'no version' : 'version is not a string');
        continue;
      }
      const canon = looseSemver(v.version);
      if (!canon) {
        skip(`version ${JSON.stringify(v.version)} is not a SemVer version`);
        continue;
      }
      if (v.name !== chart) {
        skip(v.name === undefined ? 'no name' : `the entry names chart ${JSON.stringify(v.name)}`);
        continue;
      }
      if (typeof v.digest !== 'string' || !/^[a-f0-9]{64}$/.test(v.digest)) {
        skip(`${v.digest === undefined ? 'no digest' : 'digest is not a sha256 hex digest'} (kfchart downloads only archives it can check)`);
        continue;
      }
      const e = check(v);
      if (e) {
        skip(`${e?.instancePath ? `${e.instancePath.slice(1).replace(/\//g, '.')} ` : ''}${e?.message ?? 'invalid entry'}`);
        continue;
      }
      if (seen.has(canon)) {
        skip('listed twice; the first entry is kept');
        continue;
      }
      seen.add(canon);
      setCanonical(v, canon);
      kept.push(v as IndexVersion);
    }
    if (kept.length) {
      sortVersions(kept);
      entries[chart] = kept;
    }
  }
  const { entries: _e, ...rest } = raw;
  const index = { ...rest, apiVersion: 'v1', entries: Object.assign({}, entries) } as RepoIndex;
  return { index, warnings, ...(blocks ? { blocks: count } : {}) };
}
