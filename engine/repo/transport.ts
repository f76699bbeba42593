// Owns: every HTTP(S) request kfchart makes to repositories and registries, on node:http/node:https: TLS options
// (--ca-file, --cert-file/--key-file client certificates, --insecure-skip-tls-verify), HTTP_PROXY / HTTPS_PROXY /
// NO_PROXY (lower-case too; https through a CONNECT tunnel), a timeout on every request, a size cap on every
// response, redirects (only to http/https; credentials are dropped when a redirect leaves the host unless the caller
// passes them on, as Helm's --pass-credentials), and one-line errors naming the URL.
// Must not: parse what it fetches, cache anything, or print; put credentials into any message.

import type Http from 'node:http';
import type Https from 'node:https';
import { createRequire } from 'node:module';
import tls from 'node:tls';
import { KfError } from '../errors.js';

// node:http/https through require, not `import` (as engine/kube/client.ts does, which says why): an ES import makes
// Node 22+ load undici, ~30–60 ms of every repository command's start-up on Node 24 and 26.
const nodeRequire = createRequire(import.meta.url);
const http = nodeRequire('node:http') as typeof Http;
const https = nodeRequire('node:https') as typeof Https;

export interface TlsOptions {
  /** PEM CA bundle trusted in addition to... no: INSTEAD of the system roots when given (as Helm's --ca-file). */
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  insecureSkipVerify?: boolean;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  tls?: TlsOptions;
  timeoutMs: number;
  maxBytes: number;
  /** Names the thing in messages ("repository index", "chart archive"). */
  what: string;
  /** Keep the Authorization header on a redirect to another host (Helm's --pass-credentials). */
  passCredentials?: boolean;
  /** Follow redirects (GET/HEAD only). Default true. */
  followRedirects?: boolean;
}

export interface Response {
  status: number;
  statusText: string;
  headers: Http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
}

/** The proxy URL for `target` from HTTP_PROXY/HTTPS_PROXY/NO_PROXY (as Go's net/http reads them), or undefined. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const get = (n: string) => env[n] ?? env[n.toLowerCase()];
  const raw = target.protocol === 'https:' ? get('HTTPS_PROXY') : get('HTTP_PROXY');
  if (!raw) return undefined;
  const noProxy = (get('NO_PROXY') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const np of noProxy) {
    if (np === '*') return undefined;
    let [h, p] = np.startsWith('[') ? [np.slice(1, np.indexOf(']')), np.slice(np.indexOf(']') + 2)] : np.split(':');
    h = (h ?? '').replace(/^\*?\./, '.');
    if (p && p !== port) continue;
    if (h.includes('/')) {
      if (inCidr(host, h)) return undefined;
      continue;
    }
    if (host === h.replace(/^\./, '') || (h.startsWith('.') && host.endsWith(h)) || (!h.startsWith('.') && host.endsWith(`.${h}`))) return undefined;
  }
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new KfError(`${target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'} is not a valid URL`);
  }
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsS] = cidr.split('/');
  const toN = (s: string) => {
    const p = s.split('.').map(Number);
    return p.length === 4 && p.every((x) => x >= 0 && x <= 255) ? ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0 : undefined;
  };
  const a = toN(ip);
  const b = toN(net ?? '');
  const bits = Number(bitsS);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}

/** A URL for messages: no user info, ever. */
export function redact(u: URL | string): string {
  const x = new URL(String(u));
  x.username = '';
  x.password = '';
  return x.toString();
}

function basicProxyAuth(p: URL): Record<string, string> {
  if (!p.username) return {};
  return { 'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`).toString('base64')}` };
}

function tlsOpts(o: TlsOptions | undefined, servername: string): tls.ConnectionOptions {
  const out: tls.ConnectionOptions = { servername: /^[\d.]+$|:/.test(servername) ? undefined : servername };
  if (o?.ca) out.ca = o.ca;
  if (o?.cert) out.cert = o.cert;
  if (o?.key) out.key = o.key;
  if (o?.insecureSkipVerify) out.rejectUnauthorized = false;
  return out;
}

/** Open a tunnel through an HTTP proxy with CONNECT, then TLS over it. */
function tunnel(proxy: URL, target: URL, o: TlsOptions | undefined, signal: AbortSignal): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const port = target.port || '443';
    const req = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: `${target.hostname}:${port}`,
      agent: false,
      headers: { host: `${target.hostname}:${port}`, ...basicProxyAuth(proxy) },
      signal,
    });
    req.on('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(Object.assign(new Error(`proxy ${proxy.host} refused the tunnel: HTTP ${res.statusCode}`), { proxyStatus: res.statusCode }));
        return;
      }
      const s = tls.connect({ socket, host: target.hostname.replace(/^\[|\]$/g, ""), ...tlsOpts(o, target.hostname) });
      s.once('secureConnect', () => resolve(s));
      s.once('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function once(url: URL, opts: RequestOptions, signal: AbortSignal): Promise<Omit<Response, 'url'>> {
  let tunnelled: tls.TLSSocket | undefined;
  // A tunnel through a proxy is ours alone: close it once the exchange is over (else it keeps the process alive).
  const done = () => tunnelled?.destroy();
  return new Promise<Omit<Response, 'url'>>((resolve, reject) => {
    const proxy = proxyFor(url);
    const isHttps = url.protocol === 'https:';
    const headers: Record<string, string> = { 'user-agent': 'kfchart', ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const start = (createConnection?: () => tls.TLSSocket) => {
      const common = { method: opts.method ?? 'GET', headers, signal };
      let req: Http.ClientRequest;
      if (proxy && !isHttps) {
        req = http.request({ host: proxy.hostname, port: proxy.port || 80, path: url.toString(), ...common, headers: { ...headers, host: url.host, ...basicProxyAuth(proxy) } });
      } else if (isHttps) {
        req = https.request({
          host: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || 443,
          path: `${url.pathname}${url.search}`,
          ...common,
          ...tlsOpts(opts.tls, url.hostname),
          agent: false,
          ...(createConnection ? { createConnection } : {}),
        });
      } else {
        req = http.request({ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || 80, path: `${url.pathname}${url.search}`, ...common, agent: false });
      }
      req.on('response', (res) => {
        const len = Number(res.headers['content-length']);
        if (Number.isFinite(len) && len > opts.maxBytes && (opts.method ?? 'GET').toUpperCase() !== 'HEAD') {
          res.destroy();
          reject(new KfError(`${redact(url)}: ${opts.what} is larger than ${opts.maxBytes} bytes`, { where: { file: redact(url) } }));
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (c: Buffer) => {
          total += c.length;
          if (total > opts.maxBytes) {
            res.destroy();
            reject(new KfError(`${redact(url)}: ${opts.what} is larger than ${opts.maxBytes} bytes`, { where: { file: redact(url) } }));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (e) => reject(Object.assign(e, { during: 'body' })));
        res.on('aborted', () => reject(Object.assign(new Error('connection closed'), { during: 'body' })));
      });
      req.on('error', reject);
      req.end(opts.body);
    };
    if (proxy && isHttps) {
      tunnel(proxy, url, opts.tls, signal).then((s) => {
        tunnelled = s;
        start(() => s);
      }, reject);
    } else start();
  }).finally(done);
}

/** One HTTP(S) exchange with the rules in the header. Non-2xx statuses are returned, not thrown. */
export async function request(urlIn: string | URL, opts: RequestOptions): Promise<Response> {
  let url = new URL(String(urlIn));
  const firstHost = url.host;
  let headers = { ...opts.headers };
  const shown = redact(url);
  for (let hop = 0; hop <= 10; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new KfError(`${shown}: redirected to an unsupported URL ${redact(url)}`, { where: { file: shown } });
    }
    const signal = AbortSignal.timeout(opts.timeoutMs);
    let res: Omit<Response, 'url'>;
    try {
      res = await once(url, { ...opts, headers }, signal);
    } catch (e) {
      throw netError(e, url, opts);
    }
    const loc = res.headers.location;
    const method = (opts.method ?? 'GET').toUpperCase();
    if (opts.followRedirects !== false && [301, 302, 303, 307, 308].includes(res.status) && loc && (method === 'GET' || method === 'HEAD')) {
      const next = new URL(loc, url);
      if (next.host !== firstHost && !opts.passCredentials) {
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
      }
      url = next;
      continue;
    }
    return { ...res, url: url.toString() };
  }
  throw new KfError(`${shown}: too many redirects while fetching ${opts.what}`, { where: { file: shown } });
}

function netError(e: unknown, url: URL, opts: RequestOptions): KfError {
  if (e instanceof KfError) return e;
  const u = redact(url);
  const err = e as Error & { code?: string; during?: string; proxyStatus?: number };
  const secs = opts.timeoutMs / 1000;
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || err.code === 'ABORT_ERR') {
    return new KfError(
      err.during === 'body'
        ? `${u}: download of ${opts.what} did not finish within ${secs}s (timeout)`
        : `${u}: no answer within ${secs}s while fetching ${opts.what} (timeout)`,
      { where: { file: u } },
    );
  }
  const code = err.code ?? '';
  if (/ALERT/.test(code) || (/alert|handshake/i.test(err.message) && url.protocol === 'https:')) {
    return new KfError(`${u}: TLS handshake with ${url.host} failed (${code || err.message.trim()}); does it need a client certificate (--cert-file/--key-file)?`, {
      where: { file: u },
    });
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|DEPTH_ZERO|HOSTNAME/.test(code) || /certificate/i.test(err.message)) {
    return new KfError(
      `${u}: TLS certificate of ${url.host} not trusted (${code || err.message}); pass --ca-file with its CA, or --insecure-skip-tls-verify`,
      { where: { file: u } },
    );
  }
  if (/alert|handshake/i.test(err.message) && url.protocol === 'https:') {
    return new KfError(`${u}: TLS handshake with ${url.host} failed (${err.message.trim()}); does it need a client certificate (--cert-file/--key-file)?`, {
      where: { file: u },
    });
  }
  if (err.proxyStatus) return new KfError(`${u}: ${err.message} while fetching ${opts.what}`, { where: { file: u } });
  if (err.during === 'body') return new KfError(`${u}: download of ${opts.what} failed: ${err.message}`, { where: { file: u } });
  const proxy = proxyFor(url);
  const host = proxy ? `${proxy.host} (proxy for ${url.host})` : url.host;
  return new KfError(`${u}: cannot reach host ${host} to fetch ${opts.what} (${code || err.message})`, { where: { file: u } });
}
