// Owns: turning a chart reference into a verified archive or a loaded Chart: a folder, a .tgz path,
// `<repo>/<chart>` (configured repositories, cached index) or a chart name with `--repo URL` (no add), with a SemVer
// `--version` range (newest match). Every downloaded archive is checked against the index digest BEFORE it is used
// or cached; `verify` also checks the detached Ed25519 signature against the repository's key (or a keyring file).
// Must not: write anything but the cache (indexes, digest-verified archives), or print.

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { KfError, cannotRead } from '../errors.js';
import { loadChart, loadChartFromFiles } from '../chart/load.js';
import type { Chart } from '../chart/types.js';
import { readChartArchive } from './archive.js';
import { fetchBytes, resolveUrl } from './fetch.js';
import { pickVersion, sha256, type IndexVersion, type RepoIndex } from './repoindex.js';
import { cacheArchive, findRepo, readCachedArchive, readRepoConfig, type RepoEntry } from './config.js';
import { loadPublicKey, verifyArchive } from './sign.js';
import { cachedIndex, fetchIndex } from './index-cache.js';
import { warn } from './warnings.js';
import { pickAuth, type RepoAuth } from './auth.js';

export { fetchIndex, updateRepoIndex, cachedIndex } from './index-cache.js';
import { connectionDefaults } from './session.js';
import { BUNDLED_REPO, bundledChartPath } from './bundled.js';

export interface ResolveOptions {
  /** Exact version or SemVer range; newest match wins. */
  version?: string;
  /** Without `version`: prereleases count too (Helm's `--devel`, the range `>0.0.0-0`). */
  devel?: boolean;
  /** Repository URL to take the chart from without adding it. */
  repo?: string;
  /** Check the archive's detached signature (`<archive>.sig`). */
  verify?: boolean;
  /** Public key file (PEM) for `verify`; default: the key configured for the repository (`repo add --key`). */
  keyring?: string;
  /** Credentials / TLS for `repo` (default: those of the configured repository with that URL), or for an oci:// registry. */
  auth?: RepoAuth;
  /** oci:// only: talk plain http to the registry. */
  plainHttp?: boolean;
  /** oci:// only: registry credentials file (default: engine/repo/oci/credentials.ts). */
  registryConfig?: string;
}

export interface ResolvedArchive {
  data: Buffer;
  files: Map<string, Buffer>;
  /** The archive's URL or path, used as the chart source in messages. */
  source: string;
  name: string;
  version: string;
  digest: string;
  /** Repository URL it came from (undefined for a local archive). */
  repoUrl?: string;
  /** Key id the signature verified with, when verified. */
  verifiedBy?: string;
}

/** Download (or take from the cache) the archive of one index entry; refuses a digest mismatch. */
export async function downloadEntry(repoUrl: string, entry: IndexVersion, auth?: RepoAuth): Promise<{ data: Buffer; url: string }> {
  const first = resolveUrl(repoUrl, entry.urls[0]!);
  const cached = await readCachedArchive(entry.digest);
  if (cached) return { data: cached, url: first };
  let lastErr: unknown;
  const remote = /^https?:/i.test(repoUrl);
  for (const u of entry.urls) {
    const url = resolveUrl(repoUrl, u);
    if (remote && url.startsWith('file:')) {
      // A web repository must not make kfchart read files on this machine.
      throw new KfError(`${repoUrl}: the index points ${entry.name} ${entry.version} at a local file (${url}); refused`, {
        where: { file: repoUrl },
      });
    }
    let data: Buffer;
    try {
      data = await fetchBytes(url, { what: `chart archive ${entry.name} ${entry.version}`, auth, authUrl: repoUrl });
    } catch (e) {
      lastErr = e;
      continue;
    }
    const got = sha256(data);
    if (got !== entry.digest) {
      throw new KfError(
        `${url}: digest mismatch: the index says sha256 ${entry.digest}, the download is ${got}; refusing it (nothing installed or cached)`,
        { where: { file: url } },
      );
    }
    const files = readChartArchive(data, url);
    checkArchiveIdentity(files, url, entry.name, entry.version);
    await cacheArchive(entry.digest, data);
    return { data, url };
  }
  throw lastErr;
}

function checkArchiveIdentity(files: Map<string, Buffer>, source: string, name: string, version: string): void {
  const text = files.get('Chart.yaml')?.toString('utf8') ?? '';
  const n = /^name:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
  const v = /^version:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
  if (n !== name || v !== version) {
    throw new KfError(`${source}: the index lists ${name} ${version} but the archive holds ${n ?? '?'} ${v ?? '?'}`, { where: { file: source } });
  }
}

async function keyFor(opts: ResolveOptions, repo: RepoEntry | undefined, what: string) {
  if (opts.keyring) {
    const pem = await readFile(opts.keyring, 'utf8').catch((e: unknown) => {
      throw cannotRead(opts.keyring!, 'keyring', e);
    });
    return loadPublicKey(pem, opts.keyring);
  }
  if (repo?.publicKey) return loadPublicKey(repo.publicKey, `repository ${repo.name} key`);
  throw new KfError(
    `${what}: --verify needs a public key: add the repository with \`kfchart repo add NAME URL --key pub.pem\` (or pass --keyring pub.pem)`,
  );
}

/**
 * Resolve a chart reference to an archive in memory (folders are not archives: use resolveChart). Used by
 * resolveChart, pull and dependency update.
 */
export async function resolveArchive(ref: string, opts: ResolveOptions = {}): Promise<ResolvedArchive> {
  const a = await resolveArchiveQuietly(ref, opts);
  // Helm warns about a deprecated chart on install; kfchart on every use of a fetched or archived chart.
  if (/^deprecated:\s*true\s*(#.*)?$/m.test(a.files.get('Chart.yaml')?.toString('utf8') ?? '')) {
    warn(`chart ${a.name} ${a.version} is deprecated (${a.source})`);
  }
  return a;
}

async function resolveArchiveQuietly(ref: string, opts: ResolveOptions): Promise<ResolvedArchive> {
  if (ref.startsWith('oci://')) {
    if (opts.repo) throw new KfError(`${ref}: an oci:// reference names its registry; drop --repo`, { exitCode: 2 });
    return (await import('./oci/resolve.js')).resolveOciArchive(ref, opts);
  }
  let repoUrl: string;
  let repo: RepoEntry | undefined;
  let chartName: string;
  let index: RepoIndex;
  let indexSource: string;
  let auth: RepoAuth | undefined;

  if (opts.repo) {
    chartName = ref;
    if (chartName.includes('/')) {
      throw new KfError(`with --repo, give the chart by name (e.g. "kubeflow"), not "${ref}"`, { exitCode: 2 });
    }
    repoUrl = opts.repo;
    repo = (await readRepoConfig()).repositories.find((r) => r.url.replace(/\/+$/, '') === repoUrl.replace(/\/+$/, ''));
    auth = opts.auth ?? pickAuth(connectionDefaults()) ?? pickAuth(repo);
    const fetched = await fetchIndex(repoUrl, auth);
    index = fetched.index;
    indexSource = fetched.url;
  } else {
    const local = await stat(ref).catch(() => undefined);
    if (local?.isFile()) {
      const data = await readFile(ref);
      const files = readChartArchive(data, ref);
      const meta = loadChartFromFiles(files, ref).meta;
      const res: ResolvedArchive = { data, files, source: ref, name: meta.name, version: meta.version, digest: sha256(data) };
      if (opts.version !== undefined && opts.version !== meta.version) {
        const semver = (await import('semver')).default;
        if (!semver.satisfies(meta.version, opts.version, { includePrerelease: true })) {
          throw new KfError(`${ref}: chart version ${meta.version} does not match --version ${opts.version}`, { where: { file: ref } });
        }
      }
      if (opts.verify && (await pgpKeyring(opts.keyring))) {
        const prov = await readFile(`${ref}.prov`, 'utf8').catch(() => {
          throw new KfError(`${ref}.prov: no provenance file next to the archive (--verify with a PGP keyring needs one; sign with \`kfchart package --sign --keyring …\`)`, {
            where: { file: `${ref}.prov` },
          });
        });
        const { verifyProvenanceWithKeyring } = await import('./provenance.js');
        res.verifiedBy = (await verifyProvenanceWithKeyring(data, prov, opts.keyring!, `${ref}.prov`, path.basename(ref), meta)).signer;
      } else if (opts.verify) {
        const sigText = await readFile(`${ref}.sig`, 'utf8').catch(() => {
          throw new KfError(`${ref}.sig: no signature next to the archive (--verify needs one; sign with \`kfchart package --sign\`)`, {
            where: { file: `${ref}.sig` },
          });
        });
        res.verifiedBy = verifyArchive(data, sigText, await keyFor(opts, undefined, ref), ref);
      }
      return res;
    }
    if (local?.isDirectory()) throw new KfError(`${ref}: is a chart folder, not an archive`, { where: { file: ref } });
    if (looksLikePath(ref)) throw chartNotFound(ref);
    const m = /^([^/]+)\/([^/]+)$/.exec(ref);
    if (!m) {
      throw new KfError(`${ref}: no such chart folder or archive, and not a repository reference (<repo>/<chart>)`, { where: { file: ref } });
    }
    repo = await findRepo(m[1]!);
    auth = pickAuth(repo);
    chartName = m[2]!;
    repoUrl = repo.url;
    index = await cachedIndex(repo);
    indexSource = `repository ${repo.name} (${repo.url})`;
  }

  const entry = pickVersion(index, chartName, opts.version ?? (opts.devel ? '>0.0.0-0' : undefined), indexSource);
  const { data, url } = await downloadEntry(repoUrl, entry, auth);
  const files = readChartArchive(data, url);
  const res: ResolvedArchive = { data, files, source: url, name: entry.name, version: entry.version, digest: entry.digest, repoUrl };
  if (opts.verify && (await pgpKeyring(opts.keyring))) {
    const prov = (await fetchBytes(`${url}.prov`, { what: 'provenance file', maxBytes: 1024 * 1024, auth, authUrl: repoUrl })).toString('utf8');
    const { verifyProvenanceWithKeyring } = await import('./provenance.js');
    const base = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? `${entry.name}-${entry.version}.tgz`);
    res.verifiedBy = (await verifyProvenanceWithKeyring(data, prov, opts.keyring!, `${url}.prov`, base, entry)).signer;
  } else if (opts.verify) {
    const key = await keyFor(opts, repo, url);
    const sigText = (await fetchBytes(`${url}.sig`, { what: 'signature', maxBytes: 64 * 1024, auth, authUrl: repoUrl })).toString('utf8');
    res.verifiedBy = verifyArchive(data, sigText, key, url);
  }
  return res;
}

/**
 * A chart argument that names a path: `./x`, `../x`, `/abs`, `~/x`, `x.tgz` (not `<repo>/<chart>` or a bundled
 * chart's name). One that does not exist is "not found", never looked up as a repository.
 */
export function looksLikePath(ref: string): boolean {
  return /^(\.{1,2}([\\/]|$)|[\\/]|~)/.test(ref) || /\.tgz$/i.test(ref) || path.isAbsolute(ref);
}

/** `chart "<ref>" not found` (exit 1), with a hint for a bare name. */
function chartNotFound(ref: string, hint = ''): KfError {
  return new KfError(`chart "${ref}" not found${hint}`, { where: { file: ref } });
}

/**
 * Where a chart argument that is no repository download lives on disk: the folder or archive itself, else a
 * bundled chart (`kubeflow`, or `kfchart/kubeflow` unless a repository named kfchart is configured). undefined: a
 * repository reference. Throws "not found" for a path or a bare name that matches nothing.
 */
export async function localChartPath(ref: string): Promise<string | undefined> {
  if (ref.startsWith('oci://')) return undefined;
  if (await stat(ref).then(() => true, () => false)) return ref;
  if (looksLikePath(ref)) throw chartNotFound(ref);
  const m = /^([^/]+)\/([^/]+)$/.exec(ref);
  if (m) {
    if (m[1] !== BUNDLED_REPO || (await readRepoConfig()).repositories.some((r) => r.name === BUNDLED_REPO)) return undefined;
    return bundledChartPath(m[2]!) ?? (() => { throw chartNotFound(ref, ` (the built-in repository ${BUNDLED_REPO} has no chart "${m[2]}"; \`kfchart search repo ${BUNDLED_REPO}/\` lists its charts)`); })();
  }
  if (!ref.includes('/')) {
    const p = bundledChartPath(ref);
    if (p) return p;
    throw chartNotFound(ref, ` (no folder or .tgz of that name here, and no bundled chart of that name; \`kfchart search repo\` lists the charts)`);
  }
  return undefined;
}

/** Resolve a chart reference (folder, .tgz, bundled chart, `<repo>/<chart>`, or name with `repo`) and load it. */
export async function resolveChart(ref: string, opts: ResolveOptions = {}): Promise<Chart> {
  if (!opts.repo) {
    const local = await localChartPath(ref);
    const st = local === undefined ? undefined : await stat(local).catch(() => undefined);
    if (st?.isDirectory()) {
      if (opts.verify) {
        throw new KfError(`${ref}: --verify needs a signed archive (.tgz), not a chart folder`, { where: { file: ref }, exitCode: 2 });
      }
      const chart = await loadChart(local!);
      if (opts.version !== undefined) {
        const semver = (await import('semver')).default;
        if (!semver.validRange(opts.version)) throw new KfError(`--version "${opts.version}" is not a SemVer version or range`, { exitCode: 2 });
        if (!semver.satisfies(chart.meta.version, opts.version, { includePrerelease: true })) {
          throw new KfError(`${ref}: chart version ${chart.meta.version} does not match --version ${opts.version}`, { where: { file: ref } });
        }
      }
      return chart;
    }
  }
  const a = await resolveArchive(ref, opts);
  return loadChartFromFiles(a.files, a.source);
}

/** Whether --keyring names a PGP keyring (Helm provenance) rather than an Ed25519 PEM public key. */
async function pgpKeyring(keyring: string | undefined): Promise<boolean> {
  if (!keyring) return false;
  const head = await readFile(keyring).then((b) => b.subarray(0, 64).toString('latin1'), () => '');
  return head !== '' && !head.startsWith('-----BEGIN PUBLIC KEY-----');
}

/** Helper for messages: a path relative to the working directory. */
export function rel(p: string): string {
  return path.relative(process.cwd(), p) || '.';
}
