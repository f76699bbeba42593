// Owns: the emulated Istio ingress gateway (no Envoy binary can be had here). One plain-HTTP listener on
// 127.0.0.1 that applies, in Envoy's filter order, what the release's own objects say:
//   1. the Gateway's port-80 server (an `httpsRedirect` answers 301 to https),
//   2. CUSTOM AuthorizationPolicies → the mesh config's `envoyExtAuthzHttp` provider (check request with the
//      allowed headers; 200 allows and copies `headersToUpstreamOnAllow`; anything else is answered to the client
//      with `headersToDownstreamOnDeny` plus Location / WWW-Authenticate, as Envoy's ext_authz does),
//   3. RequestAuthentication (jwt_authn: token locations, issuer, JWKS, `outputClaimToHeaders`,
//      `forwardOriginalToken`; a bad token is 401),
//   4. DENY, then ALLOW AuthorizationPolicies (403 `RBAC: access denied`),
//   5. the VirtualServices bound to the Gateway (prefix/exact/regex URI, rewrite, redirect), to the Services the
//      harness runs; a destination it does not run, or no route, goes to the echo app (it stands for the apps).
// Must not: hold any constant of a component (paths, header names, service names): all of it comes from objects.
import http from 'node:http';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import type { KObject } from '../../../engine/manifest/index.js';
import type { AddressMap } from './addresses.js';
import { applicable, policyMatches, route, tokenOf, type JwtRule, type Req } from './istio.js';
import { labelsMatch } from './pod.js';

export interface GatewayInput {
  items: KObject[];
  mesh: any;
  /** Pod labels and namespace of the ingress gateway workload (what policy selectors match). */
  labels: Record<string, string>;
  namespace: string;
  addresses: AddressMap;
  /** The echo app, standing for every application behind the gateway. */
  fallbackPort: number;
  /** Fetches a JSON document (JWKS, OIDC discovery) at an in-cluster URL, as istiod would. */
  fetchJson(url: string): Promise<any>;
  log?: (s: string) => void;
}

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function lowerHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(k === 'cookie' ? '; ' : ', ') : v;
  return out;
}

function send(hop: { port: number; method: string; path: string; headers: Record<string, string>; body?: Buffer; timeoutMs?: number }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    // a new connection per hop: pooled sockets to programs that reload() restarted would be reset
    const r = http.request({ host: '127.0.0.1', port: hop.port, method: hop.method, path: hop.path, headers: hop.headers, timeout: hop.timeoutMs ?? 30_000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', reject);
    r.end(hop.body);
  });
}

const seconds = (s: string | undefined, dflt: number) => { const m = /^(\d+(?:\.\d+)?)s$/.exec(s ?? ''); return m ? Number(m[1]) * 1000 : dflt; };

export class EmulatedGateway {
  private server?: http.Server;
  private readonly gateways: KObject[];
  private readonly boundNames: Set<string>;
  private readonly jwks = new Map<string, { at: number; set: ReturnType<typeof createLocalJWKSet> }>();

  constructor(private readonly input: GatewayInput) {
    this.gateways = input.items.filter((o) => o.kind === 'Gateway' && labelsMatch((o as any).spec?.selector, input.labels));
    if (!this.gateways.length) throw new Error(`no Gateway of the release selects the ingress gateway pods (${JSON.stringify(input.labels)})`);
    this.boundNames = new Set(this.gateways.map((g) => `${g.metadata.namespace}/${g.metadata.name}`));
  }

  async listen(port: number): Promise<void> {
    this.server = http.createServer((req, res) => { this.handle(req, res).catch((err) => this.fail(res, 500, `gateway emulation error: ${err.message}`)); });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => { if (!this.server) return resolve(); this.server.closeAllConnections(); this.server.close(() => resolve()); });
  }

  private fail(res: http.ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(status, { 'content-type': 'text/plain', ...extra });
    res.end(text);
  }

  private policies(kind: string): KObject[] {
    const root = this.input.mesh?.rootNamespace ?? 'istio-system';
    return applicable(this.input.items, kind, this.input.labels, this.input.namespace, root);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://gateway');
    const headers = lowerHeaders(req.headers);
    const host = headers.host ?? '';
    const r: Req = { method: req.method ?? 'GET', path: url.pathname, host: host.replace(/:\d+$/, ''), headers };

    // 1. the Gateway's plain-HTTP server
    const servers = this.gateways.flatMap((g) => ((g as any).spec?.servers ?? []) as any[]);
    const plain = servers.find((s) => s.port?.number === 80 || /^HTTP2?$/i.test(s.port?.protocol ?? ''));
    if (!plain) return this.fail(res, 404, 'the release\'s Gateway has no plain-HTTP server (the HTTPS listener is not emulated)');
    if (plain.tls?.httpsRedirect) { res.writeHead(301, { location: `https://${host.replace(/:\d+$/, '')}${req.url}` }); res.end(); return; }

    const downstreamExtra: [string, string | string[]][] = [];
    // 2. CUSTOM → ext_authz
    const custom = this.policies('AuthorizationPolicy').filter((p) => (p as any).spec?.action === 'CUSTOM' && policyMatches(p, r));
    if (custom.length) {
      const name = (custom[0] as any).spec?.provider?.name;
      const denied = await this.extAuthz(name, req.method ?? 'GET', req.url ?? '/', headers, body, res, downstreamExtra);
      if (denied) return;
    }

    // 3. jwt_authn
    const jwtFail = await this.authenticate(r, headers, url);
    if (jwtFail) return this.fail(res, 401, jwtFail);

    // 4. DENY, then ALLOW
    if (this.policies('AuthorizationPolicy').some((p) => (p as any).spec?.action === 'DENY' && policyMatches(p, r))) return this.fail(res, 403, 'RBAC: access denied');
    const allows = this.policies('AuthorizationPolicy').filter((p) => ((p as any).spec?.action ?? 'ALLOW') === 'ALLOW');
    if (allows.length && !allows.some((p) => policyMatches(p, r))) return this.fail(res, 403, 'RBAC: access denied');

    // 5. routing
    const vs = this.input.items.filter((o) => o.kind === 'VirtualService');
    let rt: ReturnType<typeof route>;
    for (const g of this.boundNames) { rt = route(vs, g, r); if (rt) break; }
    if (rt?.redirect) {
      res.writeHead(rt.redirect.redirectCode ?? 301, { location: `${rt.redirect.scheme ? `${rt.redirect.scheme}://` : ''}${rt.redirect.authority ?? ''}${rt.redirect.uri ?? req.url}` });
      res.end();
      return;
    }
    let target = this.input.fallbackPort;
    let pathOut = req.url ?? '/';
    if (rt?.destination) {
      const local = this.input.addresses.lookup(rt.destination.host, rt.destination.port ?? 80);
      if (local !== undefined) target = local;
      if (rt.rewriteUri !== undefined && rt.matchedPrefix !== undefined) pathOut = rt.rewriteUri + pathOut.slice(rt.matchedPrefix.length);
    }
    const up: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (!HOP.has(k)) up[k] = v;
    up['x-forwarded-proto'] ??= 'http';
    up['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, 127.0.0.1` : '127.0.0.1';
    for (const [k, v] of Object.entries(rt?.headers?.request?.set ?? {})) up[k.toLowerCase()] = String(v);
    for (const k of rt?.headers?.request?.remove ?? []) delete up[String(k).toLowerCase()];
    if (body.length) up['content-length'] = String(body.length);
    const answer = await send({ port: target, method: req.method ?? 'GET', path: pathOut, headers: up, body });
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
    for (const [k, v] of downstreamExtra) out[k] = k === 'set-cookie' ? [...([] as string[]).concat(out[k] ?? []), ...([] as string[]).concat(v)] : v;
    out['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, out);
    res.end(answer.body);
  }

  /** Envoy's HTTP ext_authz. Returns true when the request was denied (the answer is already written). */
  private async extAuthz(name: string, method: string, pathAndQuery: string, headers: Record<string, string>, body: Buffer,
    res: http.ServerResponse, downstreamExtra: [string, string | string[]][]): Promise<boolean> {
    const p = (this.input.mesh?.extensionProviders ?? []).find((x: any) => x.name === name);
    const cfg = p?.envoyExtAuthzHttp;
    if (!cfg) { this.fail(res, 403, `ext_authz provider ${name} is not an envoyExtAuthzHttp provider of the mesh config`); return true; }
    const statusOnError = Number(cfg.statusOnError ?? 403);
    const local = this.input.addresses.lookup(String(cfg.service).replace(/^[^/]+\//, ''), Number(cfg.port));
    const check: Record<string, string> = {};
    // Envoy always adds Host, Method, Path, Content-Length and Authorization to the allowed headers.
    const allowed = new Set(['host', 'authorization', ...((cfg.includeRequestHeadersInCheck ?? []) as string[]).map((h) => h.toLowerCase())]);
    for (const [k, v] of Object.entries(headers)) if (allowed.has(k)) check[k] = v;
    for (const [k, v] of Object.entries(cfg.includeAdditionalHeadersInCheck ?? {})) check[k.toLowerCase()] = String(v);
    let checkBody: Buffer | undefined;
    if (cfg.includeRequestBodyInCheck) checkBody = body.subarray(0, Number(cfg.includeRequestBodyInCheck.maxRequestBytes ?? body.length));
    check['content-length'] = String(checkBody?.length ?? 0);
    let answer;
    try {
      if (local === undefined) throw new Error(`the harness runs no service ${cfg.service}:${cfg.port}`);
      answer = await send({ port: local, method, path: `${cfg.pathPrefix ?? ''}${pathAndQuery}`, headers: check, body: checkBody, timeoutMs: seconds(cfg.timeout, 600_000) });
    } catch (err) {
      this.input.log?.(`ext_authz ${name}: ${(err as Error).message}`);
      if (cfg.failOpen) return false;
      this.fail(res, statusOnError, '');
      return true;
    }
    if (answer.status === 200) {
      for (const h of (cfg.headersToUpstreamOnAllow ?? []) as string[]) {
        const v = answer.headers[h.toLowerCase()];
        if (v !== undefined) headers[h.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      }
      for (const h of (cfg.headersToDownstreamOnAllow ?? []) as string[]) {
        const v = answer.headers[h.toLowerCase()];
        if (v !== undefined) downstreamExtra.push([h.toLowerCase(), v]);
      }
      return false;
    }
    const out: Record<string, string | string[]> = {};
    for (const h of ['location', 'www-authenticate', ...((cfg.headersToDownstreamOnDeny ?? []) as string[]).map((x) => x.toLowerCase())]) {
      const v = answer.headers[h];
      if (v !== undefined) out[h] = v;
    }
    out['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, out);
    res.end(answer.body);
    return true;
  }

  /** jwt_authn: sets r.principal / r.claims and the claim headers; returns a 401 text when a token is bad. */
  private async authenticate(r: Req, headers: Record<string, string>, url: URL): Promise<string | undefined> {
    const rules: JwtRule[] = this.policies('RequestAuthentication').flatMap((ra) => ((ra as any).spec?.jwtRules ?? []) as JwtRule[]);
    const found = rules.map((rule) => ({ rule, tok: tokenOf(rule, headers, url.searchParams) })).filter((x) => x.tok);
    if (!found.length) return undefined;
    let iss: string | undefined;
    try { iss = decodeJwt(found[0].tok!.token).iss; } catch { return 'Jwt is not in the form of Header.Payload.Signature'; }
    const hit = found.find((x) => x.rule.issuer === iss);
    if (!hit) return 'Jwt issuer is not configured';
    const { rule, tok } = hit as { rule: JwtRule; tok: NonNullable<(typeof found)[0]['tok']> };
    try {
      const { payload } = await jwtVerify(tok.token, await this.keys(rule), { issuer: rule.issuer, audience: rule.audiences?.length ? rule.audiences : undefined });
      r.principal = `${payload.iss}/${payload.sub}`;
      r.claims = payload as Record<string, unknown>;
      for (const o of rule.outputClaimToHeaders ?? []) {
        const v = (payload as any)[o.claim];
        if (v !== undefined) headers[o.header.toLowerCase()] = Array.isArray(v) ? v.join(',') : String(v);
      }
      if (!rule.forwardOriginalToken && tok.header) delete headers[tok.header];
      return undefined;
    } catch (err) {
      this.input.log?.(`jwt_authn ${rule.issuer}: ${(err as Error).message}`);
      return 'Jwt verification fails';
    }
  }

  private async keys(rule: JwtRule) {
    if (rule.jwks) return createLocalJWKSet(JSON.parse(rule.jwks) as JSONWebKeySet);
    const cached = this.jwks.get(rule.issuer);
    if (cached && Date.now() - cached.at < 5_000) return cached.set;
    const uri = rule.jwksUri ?? (await this.input.fetchJson(`${rule.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)).jwks_uri;
    const set = createLocalJWKSet((await this.input.fetchJson(uri)) as JSONWebKeySet);
    this.jwks.set(rule.issuer, { at: Date.now(), set });
    return set;
  }
}

/** The echo app: every path answers 200 application/json, a JSON object of the request headers it received. */
export function startEcho(port: number): Promise<http.Server> {
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify(lowerHeaders(req.headers));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    });
  });
  return new Promise((resolve) => srv.listen(port, '127.0.0.1', () => resolve(srv)));
}
