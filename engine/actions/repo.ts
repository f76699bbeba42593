// Owns: the repository verbs: `repo:build` (package a charts folder into a repository folder), `repo index` (write index.yaml for a folder of archives), `repo add/update/list/
// remove` (the repository list under the XDG config dir, indexes cached under the XDG cache dir) and `search repo`.
// Must not: print (the CLI formats the results).

import { readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { KfError, cannotRead } from '../errors.js';
import { buildIndex, dumpIndex, parseIndex, type IndexVersion } from '../repo/repoindex.js';
import {
  REPO_NAME_RE,
  atomicWrite,
  indexCacheFile,
  readRepoConfig,
  writeRepoConfig,
  type RepoEntry,
} from '../repo/config.js';
import { checkUrl } from '../repo/fetch.js';
import { cachedIndex, fetchIndex, updateRepoIndex } from '../repo/resolve.js';
import { keyId, loadPublicKey } from '../repo/sign.js';
import { checkAuth, pickAuth, type RepoAuth } from '../repo/auth.js';
import { connectionDefaults } from '../repo/session.js';
import { packageChart, type PackageResult } from './package.js';

export async function repoIndexAction(
  dir: string,
  opts: { url?: string; merge?: string; now?: Date } = {},
): Promise<{ file: string; charts: number; versions: number; archives: number }> {
  if (opts.url) checkUrl(opts.url, 'repository URL');
  let merge;
  if (opts.merge) {
    const text = await readFile(opts.merge, 'utf8').catch((e: unknown) => {
      throw cannotRead(opts.merge!, 'index to merge', e);
    });
    merge = parseIndex(text, opts.merge);
  }
  const { index, archives } = await buildIndex(dir, { url: opts.url, merge, mergeSource: opts.merge, now: opts.now });
  const file = path.join(dir, 'index.yaml');
  await atomicWrite(file, dumpIndex(index));
  const lists = Object.values(index.entries);
  return { file, charts: lists.length, versions: lists.reduce((n, l) => n + l.length, 0), archives };
}

export async function repoAddAction(
  name: string,
  url: string,
  opts: { key?: string; forceUpdate?: boolean; auth?: RepoAuth } = {},
): Promise<{ name: string; url: string; charts: number; keyId?: string }> {
  if (!REPO_NAME_RE.test(name)) {
    throw new KfError(`repository name "${name}" must be letters, digits, '.', '_' or '-'`, { exitCode: 2 });
  }
  checkUrl(url, 'repository URL');
  const cfg = await readRepoConfig();
  const existing = cfg.repositories.find((r) => r.name === name);
  const auth = pickAuth(opts.auth ?? connectionDefaults());
  checkAuth(auth);
  for (const k of ['caFile', 'certFile', 'keyFile'] as const) if (auth?.[k]) auth[k] = path.resolve(auth[k]!);
  const entry: RepoEntry = { name, url: url.replace(/\/+$/, ''), ...auth };
  let id: string | undefined;
  if (opts.key) {
    const pem = await readFile(opts.key, 'utf8').catch((e: unknown) => {
      throw cannotRead(opts.key!, 'public key', e);
    });
    id = keyId(loadPublicKey(pem, opts.key));
    entry.publicKey = pem;
  }
  if (existing && !opts.forceUpdate && (existing.url !== entry.url || existing.publicKey !== entry.publicKey || JSON.stringify(pickAuth(existing)) !== JSON.stringify(auth))) {
    throw new KfError(`repository "${name}" already exists with URL ${existing.url}; use --force-update to replace it`);
  }
  // Reachable and a valid index before it is saved.
  const index = await updateRepoIndex(entry);
  cfg.repositories = [...cfg.repositories.filter((r) => r.name !== name), entry].sort((a, b) => (a.name < b.name ? -1 : 1));
  await writeRepoConfig(cfg);
  return { name, url: entry.url, charts: Object.keys(index.entries).length, keyId: id };
}

export async function repoUpdateAction(names: string[] = []): Promise<{ name: string; ok: boolean; message: string }[]> {
  const cfg = await readRepoConfig();
  if (!cfg.repositories.length) throw new KfError('no repositories configured; add one with `kfchart repo add NAME URL`');
  for (const n of names) {
    if (!cfg.repositories.some((r) => r.name === n)) throw new KfError(`no repository named "${n}"`);
  }
  const todo = names.length ? cfg.repositories.filter((r) => names.includes(r.name)) : cfg.repositories;
  const results = await Promise.all(
    todo.map(async (r) => {
      try {
        const idx = await updateRepoIndex(r);
        return { name: r.name, ok: true, message: `${Object.keys(idx.entries).length} chart(s)` };
      } catch (e) {
        if (e instanceof KfError) return { name: r.name, ok: false, message: e.message };
        throw e;
      }
    }),
  );
  return results;
}

export async function repoListAction(): Promise<{ name: string; url: string; verified: boolean }[]> {
  return (await readRepoConfig()).repositories.map((r) => ({ name: r.name, url: r.url, verified: Boolean(r.publicKey) }));
}

export async function repoRemoveAction(names: string[]): Promise<string[]> {
  const cfg = await readRepoConfig();
  for (const n of names) {
    if (!cfg.repositories.some((r) => r.name === n)) throw new KfError(`no repository named "${n}"`);
  }
  cfg.repositories = cfg.repositories.filter((r) => !names.includes(r.name));
  await writeRepoConfig(cfg);
  for (const n of names) await rm(indexCacheFile(n), { force: true });
  return names;
}

export interface SearchHit {
  name: string;
  version: string;
  appVersion: string;
  description: string;
}

/** Search the cached indexes of all configured repositories (name, keywords, description); newest version per chart
 * unless `versions`. `version` filters by a SemVer range. */
export async function searchRepoAction(
  keyword: string | undefined,
  opts: { versions?: boolean; version?: string } = {},
): Promise<SearchHit[]> {
  const cfg = await readRepoConfig();
  const kw = (keyword ?? '').toLowerCase();
  const hits: SearchHit[] = [];
  for (const r of cfg.repositories) {
    const index = await cachedIndex(r);
    for (const [name, versions] of Object.entries(index.entries)) {
      const match = (v: IndexVersion) =>
        !kw ||
        `${r.name}/${name}`.toLowerCase().includes(kw) ||
        (v.description ?? '').toLowerCase().includes(kw) ||
        (v.keywords ?? []).some((k) => k.toLowerCase().includes(kw));
      let list = versions.filter(match);
      if (opts.version) list = list.filter((v) => semver.satisfies(v.version, opts.version!));
      else if (!opts.versions) list = list.filter((v) => !semver.prerelease(v.version));
      if (!opts.versions) list = list.slice(0, 1);
      for (const v of list) {
        hits.push({ name: `${r.name}/${name}`, version: v.version, appVersion: v.appVersion ?? '', description: v.description ?? '' });
      }
    }
  }
  hits.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : semver.rcompare(a.version, b.version)));
  return hits;
}

/** Fetch an index without adding the repository (used by tests and `search` with --repo later). */
export { fetchIndex };

/**
 * `npm run repo:build`: every chart folder under `chartsDir` packaged reproducibly into `outDir`, then
 * `outDir/index.yaml`, merging the index already there (published versions stay; a changed archive under an existing
 * version is refused) unless `fresh`.
 */
export async function repoBuildAction(opts: {
  chartsDir: string;
  outDir: string;
  url?: string;
  /** Chart folder names to package (default: every folder with a Chart.yaml). */
  only?: string[];
  skipLint?: boolean;
  /** Do not merge the index already in outDir (start the repository over). */
  fresh?: boolean;
}): Promise<{ packaged: PackageResult[]; index: string }> {
  const ents = await readdir(opts.chartsDir, { withFileTypes: true }).catch(() => {
    throw new KfError(`${opts.chartsDir}: no such charts folder`, { where: { file: opts.chartsDir } });
  });
  const dirs: string[] = [];
  for (const e of ents.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!e.isDirectory() || (opts.only && !opts.only.includes(e.name))) continue;
    const dir = path.join(opts.chartsDir, e.name);
    if (await stat(path.join(dir, 'Chart.yaml')).then(() => true, () => false)) dirs.push(dir);
  }
  if (!dirs.length) throw new KfError(`${opts.chartsDir}: no charts found (folders with a Chart.yaml)`);
  const packaged: PackageResult[] = [];
  for (const dir of dirs) packaged.push(await packageChart(dir, { destination: opts.outDir, skipLint: opts.skipLint }));
  const existing = path.join(opts.outDir, 'index.yaml');
  const hasIndex = !opts.fresh && (await readFile(existing).then(() => true, () => false));
  const r = await repoIndexAction(opts.outDir, { url: opts.url, merge: hasIndex ? existing : undefined });
  return { packaged, index: r.file };
}
