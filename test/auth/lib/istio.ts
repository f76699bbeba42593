// Owns: the parts of Istio's data-plane semantics the emulated gateway applies, as pure functions over the
// release's own objects: workload selectors, AuthorizationPolicy rule matching (paths, hosts, methods, `when`
// conditions, request principals), RequestAuthentication token locations, and VirtualService route matching.
// Facts: Istio's authorization-policy and virtual-service reference (istio.io), Envoy's ext_authz and jwt_authn
// filter docs; the HTTP filter order at a proxy is CUSTOM (ext_authz), then authentication (jwt_authn), then
// DENY / ALLOW (istio/istio#46899, #51173).
// Must not: do I/O (lib/gateway.ts does), or know any component by name.
import type { KObject } from '../../../engine/manifest/index.js';
import { labelsMatch } from './pod.js';

export interface Req {
  method: string;
  /** Path without the query string (what Istio's `paths` compare). */
  path: string;
  host: string;
  headers: Record<string, string>;
  /** `iss/sub` of a validated JWT, set by jwt_authn. */
  principal?: string;
  claims?: Record<string, unknown>;
}

export function selects(policy: KObject, labels: Record<string, string>): boolean {
  return labelsMatch((policy as any).spec?.selector?.matchLabels, labels);
}

/** Policies of `kind` that apply to the gateway workload: in its namespace or the mesh root namespace. */
export function applicable(items: KObject[], kind: string, labels: Record<string, string>, namespace: string, rootNamespace: string): KObject[] {
  return items.filter((o) => o.kind === kind && (o.metadata.namespace === namespace ||
    (o.metadata.namespace === rootNamespace && !(o as any).spec?.selector)) && selects(o, labels));
}

/** Istio's string match: exact, `*` (presence), `prefix*`, `*suffix`. */
export function strMatch(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

const anyOf = (ps: string[] | undefined, v: string | undefined) => ps === undefined || ps.some((p) => strMatch(p, v));
const noneOf = (ps: string[] | undefined, v: string | undefined) => ps === undefined || !ps.some((p) => strMatch(p, v));
/** both a list and its not-list: the value must be in the first and outside the second. */
const field = (yes: string[] | undefined, no: string[] | undefined, v: string | undefined) => anyOf(yes, v) && noneOf(no, v);

function conditionValue(key: string, req: Req): string | undefined {
  let m = /^request\.headers\[(.+)\]$/.exec(key);
  if (m) return req.headers[m[1].toLowerCase()];
  if (key === 'request.auth.principal') return req.principal;
  m = /^request\.auth\.claims\[(.+)\]$/.exec(key);
  if (m) { const v = req.claims?.[m[1]]; return v === undefined ? undefined : Array.isArray(v) ? v.join(',') : String(v); }
  throw new Error(`the emulated gateway cannot evaluate the AuthorizationPolicy condition key ${key}`);
}

/** One AuthorizationPolicy rule: every present part (from, to, when) must match; items inside a part are OR'd. */
export function ruleMatches(rule: any, req: Req): boolean {
  if (!rule) return true;
  const from = rule.from as any[] | undefined;
  if (from && !from.some((f) => {
    const s = f.source ?? {};
    for (const k of ['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks']) {
      if (s[k]) throw new Error(`the emulated gateway cannot evaluate source.${k} (no mTLS peer or client address here)`);
    }
    return field(s.requestPrincipals, s.notRequestPrincipals, req.principal);
  })) return false;
  const to = rule.to as any[] | undefined;
  if (to && !to.some((t) => {
    const o = t.operation ?? {};
    if (o.ports || o.notPorts) throw new Error('the emulated gateway cannot evaluate operation.ports');
    return field(o.paths, o.notPaths, req.path) && field(o.methods, o.notMethods, req.method) && field(o.hosts, o.notHosts, req.host);
  })) return false;
  const when = rule.when as any[] | undefined;
  if (when && !when.every((w) => field(w.values, w.notValues, conditionValue(w.key, req)))) return false;
  return true;
}

/** A policy matches a request when any of its rules does; a policy with no rules matches nothing (ALLOW/DENY) — as Istio. */
export function policyMatches(policy: KObject, req: Req): boolean {
  const rules = (policy as any).spec?.rules as any[] | undefined;
  if (!rules) return false;
  return rules.some((r) => ruleMatches(r, req));
}

export interface JwtRule {
  issuer: string;
  audiences?: string[];
  jwksUri?: string;
  jwks?: string;
  fromHeaders?: { name: string; prefix?: string }[];
  fromParams?: string[];
  outputClaimToHeaders?: { header: string; claim: string }[];
  forwardOriginalToken?: boolean;
}

/** Where a rule looks for its token: the given headers/params, else `Authorization: Bearer` and `?access_token=`. */
export function tokenOf(rule: JwtRule, headers: Record<string, string>, query: URLSearchParams): { token: string; header?: string; param?: string } | undefined {
  const hs = rule.fromHeaders ?? (rule.fromParams ? [] : [{ name: 'Authorization', prefix: 'Bearer ' }]);
  for (const h of hs) {
    const v = headers[h.name.toLowerCase()];
    if (v === undefined) continue;
    const prefix = h.prefix ?? '';
    if (v.startsWith(prefix)) return { token: v.slice(prefix.length).trim(), header: h.name.toLowerCase() };
  }
  const ps = rule.fromParams ?? (rule.fromHeaders ? [] : ['access_token']);
  for (const p of ps) { const v = query.get(p); if (v) return { token: v, param: p }; }
  return undefined;
}

export interface Route { destination?: { host: string; port?: number }; rewriteUri?: string; matchedPrefix?: string; redirect?: any; headers?: any; vs: string }

/** First matching HTTP route of the VirtualServices bound to `gateway` (`ns/name`), in object order as Istio merges them. */
export function route(virtualServices: KObject[], gateway: string, req: Req): Route | undefined {
  for (const vs of virtualServices) {
    const ns = vs.metadata.namespace!;
    const gws: string[] = (vs as any).spec?.gateways ?? [];
    if (!gws.some((g) => (g.includes('/') ? g : `${ns}/${g}`) === gateway)) continue;
    const hosts: string[] = (vs as any).spec?.hosts ?? [];
    if (!hosts.some((h) => strMatch(h, req.host.replace(/:\d+$/, '')))) continue;
    for (const r of (vs as any).spec?.http ?? []) {
      const matches: any[] = r.match ?? [{}];
      for (const m of matches) {
        const u = m.uri;
        const p = m.ignoreUriCase ? req.path.toLowerCase() : req.path;
        const ok = (!u || (u.exact !== undefined && p === u.exact) || (u.prefix !== undefined && p.startsWith(u.prefix)) ||
          (u.regex !== undefined && new RegExp(`^(?:${u.regex})$`).test(p))) &&
          (!m.method || (m.method.exact ?? m.method.prefix) === undefined || strMatch(m.method.exact ?? `${m.method.prefix}*`, req.method)) &&
          Object.entries(m.headers ?? {}).every(([k, hm]: [string, any]) => {
            const v = req.headers[k.toLowerCase()];
            return v !== undefined && (hm.exact !== undefined ? v === hm.exact : hm.prefix !== undefined ? v.startsWith(hm.prefix) : hm.regex !== undefined ? new RegExp(`^(?:${hm.regex})$`).test(v) : true);
          });
        if (!ok) continue;
        const d = r.route?.[0]?.destination;
        return {
          vs: `${ns}/${vs.metadata.name}`,
          destination: d ? { host: d.host.includes('.') ? d.host : `${d.host}.${ns}.svc.cluster.local`, port: d.port?.number } : undefined,
          rewriteUri: r.rewrite?.uri, matchedPrefix: u?.prefix, redirect: r.redirect, headers: r.headers,
        };
      }
    }
  }
  return undefined;
}
