// Owns: every byte kfchart reads from a repository URL: only http:, https: and file: URLs (no credentials inside
// them), a timeout on every request, a size cap, credentials and TLS settings per repository (auth.ts, sent through
// transport.ts, which also honours the proxy variables), and one-line errors for 404s, 401s, other HTTP statuses and
// unreachable hosts.
// Must not: parse what it fetches, cache anything, or print.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { KfError, fileReason } from '../errors.js';
import { request, redact, type Response } from './transport.js';
import { authHeaders, tlsFor, type RepoAuth } from './auth.js';

export const FETCH_DEFAULTS = {
  /** Per-request timeout in ms; override with KFCHART_HTTP_TIMEOUT_MS. */
  timeoutMs: 30_000,
  /** Largest response accepted. */
  maxBytes: 64 * 1024 * 1024,
};

function timeoutMs(): number {
  const env = Number(process.env.KFCHART_HTTP_TIMEOUT_MS);
  return Number.isFinite(env) && env > 0 ? env : FETCH_DEFAULTS.timeoutMs;
}

/** Parse and check a URL: only http, https and file. */
export function checkUrl(url: string, what = 'URL'): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new KfError(`${url}: not a valid ${what} (expected http://, https:// or file://)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'file:') {
    throw new KfError(`${url}: ${u.protocol.replace(/:$/, '')} URLs are not supported (only http, https and file)`);
  }
  if (u.username || u.password) {
    throw new KfError(
      `${redact(u)}: credentials in the URL are not accepted (they would be stored and shown in plain text); ` +
        'give them with --username and --password-stdin (or --password)',
      { exitCode: 2 },
    );
  }
  return u;
}

/** Resolve a (possibly relative) chart URL from an index against the repository URL. */
export function resolveUrl(repoUrl: string, ref: string): string {
  const base = repoUrl.endsWith('/') ? repoUrl : `${repoUrl}/`;
  return new URL(ref, base).toString();
}

/** Fetch a URL into memory. `what` names the thing in messages ("index", "chart archive"). */
export async function fetchBytes(
  url: string,
  opts: {
    what?: string;
    timeoutMs?: number;
    maxBytes?: number;
    /** Credentials and TLS settings (engine/repo/auth.ts). */
    auth?: RepoAuth;
    /** The repository URL: credentials go only to its host unless auth.passCredentials. */
    authUrl?: string;
  } = {},
): Promise<Buffer> {
  const what = opts.what ?? 'resource';
  const maxBytes = opts.maxBytes ?? FETCH_DEFAULTS.maxBytes;
  const u = checkUrl(url);
  if (u.protocol === 'file:') {
    const p = fileURLToPath(u);
    const buf = await readFile(p).catch((e: NodeJS.ErrnoException) => {
      throw new KfError(`${url}: cannot read ${what}: ${fileReason(e, 'no such file (404)')}`, {
        where: { file: url },
      });
    });
    if (buf.length > maxBytes) throw new KfError(`${url}: ${what} is larger than ${maxBytes} bytes`, { where: { file: url } });
    return buf;
  }
  const ms = opts.timeoutMs ?? timeoutMs();
  const res: Response = await request(u, {
    what,
    timeoutMs: ms,
    maxBytes,
    tls: await tlsFor(opts.auth),
    headers: authHeaders(opts.auth, url, opts.authUrl ?? url),
    passCredentials: opts.auth?.passCredentials,
  });
  if (res.status === 404) throw new KfError(`${url}: ${what} not found (HTTP 404)`, { where: { file: url } });
  if (res.status === 401 || res.status === 403) {
    throw new KfError(
      `${url}: fetching ${what} failed: HTTP ${res.status} ${res.statusText} (${opts.auth?.username ? 'the credentials were refused' : 'the repository needs credentials: repo add --username … --password-stdin'})`,
      { where: { file: url } },
    );
  }
  if (res.status < 200 || res.status > 299) {
    throw new KfError(`${url}: fetching ${what} failed: HTTP ${res.status} ${res.statusText}`, { where: { file: url } });
  }
  return res.body;
}
