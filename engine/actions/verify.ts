// Owns: `kfchart verify <tgz> --keyring K`: check an archive against Helm's provenance file (`<tgz>.prov`, a PGP
// keyring in K) or kfchart's detached Ed25519 signature (`<tgz>.sig`, a PEM public key in K), and that it is a
// readable chart archive. Must not: print.

import { readFile } from 'node:fs/promises';
import { KfError, cannotRead } from '../errors.js';
import { readChartArchive } from '../repo/archive.js';
import { sha256 } from '../repo/repoindex.js';
import { loadPublicKey, verifyArchive } from '../repo/sign.js';

export async function verifyAction(
  archive: string,
  opts: { keyring: string; signature?: string },
): Promise<{ archive: string; digest: string; keyId: string }> {
  const read = async (f: string, what: string) =>
    readFile(f).catch((e: unknown) => {
      throw cannotRead(f, what, e);
    });
  const data = await read(archive, 'chart archive');
  readChartArchive(data, archive);
  let sigFile = opts.signature;
  if (!sigFile) {
    // Helm's .prov first (what helm verify reads), else kfchart's Ed25519 .sig.
    const { stat } = await import('node:fs/promises');
    sigFile = (await stat(`${archive}.prov`).then(() => true, () => false)) ? `${archive}.prov` : `${archive}.sig`;
  }
  const sig = (await read(sigFile, 'signature')).toString('utf8');
  const { isProvenance, verifyProvenanceWithKeyring } = await import('../repo/provenance.js');
  if (isProvenance(sig)) {
    const path = (await import('node:path')).default;
    const files = readChartArchive(data, archive);
    const { parseYaml } = await import('../yaml/index.js');
    const meta = parseYaml(files.get('Chart.yaml')?.toString('utf8') ?? '', `${archive}:Chart.yaml`) as { name?: unknown; version?: unknown };
    const r = await verifyProvenanceWithKeyring(data, sig, opts.keyring, sigFile, path.basename(archive), meta);
    return { archive, digest: r.digest, keyId: r.signer };
  }
  if (sigFile.endsWith('.prov')) {
    throw new KfError(`${sigFile}: not a Helm provenance file (a PGP signed message beginning "-----BEGIN PGP SIGNED MESSAGE-----")`, { where: { file: sigFile } });
  }
  const key = loadPublicKey((await read(opts.keyring, 'keyring')).toString('utf8'), opts.keyring);
  const id = verifyArchive(data, sig, key, archive);
  return { archive, digest: sha256(data), keyId: id };
}
