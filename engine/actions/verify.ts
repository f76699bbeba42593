// Owns: `kfchart verify <tgz> --keyring pub.pem`: check an archive against its detached signature (`<tgz>.sig`)
// and that it is a readable chart archive. Must not: print.

import { readFile } from 'node:fs/promises';
import { cannotRead } from '../errors.js';
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
  const sigFile = opts.signature ?? `${archive}.sig`;
  const sig = (await read(sigFile, 'signature')).toString('utf8');
  const key = loadPublicKey((await read(opts.keyring, 'keyring')).toString('utf8'), opts.keyring);
  const id = verifyArchive(data, sig, key, archive);
  return { archive, digest: sha256(data), keyId: id };
}
