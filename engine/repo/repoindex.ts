// Owns: the repository index (index.yaml): reading (YAML limits + schemas/index.schema.json + SemVer checks),
// building from a folder of .tgz archives (with --url and --merge), writing (Helm's layout), and picking the newest
// version matching a SemVer range.
// Must not: fetch anything (fetch.ts), write files, or print.

import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { Ajv } from 'ajv';
import indexSchema from '../../schemas/index.schema.json' with { type: 'json' };
import { KfError, fileReason } from '../errors.js';
import { parseYaml, dumpYaml } from '../yaml/index.js';
import { checkMeta } from '../chart/load.js';
import { chartMeta } from '../chart/requirements.js';
import type { ChartMeta } from '../chart/types.js';
import { readChartArchive } from './archive.js';
import { canonicalVersion, sortVersions } from './version.js';

import { sha256 } from './digest.js';

export { sha256, sortVersions };

export interface IndexVersion extends Partial<Omit<ChartMeta, 'name' | 'version'>> {
  name: string;
  version: string;
  urls: string[];
  created?: string;
  digest: string;
  [k: string]: unknown;
}

export interface RepoIndex {
  apiVersion: 'v1';
  entries: Record<string, IndexVersion[]>;
  generated?: string;
  [k: string]: unknown;
}

let validate: ReturnType<Ajv['compile']> | undefined;

/** Parse and validate an index.yaml text; `source` (a file or URL) names it in messages. */
export function parseIndex(text: string, source: string): RepoIndex {
  const raw = parseYaml(text, source, { maxExpandedNodes: 5_000_000 });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new KfError(`${source}: not a chart repository index (expected a mapping with apiVersion: v1 and entries)`, {
      where: { file: source },
    });
  }
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(indexSchema);
  if (!validate(raw)) {
    const details = (validate.errors ?? []).slice(0, 20).map((e) => `  ${e.instancePath || '(root)'}: ${e.message}`);
    throw new KfError(`${source}: not a valid chart repository index: ${details[0]!.trim()}`, {
      where: { file: source },
      details: details.length > 1 ? details : [],
    });
  }
  const index = raw as RepoIndex;
  index.entries ??= {};
  for (const [name, versions] of Object.entries(index.entries)) {
    for (const v of versions) {
      if (v.name !== name) {
        throw new KfError(`${source}: entries.${name} holds a version of chart "${v.name}"`, { where: { file: source } });
      }
      if (!semver.valid(v.version)) {
        throw new KfError(`${source}: entries.${name}: version "${v.version}" is not SemVer 2`, { where: { file: source } });
      }
    }
    sortVersions(versions);
  }
  return index;
}

/** Helm's layout: apiVersion, entries (names sorted, versions newest first), generated. */
export function dumpIndex(index: RepoIndex): string {
  const entries: Record<string, IndexVersion[]> = {};
  for (const name of Object.keys(index.entries).sort()) {
    const list = [...index.entries[name]!];
    sortVersions(list);
    entries[name] = list.map((v) => Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) as IndexVersion);
  }
  const { apiVersion: _a, entries: _e, generated: _g, ...rest } = index;
  return dumpYaml({ apiVersion: 'v1', entries, generated: index.generated ?? new Date().toISOString(), ...rest });
}

/**
 * The newest version of `chart` satisfying `range` (all versions when absent). Prereleases are considered only when
 * the range itself names one (`>=1.0.0-0`, `1.2.0-rc.1`), like npm and Helm. Throws KfError listing what exists.
 */
export function pickVersion(index: RepoIndex, chart: string, range: string | undefined, source: string): IndexVersion {
  const versions = index.entries[chart];
  if (!versions?.length) {
    const names = Object.keys(index.entries).sort();
    throw new KfError(`${source}: no chart named "${chart}" (the repository has: ${names.join(', ') || 'no charts'})`, {
      where: { file: source },
    });
  }
  const exact = range === undefined ? undefined : versions.find((v) => v.version === range);
  if (exact) return exact;
  if (range !== undefined && !semver.validRange(range)) {
    throw new KfError(`--version "${range}" is not a SemVer version or range`, { exitCode: 2 });
  }
  const wantsPre = range !== undefined && /\d+\.\d+\.\d+-/.test(range);
  const found = versions.find((v) =>
    range === undefined ? !semver.prerelease(canonicalVersion(v)) : semver.satisfies(canonicalVersion(v), range, { includePrerelease: wantsPre }),
  );
  if (!found) {
    const list = versions.slice(0, 10).map((v) => v.version).join(', ');
    throw new KfError(
      `${source}: chart "${chart}" has no version matching ${range ?? '(any stable version)'} (available: ${list}${versions.length > 10 ? ', …' : ''})`,
      { where: { file: source } },
    );
  }
  return found;
}

/** Every *.tgz under `dir` (sub-folders too), as sorted POSIX paths relative to it. */
async function findArchives(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    const ents = await readdir(path.join(dir, rel), { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      throw new KfError(`${path.join(dir, rel)}: cannot read folder: ${fileReason(e, 'no such folder')}`);
    });
    for (const ent of ents) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory() && !ent.name.startsWith('.')) await walk(r);
      else if (ent.isFile() && ent.name.endsWith('.tgz')) out.push(r);
    }
  };
  await walk('');
  return out.sort();
}

/** The index entry for one archive (its Chart.yaml metadata + digest + url). */
export function entryFor(data: Buffer, source: string, url: string, created: string): IndexVersion {
  const files = readChartArchive(data, source);
  const chartYaml = files.get('Chart.yaml');
  if (!chartYaml) throw new KfError(`${source}: not a chart archive: Chart.yaml is missing`, { where: { file: source } });
  const meta = chartMeta(
    parseYaml(chartYaml.toString('utf8'), `${source}:Chart.yaml`),
    files.get('requirements.yaml')?.toString('utf8'),
    `${source}:Chart.yaml`,
    `${source}:requirements.yaml`,
    checkMeta,
  );
  return { ...meta, urls: [url], created, digest: sha256(data) };
}

/**
 * Build the index of every archive under `dir`. `url` prefixes each archive's relative path (else urls are
 * relative). `merge` (an existing index) contributes every entry not present locally; a name+version present in
 * both with different digests is an error (a published version is immutable), with the same digest the existing
 * entry's `created` is kept.
 */
export async function buildIndex(
  dir: string,
  opts: { url?: string; merge?: RepoIndex; mergeSource?: string; now?: Date } = {},
): Promise<{ index: RepoIndex; archives: number }> {
  const now = (opts.now ?? new Date()).toISOString();
  const entries: Record<string, IndexVersion[]> = {};
  const seen = new Map<string, { digest: string; file: string }>();
  const archives = await findArchives(dir);
  for (const rel of archives) {
    const file = path.join(dir, rel);
    const data = await readFile(file);
    const url = opts.url ? `${opts.url.replace(/\/+$/, '')}/${rel}` : rel;
    const v = entryFor(data, file, url, now);
    const key = `${v.name}@${v.version}`;
    const prev = seen.get(key);
    if (prev) {
      if (prev.digest !== v.digest) {
        throw new KfError(`${file}: chart ${v.name} ${v.version} is also in ${prev.file} with different content (a version is immutable)`, {
          where: { file },
        });
      }
      continue; // the same archive twice: one entry
    }
    seen.set(key, { digest: v.digest, file });
    (entries[v.name] ??= []).push(v);
  }
  if (opts.merge) {
    const src = opts.mergeSource ?? 'existing index';
    for (const [name, versions] of Object.entries(opts.merge.entries)) {
      for (const old of versions) {
        const key = `${name}@${old.version}`;
        const local = seen.get(key);
        if (!local) {
          (entries[name] ??= []).push(old);
          continue;
        }
        if (local.digest !== old.digest) {
          throw new KfError(
            `${local.file}: chart ${name} ${old.version} is already published in ${src} with digest ${old.digest.slice(0, 12)}…, ` +
              `this archive has ${local.digest.slice(0, 12)}… (a published version is immutable; bump the version)`,
            { where: { file: local.file } },
          );
        }
        const mine = entries[name]!.find((v) => v.version === old.version)!;
        if (old.created) mine.created = old.created;
      }
    }
  }
  for (const list of Object.values(entries)) sortVersions(list);
  return { index: { apiVersion: 'v1', entries, generated: now }, archives: archives.length };
}
