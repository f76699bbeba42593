// Owns: `kfchart pull`: download a chart (`<repo>/<chart>` or a name with --repo) at the newest version matching
// --version, digest-checked (and signature-checked with --verify), into -d as `<name>-<version>.tgz` or, with
// --untar, as a folder `<name>/` (extracted via a temp folder; a refused archive leaves nothing behind).
// Must not: print.

import path from 'node:path';
import { extractChartArchive } from '../repo/archive.js';
import { atomicWrite } from '../repo/config.js';
import { KfError } from '../errors.js';
import { BUNDLED_REPO } from '../repo/bundled.js';
import { sha256 } from '../repo/repoindex.js';
import { localChartPath, resolveArchive, type ResolveOptions } from '../repo/resolve.js';

export interface PullOptions extends ResolveOptions {
  destination?: string;
  untar?: boolean;
  /** With --untar: the folder name under destination (default: the chart name). */
  untarDir?: string;
}

export async function pullAction(ref: string, opts: PullOptions = {}): Promise<{ path: string; name: string; version: string; digest: string; verifiedBy?: string }> {
  const a = ref.startsWith(`${BUNDLED_REPO}/`) && !opts.repo ? ((await bundledArchive(ref, opts)) ?? (await resolveArchive(ref, opts))) : await resolveArchive(ref, opts);
  const dest = opts.destination ?? '.';
  let out: string;
  if (opts.untar) {
    out = path.join(dest, opts.untarDir ?? a.name);
    await extractChartArchive(a.data, out, { source: a.source });
  } else {
    out = path.join(dest, `${a.name}-${a.version}.tgz`);
    await atomicWrite(out, a.data);
  }
  return { path: out, name: a.name, version: a.version, digest: a.digest, verifiedBy: a.verifiedBy };
}

/**
 * `pull kfchart/<chart>`: a bundled chart (a folder in the package) packaged as `package` would (same bytes), so it
 * can be pulled like a repository chart. undefined when a configured repository named kfchart hides the built-in one.
 */
async function bundledArchive(ref: string, opts: PullOptions): Promise<{ data: Buffer; name: string; version: string; digest: string; source: string; verifiedBy?: string } | undefined> {
  const dir = await localChartPath(ref);
  if (!dir) return undefined;
  if (opts.verify) throw new KfError(`${ref}: a bundled chart has no signature to verify (it ships inside kfchart itself)`, { exitCode: 2 });
  const { buildPackage } = await import('./package.js');
  const { data, name, version } = await buildPackage(dir, { skipLint: true });
  if (opts.version) {
    const { default: semver } = await import('semver');
    if (!semver.satisfies(version, opts.version, { includePrerelease: true }) && version !== opts.version) {
      throw new KfError(`${ref}: the bundled chart is version ${version}, not ${opts.version}`);
    }
  }
  return { data, name, version, digest: sha256(data), source: dir };
}
