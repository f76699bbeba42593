// Owns: what every component of the harness shares: a two-step life (plan: choose loopback ports and register
// the release's Services that reach them; start: write configuration and run the program), and the walk
// that rewrites dialed addresses inside a parsed configuration.
// Must not: know a component's configuration keys (dex.ts, oauth2proxy.ts, slapd.ts do).
import type { AddressMap } from './addresses.js';
import { serviceSelects, targetContainerPort, type Materialised } from './pod.js';
import type { Proc } from './proc.js';
import type { LiveRelease } from './release.js';

export abstract class Component {
  proc?: Proc;
  constructor(readonly name: string, readonly rel: LiveRelease, readonly dir: string) {}
  abstract plan(addresses: AddressMap): Promise<void>;
  abstract start(addresses: AddressMap): Promise<void>;
  async stop(): Promise<void> { await this.proc?.stop(); this.proc = undefined; }
}

/** Registers every Service of the release that selects this workload: service port → the loopback port of its target. */
export function registerServices(rel: LiveRelease, m: Materialised, ports: Map<number, number>, addresses: AddressMap): void {
  for (const svc of rel.ofKind('Service', m.workload.metadata.namespace)) {
    if (!serviceSelects(svc, m.workload)) continue;
    for (const sp of (svc as any).spec?.ports ?? []) {
      const cp = targetContainerPort(sp, m.container);
      const local = cp === undefined ? undefined : ports.get(cp);
      if (local !== undefined) addresses.register(svc.metadata.name, svc.metadata.namespace!, sp.port, local);
    }
  }
}

/** A deep copy of `value` with every string's in-cluster addresses rewritten, except at paths `keep` names. */
export function rewriteStrings(value: any, addresses: AddressMap, where: string, keep: (path: string) => boolean, at = ''): any {
  if (typeof value === 'string') return keep(at) ? value : addresses.rewrite(value, `${where} ${at}`);
  if (Array.isArray(value)) return value.map((v, i) => rewriteStrings(v, addresses, where, keep, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) out[k] = rewriteStrings(v, addresses, where, keep, at ? `${at}.${k}` : k);
    return out;
  }
  return value;
}
