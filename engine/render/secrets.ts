// Owns: generated secrets and certificates that must survive upgrade and rollback: `genSecret` and
// `genSelfSignedCert`. A value is taken from the previous revision's persisted map when present, otherwise
// generated (crypto.randomBytes / RSA 2048), and always recorded in this render's persisted map.
// Must not: read files, environment or the clock beyond certificate validity dates.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Forge from 'node-forge';

// node-forge takes ~0.1 s to load: only charts that make certificates pay for it (renderChart is synchronous,
// so a lazy `require`, not `import()`).
const require = createRequire(import.meta.url);
let forgeModule: typeof Forge | undefined;
const loadForge = (): typeof Forge => (forgeModule ??= require('node-forge') as typeof Forge);

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A uniformly random alphanumeric string of `length` characters (rejection sampling, no modulo bias). */
export function randomAlphaNum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(Math.max(16, (length - out.length) * 2))) {
      if (b < 248) out += ALPHANUM[b % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export interface GeneratedCert {
  cert: string;
  key: string;
}

export interface CertRequest {
  cn: string;
  ips: string[];
  dnsNames: string[];
  days: number;
  /** A CA certificate (basicConstraints cA, keyCertSign) instead of a server/client certificate. */
  isCA?: boolean;
  /** Sign with this CA (PEM cert + key); self-signed when absent. */
  issuer?: GeneratedCert;
}

/** An X.509 certificate (RSA 2048 key, SHA-256 signature), self-signed or signed by `issuer`. */
export function makeCert(req: CertRequest): GeneratedCert {
  const forge = loadForge();
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicKey);
  cert.serialNumber = '01' + randomBytes(16).toString('hex'); // leading 01: always positive
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + req.days * 86_400_000);
  const subject = [{ name: 'commonName', value: req.cn }];
  cert.setSubject(subject);
  let signer = forge.pki.privateKeyFromPem(pair.privateKey);
  if (req.issuer) {
    const ca = forge.pki.certificateFromPem(req.issuer.cert);
    cert.setIssuer(ca.subject.attributes);
    signer = forge.pki.privateKeyFromPem(req.issuer.key);
  } else {
    cert.setIssuer(subject);
  }
  const altNames = [
    ...req.dnsNames.map((value) => ({ type: 2, value })),
    ...req.ips.map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions(
    req.isCA
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
          { name: 'subjectKeyIdentifier' },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
          ...(altNames.length ? [{ name: 'subjectAltName', altNames }] : []),
        ],
  );
  cert.sign(signer, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: pair.privateKey };
}
