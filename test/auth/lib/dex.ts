// Owns: running the real Dex from the release's Dex Deployment and config Secret, with the harness's changes:
// listen addresses → 127.0.0.1 (web.http, telemetry.http, grpc.addr), `storage.config.inCluster` → a
// kubeconfig holding a token of the Deployment's own ServiceAccount (so the chart's RBAC is what Dex gets),
// mounted files → a temp folder, dialed in-cluster addresses (the LDAP host) → loopback. `issuer` is kept.
// Must not: add users, clients or connectors: Dex serves exactly the release's configuration.
import fs from 'node:fs';
import path from 'node:path';
import { dumpYaml, parseYaml } from '../../../engine/yaml/index.js';
import type { KObject } from '../../../engine/manifest/index.js';
import { freePort, listenPort, note, type AddressMap } from './addresses.js';
import { ensureBuilt } from './bins.js';
import { httpReadiness, localPath, materialise, podSpecOf, type Materialised } from './pod.js';
import { httpOk, Proc } from './proc.js';
import type { LiveRelease } from './release.js';
import { Component, registerServices, rewriteStrings } from './component.js';

export function findDex(rel: LiveRelease): { workload: KObject; container: string } | undefined {
  for (const w of [...rel.ofKind('Deployment'), ...rel.ofKind('StatefulSet')]) {
    for (const c of podSpecOf(w).containers ?? []) {
      const argv = [...(c.command ?? []), ...(c.args ?? [])];
      if (/(^|\/)dex$/.test(argv[0] ?? '') && argv[1] === 'serve') return { workload: w, container: c.name };
    }
  }
  return undefined;
}

export class DexComponent extends Component {
  private m!: Materialised;
  private config: any;
  private ports = new Map<number, number>();

  constructor(rel: LiveRelease, private readonly found: { workload: KObject; container: string }, dir: string) { super('dex', rel, dir); }

  async plan(addresses: AddressMap): Promise<void> {
    this.m = await materialise(this.rel, this.found.workload, this.found.container, path.join(this.dir, 'root'));
    const argv = [...this.m.command, ...this.m.args];
    const cfgPath = argv[2];
    if (!cfgPath) throw new Error('Dex is run as `dex serve` without a config file');
    this.config = parseYaml(fs.readFileSync(localPath(this.m, cfgPath), 'utf8'), cfgPath);
    for (const key of ['web.http', 'telemetry.http', 'grpc.addr'] as const) {
      const [a, b] = key.split('.');
      const v = this.config[a]?.[b];
      if (typeof v !== 'string') continue;
      const p = listenPort(v);
      if (p === undefined) continue;
      const local = await freePort();
      this.ports.set(p, local);
      this.config[a][b] = note(addresses.log, `dex ${key}`, v, `127.0.0.1:${local}`);
    }
    if (this.config.web?.https) throw new Error('Dex serves HTTPS (web.https): the harness runs plain HTTP only');
    registerServices(this.rel, this.m, this.ports, addresses);
  }

  async start(addresses: AddressMap): Promise<void> {
    const cfg = rewriteStrings(this.config, addresses, 'dex config', (p) => p === 'issuer');
    if (cfg.storage?.type === 'kubernetes' && cfg.storage.config?.inCluster) {
      const ns = this.found.workload.metadata.namespace!;
      const sa = podSpecOf(this.found.workload).serviceAccountName ?? 'default';
      const kc = path.join(this.dir, 'serviceaccount.kubeconfig');
      fs.writeFileSync(kc, await this.saKubeconfig(ns, sa), { mode: 0o600 });
      delete cfg.storage.config.inCluster;
      cfg.storage.config.kubeConfigFile = note(addresses.log, 'dex storage.config', 'inCluster: true', `kubeConfigFile (a token of ServiceAccount ${ns}/${sa})`) && kc;
    }
    const file = path.join(this.dir, 'config.yaml');
    fs.writeFileSync(file, dumpYaml(cfg), { mode: 0o600 });
    const env: Record<string, string> = { ...this.m.env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.dir };
    for (const [k, v] of Object.entries(env)) env[k] = addresses.rewrite(v, `dex env ${k}`);
    this.proc = new Proc('dex', ensureBuilt('dex'), ['serve', file], { env, logFile: path.join(this.dir, 'dex.log') });
    const probe = httpReadiness(this.m.container);
    const port = (probe?.port === undefined ? undefined : this.ports.get(probe.port)) ?? [...this.ports.values()][0];
    await this.proc.ready(httpOk(port, probe?.path ?? '/'), 60_000);
  }

  private async saKubeconfig(ns: string, sa: string): Promise<string> {
    const token = await this.rel.serviceAccountToken(ns, sa);
    const server = this.rel.client.server.toString().replace(/\/$/, '');
    const ca = this.rel.caData();
    return dumpYaml({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'dex',
      clusters: [{ name: 'c', cluster: { server, ...(ca ? { 'certificate-authority-data': ca } : { 'insecure-skip-tls-verify': true }) } }],
      users: [{ name: sa, user: { token } }],
      contexts: [{ name: 'dex', context: { cluster: 'c', user: sa, namespace: ns } }],
    });
  }
}
