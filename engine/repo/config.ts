// Owns: where the repository list and caches live (XDG base dirs; KFCHART_CONFIG_HOME / KFCHART_CACHE_HOME win),
// reading and writing repositories.yaml, and the cache of repository indexes and verified chart archives.
// Must not: fetch anything or print.

import { mkdir, readFile, rename, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KfError } from '../errors.js';
import { parseYaml, dumpYaml } from '../yaml/index.js';
import { sha256 } from './digest.js';
import type { RepoAuth } from './auth.js';

/** A configured repository; the RepoAuth fields (credentials, TLS files) only with `repo add --username …`. */
export interface RepoEntry extends RepoAuth {
  name: string;
  url: string;
  /** Ed25519 public key (PEM) charts from this repository are verified with (`repo add --key`). */
  publicKey?: string;
}

export interface RepoConfig {
  apiVersion: 'v1';
  generated?: string;
  repositories: RepoEntry[];
}

export function configHome(): string {
  if (process.env.KFCHART_CONFIG_HOME) return process.env.KFCHART_CONFIG_HOME;
  const xdg = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(xdg, 'kfchart');
}

export function cacheHome(): string {
  if (process.env.KFCHART_CACHE_HOME) return process.env.KFCHART_CACHE_HOME;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'kfchart');
}

export const repoConfigFile = (): string => path.join(configHome(), 'repositories.yaml');
export const repoCacheDir = (): string => path.join(cacheHome(), 'repository');
export const indexCacheFile = (repo: string): string => path.join(repoCacheDir(), `${repo}-index.yaml`);
export const archiveCacheFile = (digest: string): string => path.join(repoCacheDir(), 'archives', `${digest}.tgz`);

export const REPO_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;

export async function readRepoConfig(): Promise<RepoConfig> {
  const file = repoConfigFile();
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new KfError(`${file}: cannot read repository list: ${e.message}`, { where: { file } });
  });
  if (text === undefined) return { apiVersion: 'v1', repositories: [] };
  const raw = parseYaml(text, file) as Partial<RepoConfig> | null | undefined;
  if (!raw || typeof raw !== 'object' || (raw.repositories !== undefined && raw.repositories !== null && !Array.isArray(raw.repositories))) {
    throw new KfError(`${file}: not a kfchart repository list (expected apiVersion: v1 and repositories: [...])`, { where: { file } });
  }
  const repos = raw.repositories ?? [];
  for (const r of repos) {
    if (!r || typeof r.name !== 'string' || typeof r.url !== 'string') {
      throw new KfError(`${file}: every repository needs a name and a url`, { where: { file } });
    }
    if (!REPO_NAME_RE.test(r.name)) {
      throw new KfError(`${file}: repository name "${r.name}" must be letters, digits, '.', '_' or '-'`, { where: { file } });
    }
  }
  return { apiVersion: 'v1', generated: raw.generated, repositories: repos };
}

export async function writeRepoConfig(cfg: RepoConfig): Promise<void> {
  const file = repoConfigFile();
  await atomicWrite(file, dumpYaml({ apiVersion: 'v1', generated: new Date().toISOString(), repositories: cfg.repositories }), 0o600);
}

export async function findRepo(name: string): Promise<RepoEntry> {
  const cfg = await readRepoConfig();
  const r = cfg.repositories.find((x) => x.name === name);
  if (!r) {
    const names = cfg.repositories.map((x) => x.name);
    throw new KfError(
      `no repository named "${name}" (${names.length ? `configured: ${names.join(', ')}` : 'none configured'}; add one with \`kfchart repo add ${name} URL\`)`,
    );
  }
  return r;
}

/** Write a file via a temp file + rename, so readers never see half a file. */
export async function atomicWrite(file: string, data: string | Buffer, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, data, { mode });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** A cached archive whose bytes still hash to `digest`, else undefined (a damaged cache entry is dropped). */
export async function readCachedArchive(digest: string): Promise<Buffer | undefined> {
  const file = archiveCacheFile(digest);
  const data = await readFile(file).catch(() => undefined);
  if (!data) return undefined;
  if (sha256(data) !== digest) {
    await rm(file, { force: true });
    return undefined;
  }
  return data;
}

/** Cache an archive the caller has ALREADY verified against `digest`. */
export async function cacheArchive(digest: string, data: Buffer): Promise<void> {
  if (sha256(data) !== digest) throw new Error('internal: caching an archive that does not match its digest');
  await atomicWrite(archiveCacheFile(digest), data);
}
