// Owns: `kfchart pull`: download a chart (`<repo>/<chart>` or a name with --repo) at the newest version matching
// --version, digest-checked (and signature-checked with --verify), into -d as `<name>-<version>.tgz` or, with
// --untar, as a folder `<name>/` (extracted via a temp folder; a refused archive leaves nothing behind).
// Must not: print.

import path from 'node:path';
import { extractChartArchive } from '../repo/archive.js';
import { atomicWrite } from '../repo/config.js';
import { resolveArchive, type ResolveOptions } from '../repo/resolve.js';

export interface PullOptions extends ResolveOptions {
  destination?: string;
  untar?: boolean;
  /** With --untar: the folder name under destination (default: the chart name). */
  untarDir?: string;
}

export async function pullAction(ref: string, opts: PullOptions = {}): Promise<{ path: string; name: string; version: string; digest: string; verifiedBy?: string }> {
  const a = await resolveArchive(ref, opts);
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
