// Owns: fetching a repository's index.yaml (leniently read, engine/repo/lenient-index.ts; its warnings printed
// once, when fetched) and the cache of it: `<name>-index.yaml` (the bytes as served) and `<name>-index.json` (the
// index as read, for the sha256 of those bytes), which search and `<repo>/<chart>` read instead of the YAML.
// Kept light on purpose — no chart loading, archives or schema compiler — so `repo add`, `repo update` and `search
// repo` load only what they use (resolve.ts, which resolves charts, imports this).
// Must not: write anything but the index cache, or print (warnings go through engine/repo/warnings.ts).

import { readFile } from 'node:fs/promises';
import { KfError } from '../errors.js';
import { fetchBytes, resolveUrl, checkUrl } from './fetch.js';
import type { RepoIndex } from './repoindex.js';
import { sha256 } from './digest.js';
import { atomicWrite, indexCacheFile, type RepoEntry } from './config.js';
import { formatIndexWarning, indexMaxBytes, loadIndex } from './lenient-index.js';
import { warn } from './warnings.js';
import { pickAuth, type RepoAuth } from './auth.js';

/** Fetch and read a repository's index.yaml (leniently: invalid entries are skipped, one warning each). */
export async function fetchIndex(repoUrl: string, auth?: RepoAuth): Promise<{ index: RepoIndex; text: string; url: string; data: Buffer }> {
  checkUrl(repoUrl, 'repository URL');
  const url = resolveUrl(repoUrl, 'index.yaml');
  const maxBytes = indexMaxBytes();
  const data = await fetchBytes(url, { what: 'repository index', maxBytes, auth, authUrl: repoUrl }).catch((e: unknown) => {
    if (e instanceof KfError && e.message.includes(`larger than ${maxBytes} bytes`)) {
      throw new KfError(`${url}: repository index is larger than ${maxBytes / 1024 / 1024} MiB; raise the limit with KFCHART_MAX_INDEX_MB=<MiB>`, {
        where: e.where,
      });
    }
    throw e;
  });
  const text = data.toString('utf8');
  const { index, warnings } = loadIndex(text, url);
  for (const w of warnings) warn(formatIndexWarning(w, url));
  return { index, text, url, data };
}

/** Fetch a configured repository's index and store it in the cache (only once it parsed and validated). */
export async function updateRepoIndex(repo: RepoEntry): Promise<RepoIndex> {
  const { index, data } = await fetchIndex(repo.url, pickAuth(repo));
  const file = indexCacheFile(repo.name);
  await atomicWrite(file, data);
  await writeParsedIndex(file, sha256(data), index);
  return index;
}

// The cached index as read (`<name>-index.json` next to `<name>-index.yaml`, for the sha256 of that YAML file): a
// search or a chart reference then costs one JSON.parse instead of a YAML parse of the whole index (measured on a
// 4 MiB index: ~1.2 s of YAML parsing → ~0.05 s). Invalid or stale (the YAML changed) → the YAML is read again.
const parsedFile = (yamlFile: string) => yamlFile.replace(/\.yaml$/, '.json');

async function writeParsedIndex(yamlFile: string, digest: string, index: RepoIndex): Promise<void> {
  await atomicWrite(parsedFile(yamlFile), JSON.stringify({ kfchartParsedIndex: 1, sha256: digest, index }));
}

async function readParsedIndex(yamlFile: string, digest: string): Promise<RepoIndex | undefined> {
  const json = await readFile(parsedFile(yamlFile), 'utf8').catch(() => undefined);
  if (json === undefined) return undefined;
  try {
    const p = JSON.parse(json) as { kfchartParsedIndex?: number; sha256?: string; index?: RepoIndex };
    if (p.kfchartParsedIndex !== 1 || p.sha256 !== digest || p.index?.apiVersion !== 'v1' || typeof p.index.entries !== 'object') return undefined;
    return p.index;
  } catch {
    return undefined;
  }
}

/** A configured repository's cached index (fetched first when there is none yet). */
export async function cachedIndex(repo: RepoEntry): Promise<RepoIndex> {
  const file = indexCacheFile(repo.name);
  const data = await readFile(file).catch(() => undefined);
  if (data === undefined) return updateRepoIndex(repo);
  const digest = sha256(data);
  const parsed = await readParsedIndex(file, digest);
  if (parsed) return parsed;
  try {
    const index = loadIndex(data.toString('utf8'), file).index; // its warnings were shown when it was fetched
    await writeParsedIndex(file, digest, index).catch(() => undefined);
    return index;
  } catch (e) {
    if (!(e instanceof KfError)) throw e;
    throw new KfError(`${e.message} (cached index of "${repo.name}"; run \`kfchart repo update ${repo.name}\`)`, {
      where: e.where,
      details: e.details,
    });
  }
}
