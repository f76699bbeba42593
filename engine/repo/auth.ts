// Owns: how kfchart authenticates to a chart repository (Helm's names: --username/--password, --ca-file,
// --cert-file/--key-file, --insecure-skip-tls-verify, --pass-credentials): the settings kept per repository in
// repositories.yaml (0600), turning them into request headers and TLS options, and which URLs may receive the
// credentials (the repository's own host; every host only with passCredentials).
// Must not: print, or put a credential into an error message.

import { readFile } from 'node:fs/promises';
import { KfError, cannotRead } from '../errors.js';
import type { TlsOptions } from './transport.js';

export interface RepoAuth {
  username?: string;
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecureSkipTlsVerify?: boolean;
  passCredentials?: boolean;
}

/** The auth fields of a repository entry (or of command-line flags), without the unset ones. */
export function pickAuth(o: RepoAuth | undefined): RepoAuth | undefined {
  if (!o) return undefined;
  const out: RepoAuth = {};
  for (const k of ['username', 'password', 'caFile', 'certFile', 'keyFile', 'insecureSkipTlsVerify', 'passCredentials'] as const) {
    if (o[k] !== undefined && o[k] !== '' && o[k] !== false) (out as Record<string, unknown>)[k] = o[k];
  }
  return Object.keys(out).length ? out : undefined;
}

export function checkAuth(a: RepoAuth | undefined): void {
  if (!a) return;
  if ((a.certFile === undefined) !== (a.keyFile === undefined)) {
    throw new KfError('--cert-file and --key-file go together (a client certificate and its key)', { exitCode: 2 });
  }
  if (a.password !== undefined && a.username === undefined) throw new KfError('--password needs --username', { exitCode: 2 });
}

const tlsCache = new Map<string, TlsOptions>();

/** The TLS options of `a` (files read once per process). */
export async function tlsFor(a: RepoAuth | undefined): Promise<TlsOptions | undefined> {
  if (!a || (!a.caFile && !a.certFile && !a.insecureSkipTlsVerify)) return undefined;
  const key = JSON.stringify([a.caFile, a.certFile, a.keyFile, a.insecureSkipTlsVerify]);
  const hit = tlsCache.get(key);
  if (hit) return hit;
  const read = async (f: string | undefined, what: string) =>
    f === undefined
      ? undefined
      : readFile(f).catch((e: unknown) => {
          throw cannotRead(f, what, e);
        });
  const out: TlsOptions = {
    ca: await read(a.caFile, 'CA file (--ca-file)'),
    cert: await read(a.certFile, 'client certificate (--cert-file)'),
    key: await read(a.keyFile, 'client key (--key-file)'),
    insecureSkipVerify: a.insecureSkipTlsVerify,
  };
  tlsCache.set(key, out);
  return out;
}

/** The Authorization header for a request to `url` of repository `repoUrl`, when credentials may go there. */
export function authHeaders(a: RepoAuth | undefined, url: string, repoUrl: string | undefined): Record<string, string> {
  if (!a?.username) return {};
  if (!a.passCredentials && repoUrl !== undefined && new URL(url).host !== new URL(repoUrl).host) return {};
  return { authorization: `Basic ${Buffer.from(`${a.username}:${a.password ?? ''}`).toString('base64')}` };
}
