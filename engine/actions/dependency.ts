// Owns: `kfchart dependency update|build|list <chart>`: resolve Chart.yaml dependencies — local folders
// (`file://../dex`, `../dex`) packaged reproducibly, and repository charts (`https://…`, `file://…/repo` URLs, or
// `@name` / `alias:name` of a configured repository) digest-checked — into `charts/<name>-<version>.tgz`, and the lock
// file `Chart.lock` (exact versions + sha256 digests + a digest of the Chart.yaml dependencies). `build` restores
// exactly what the lock names and refuses anything whose digest changed.
// Must not: print; leave charts/ half-updated when a dependency fails (all archives are fetched first).

import { readFile, readdir, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import semver from 'semver';
import { KfError } from '../errors.js';
import { checkMeta } from '../chart/load.js';
import type { ChartDependency, ChartMeta } from '../chart/types.js';
import { parseYaml, dumpYaml } from '../yaml/index.js';
import { readChartArchive } from '../repo/archive.js';
import { atomicWrite, findRepo } from '../repo/config.js';
import { fetchIndex, downloadEntry, updateRepoIndex } from '../repo/resolve.js';
import { pickVersion, sha256, type RepoIndex } from '../repo/repoindex.js';
import { buildPackage } from './package.js';
import { pickAuth, type RepoAuth } from '../repo/auth.js';

export interface LockedDependency {
  name: string;
  repository: string;
  version: string;
  /** `sha256:<hex>` of the archive placed in charts/. */
  digest: string;
}

export interface ChartLock {
  dependencies: LockedDependency[];
  /** `sha256:<hex>` of the Chart.yaml dependencies the lock was made from. */
  digest: string;
  generated: string;
}

interface RepoSource {
  url: string;
  index: RepoIndex;
  auth?: RepoAuth;
}

interface Fetched {
  dep: LockedDependency;
  data: Buffer;
}

async function readMeta(chartDir: string): Promise<ChartMeta> {
  const file = path.join(chartDir, 'Chart.yaml');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new KfError(`${chartDir}: not a chart folder (no Chart.yaml)`, { where: { file: chartDir } });
  });
  return checkMeta(parseYaml(text, file), file);
}

function depsDigest(deps: ChartDependency[]): string {
  const norm = deps.map((d) => ({ name: d.name, version: d.version, repository: d.repository ?? '' }));
  return `sha256:${createHash('sha256').update(JSON.stringify(norm)).digest('hex')}`;
}

/** A local chart folder reference (`file://../dex`, `../dex`, `/abs/dex`, or a `file:///…` folder holding a
 * Chart.yaml), relative to the chart folder; undefined for repositories. */
async function localPath(chartDir: string, repo: string | undefined): Promise<string | undefined> {
  if (!repo) return undefined;
  let p: string | undefined;
  if (repo.startsWith('file://')) p = repo.slice('file://'.length);
  else if (/^\.{1,2}\//.test(repo) || repo.startsWith('/')) return repo;
  if (p === undefined) return undefined;
  if (!p.startsWith('/')) return p;
  const isChart = await readFile(path.join(path.resolve(chartDir, p), 'Chart.yaml')).then(() => true, () => false);
  return isChart ? p : undefined; // else a repository served from the file system
}

/** A repository reference to its URL (+ whether it is a configured repo, whose cached index is refreshed). */
async function repoIndexFor(repository: string, chartFile: string, cache: Map<string, RepoSource>) {
  const hit = cache.get(repository);
  if (hit) return hit;
  let res: RepoSource;
  const alias = /^(?:@|alias:)(.+)$/.exec(repository);
  if (alias) {
    const repo = await findRepo(alias[1]!);
    res = { url: repo.url, index: await updateRepoIndex(repo), auth: pickAuth(repo) };
  } else if (/^(https?|file):\/\//.test(repository)) {
    res = { url: repository, index: (await fetchIndex(repository)).index };
  } else {
    throw new KfError(`${chartFile}: dependency repository "${repository}" is not a URL, a local path or @repo name`, {
      where: { file: chartFile },
    });
  }
  cache.set(repository, res);
  return res;
}

async function fetchDep(
  chartDir: string,
  dep: { name: string; version: string; repository?: string },
  exact: boolean,
  cache: Map<string, RepoSource>,
): Promise<Fetched> {
  const chartFile = path.join(chartDir, 'Chart.yaml');
  const local = await localPath(chartDir, dep.repository);
  if (local !== undefined) {
    const dir = path.resolve(chartDir, local);
    const pkg = await buildPackage(path.relative(process.cwd(), dir) || '.', { skipLint: true });
    if (pkg.name !== dep.name) {
      throw new KfError(`${chartFile}: dependency "${dep.name}" points at ${dep.repository}, which holds chart "${pkg.name}"`, {
        where: { file: chartFile },
      });
    }
    const ok = exact ? pkg.version === dep.version : semver.satisfies(pkg.version, dep.version, { includePrerelease: true });
    if (!ok) {
      throw new KfError(`${chartFile}: dependency "${dep.name}" must match ${dep.version}, but ${dep.repository} is ${pkg.version}`, {
        where: { file: chartFile },
      });
    }
    return { dep: { name: dep.name, repository: dep.repository!, version: pkg.version, digest: `sha256:${sha256(pkg.data)}` }, data: pkg.data };
  }
  if (!dep.repository) {
    throw new KfError(`${chartFile}: dependency "${dep.name}" has no repository; vendor it under charts/ or give a repository`, {
      where: { file: chartFile },
    });
  }
  if (dep.repository.startsWith('oci://')) {
    // An OCI registry namespace: the chart is <repository>/<name>, versions are its tags.
    const { resolveArchive } = await import('../repo/resolve.js');
    const a = await resolveArchive(`${dep.repository.replace(/\/+$/, '')}/${dep.name}`, { version: dep.version });
    const ok = exact ? a.version === dep.version : true;
    if (!ok) throw new KfError(`${chartFile}: dependency "${dep.name}" is locked at ${dep.version} but the registry gave ${a.version}`, { where: { file: chartFile } });
    return { dep: { name: dep.name, repository: dep.repository, version: a.version, digest: `sha256:${a.digest}` }, data: a.data };
  }
  const { url, index, auth } = await repoIndexFor(dep.repository, chartFile, cache);
  const entry = pickVersion(index, dep.name, dep.version, `${dep.repository}`);
  const { data } = await downloadEntry(url, entry, auth);
  return { dep: { name: dep.name, repository: dep.repository, version: entry.version, digest: `sha256:${entry.digest}` }, data };
}

/** Place the fetched archives in charts/, removing older archives of the same charts. */
async function placeArchives(chartDir: string, fetched: Fetched[]): Promise<string[]> {
  const chartsDir = path.join(chartDir, 'charts');
  const names = new Set(fetched.map((f) => f.dep.name));
  const keep = new Set(fetched.map((f) => `${f.dep.name}-${f.dep.version}.tgz`));
  const existing = await readdir(chartsDir).catch(() => [] as string[]);
  const written: string[] = [];
  for (const f of fetched) {
    const file = path.join(chartsDir, `${f.dep.name}-${f.dep.version}.tgz`);
    await atomicWrite(file, f.data);
    written.push(file);
  }
  for (const e of existing) {
    if (!e.endsWith('.tgz') || keep.has(e)) continue;
    const file = path.join(chartsDir, e);
    let name: string | undefined;
    try {
      const cy = readChartArchive(await readFile(file), file).get('Chart.yaml')?.toString('utf8') ?? '';
      name = /^name:\s*["']?([^"'\s#]+)/m.exec(cy)?.[1];
    } catch {
      continue; // not ours to judge; lint reports unreadable archives
    }
    if (name && names.has(name)) await rm(file, { force: true });
  }
  return written;
}

function lockText(lock: ChartLock): string {
  return dumpYaml({ dependencies: lock.dependencies, digest: lock.digest, generated: lock.generated });
}

/** Resolve every Chart.yaml dependency into charts/ and write Chart.lock. */
export async function dependencyUpdateAction(chartDir: string): Promise<{ lock: ChartLock; written: string[] }> {
  const meta = await readMeta(chartDir);
  const deps = meta.dependencies ?? [];
  const cache = new Map<string, { url: string; index: RepoIndex }>();
  const fetched: Fetched[] = [];
  for (const dep of deps) {
    if (!dep.repository) {
      // Vendored by hand as a folder: nothing to fetch, nothing to lock.
      const vendored = await readFile(path.join(chartDir, 'charts', dep.name, 'Chart.yaml')).then(() => true, () => false);
      if (vendored) continue;
    }
    fetched.push(await fetchDep(chartDir, dep, false, cache));
  }
  const written = await placeArchives(chartDir, fetched);
  const lock: ChartLock = { dependencies: fetched.map((f) => f.dep), digest: depsDigest(deps), generated: new Date().toISOString() };
  await atomicWrite(path.join(chartDir, 'Chart.lock'), lockText(lock));
  return { lock, written };
}

export async function readLock(chartDir: string): Promise<ChartLock> {
  const file = path.join(chartDir, 'Chart.lock');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new KfError(`${file}: no lock file; run \`kfchart dependency update ${chartDir}\` first`, { where: { file } });
  });
  const raw = parseYaml(text, file) as Partial<ChartLock> | null;
  if (!raw || !Array.isArray(raw.dependencies) || typeof raw.digest !== 'string') {
    throw new KfError(`${file}: not a Chart.lock (expected dependencies, digest, generated)`, { where: { file } });
  }
  for (const d of raw.dependencies) {
    if (!d || typeof d.name !== 'string' || typeof d.version !== 'string' || typeof d.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(d.digest)) {
      throw new KfError(`${file}: every dependency needs name, version and digest (sha256:<hex>)`, { where: { file } });
    }
  }
  return raw as ChartLock;
}

/** Restore charts/ from Chart.lock, refusing any archive whose digest differs from the lock. */
export async function dependencyBuildAction(chartDir: string): Promise<{ lock: ChartLock; written: string[] }> {
  const meta = await readMeta(chartDir);
  const lock = await readLock(chartDir);
  const lockFile = path.join(chartDir, 'Chart.lock');
  if (lock.digest !== depsDigest(meta.dependencies ?? [])) {
    throw new KfError(`${lockFile}: out of date with Chart.yaml dependencies; run \`kfchart dependency update ${chartDir}\``, {
      where: { file: lockFile },
    });
  }
  const cache = new Map<string, { url: string; index: RepoIndex }>();
  const fetched: Fetched[] = [];
  for (const d of lock.dependencies) {
    const f = await fetchDep(chartDir, { name: d.name, version: d.version, repository: d.repository }, true, cache);
    if (f.dep.digest !== d.digest) {
      throw new KfError(
        `${lockFile}: dependency "${d.name}" ${d.version} from ${d.repository} has digest ${f.dep.digest.slice(0, 19)}…, ` +
          `the lock says ${d.digest.slice(0, 19)}…; refusing it (run \`dependency update\` if the change is intended)`,
        { where: { file: lockFile } },
      );
    }
    fetched.push(f);
  }
  const written = await placeArchives(chartDir, fetched);
  return { lock, written };
}
