// Owns: reading repository indexes other tools publish the way Helm does: an entry that is invalid (null, not a
// mapping, a name that differs from its key, a version Helm could not read either, no usable sha256 digest, no
// urls, a field of the wrong type) is skipped with one warning naming chart, version and reason, and the rest of the
// repository stays usable. Versions are read as permissively as Helm reads them (engine/repo/version.ts), `sha256:`
// prefixes and upper-case digests are normalised, a version listed twice is kept once. No digest, no download: an
// entry without a checkable digest is never offered. The index is parsed chart by chart (one YAML parse per
// `entries.<name>` block, each under engine/yaml's limits), so the size of the whole index is bounded only by
// indexMaxBytes() (KFCHART_MAX_INDEX_MB), not by the YAML parser's per-text cap.
// Must not: fetch, write files, or print (warnings go to the caller).

import { Ajv, type ValidateFunction } from 'ajv';
import indexSchema from '../../schemas/index.schema.json' with { type: 'json' };
import { KfError } from '../errors.js';
import { parseYaml, parseYamlSubset, subsetCandidate } from '../yaml/index.js';
import { sortVersions, type IndexVersion, type RepoIndex } from './repoindex.js';
import { looseSemver, setCanonical } from './version.js';

export interface IndexWarning {
  chart: string;
  version?: string;
  reason: string;
}

export interface LoadedIndex {
  index: RepoIndex;
  warnings: IndexWarning[];
}

/** The largest index accepted, in bytes: 256 MiB unless KFCHART_MAX_INDEX_MB says otherwise. */
export function indexMaxBytes(): number {
  const mb = Number(process.env.KFCHART_MAX_INDEX_MB);
  return (Number.isFinite(mb) && mb > 0 ? mb : 256) * 1024 * 1024;
}

export function formatIndexWarning(w: IndexWarning, source: string): string {
  return `${source}: skipping chart ${w.chart}${w.version !== undefined ? ` version ${JSON.stringify(w.version)}` : ''}: ${w.reason}`;
}

let validateVersion: ValidateFunction | undefined;
function versionValidator(): ValidateFunction {
  validateVersion ??= new Ajv({ allErrors: false, strict: false }).compile({
    ...indexSchema.definitions.version,
    definitions: indexSchema.definitions,
  });
  return validateVersion;
}

/**
 * The schema's version definition as a plain function, for the common case: true only when Ajv would accept the
 * entry too (an entry it rejects goes to Ajv, compiled on first use, for the message). It reads the schema itself and
 * knows the keywords that definition uses; a definition with any other keyword gives undefined (Ajv checks every
 * entry then). Kept equal to Ajv by test/unit/repo/index-fast.test.ts.
 */
export function compileQuickCheck(schema: Record<string, unknown>): ((x: unknown) => boolean) | undefined {
  const known = new Set(['type', 'minLength', 'pattern', 'items', 'minItems', 'additionalProperties', 'required', 'properties', 'description']);
  if (Object.keys(schema).some((k) => !known.has(k))) return undefined;
  const checks: ((x: unknown) => boolean)[] = [];
  if (schema.type !== undefined) {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
    const one: Record<string, (x: unknown) => boolean> = {
      string: (x) => typeof x === 'string',
      boolean: (x) => typeof x === 'boolean',
      null: (x) => x === null,
      array: (x) => Array.isArray(x),
      object: (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
    };
    if (types.some((t) => !one[t])) return undefined;
    const fns = types.map((t) => one[t]!);
    checks.push(fns.length === 1 ? fns[0]! : (x) => fns.some((f) => f(x)));
  }
  if (schema.minLength !== undefined) {
    const n = schema.minLength as number;
    // Ajv counts code points: a surrogate pair is one character
    checks.push((x) => typeof x !== 'string' || x.length >= 2 * n || (x.length >= n && [...x].length >= n));
  }
  if (schema.pattern !== undefined) {
    const re = new RegExp(schema.pattern as string, 'u');
    checks.push((x) => typeof x !== 'string' || re.test(x));
  }
  if (schema.minItems !== undefined) {
    const n = schema.minItems as number;
    checks.push((x) => !Array.isArray(x) || x.length >= n);
  }
  if (schema.items !== undefined) {
    if (Array.isArray(schema.items)) return undefined;
    const item = compileQuickCheck(schema.items as Record<string, unknown>);
    if (!item) return undefined;
    checks.push((x) => !Array.isArray(x) || x.every(item));
  }
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const propChecks: [string, (x: unknown) => boolean][] = [];
  for (const [k, sub] of Object.entries(props)) {
    const c = compileQuickCheck(sub);
    if (!c) return undefined;
    propChecks.push([k, c]);
  }
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (propChecks.length) checks.push((x) => !isObject(x) || propChecks.every(([k, c]) => x[k] === undefined || c(x[k])));
  if (schema.required !== undefined) {
    const req = schema.required as string[];
    checks.push((x) => !isObject(x) || req.every((k) => x[k] !== undefined));
  }
  if (schema.additionalProperties !== undefined) {
    if (typeof schema.additionalProperties !== 'object') return undefined;
    const extra = compileQuickCheck(schema.additionalProperties as Record<string, unknown>);
    if (!extra) return undefined;
    checks.push((x) => !isObject(x) || Object.keys(x).every((k) => Object.prototype.hasOwnProperty.call(props, k) || extra(x[k])));
  }
  return (x) => checks.every((c) => c(x));
}

let quickVersionCheck: ((x: unknown) => boolean) | undefined | null;

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

function parseWhole(text: string, source: string): Record<string, unknown> {
  const raw = parseYaml(text, source, { maxExpandedNodes: 5_000_000 });
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
function parseBlocks(text: string, source: string, fastReader: boolean): Record<string, unknown> | undefined {
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
    const head = split.head.trim() === '' ? {} : parseYaml(split.head, source);
    if (head === null || typeof head !== 'object' || Array.isArray(head)) return undefined;
    root = head as Record<string, unknown>;
    const entries: Record<string, unknown> = {};
    for (const [from, to] of split.blocks) {
      let part = fast ? (parseYamlSubset(lines, from, to)?.value as Record<string, unknown> | undefined) : undefined;
      if (part === undefined) {
        const whole = parseYaml(`entries:\n${lines.slice(from, to).join('\n')}`, source, { maxExpandedNodes: 5_000_000 }) as {
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
 * Parse an index leniently (see the header). `fastReader: false` reads every block with the full YAML parser (the
 * result is the same; tests compare both). Throws only when the document as a whole is not an index: not YAML, not
 * a mapping, no `apiVersion: v1`, `entries` not a mapping.
 */
export function loadIndex(text: string, source: string, opts: { fastReader?: boolean } = {}): LoadedIndex {
  // CRLF line ends read as LF ones (YAML reads every line break inside a scalar as \n; line numbers stay); a lone CR
  // is a line break to YAML, not to the block split: such a text is parsed whole.
  const lf = text.includes('\r') && !/\r(?!\n)/.test(text) ? text.replace(/\r\n/g, '\n') : text;
  const raw = parseBlocks(lf, source, opts.fastReader ?? true) ?? parseWhole(text, source);
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
  quickVersionCheck ??= compileQuickCheck(indexSchema.definitions.version as Record<string, unknown>) ?? null;
  const quick = quickVersionCheck;
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
      if (!quick?.(v) && !versionValidator()(v)) {
        const e = versionValidator().errors?.[0];
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
  return { index, warnings };
}
