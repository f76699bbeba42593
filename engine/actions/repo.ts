// Owns: the repository verbs: `repo:build` (package a charts folder into a repository folder), `repo index` (write index.yaml for a folder of archives), `repo add/update/list/
// remove` (the repository list under the XDG config dir, indexes cached under the XDG cache dir) and `search repo`
// (Helm's scoring and ordering, --devel, --regexp; the built-in repository of bundled charts included).
// Must not: print (the CLI formats the results).

import { readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { KfError, cannotRead } from '../errors.js';
import { canonicalVersion } from '../repo/version.js';
import {
  REPO_NAME_RE,
  atomicWrite,
  indexCacheFile,
  readRepoConfig,
  writeRepoConfig,
  type RepoEntry,
} from '../repo/config.js';
import { checkUrl } from '../repo/fetch.js';
// the index cache, not resolve.js: `repo add/update` and `search repo` then load no chart, archive or schema code
import { cachedIndex, fetchIndex, updateRepoIndex } from '../repo/index-cache.js';
import { BUNDLED_REPO, bundledIndex } from '../repo/bundled.js';
import { keyId, loadPublicKey } from '../repo/sign.js';
import { checkAuth, pickAuth, type RepoAuth } from '../repo/auth.js';
import { connectionDefaults } from '../repo/session.js';
import type { PackageResult } from './package.js';

export async function repoIndexAction(
  dir: string,
  opts: { url?: string; merge?: string; now?: Date } = {},
): Promise<{ file: string; charts: number; versions: number; archives: number }> {
  if (opts.url) checkUrl(opts.url, 'repository URL');
  const { buildIndex, dumpIndex, parseIndex } = await import('../repo/repoindex.js');
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
  for (const n of names) {
    await rm(indexCacheFile(n), { force: true });
    await rm(indexCacheFile(n).replace(/\.yaml$/, '.json'), { force: true }); // the parsed form (engine/repo/resolve.ts)
  }
  return names;
}

export interface SearchHit {
  name: string;
  version: string;
  appVersion: string;
  description: string;
  deprecated?: boolean;
}

/**
 * Search the cached indexes of all configured repositories as `helm search repo` does: each version is the line
 * `<chart>\v<repo>/<chart>\v<description>\v<keywords>`; a keyword (case-insensitive substring, or with `regexp`
 * a regular expression, case-sensitive as Helm's) scores by the field it is found in (chart name 0, repo/name 1,
 * description 2, keywords 3); hits are ordered by score, then name, then newest version, and filtered by the
 * version constraint — `version`, else `>0.0.0-0` with `devel`, else stable versions only — keeping the first
 * match per chart unless `versions`. A version listed twice (the same string) is shown once.
 */
export async function searchRepoAction(
  keyword: string | undefined,
  opts: { versions?: boolean; version?: string; devel?: boolean; regexp?: boolean } = {},
): Promise<SearchHit[]> {
  const cfg = await readRepoConfig();
  let re: RegExp | undefined;
  if (opts.regexp && keyword) {
    try {
      re = new RegExp(keyword, 'u');
    } catch (e) {
      throw new KfError(`--regexp "${keyword}": not a regular expression: ${(e as Error).message}`, { exitCode: 2 });
    }
  }
  const kw = (keyword ?? '').toLowerCase();
  if (opts.version !== undefined && !semver.validRange(opts.version)) {
    throw new KfError(`--version "${opts.version}" is not a SemVer version or range`, { exitCode: 2 });
  }
  const range = opts.version ?? (opts.devel ? '>0.0.0-0' : undefined);
  const wantsPre = range !== undefined && /\d+\.\d+\.\d+-/.test(range);
  type Scored = SearchHit & { score: number; canon: string };
  const scored: Scored[] = [];
  // The built-in repository (the charts shipped with kfchart) first, unless a configured one has its name.
  const repos = [
    ...(cfg.repositories.some((r) => r.name === BUNDLED_REPO) ? [] : [{ name: BUNDLED_REPO, index: async () => bundledIndex() }]),
    ...cfg.repositories.map((r) => ({ name: r.name, index: () => cachedIndex(r) })),
  ];
  for (const r of repos) {
    const index = await r.index();
    for (const [name, versions] of Object.entries(index.entries)) {
      const full = `${r.name}/${name}`;
      const seen = new Set<string>();
      for (const v of versions) {
        if (seen.has(v.version)) continue;
        seen.add(v.version);
        const line = `${name}\v${full}\v${v.description ?? ''}\v${(v.keywords ?? []).join(' ')}`;
        let at = 0;
        if (re) {
          const m = re.exec(line);
          if (!m) continue;
          at = m.index;
        } else if (kw) {
          at = line.toLowerCase().indexOf(kw);
          if (at < 0) continue;
        }
        let score = 0;
        for (let i = line.indexOf('\v'); i !== -1 && i < at; i = line.indexOf('\v', i + 1)) score++;
        scored.push({
          name: full,
          version: v.version,
          appVersion: v.appVersion ?? '',
          description: v.description ?? '',
          ...(v.deprecated ? { deprecated: true } : {}),
          score,
          canon: canonicalVersion(v),
        });
      }
    }
  }
  scored.sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : semver.rcompare(a.canon, b.canon)));
  const hits: SearchHit[] = [];
  const found = new Set<string>();
  for (const h of scored) {
    if (!opts.versions && found.has(h.name)) continue;
    const ok = range === undefined ? !semver.prerelease(h.canon) : semver.satisfies(h.canon, range, { includePrerelease: wantsPre });
    if (!ok) continue;
    found.add(h.name);
    const { score: _s, canon: _c, ...hit } = h;
    hits.push(hit);
  }
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
  const { packageChart } = await import('./package.js');
  for (const dir of dirs) packaged.push(await packageChart(dir, { destination: opts.outDir, skipLint: opts.skipLint }));
  const existing = path.join(opts.outDir, 'index.yaml');
  const hasIndex = !opts.fresh && (await readFile(existing).then(() => true, () => false));
  const r = await repoIndexAction(opts.outDir, { url: opts.url, merge: hasIndex ? existing : undefined });
  return { packaged, index: r.file };
}
