// Owns: the one HTTP connection to the Kubernetes API server. The kubeconfig is read and merged by kubeconfig.ts
// and turned into TLS options and static credentials by credentials.ts; @kubernetes/client-node's KubeConfig is
// imported lazily, from its own module (dist/config.js, a chunk of its own in the CLI bundle), only for exec plugins,
// auth-providers and the in-cluster service account — its import, load and applyToHTTPSOptions cost ~0.1–0.2 s of
// every cluster command's start-up (bench/lifecycle-floor.mjs); the
// requests themselves go through one keep-alive HTTPS agent so that 1,000 objects do not mean 1,000 TLS
// handshakes, every request is counted (bench/lifecycle prints the count), and bodies stay plain JSON (client-node's
// typed deserialisation would drop unknown fields and turn timestamps into Dates, which breaks diffs).
// Every request has timeouts (connect, TLS handshake, first byte, idle between chunks) and is bounded by the
// command's deadline (setDeadline); idempotent requests are retried with jittered exponential back-off on 5xx,
// connection resets, cut-off answers and first-byte/idle timeouts (429 as the server's Retry-After says), as
// client-go does; a network failure is a KfError in plain words naming the request (netErrors.ts).
// Must not: know about releases, charts or ordering; everything above builds on request()/ApiError.

import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import tls from 'node:tls';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KfError } from '../errors.js';
import { loadKubeconfig } from './kubeconfig.js';
import { checkKubeconfig, resolveContext, type HttpsOptions } from './credentials.js';
import { backoffMs, NetError, netMessage, retryableStatus, type Timeouts, DEFAULT_TIMEOUTS } from './net.js';

// node:http and node:https through require, not `import`: an ES import of node:http makes Node 22+ build the
// module's ESM facade, which reads every export, and node:http's lazy WebSocket/EventSource getters then load
// undici (all of fetch and HTTP/2): ~30–60 ms of every cluster command's start-up on Node 24 and 26 (none on 20).
const nodeRequire = createRequire(import.meta.url);
const http = nodeRequire('node:http') as typeof Http;
const https = nodeRequire('node:https') as typeof Https;

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  /** Requests running at once (default 16). */
  concurrency?: number;
  timeouts?: Partial<Timeouts>;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /**
   * Whether the request may be sent again after a 5xx, a reset or a timeout. Default: GET, HEAD, DELETE and
   * server-side apply (the same content again); other writes only when the caller reconciles a 409 after a retry.
   */
  retry?: boolean;
}

/** A non-2xx answer of the API server, with its Status object when there is one (a KfError: the CLI prints it). */
export class ApiError extends KfError {
  readonly status: number;
  readonly reason: string;
  readonly causes: { reason?: string; type?: string; message?: string; field?: string }[];
  readonly body: unknown;
  /** The API server's own message (without method and path). */
  readonly serverMessage: string;
  constructor(status: number, body: unknown, method: string, path: string) {
    const st = (body && typeof body === 'object' ? body : {}) as {
      message?: string;
      reason?: string;
      details?: { causes?: { reason?: string; type?: string; message?: string; field?: string }[] };
    };
    super(st.message ? `${st.message} (${method} ${path}: HTTP ${status})` : `${method} ${path}: HTTP ${status}`);
    this.serverMessage = st.message || `HTTP ${status}`;
    this.status = status;
    this.reason = st.reason ?? '';
    this.causes = st.details?.causes ?? [];
    this.body = body;
  }
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}

/** Counts of API requests by method, for benchmarks and --debug. */
export interface RequestStats {
  total: number;
  byMethod: Record<string, number>;
}

export class KubeClient {
  readonly server: URL;
  /** Namespace of the kubeconfig context (or 'default'). */
  readonly contextNamespace: string;
  readonly contextName: string;
  readonly stats: RequestStats = { total: 0, byMethod: {} };
  private readonly agent: Http.Agent;
  private headers: Record<string, string>;
  private readonly refresh: () => Promise<Record<string, string>>;
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly limit: number;
  readonly timeouts: Timeouts;
  private deadline: number | undefined;
  private deadlineLabel = '';
  /** Retries after failures (not counting 429 waits), for the fault suites' figures. */
  retries = 0;

  constructor(init: {
    server: URL;
    agent: Http.Agent;
    headers: Record<string, string>;
    refresh: () => Promise<Record<string, string>>;
    contextNamespace: string;
    contextName: string;
    concurrency?: number;
    timeouts?: Partial<Timeouts>;
  }) {
    this.server = init.server;
    this.agent = init.agent;
    this.headers = init.headers;
    this.refresh = init.refresh;
    this.contextNamespace = init.contextNamespace;
    this.contextName = init.contextName;
    this.limit = init.concurrency ?? 16;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...init.timeouts };
  }

  /**
   * Bound every request from now on by `seconds` (undefined: no bound); `label` names it in messages
   * (`--timeout 5m0s`). Requests past it fail at once; one in flight when it runs out is aborted.
   */
  setDeadline(seconds: number | undefined, label: string): void {
    this.deadline = seconds === undefined ? undefined : Date.now() + seconds * 1000;
    this.deadlineLabel = label;
  }

  /** Time left before the deadline (undefined: none). */
  remainingMs(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - Date.now();
  }

  /** One API request; JSON in and out. Throws ApiError for non-2xx answers, KfError when the server is unreachable. */
  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    await this.slot();
    try {
      const retry = opts.retry ?? (method === 'GET' || method === 'HEAD' || method === 'DELETE' || (method === 'PATCH' && opts.contentType === 'application/apply-patch+yaml'));
      const what = `${method} ${path.split('?')[0]}`;
      let res: { status: number; text: string; retryAfter?: string; json: boolean } | undefined;
      let refreshed = false;
      for (let attempt = 1; ; attempt++) {
        let failure: NetError | undefined;
        try {
          res = await this.send(method, path, opts);
        } catch (e) {
          if (!(e instanceof NetError)) throw e;
          failure = e;
        }
        if (res && res.status === 401 && !refreshed) {
          // Expired token from an exec/OIDC plugin: ask the kubeconfig again, once.
          refreshed = true;
          this.headers = await this.refresh();
          attempt--;
          continue;
        }
        if (res && res.status === 429 && attempt <= 10) {
          // Priority and fairness, or storage re-initialising after a CRD change: wait as told and retry.
          await this.pause(Math.min(5, Number(res.retryAfter) || 1) * 1000, opts.signal);
          continue;
        }
        // A 2xx answer that is not the JSON it says it is was cut off on the way: like a reset.
        if (res && res.status >= 200 && res.status < 300 && res.json && res.text) {
          try {
            JSON.parse(res.text);
          } catch {
            failure = new NetError('cutoff', `the answer (HTTP ${res.status}) was cut off after ${Buffer.byteLength(res.text)} bytes`);
            res = undefined;
          }
        }
        const again = failure ? failure.retryable : retryableStatus(res!.status);
        if (again && retry && attempt < this.timeouts.attempts && !opts.signal?.aborted) {
          const wait = backoffMs(attempt, this.timeouts.backoffMs, res?.retryAfter);
          if (this.deadline === undefined || Date.now() + wait < this.deadline) {
            this.retries++;
            res = undefined;
            await this.pause(wait, opts.signal);
            continue;
          }
        }
        if (failure) {
          throw new KfError(netMessage(failure, this.server.origin, what, attempt, this.deadlineLabel), { cause: failure });
        }
        break;
      }
      let parsed: unknown = undefined;
      if (res!.text) {
        try {
          parsed = JSON.parse(res!.text);
        } catch {
          parsed = res!.text;
        }
      }
      if (res!.status < 200 || res!.status > 299) throw new ApiError(res!.status, parsed, method, path);
      return parsed as T;
    } finally {
      this.release();
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private pause(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() { clearTimeout(t); signal?.removeEventListener('abort', done); resolve(); }
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private send(method: string, path: string, opts: RequestOptions): Promise<{ status: number; text: string; retryAfter?: string; json: boolean }> {
    if (opts.signal?.aborted) return Promise.reject(abortError(opts.signal));
    const left = this.deadline === undefined ? Infinity : this.deadline - Date.now();
    if (left <= 0) return Promise.reject(new NetError('deadline', `the overall ${this.deadlineLabel} had run out`));
    this.stats.total++;
    this.stats.byMethod[method] = (this.stats.byMethod[method] ?? 0) + 1;
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string> = { ...this.headers, Accept: opts.accept ?? 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const mod = url.protocol === 'http:' ? http : https;
    const t = this.timeouts;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const fail = (e: NetError | KfError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        req.destroy();
        reject(e);
      };
      // One timer at a time: connect → TLS → first byte → idle; the deadline caps each.
      const arm = (kind: 'connect' | 'tls' | 'firstByte' | 'idle', ms: number) => {
        clearTimeout(timer);
        const rest = this.deadline === undefined ? Infinity : this.deadline - Date.now();
        const deadline = rest < ms;
        timer = setTimeout(() => fail(deadline
          ? new NetError('deadline', `the overall ${this.deadlineLabel} ran out while waiting for it`)
          : new NetError(kind, timeoutText(kind, ms))), Math.max(1, Math.min(ms, rest)));
      };
      const onAbort = () => fail(abortError(opts.signal!));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const req = mod.request(url, { method, headers, agent: this.agent }, (res) => {
        arm('idle', t.idleMs);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => { chunks.push(c); arm('idle', t.idleMs); });
        res.on('end', () => {
          if (settled) return;
          if (!res.complete) return fail(new NetError('cutoff', `the connection closed in the middle of the answer (HTTP ${res.statusCode})`));
          settled = true;
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          resolve({
            status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter: res.headers['retry-after'] as string | undefined,
            json: /json/.test(String(res.headers['content-type'] ?? '')),
          });
        });
        res.on('aborted', () => fail(new NetError('cutoff', `the connection closed in the middle of the answer (HTTP ${res.statusCode})`)));
        res.on('error', (e: NodeJS.ErrnoException) => fail(NetError.from(e, true)));
      });
      req.on('socket', (sock) => {
        const tls = url.protocol === 'https:';
        if (sock.connecting) {
          arm('connect', t.connectMs);
          sock.once('connect', () => { if (!settled) arm(tls ? 'tls' : 'firstByte', tls ? t.tlsMs : t.firstByteMs); });
          if (tls) sock.once('secureConnect', () => { if (!settled) arm('firstByte', t.firstByteMs); });
        } else arm('firstByte', t.firstByteMs);
      });
      req.on('error', (e: NodeJS.ErrnoException) => fail(NetError.from(e, false)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  private slot(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((r) => this.queue.push(() => { this.active++; r(); }));
  }

  private release(): void {
    this.active--;
    const next = this.queue.shift();
    if (next) next();
  }
}

/** Read the kubeconfig (--kubeconfig, else $KUBECONFIG, else ~/.kube/config; --kube-context) and open a client. */
export async function connect(opts: ConnectOptions = {}): Promise<KubeClient> {
  // With no kubeconfig anywhere, client-node falls back to http://localhost:8080 and then fails on its own rule
  // against plain HTTP; say what is missing instead (in a pod, client-node uses the service account).
  if (!opts.kubeconfig && !process.env.KUBERNETES_SERVICE_HOST) {
    const candidates = process.env.KUBECONFIG
      ? process.env.KUBECONFIG.split(path.delimiter).filter(Boolean)
      : [path.join(os.homedir(), '.kube', 'config')];
    if (!candidates.some((f) => existsSync(f))) {
      throw new KfError(
        `no kubeconfig found (${process.env.KUBECONFIG ? `$KUBECONFIG=${process.env.KUBECONFIG}` : candidates[0]} does not exist): ` +
          'this command needs a cluster; pass --kubeconfig FILE or set KUBECONFIG',
      );
    }
  }
  let merged: ReturnType<typeof loadKubeconfig>;
  const unreadable = (e: unknown) => {
    if (e instanceof KfError) return e;
    return new KfError(`cannot read kubeconfig ${opts.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config'}: ${(e as Error).message}`);
  };
  try {
    // KUBECONFIG lists merged as kubectl does (engine/kube/kubeconfig.ts); none at all: the in-cluster account
    merged = loadKubeconfig(opts.kubeconfig);
    if (merged) checkKubeconfig(merged.config);
  } catch (e) {
    throw unreadable(e);
  }
  // The context, cluster, TLS material and static credentials come straight from the merged config
  // (credentials.ts); client-node is imported only for exec plugins, auth-providers and the in-cluster account.
  const resolved = merged ? resolveContext(merged.config, opts.context) : undefined;
  let kcLoad: (() => Promise<HttpsOptions>) | undefined;
  let kcInfo: { contextName: string; namespace: string; server: string; skipTLSVerify: boolean; tlsServerName?: string } | undefined;
  if (!resolved || resolved.plugin) {
    const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
    const kc = new KubeConfig();
    try {
      if (merged) kc.loadFromString(JSON.stringify(merged.config));
      else kc.loadFromDefault();
    } catch (e) {
      throw unreadable(e);
    }
    if (opts.context) {
      if (!kc.getContextObject(opts.context)) throw new KfError(`kubeconfig has no context "${opts.context}"`, { exitCode: 2 });
      kc.setCurrentContext(opts.context);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KfError('kubeconfig names no cluster for the current context (set --kubeconfig or --kube-context)');
    kcInfo = {
      contextName: kc.getCurrentContext(), namespace: kc.getContextObject(kc.getCurrentContext())?.namespace || 'default',
      server: cluster.server, skipTLSVerify: cluster.skipTLSVerify, tlsServerName: cluster.tlsServerName,
    };
    kcLoad = async () => {
      const o: Https.RequestOptions & { headers?: Record<string, string> } = { headers: {} };
      await kc.applyToHTTPSOptions(o);
      return o as HttpsOptions;
    };
  }
  const info = kcInfo ?? resolved!;
  const load = kcLoad ?? (async () => resolved!.options());
  const cluster = { server: info.server, skipTLSVerify: info.skipTLSVerify, tlsServerName: info.tlsServerName };
  const first = await load().catch((e: unknown) => {
    throw new KfError(`kubeconfig context "${info.contextName}" (server ${cluster.server}): ${(e as Error).message}`);
  });
  const headersOf = (o: typeof first) => {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) h[k] = String(v);
    if (o.auth) h.Authorization = `Basic ${Buffer.from(String(o.auth)).toString('base64')}`;
    return h;
  };
  const server = new URL(cluster.server);
  const agentOpts = {
    keepAlive: true,
    maxSockets: (opts.concurrency ?? 16) + 2,
    rejectUnauthorized: cluster.skipTLSVerify ? false : first.rejectUnauthorized,
    servername: cluster.tlsServerName,
  };
  // One TLS context for every connection: given ca/cert/key, Node builds a new one (parsing them again) for each
  // socket it opens, ~5 ms of CPU each, and a burst of parallel requests opens up to maxSockets of them.
  const secureContext = () => tls.createSecureContext({ ca: first.ca, cert: first.cert, key: first.key, pfx: first.pfx, passphrase: first.passphrase });
  const agent = server.protocol === 'http:' ? new http.Agent({ keepAlive: true }) : new https.Agent({ ...agentOpts, secureContext: secureContext() });
  return new KubeClient({
    server,
    agent,
    headers: headersOf(first),
    refresh: async () => headersOf(await load()),
    contextNamespace: info.namespace,
    contextName: info.contextName,
    concurrency: opts.concurrency,
    timeouts: opts.timeouts,
  });
}

function timeoutText(kind: 'connect' | 'tls' | 'firstByte' | 'idle', ms: number): string {
  const sec = `${Math.round(ms / 100) / 10} s`;
  switch (kind) {
    case 'connect': return `no TCP connection within ${sec}`;
    case 'tls': return `the server accepted the connection but did not complete the TLS handshake within ${sec}`;
    case 'firstByte': return `the server did not start answering within ${sec}`;
    default: return `the answer stalled for ${sec}`;
  }
}

function abortError(signal: AbortSignal): KfError {
  return signal.reason instanceof KfError ? signal.reason : new KfError('interrupted');
}
