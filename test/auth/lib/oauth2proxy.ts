// Owns: running the real oauth2-proxy that the mesh config's ext_authz provider points at (provider service →
// the release's Service → the workload it selects), from that Deployment's args, env and mounted config, with the
// harness's changes: listen addresses (`--http-address`, `--metrics-address`, the cfg's *_address keys) →
// 127.0.0.1, mounted file paths → a temp folder, dialed in-cluster URLs (redeem_url, oidc_jwks_url, ...) →
// loopback. `oidc_issuer_url` is kept: it is compared with the tokens' `iss`, never dialed (skip_oidc_discovery).
// Must not: add or drop any setting.
import fs from 'node:fs';
import path from 'node:path';
import type { KObject } from '../../../engine/manifest/index.js';
import { freePort, listenPort, note, type AddressMap } from './addresses.js';
import { ensureBuilt } from './bins.js';
import { Component, registerServices } from './component.js';
import { httpReadiness, localPath, materialise, podSpecOf, targetContainerPort, workloadsOf, type Materialised } from './pod.js';
import { httpOk, Proc } from './proc.js';
import type { LiveRelease } from './release.js';

const KEEP = new Set(['oidc_issuer_url', 'OAUTH2_PROXY_OIDC_ISSUER_URL']);
const LISTEN_FLAG = /^--(http-address|https-address|metrics-address|metrics-secure-address)$/;
const LISTEN_KEY = /^(http_address|https_address|metrics_address|metrics_secure_address)$/;

/** The workload and container behind an envoyExtAuthzHttp provider's `service` and `port`. */
export function findExtAuthz(rel: LiveRelease, provider: any): { workload: KObject; container: string } {
  const host = String(provider.service).replace(/^[^/]+\//, '');
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?$/.exec(host);
  if (!m) throw new Error(`ext_authz provider service ${provider.service} is not a Service DNS name`);
  const svc = rel.find('Service', m[2], m[1]);
  if (!svc) throw new Error(`ext_authz provider service ${host} is not a Service of the release`);
  const sp = ((svc as any).spec?.ports ?? []).find((p: any) => p.port === Number(provider.port));
  if (!sp) throw new Error(`Service ${m[2]}/${m[1]} has no port ${provider.port} (the ext_authz provider's)`);
  for (const w of workloadsOf(rel, svc)) {
    for (const c of podSpecOf(w).containers ?? []) if (targetContainerPort(sp, c) !== undefined && (c.ports ?? []).some((p: any) => p.containerPort === targetContainerPort(sp, c))) return { workload: w, container: c.name };
  }
  throw new Error(`no workload of the release serves Service ${m[2]}/${m[1]} port ${provider.port}`);
}

export class OAuth2ProxyComponent extends Component {
  private m!: Materialised;
  private args: string[] = [];
  private cfgFile?: { container: string; local: string };
  private ports = new Map<number, number>();
  private readyPath = '/ready';
  private readyPort?: number;

  constructor(rel: LiveRelease, private readonly found: { workload: KObject; container: string }, dir: string) { super('oauth2-proxy', rel, dir); }

  private async listen(addresses: AddressMap, where: string, v: string): Promise<string> {
    const p = listenPort(v);
    if (p === undefined) return v;
    const local = await freePort();
    this.ports.set(p, local);
    return note(addresses.log, where, v, `127.0.0.1:${local}`);
  }

  async plan(addresses: AddressMap): Promise<void> {
    this.m = await materialise(this.rel, this.found.workload, this.found.container, path.join(this.dir, 'root'));
    const argv = [...this.m.command.slice(1), ...this.m.args]; // argv[0] of a command is the program itself
    for (let i = 0; i < argv.length; i++) {
      let [flag, value] = argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined as string | undefined];
      const joined = value !== undefined;
      if (!joined && flag.startsWith('--') && i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
      if (value !== undefined && LISTEN_FLAG.test(flag)) value = await this.listen(addresses, `oauth2-proxy ${flag}`, value);
      else if (value !== undefined && flag === '--config') { this.cfgFile = { container: value, local: localPath(this.m, value) }; value = path.join(this.dir, 'oauth2_proxy.cfg'); }
      else if (value !== undefined && value.startsWith('/')) value = localPath(this.m, value);
      this.args.push(value === undefined ? flag : `${flag}=${value}`);
    }
    if (!this.args.some((a) => a.startsWith('--http-address')) && !this.m.env.OAUTH2_PROXY_HTTP_ADDRESS) {
      // oauth2-proxy's default listen address is 127.0.0.1:4180
      this.args.push(`--http-address=${await this.listen(addresses, 'oauth2-proxy default http address', '127.0.0.1:4180')}`);
    }
    for (const k of Object.keys(this.m.env)) if (/^OAUTH2_PROXY_(HTTP|METRICS)_ADDRESS$/.test(k)) this.m.env[k] = await this.listen(addresses, `oauth2-proxy env ${k}`, this.m.env[k]);
    this.cfgText = this.cfgFile ? fs.readFileSync(this.cfgFile.local, 'utf8') : undefined;
    if (this.cfgText) {
      const lines = this.cfgText.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const kv = /^\s*([a-z_]+)\s*=\s*"([^"]*)"\s*$/.exec(lines[i]);
        if (kv && LISTEN_KEY.test(kv[1])) lines[i] = `${kv[1]} = "${await this.listen(addresses, `oauth2-proxy cfg ${kv[1]}`, kv[2])}"`;
      }
      this.cfgText = lines.join('\n');
    }
    const probe = httpReadiness(this.m.container);
    if (probe) {
      this.readyPath = probe.path;
      this.readyPort = probe.port === undefined ? undefined : this.ports.get(probe.port);
    }
    registerServices(this.rel, this.m, this.ports, addresses);
  }

  private cfgText?: string;

  async start(addresses: AddressMap): Promise<void> {
    if (this.cfgText !== undefined) {
      const out = this.cfgText.split('\n').map((line) => {
        const kv = /^\s*([a-z_]+)\s*=/.exec(line);
        return kv && KEEP.has(kv[1]) ? line : addresses.rewrite(line, `oauth2-proxy cfg ${kv?.[1] ?? 'line'}`);
      }).join('\n');
      fs.writeFileSync(path.join(this.dir, 'oauth2_proxy.cfg'), out, { mode: 0o600 });
      if (this.cfgFile) note(addresses.log, 'oauth2-proxy --config', this.cfgFile.container, path.join(this.dir, 'oauth2_proxy.cfg'));
    }
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.dir };
    for (const [k, v] of Object.entries(this.m.env)) env[k] = KEEP.has(k) ? v : addresses.rewrite(v, `oauth2-proxy env ${k}`);
    this.proc = new Proc('oauth2-proxy', ensureBuilt('oauth2-proxy'), this.args, { env, logFile: path.join(this.dir, 'oauth2-proxy.log') });
    const port = this.readyPort ?? [...this.ports.values()][0];
    await this.proc.ready(httpOk(port, this.readyPath), 30_000);
  }
}
