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
import { parseYaml } from '../yaml/index.js';
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

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Split the text of a Helm-layout index into the top-level part (apiVersion, generated, …) and one block per
 * chart under `entries:`. Undefined when the layout is not the usual one (then the whole text is parsed at once).
 */
function splitIndex(text: string): { head: string; blocks: string[] } | undefined {
  const lines = text.split('\n');
  const head: string[] = [];
  const blocks: string[] = [];
  let cur: string[] | undefined;
  let inEntries = false;
  let sawEntries = false;
  for (const line of lines) {
    if (/^[^\s#]/.test(line)) {
      // a top-level key
      if (cur) blocks.push(cur.join('\n'));
      cur = undefined;
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
    if (/^ {2}[^\s#-]/.test(line)) {
      if (cur) blocks.push(cur.join('\n'));
      cur = [line];
      continue;
    }
    if (!cur) {
      if (line.trim() === '' || /^\s*#/.test(line)) continue;
      return undefined; // entries at another indentation
    }
    cur.push(line);
  }
  if (cur) blocks.push(cur.join('\n'));
  return sawEntries ? { head: head.join('\n'), blocks } : undefined;
}

function parseWhole(text: string, source: string): Record<string, unknown> {
  const raw = parseYaml(text, source, { maxExpandedNodes: 5_000_000 });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new KfError(`${source}: not a chart repository index (expected a mapping with apiVersion: v1 and entries)`, { where: { file: source } });
  }
  return raw as Record<string, unknown>;
}

/** Parse the index as chart blocks; undefined when that is not possible (the caller parses the whole text). */
function parseBlocks(text: string, source: string): Record<string, unknown> | undefined {
  if (text.includes('&')) {
    // anchors may be shared across charts: only a whole parse resolves them
    if (/(^|[\s[{,])&[^\s]/.test(text)) return undefined;
  }
  const split = splitIndex(text);
  if (!split) return undefined;
  let root: Record<string, unknown>;
  try {
    const head = split.head.trim() === '' ? {} : parseYaml(split.head, source);
    if (head === null || typeof head !== 'object' || Array.isArray(head)) return undefined;
    root = head as Record<string, unknown>;
    const entries: Record<string, unknown> = {};
    for (const block of split.blocks) {
      const part = parseYaml(`entries:\n${block}`, source, { maxExpandedNodes: 5_000_000 }) as { entries?: Record<string, unknown> } | null;
      if (!part || typeof part.entries !== 'object' || part.entries === null) return undefined;
      for (const [k, v] of Object.entries(part.entries)) {
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
 * Parse an index leniently (see the header). Throws only when the document as a whole is not an index: not YAML, not
 * a mapping, no `apiVersion: v1`, `entries` not a mapping.
 */
export function loadIndex(text: string, source: string): LoadedIndex {
  const raw = parseBlocks(text, source) ?? parseWhole(text, source);
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
  const validate = versionValidator();
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
      if (!validate(v)) {
        const e = validate.errors?.[0];
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
