// Owns: generated secrets and certificates that must survive upgrade and rollback — the helpers `genSecret`,
// `genSelfSignedCert`, `genCA`, `genSignedCert` and what they make. A value is taken from the previous revision's
// persisted map when present (HelperHost.persist), otherwise generated (crypto.randomBytes / RSA 2048), and always
// recorded in this render's persisted map. Must not: read files, environment or the clock beyond validity dates.

import { createRequire } from 'node:module';
import type * as Forge from 'node-forge';
import type Handlebars from 'handlebars';
import { isMap } from '../values/index.js';
import { strval } from './helpers.js';
import type { HelperHost, HelperOptions } from './host.js';
import { nodeCrypto } from '../crypto.js';

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
    for (const b of nodeCrypto().randomBytes(Math.max(16, (length - out.length) * 2))) {
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
  const pair = nodeCrypto().generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicKey);
  cert.serialNumber = '01' + nodeCrypto().randomBytes(16).toString('hex'); // leading 01: always positive
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

/** genSecret "key" length | genSelfSignedCert "key" cn ips dns days | genCA "key" cn days | genSignedCert … ca */
export function registerGenerateHelpers(hb: typeof Handlebars, host: HelperHost): void {
  hb.registerHelper('genSecret', function (...args: unknown[]) {
    const options = args.pop() as HelperOptions;
    if (args.length < 1 || args.length > 2) throw host.error(options, 'genSecret expects a key and a length: genSecret "dex-client" 32');
    const key = strval(args[0]);
    const length = args.length === 2 ? Number(args[1]) : 32;
    if (!key) throw host.error(options, 'genSecret: the key must not be empty');
    if (!Number.isInteger(length) || length < 1 || length > 4096) throw host.error(options, `genSecret: length must be 1..4096, got ${strval(args[1])}`);
    return host.persist(key, () => randomAlphaNum(length));
  });

  const certHelper = (name: string, usage: string, argc: number, make: (args: unknown[], options: HelperOptions) => CertRequest) =>
    function (...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      if (args.length !== argc) throw host.error(options, `${name} expects ${argc} arguments: ${usage}`);
      const key = strval(args[0]);
      if (!key) throw host.error(options, `${name}: the key must not be empty`);
      const text = host.persist(key, () => JSON.stringify(makeCert(make(args, options))));
      try {
        const parsed = JSON.parse(text) as { cert?: unknown; key?: unknown };
        if (typeof parsed.cert === 'string' && typeof parsed.key === 'string') return { cert: parsed.cert, key: parsed.key };
      } catch {
        // fall through
      }
      throw host.error(options, `${name}: the persisted value "${key}" is not a certificate (made by another helper?)`);
    };
  const asList = (name: string, what: string, v: unknown, options: HelperOptions): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw host.error(options, `${name}: ${what} must be a list, e.g. (list "a" "b")`);
    return v.map(strval);
  };
  const asDays = (name: string, v: unknown, options: HelperOptions): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw host.error(options, `${name}: days must be a positive integer, got ${strval(v)}`);
    return n;
  };
  hb.registerHelper('genSelfSignedCert', certHelper('genSelfSignedCert', 'genSelfSignedCert "key" "common-name" (list ips…) (list dnsNames…) days', 5,
    ([, cn, ips, dns, days], o) => ({
      cn: strval(cn), ips: asList('genSelfSignedCert', 'ips', ips, o), dnsNames: asList('genSelfSignedCert', 'dnsNames', dns, o),
      days: asDays('genSelfSignedCert', days, o),
    })));
  hb.registerHelper('genCA', certHelper('genCA', 'genCA "key" "common-name" days', 3,
    ([, cn, days], o) => ({ cn: strval(cn), ips: [], dnsNames: [], days: asDays('genCA', days, o), isCA: true })));
  hb.registerHelper('genSignedCert', certHelper('genSignedCert', 'genSignedCert "key" "common-name" (list ips…) (list dnsNames…) days ca', 6,
    ([, cn, ips, dns, days, ca], o) => {
      if (!isMap(ca) || typeof ca.cert !== 'string' || typeof ca.key !== 'string') {
        throw host.error(o, 'genSignedCert: ca must be the result of genCA (an object with cert and key)');
      }
      return {
        cn: strval(cn), ips: asList('genSignedCert', 'ips', ips, o), dnsNames: asList('genSignedCert', 'dnsNames', dns, o),
        days: asDays('genSignedCert', days, o), issuer: { cert: ca.cert, key: ca.key },
      };
    }));
}
