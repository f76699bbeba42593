// Owns: every byte kfchart reads from a URL: only http:, https: and file: URLs, a timeout on every request
// (AbortSignal.timeout), a size cap, and one-line errors for 404s, other HTTP statuses and unreachable hosts.
// Must not: parse what it fetches, cache anything, or print.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { KfError, fileReason } from '../errors.js';

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
  opts: { what?: string; timeoutMs?: number; maxBytes?: number } = {},
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
  let res: Response;
  try {
    res = await fetch(u, { signal: AbortSignal.timeout(ms), redirect: 'follow' });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      throw new KfError(`${url}: no answer within ${ms / 1000}s while fetching ${what} (timeout)`, { where: { file: url } });
    }
    const cause = err.cause?.code ?? err.cause?.message ?? err.message;
    throw new KfError(`${url}: cannot reach host ${u.host} to fetch ${what} (${cause})`, { where: { file: url } });
  }
  if (res.status === 404) {
    await res.body?.cancel().catch(() => undefined);
    throw new KfError(`${url}: ${what} not found (HTTP 404)`, { where: { file: url } });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new KfError(`${url}: fetching ${what} failed: HTTP ${res.status} ${res.statusText}`, { where: { file: url } });
  }
  const finalUrl = res.url ? new URL(res.url) : u;
  if (finalUrl.protocol !== 'http:' && finalUrl.protocol !== 'https:') {
    throw new KfError(`${url}: redirected to an unsupported URL ${res.url}`, { where: { file: url } });
  }
  const len = Number(res.headers.get('content-length'));
  if (Number.isFinite(len) && len > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new KfError(`${url}: ${what} is larger than ${maxBytes} bytes`, { where: { file: url } });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    if (res.body) {
      for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
        total += c.length;
        if (total > maxBytes) throw new KfError(`${url}: ${what} is larger than ${maxBytes} bytes`, { where: { file: url } });
        chunks.push(Buffer.from(c));
      }
    }
  } catch (e) {
    if (e instanceof KfError) throw e;
    const err = e as Error;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      throw new KfError(`${url}: download of ${what} did not finish within ${ms / 1000}s (timeout)`, { where: { file: url } });
    }
    throw new KfError(`${url}: download of ${what} failed: ${err.message}`, { where: { file: url } });
  }
  return Buffer.concat(chunks);
}
