// Owns: Helm provenance files (`<chart>.tgz.prov`), both ways, with the `openpgp` package: the PGP clear-signed
// message `helm package --sign` writes — the chart's metadata as YAML, the YAML document end marker `...`, then
// `files: {<archive file name>: sha256:<hex>}` — and its verification against a PGP public keyring (the legacy
// binary keyring `gpg --export` writes and `helm --keyring` reads, or ASCII-armored keys). Signing keys come from a
// secret keyring (binary, as `gpg --export-secret-keys` writes, or armored), picked by name/e-mail/key id as Helm's
// `--key`, decrypted with a passphrase when protected.
// Must not: read files other than the keyrings it is given, fetch, or print.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KfError, cannotRead } from '../errors.js';
import { dumpYaml, parseYaml } from '../yaml/index.js';
import { sha256 } from './repoindex.js';

type OpenPGP = typeof import('openpgp');
let pgp: OpenPGP | undefined;
const openpgp = async (): Promise<OpenPGP> => (pgp ??= await import('openpgp'));

/** The message Helm signs for `archive` (named `fileName`), from the archive's Chart.yaml metadata. */
export function provenanceMessage(meta: Record<string, unknown>, archive: Buffer, fileName: string): string {
  // Helm marshals chart.Metadata (JSON field names, empty ones left out) through sigs.k8s.io/yaml: keys sorted.
  const clean = JSON.parse(JSON.stringify(meta, (_k, v) => (v === null || v === '' || (Array.isArray(v) && !v.length) ? undefined : v)));
  const metaYaml = dumpYaml(clean, { sortKeys: true });
  return `${metaYaml}\n...\n${dumpYaml({ files: { [fileName]: `sha256:${sha256(archive)}` } })}`;
}

async function readKeyFile(file: string, what: string): Promise<Uint8Array> {
  return new Uint8Array(
    await readFile(file).catch((e: unknown) => {
      throw cannotRead(file, what, e);
    }),
  );
}

const isArmored = (b: Uint8Array) => Buffer.from(b.subarray(0, 2048)).toString('latin1').includes('-----BEGIN PGP');

function userIds(k: { getUserIDs(): string[] }): string[] {
  return k.getUserIDs();
}

/** Sign: returns the .prov text. `keyName` selects the key as Helm's --key (a part of a user id, or a key id). */
export async function signProvenance(
  meta: Record<string, unknown>,
  archive: Buffer,
  fileName: string,
  opts: { keyring: string; keyName?: string; passphrase?: string },
): Promise<{ text: string; signer: string }> {
  const o = await openpgp();
  const bytes = await readKeyFile(opts.keyring, 'secret keyring');
  let keys;
  try {
    keys = isArmored(bytes)
      ? await o.readPrivateKeys({ armoredKeys: Buffer.from(bytes).toString('utf8') })
      : await o.readPrivateKeys({ binaryKeys: bytes });
  } catch (e) {
    throw new KfError(`${opts.keyring}: not a PGP secret keyring: ${(e as Error).message}`, { where: { file: opts.keyring } });
  }
  const want = opts.keyName?.toLowerCase();
  const matches = keys.filter(
    (k) => !want || userIds(k).some((u) => u.toLowerCase().includes(want)) || k.getKeyID().toHex().toLowerCase().endsWith(want.replace(/^0x/, '')) || k.getFingerprint().toLowerCase() === want,
  );
  if (!matches.length) {
    throw new KfError(`${opts.keyring}: no secret key matching "${opts.keyName}" (keys: ${keys.map((k) => userIds(k)[0] ?? k.getKeyID().toHex()).join(', ') || 'none'})`, {
      where: { file: opts.keyring },
    });
  }
  if (matches.length > 1 && want) {
    throw new KfError(`${opts.keyring}: "${opts.keyName}" matches ${matches.length} keys; name one by its key id`, { where: { file: opts.keyring } });
  }
  let key = matches[0]!;
  if (!key.isDecrypted()) {
    if (opts.passphrase === undefined) {
      throw new KfError(`${opts.keyring}: the key "${userIds(key)[0]}" is protected by a passphrase: give --passphrase-file (or KFCHART_KEY_PASSPHRASE)`, { exitCode: 2 });
    }
    try {
      key = await o.decryptKey({ privateKey: key, passphrase: opts.passphrase });
    } catch {
      throw new KfError(`${opts.keyring}: wrong passphrase for the key "${userIds(key)[0]}"`);
    }
  }
  const message = await o.createCleartextMessage({ text: provenanceMessage(meta, archive, fileName) });
  const text = await o.sign({ message, signingKeys: key, format: 'armored' });
  return { text: String(text).replace(/\r\n/g, '\n'), signer: `${userIds(key)[0] ?? ''} (${key.getKeyID().toHex().toUpperCase()})` };
}

async function readPublicKeys(keyring: string) {
  const o = await openpgp();
  const bytes = await readKeyFile(keyring, 'keyring');
  try {
    const keys = isArmored(bytes)
      ? await o.readKeys({ armoredKeys: Buffer.from(bytes).toString('utf8') })
      : await o.readKeys({ binaryKeys: bytes });
    return keys;
  } catch (e) {
    throw new KfError(`${keyring}: not a PGP keyring (binary, as \`gpg --export\` writes, or ASCII-armored): ${(e as Error).message}`, { where: { file: keyring } });
  }
}

export function isProvenance(text: string): boolean {
  return text.startsWith('-----BEGIN PGP SIGNED MESSAGE-----');
}

/**
 * Verify a .prov for `archive` (whose file name, as Helm records it, is `fileName`) with the keys in `keyring`.
 * Checks the signature, then that the signed `files:` list gives this archive's sha256, and that the signed
 * metadata names the chart the archive holds (when `meta` is given).
 */
export async function verifyProvenanceWithKeyring(
  archive: Buffer,
  provText: string,
  keyring: string,
  source: string,
  fileName: string,
  meta?: { name?: unknown; version?: unknown },
): Promise<{ signer: string; digest: string }> {
  const o = await openpgp();
  if (!isProvenance(provText)) {
    throw new KfError(`${source}: not a Helm provenance file (.prov: a PGP signed message)`, { where: { file: source } });
  }
  const keys = await readPublicKeys(keyring);
  let message;
  try {
    message = await o.readCleartextMessage({ cleartextMessage: provText });
  } catch (e) {
    throw new KfError(`${source}: provenance file is malformed: ${(e as Error).message}`, { where: { file: source } });
  }
  const res = await o.verify({ message, verificationKeys: keys });
  const sig = res.signatures[0];
  if (!sig) throw new KfError(`${source}: the provenance file holds no signature`, { where: { file: source } });
  try {
    await sig.verified;
  } catch (e) {
    const msg = (e as Error).message;
    throw new KfError(
      /Could not find signing key/i.test(msg)
        ? `${source}: provenance signed by key ${sig.keyID.toHex().toUpperCase()}, which is not in ${keyring}`
        : `${source}: provenance signature does not verify: ${msg}`,
      { where: { file: source } },
    );
  }
  const text = String(res.data).replace(/\r\n/g, '\n');
  const cut = text.lastIndexOf('\n...\n');
  if (cut < 0) throw new KfError(`${source}: provenance message has no files section`, { where: { file: source } });
  const signedMeta = parseYaml(text.slice(0, cut), `${source} (signed metadata)`) as Record<string, unknown> | null;
  const sums = parseYaml(text.slice(cut + 5), `${source} (signed files)`) as { files?: Record<string, string> } | null;
  const files = sums?.files ?? {};
  const digest = sha256(archive);
  const listed = files[fileName] ?? (Object.keys(files).length === 1 ? Object.values(files)[0] : undefined);
  if (listed === undefined) {
    throw new KfError(`${source}: provenance does not list ${fileName} (it lists ${Object.keys(files).join(', ') || 'nothing'})`, { where: { file: source } });
  }
  if (listed !== `sha256:${digest}`) {
    throw new KfError(`${source}: provenance is for another archive (signed ${listed.slice(0, 19)}…, archive is sha256:${digest.slice(0, 12)}…)`, {
      where: { file: source },
    });
  }
  if (meta && signedMeta && (String(signedMeta.name) !== String(meta.name) || String(signedMeta.version) !== String(meta.version))) {
    throw new KfError(`${source}: provenance is signed for ${String(signedMeta.name)} ${String(signedMeta.version)}, the archive is ${String(meta.name)} ${String(meta.version)}`);
  }
  const key = keys.find((k) => k.getKeys(sig.keyID).length);
  return { signer: `${key?.getUserIDs()[0] ?? ''} (${sig.keyID.toHex().toUpperCase()})`.trim(), digest };
}

export const provFileName = (archivePath: string): string => path.basename(archivePath);
