// Owns: `kfchart dependency update|build|list <chart>`: resolve Chart.yaml dependencies — local folders
// (`file://../dex`, `../dex`) packaged reproducibly, and repository charts (`https://…`, `file://…/repo` URLs, or
// `@name` / `alias:name` of a configured repository) digest-checked — into `charts/<name>-<version>.tgz`, and the lock
// file in Helm's format (engine/chart/lock.ts: `Chart.lock`, `requirements.lock` for apiVersion v1 charts, whose
// dependencies are in requirements.yaml; Helm's digest, plus each archive's sha256). `build` restores exactly what
// the lock names and refuses anything whose digest changed; it reads Helm's locks as well as its own.
// Must not: print; leave charts/ half-updated when a dependency fails (all archives are fetched first).

import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { KfError } from '../errors.js';
import { checkMeta } from '../chart/load.js';
import { chartMeta } from '../chart/requirements.js';
import {
  goTime,
  helm2LockDigest,
  kfchartV0LockDigest,
  lockDigest,
  lockFileName,
  lockText,
  parseLock,
  type ChartLock,
  type LockedDependency,
} from '../chart/lock.js';
import type { ChartDependency, ChartMeta } from '../chart/types.js';
import { parseYaml } from '../yaml/index.js';
import { readChartArchive } from '../repo/archive.js';
import { atomicWrite, findRepo, readRepoConfig } from '../repo/config.js';
import { fetchIndex, downloadEntry, updateRepoIndex } from '../repo/resolve.js';
import { pickVersion, sha256, type RepoIndex } from '../repo/repoindex.js';
import { buildPackage } from './package.js';
import { pickAuth, type RepoAuth } from '../repo/auth.js';

export type { ChartLock, LockedDependency };

interface RepoSource {
  url: string;
  index: RepoIndex;
  auth?: RepoAuth;
}

interface Fetched {
  dep: LockedDependency & { digest: string };
  data: Buffer;
}

async function readMeta(chartDir: string): Promise<ChartMeta> {
  const file = path.join(chartDir, 'Chart.yaml');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new KfError(`${chartDir}: not a chart folder (no Chart.yaml)`, { where: { file: chartDir } });
  });
  const reqFile = path.join(chartDir, 'requirements.yaml');
  const req = await readFile(reqFile, 'utf8').catch(() => undefined);
  return chartMeta(parseYaml(text, file), req, file, reqFile, checkMeta);
}

/** The dependencies as Helm hashes them: `@repo` / `alias:repo` replaced by the configured repository's URL. */
async function requested(deps: ChartDependency[], chartFile: string): Promise<ChartDependency[]> {
  const out: ChartDependency[] = [];
  for (const d of deps) {
    const alias = d.repository ? /^(?:@|alias:)(.+)$/.exec(d.repository) : null;
    if (!alias) {
      out.push(d);
      continue;
    }
    const repo = await findRepo(alias[1]!).catch((e: unknown) => {
      if (e instanceof KfError) throw new KfError(`${chartFile}: dependency "${d.name}": ${e.message}`, { where: { file: chartFile } });
      throw e;
    });
    out.push({ ...d, repository: repo.url });
  }
  return out;
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
    // A URL that is a configured repository's (as Helm locks `@repo`): its credentials, its cache.
    const norm = (u: string) => u.replace(/\/+$/, '');
    const repo = (await readRepoConfig()).repositories.find((r) => norm(r.url) === norm(repository));
    res = repo
      ? { url: repo.url, index: await updateRepoIndex(repo), auth: pickAuth(repo) }
      : { url: repository, index: (await fetchIndex(repository)).index };
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

const isVendored = (chartDir: string, name: string) =>
  readFile(path.join(chartDir, 'charts', name, 'Chart.yaml')).then(() => true, () => false);

/** Resolve every Chart.yaml (requirements.yaml) dependency into charts/ and write the lock, as Helm does. */
export async function dependencyUpdateAction(chartDir: string): Promise<{ lock: ChartLock; written: string[]; file: string }> {
  const meta = await readMeta(chartDir);
  const chartFile = path.join(chartDir, 'Chart.yaml');
  const deps = await requested(meta.dependencies ?? [], chartFile);
  const cache = new Map<string, RepoSource>();
  const fetched: Fetched[] = [];
  const locked: LockedDependency[] = [];
  for (const dep of deps) {
    if (!dep.repository && (await isVendored(chartDir, dep.name))) {
      // Vendored by hand as a folder: nothing to fetch; Helm locks it with its range and no repository.
      locked.push({ name: dep.name, repository: '', version: dep.version });
      continue;
    }
    const f = await fetchDep(chartDir, dep, false, cache);
    fetched.push(f);
    locked.push(f.dep);
  }
  const written = await placeArchives(chartDir, fetched);
  const lock: ChartLock = { dependencies: locked, digest: lockDigest(deps, locked, meta.apiVersion), generated: goTime(new Date()) };
  const file = path.join(chartDir, lockFileName(meta.apiVersion));
  await atomicWrite(file, lockText(lock));
  return { lock, written, file };
}

/** The chart's lock file (Chart.lock, or requirements.lock for an apiVersion v1 chart), Helm's or kfchart's. */
export async function readLock(chartDir: string, apiVersion?: string): Promise<ChartLock> {
  const file = path.join(chartDir, lockFileName(apiVersion ?? (await readMeta(chartDir)).apiVersion));
  const text = await readFile(file, 'utf8').catch(() => {
    throw new KfError(`${file}: no lock file; run \`kfchart dependency update ${chartDir}\` first`, { where: { file } });
  });
  return parseLock(text, file);
}

/** Restore charts/ from the lock, refusing any archive whose digest differs from the lock. */
export async function dependencyBuildAction(chartDir: string): Promise<{ lock: ChartLock; written: string[] }> {
  const meta = await readMeta(chartDir);
  const lock = await readLock(chartDir, meta.apiVersion);
  const lockFile = path.join(chartDir, lockFileName(meta.apiVersion));
  const raw = meta.dependencies ?? [];
  const deps = await requested(raw, path.join(chartDir, 'Chart.yaml'));
  const accepted = [lockDigest(deps, lock.dependencies, meta.apiVersion), kfchartV0LockDigest(raw)];
  if (meta.apiVersion === 'v1') accepted.push(helm2LockDigest(raw));
  if (!accepted.includes(lock.digest)) {
    throw new KfError(
      `${lockFile}: out of date with ${meta.apiVersion === 'v1' ? 'requirements.yaml' : 'Chart.yaml'} dependencies; run \`kfchart dependency update ${chartDir}\``,
      { where: { file: lockFile } },
    );
  }
  const cache = new Map<string, RepoSource>();
  const fetched: Fetched[] = [];
  for (const d of lock.dependencies) {
    if (!d.repository) {
      if (!(await isVendored(chartDir, d.name))) {
        throw new KfError(`${lockFile}: dependency "${d.name}" has no repository and is not vendored as charts/${d.name}/`, { where: { file: lockFile } });
      }
      continue;
    }
    const f = await fetchDep(chartDir, { name: d.name, version: d.version, repository: d.repository }, true, cache);
    // Helm's locks carry no archive digest: then the repository index's digest (checked on download) is the check.
    if (d.digest && f.dep.digest !== d.digest) {
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
