// Owns: the dependency lock file as Helm writes and reads it — `Chart.lock` (`requirements.lock` for apiVersion v1
// charts): `dependencies` (name, repository, version; kfchart adds each archive's `digest`, which Helm ignores),
// `digest` and `generated` — and Helm's digest of it: sha256 over Go's encoding/json of the pair
// [Chart.yaml dependencies, locked dependencies] (helm's resolver.HashReq; found by experiment against helm 4.1.4:
// fields in Go struct order name, version (omitted when empty), repository, condition, tags, enabled,
// import-values, alias, the others omitted when empty; `<`, `>`, `&`, U+2028/9 escaped as Go does). The request
// list is the one after `@repo` / `alias:repo` were replaced by the repository URL. Older kfchart locks and Helm 2
// requirements.lock digests are recognised too.
// Must not: read or write files, or touch the network.

import { KfError } from '../errors.js';
import { parseYaml } from '../yaml/index.js';
import type { ChartDependency } from './types.js';
import { nodeCrypto } from '../crypto.js';

export interface LockedDependency {
  name: string;
  /** As Helm locks it: the URL (configured repositories by URL), `file://…`, `oci://…`, or "" for a vendored folder. */
  repository: string;
  version: string;
  /** kfchart's addition: `sha256:<hex>` of the archive placed in charts/ (Helm ignores it). */
  digest?: string;
}

export interface ChartLock {
  dependencies: LockedDependency[];
  /** Helm's `sha256:<hex>` of the requested and the locked dependencies. */
  digest: string;
  generated: string;
}

/** The lock file's name for a chart of this apiVersion. */
export function lockFileName(apiVersion: string | undefined): string {
  return apiVersion === 'v1' ? 'requirements.lock' : 'Chart.lock';
}

/** Go's encoding/json escapes these even in strings. */
function goJson(v: unknown, yaml11 = false): string {
  return JSON.stringify(v, yaml11 ? goValue : sortedMaps).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// YAML 1.1 booleans Helm's YAML reader (go-yaml v2 via sigs.k8s.io/yaml) turns plain scalars into.
const YAML11_TRUE = /^(y|Y|yes|Yes|YES|on|On|ON)$/;
const YAML11_FALSE = /^(n|N|no|No|NO|off|Off|OFF)$/;

/** Free-form values (import-values): YAML 1.1 booleans as Helm read them, maps with sorted keys. */
function goValue(this: unknown, k: string, v: unknown): unknown {
  if (typeof v === 'string') return YAML11_TRUE.test(v) ? true : YAML11_FALSE.test(v) ? false : v;
  return sortedMaps.call(this, k, v);
}

/** Maps with sorted keys (Go's map[string]interface{}). */
function sortedMaps(this: unknown, _k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
  }
  return v;
}

/** One dependency as Go marshals Helm's chart.Dependency. `importValues` only when Helm reads it (v1's import-values). */
function goDependency(d: Partial<ChartDependency> & { name: string }, withImportValues: boolean): string {
  const parts = [`"name":${goJson(d.name)}`];
  if (d.version) parts.push(`"version":${goJson(d.version)}`);
  parts.push(`"repository":${goJson(d.repository ?? '')}`);
  if (d.condition) parts.push(`"condition":${goJson(d.condition)}`);
  if (d.tags?.length) parts.push(`"tags":${goJson(d.tags)}`);
  if (withImportValues && Array.isArray(d.importValues) && d.importValues.length) parts.push(`"import-values":${goJson(d.importValues, true)}`);
  if (d.alias) parts.push(`"alias":${goJson(d.alias)}`);
  return `{${parts.join(',')}}`;
}

const sha = (s: string) => `sha256:${nodeCrypto().createHash('sha256').update(s).digest('hex')}`;

/**
 * Helm's lock digest. `requested`: the chart's dependencies with configured-repository names replaced by their URL;
 * `locked`: name, repository, version of each (the per-archive digest is not part of it).
 */
export function lockDigest(requested: ChartDependency[], locked: LockedDependency[], apiVersion: string | undefined): string {
  const v1 = apiVersion === 'v1';
  const req = requested.map((d) => goDependency(d, v1)).join(',');
  const lock = locked.map((d) => goDependency({ name: d.name, version: d.version, repository: d.repository }, false)).join(',');
  return sha(`[[${req}],[${lock}]]`);
}

/** Helm 2's requirements.lock digest (helm's resolver.HashV2Req), which Helm still accepts for v1 charts. */
export function helm2LockDigest(requested: ChartDependency[]): string {
  return sha(`{"dependencies":[${requested.map((d) => goDependency(d, true)).join(',')}]}`);
}

/** The digest kfchart wrote before it followed Helm (still accepted when reading a lock). */
export function kfchartV0LockDigest(requested: ChartDependency[]): string {
  return sha(JSON.stringify(requested.map((d) => ({ name: d.name, version: d.version, repository: d.repository ?? '' }))));
}

/** Go's time.Time JSON form (RFC 3339, fraction without trailing zeros). */
export function goTime(d: Date): string {
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_m, f: string) => (f ? `.${f}Z` : 'Z'));
}

// A plain scalar go-yaml v2 would write unquoted: not null/bool/number/timestamp-like, no indicator at the start,
// no ': ' or ' #', no surrounding spaces.
function yamlScalar(s: string): string {
  const special =
    s === '' ||
    /^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(s) ||
    /^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/.test(s) ||
    /^[-+]?0x[0-9a-fA-F_]+$/.test(s) ||
    /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(s) ||
    /^\d{4}-\d\d?-\d\d?([Tt ]|$)/.test(s);
  if (special) return JSON.stringify(s);
  if (/^[-?:,[\]{}#&*!|>'"%@`\s]/.test(s) || /: |\s#|\s$|[\n\t]/.test(s)) return `'${s.replace(/'/g, "''")}'`;
  return s;
}

/** The lock file as Helm lays it out (keys in sorted order, list items at the parent's indentation). */
export function lockText(lock: ChartLock): string {
  const out: string[] = [];
  if (!lock.dependencies.length) out.push('dependencies: []');
  else out.push('dependencies:');
  for (const d of lock.dependencies) {
    out.push(`- name: ${yamlScalar(d.name)}`, `  repository: ${yamlScalar(d.repository)}`, `  version: ${yamlScalar(d.version)}`);
    if (d.digest) out.push(`  digest: ${yamlScalar(d.digest)}`);
  }
  out.push(`digest: ${yamlScalar(lock.digest)}`, `generated: ${JSON.stringify(lock.generated)}`);
  return `${out.join('\n')}\n`;
}

/** Read a lock file (Helm's or kfchart's). */
export function parseLock(text: string, file: string): ChartLock {
  const raw = parseYaml(text, file) as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object' || !Array.isArray(raw.dependencies) || typeof raw.digest !== 'string') {
    throw new KfError(`${file}: not a lock file (expected dependencies, digest, generated)`, { where: { file } });
  }
  const deps: LockedDependency[] = [];
  for (const d of raw.dependencies as Record<string, unknown>[]) {
    if (!d || typeof d !== 'object' || typeof d.name !== 'string' || typeof d.version !== 'string') {
      throw new KfError(`${file}: every dependency needs a name and a version`, { where: { file } });
    }
    if (d.repository !== undefined && d.repository !== null && typeof d.repository !== 'string') {
      throw new KfError(`${file}: dependency "${d.name}": repository must be a string`, { where: { file } });
    }
    if (d.digest !== undefined && (typeof d.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(d.digest))) {
      throw new KfError(`${file}: dependency "${d.name}": digest must be sha256:<hex>`, { where: { file } });
    }
    deps.push({ name: d.name, repository: (d.repository as string | undefined) ?? '', version: d.version, ...(d.digest ? { digest: d.digest as string } : {}) });
  }
  const generated = raw.generated instanceof Date ? raw.generated.toISOString() : String(raw.generated ?? '');
  return { dependencies: deps, digest: raw.digest, generated };
}
