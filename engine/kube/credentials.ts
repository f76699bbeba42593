// Owns: turning the merged kubeconfig (kubeconfig.ts) into what one connection needs — the chosen context, its
// cluster and user, the TLS material (CA, client certificate and key, from data or files), insecure-skip-tls-verify,
// tls-server-name, and the static credentials (bearer token, token-file / tokenFile, basic auth, impersonation) —
// without @kubernetes/client-node, whose import, load and applyToHTTPSOptions cost ~0.1–0.2 s of every cluster
// command's start-up. It checks the config as client-node's loader does (same messages) and gives the same options
// as client-node's applyToHTTPSOptions for the same kubeconfig (test/unit/kube/credentials.test.ts compares them).
// Users with an exec plugin or an auth-provider are reported as `plugin`: client.ts hands those to client-node.
// Must not: talk to the API server.

import { readFileSync } from 'node:fs';
import { KfError } from '../errors.js';
import type { MergedKubeconfig, NamedEntry } from './kubeconfig.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What client.ts builds its agent and headers from (the fields of https.RequestOptions that it uses). */
export interface HttpsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  pfx?: Buffer;
  passphrase?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
  /** `user:password` for basic auth. */
  auth?: string;
  headers: Record<string, string>;
}

export interface ResolvedContext {
  contextName: string;
  namespace: string;
  /** The cluster's server URL, without a trailing slash (as client-node gives it). */
  server: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  /** The user's entry needs client-node (exec plugin or auth-provider). */
  plugin: boolean;
  /** TLS material and static credentials, read now (and again for `refresh`, so a rotated token file is seen). */
  options(): HttpsOptions;
}

/** The same structural checks client-node's loader makes, with its messages (the caller names the file). */
export function checkKubeconfig(cfg: MergedKubeconfig): void {
  cfg.clusters.forEach((c, i) => {
    if (!isObj(c.cluster)) throw new Error(`clusters[${i}].cluster is missing`);
    if (!str(c.cluster.server)) throw new Error(`clusters[${i}].cluster.server is missing`);
  });
  cfg.contexts.forEach((c, i) => {
    if (!isObj(c.context)) throw new Error(`contexts[${i}].context is missing`);
    if (!str(c.context.cluster)) throw new Error(`contexts[${i}].context.cluster is missing`);
  });
}

const byName = (list: NamedEntry[], name: string | undefined) => (name === undefined ? undefined : list.find((e) => e.name === name));

/**
 * The context `--kube-context` names (it must exist: a usage error, exit 2) or the current-context, with its cluster
 * and user. Throws the messages connect() gave before (no context / no cluster for it).
 */
export function resolveContext(cfg: MergedKubeconfig, context?: string): ResolvedContext {
  if (context !== undefined && !byName(cfg.contexts, context)) throw new KfError(`kubeconfig has no context "${context}"`, { exitCode: 2 });
  const contextName = context ?? cfg['current-context'] ?? '';
  const ctx = byName(cfg.contexts, contextName)?.context as Obj | undefined;
  const clusterEntry = ctx ? byName(cfg.clusters, str(ctx.cluster)) : undefined;
  if (!ctx || !clusterEntry) throw new KfError('kubeconfig names no cluster for the current context (set --kubeconfig or --kube-context)');
  const cluster = clusterEntry.cluster as Obj;
  const userEntry = byName(cfg.users, str(ctx.user));
  const user = userEntry && isObj(userEntry.user) ? userEntry.user : userEntry ? {} : undefined;
  const server = String(cluster.server).replace(/\/$/, '');
  const skipTLSVerify = cluster['insecure-skip-tls-verify'] === true;
  const tlsServerName = str(cluster['tls-server-name']);
  return {
    contextName,
    namespace: str(ctx.namespace) ?? 'default',
    server,
    skipTLSVerify,
    tlsServerName,
    plugin: !!user && (isObj(user.exec) || isObj(user['auth-provider'])),
    options: () => {
      if (server.startsWith('http:') && !skipTLSVerify) throw new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false');
      const o: HttpsOptions = { headers: {} };
      if (skipTLSVerify) o.rejectUnauthorized = false;
      if (tlsServerName) o.servername = tlsServerName;
      const ca = fileOrData(cluster['certificate-authority'], cluster['certificate-authority-data']);
      if (ca) o.ca = ca;
      if (!user) return o;
      const cert = fileOrData(user['client-certificate'], user['client-certificate-data']);
      if (cert) o.cert = cert;
      const key = fileOrData(user['client-key'], user['client-key-data']);
      if (key) o.key = key;
      if (str(user.as)) o.headers['Impersonate-User'] = String(user.as);
      const token = bearerToken(user);
      if (token) o.headers.Authorization = `Bearer ${token}`;
      if (str(user.username)) o.auth = `${user.username}:${user.password}`;
      return o;
    },
  };
}

/** A file wins over inline base64 data, as in client-node and client-go. */
function fileOrData(file: unknown, data: unknown): Buffer | undefined {
  if (str(file)) return readFileSync(String(file));
  if (str(data)) return Buffer.from(String(data), 'base64');
  return undefined;
}

/**
 * `token`, else the file kubectl's `tokenFile` (or client-node's `token-file`) names, trimmed as client-go trims it
 * (a trailing newline would make the header invalid). With both, kubectl reads the file and keeps `token` only when
 * the file cannot be read.
 */
function bearerToken(user: Obj): string | undefined {
  const file = str(user.tokenFile) ?? str(user['token-file']);
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim() || str(user.token);
    } catch (e) {
      if (str(user.token)) return String(user.token);
      throw e;
    }
  }
  return str(user.token);
}
