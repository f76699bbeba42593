// Owns: the whole local front door of one installed release: reads the release's objects from the cluster,
// runs slapd (when the release has the LDAP demo), the real Dex and oauth2-proxy from their workloads, the echo
// app, and the emulated ingress gateway in front — all on 127.0.0.1 — and restarts them from the cluster on reload().
// Every change made to configuration read from the cluster is in `substitutions` (docs/charts.md lists the kinds).
// Must not: change the cluster (it only reads, and asks for ServiceAccount tokens).
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseYaml } from '../../engine/yaml/index.js';
import { AddressMap, freePort, type Substitution } from './lib/addresses.js';
import type { Component } from './lib/component.js';
import { DexComponent, findDex } from './lib/dex.js';
import { EmulatedGateway, startEcho } from './lib/gateway.js';
import { findExtAuthz, OAuth2ProxyComponent } from './lib/oauth2proxy.js';
import { labelsMatch, podLabels } from './lib/pod.js';
import { LiveRelease, type ReleaseRef } from './lib/release.js';
import { findLdap, SlapdComponent } from './lib/slapd.js';

export interface StackOptions extends ReleaseRef {
  /** Folder for configuration, data and logs (a new temp folder when absent). */
  dir?: string;
  /** Port of the gateway (a free one when absent). */
  gatewayPort?: number;
  log?: (s: string) => void;
}

export interface AuthStack {
  gatewayUrl: string;
  dir: string;
  substitutions: Substitution[];
  components: Component[];
  /** Reads the release again and restarts every program from what the cluster holds now. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** The mesh config istiod reads: ConfigMap `istio`, key `mesh`, of the release. */
function meshOf(rel: LiveRelease): any {
  const cm = rel.ofKind('ConfigMap').find((c) => c.metadata.name === 'istio' && (c as any).data?.mesh);
  if (!cm) throw new Error('the release has no Istio mesh config (ConfigMap istio, key mesh)');
  return parseYaml((cm as any).data.mesh, `ConfigMap ${cm.metadata.namespace}/istio mesh`) ?? {};
}

/** Pod labels and namespace of the ingress gateway: the workload the release's Gateways select. */
function ingressOf(rel: LiveRelease): { labels: Record<string, string>; namespace: string } {
  for (const gw of rel.ofKind('Gateway')) {
    const sel: Record<string, string> = (gw as any).spec?.selector ?? {};
    for (const w of rel.ofKind('Deployment')) {
      if (Object.keys(sel).length && labelsMatch(sel, podLabels(w))) return { labels: podLabels(w), namespace: w.metadata.namespace! };
    }
  }
  throw new Error('no Deployment of the release is selected by its Gateways (the ingress gateway)');
}

function getJson(url: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const r = (url.startsWith('https:') ? https : http).get(url, { timeout: 10_000 }, (res) => {
      let s = '';
      res.on('data', (c) => { s += c; });
      res.on('end', () => { if ((res.statusCode ?? 500) >= 300) reject(new Error(`GET ${url}: HTTP ${res.statusCode}`)); else try { resolve(JSON.parse(s)); } catch (e) { reject(e); } });
    });
    r.on('timeout', () => r.destroy(new Error(`GET ${url}: timed out`)));
    r.on('error', reject);
  });
}

export async function startAuthStack(opts: StackOptions): Promise<AuthStack> {
  const log = opts.log ?? (() => {});
  const ownDir = !opts.dir;
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kfchart-auth-'));
  const gatewayPort = opts.gatewayPort ?? (await freePort());
  const echoPort = await freePort();
  const echo = await startEcho(echoPort);
  let components: Component[] = [];
  let gateway: EmulatedGateway | undefined;
  let addresses = new AddressMap();
  let generation = 0;

  const up = async () => {
    generation++;
    const rel = await LiveRelease.read(opts);
    const mesh = meshOf(rel);
    const ingress = ingressOf(rel);
    addresses = new AddressMap();
    const gdir = path.join(dir, `g${generation}`);
    const want: Component[] = [];
    const ldap = findLdap(rel);
    if (ldap) want.push(new SlapdComponent(rel, ldap, path.join(gdir, 'slapd')));
    const dex = findDex(rel);
    if (dex) want.push(new DexComponent(rel, dex, path.join(gdir, 'dex')));
    const providers = (mesh.extensionProviders ?? []).filter((p: any) => p.envoyExtAuthzHttp);
    for (const p of providers) want.push(new OAuth2ProxyComponent(rel, findExtAuthz(rel, p.envoyExtAuthzHttp), path.join(gdir, p.name)));
    for (const c of want) { fs.mkdirSync(c.dir, { recursive: true }); await c.plan(addresses); }
    components = want;
    for (const c of want) { log(`auth stack: starting ${c.name}`); await c.start(addresses); }
    const apiServer = rel.client;
    gateway = new EmulatedGateway({
      items: rel.items, mesh, labels: ingress.labels, namespace: ingress.namespace, addresses, fallbackPort: echoPort, log,
      fetchJson: async (url) => {
        // The Kubernetes API server's own discovery/JWKS (ServiceAccount tokens): read with the harness's credentials.
        const k = /^https:\/\/kubernetes\.default(?:\.svc(?:\.cluster\.local)?)?(?::443)?(\/.*)$/.exec(url);
        if (k) {
          addresses.log.push({ where: 'JWKS of the Kubernetes API server', from: url, to: `${apiServer.server.origin}${k[1]} (the harness's kubeconfig)` });
          return apiServer.request('GET', k[1], { accept: 'application/jwk-set+json, application/json' });
        }
        return getJson(addresses.dialable(url, 'gateway JWKS / OIDC discovery'));
      },
    });
    await gateway.listen(gatewayPort);
  };

  const down = async () => {
    await gateway?.close();
    gateway = undefined;
    for (const c of [...components].reverse()) await c.stop();
    components = [];
  };

  try {
    await up();
  } catch (err) {
    await down();
    echo.close();
    if (ownDir && !process.env.KFCHART_KEEP_AUTH_DIR) fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const stack: AuthStack = {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    dir,
    get substitutions() { return addresses.log; },
    get components() { return components; },
    async reload() { await down(); await up(); },
    async stop() {
      await down();
      await new Promise((r) => echo.close(r));
      // logs and configuration (with secrets) of a folder the stack made itself; KFCHART_KEEP_AUTH_DIR=1 keeps it
      if (ownDir && !process.env.KFCHART_KEEP_AUTH_DIR) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}
