// Owns: an `oci://…` chart reference as a ResolvedArchive for resolveArchive (pull, install, upgrade, template,
// show, dependencies), with --verify checking the provenance layer Helm stores next to the chart.
// Must not: print.

import { KfError } from '../../errors.js';
import type { ResolveOptions, ResolvedArchive } from '../resolve.js';
import { pullChart } from './chart.js';
import { connectionDefaults } from '../session.js';

export async function resolveOciArchive(ref: string, opts: ResolveOptions): Promise<ResolvedArchive> {
  const d = connectionDefaults();
  const p = await pullChart(ref, {
    ...d,
    ...opts.auth,
    plainHttp: opts.plainHttp ?? d.plainHttp,
    registryConfig: opts.registryConfig ?? d.registryConfig,
    version: opts.version,
    wantProv: opts.verify,
  });
  const res: ResolvedArchive = { data: p.data, files: p.files, source: p.ref, name: p.name, version: p.version, digest: p.digest };
  if (opts.verify) {
    if (!p.prov) throw new KfError(`${p.ref}: --verify needs a provenance layer (push the chart with its .prov next to it)`);
    if (!opts.keyring) throw new KfError(`${p.ref}: --verify needs --keyring (a PGP public keyring)`, { exitCode: 2 });
    const { verifyProvenanceWithKeyring } = await import('../provenance.js');
    res.verifiedBy = (await verifyProvenanceWithKeyring(p.data, p.prov.toString('utf8'), opts.keyring, p.ref, `${p.name}-${p.version}.tgz`)).signer;
  }
  return res;
}
