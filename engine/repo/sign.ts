// Owns: chart provenance with node:crypto only: a detached Ed25519 signature over an archive's sha256, written as a
// small text file `<archive>.tgz.sig`, and its verification against a public key (PEM).
// Must not: read or write files other than through its callers, fetch, or print.

import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { KfError } from '../errors.js';
import { sha256 } from './digest.js';

const HEADER = 'kfchart-signature: v1';

export function loadPrivateKey(pem: string, file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new KfError(`${file}: not a PEM private key: ${(e as Error).message}`, { where: { file } });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KfError(`${file}: the signing key must be Ed25519 (got ${key.asymmetricKeyType}); create one with \`openssl genpkey -algorithm ed25519\``, {
      where: { file },
    });
  }
  return key;
}

export function loadPublicKey(pem: string, file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new KfError(`${file}: not a PEM public key: ${(e as Error).message}`, { where: { file } });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KfError(`${file}: the public key must be Ed25519 (got ${key.asymmetricKeyType})`, { where: { file } });
  }
  return key;
}

/** Short id of a public key: the first 16 hex chars of the sha256 of its DER encoding. */
export function keyId(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return sha256(pub.export({ type: 'spki', format: 'der' }) as Buffer).slice(0, 16);
}

/** The detached signature file text for `archive` (named `file` inside it). */
export function signArchive(archive: Buffer, file: string, key: KeyObject): string {
  const digest = sha256(archive);
  const sig = sign(null, Buffer.from(digest, 'hex'), key).toString('base64');
  return `${HEADER}\nfile: ${file}\nsha256: ${digest}\nkey: ${keyId(key)}\ned25519: ${sig}\n`;
}

/**
 * Check `sigText` (a .sig file) for `archive` against `key`. Throws a KfError naming `source` when the signature
 * is malformed, for another archive, or does not verify. Returns the key id.
 */
export function verifyArchive(archive: Buffer, sigText: string, key: KeyObject, source: string): string {
  const fields = new Map<string, string>();
  const lines = sigText.split('\n').filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== HEADER) {
    throw new KfError(`${source}.sig: not a kfchart signature file (first line must be "${HEADER}")`, { where: { file: `${source}.sig` } });
  }
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) fields.set(l.slice(0, i).trim(), l.slice(i + 1).trim());
  }
  const digest = sha256(archive);
  if (fields.get('sha256') !== digest) {
    throw new KfError(`${source}: signature is for another archive (sha256 ${fields.get('sha256')?.slice(0, 12)}…, archive is ${digest.slice(0, 12)}…)`, {
      where: { file: source },
    });
  }
  const sig = Buffer.from(fields.get('ed25519') ?? '', 'base64');
  let ok = false;
  try {
    ok = sig.length === 64 && verify(null, Buffer.from(digest, 'hex'), key, sig);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new KfError(`${source}: signature does not verify with key ${keyId(key)} (signed by key ${fields.get('key') ?? 'unknown'})`, {
      where: { file: source },
    });
  }
  return keyId(key);
}
