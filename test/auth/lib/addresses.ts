// Owns: the one kind of change the harness makes to configuration read from the cluster besides credentials:
// in-cluster addresses become loopback ones. A Service the harness runs (Dex, oauth2-proxy, slapd, ...) is
// registered with its cluster DNS name and port; every dialed address naming it (`svc.ns.svc.cluster.local:port`,
// `svc.ns.svc:port`, `svc.ns:port`, with or without a URL scheme) is rewritten to `127.0.0.1:<local port>`.
// Every rewrite is recorded, so `auth:up` can print exactly what it changed.
// Must not: rewrite identifiers that are not dialed (an OIDC issuer is compared, not dialed: callers skip it).
import net from 'node:net';

export interface Substitution { where: string; from: string; to: string }

const HOST = /\b(?:(https?|ldaps?):\/\/)?([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)(?:\.svc(?:\.cluster\.local)?)?(?::(\d+))?(?![-a-z0-9.])/g;
const DEFAULT_PORT: Record<string, number> = { http: 80, https: 443, ldap: 389, ldaps: 636 };

export class AddressMap {
  private readonly ports = new Map<string, number>();
  readonly log: Substitution[] = [];

  /** The Service `name` in `namespace`, port `port`, is served on 127.0.0.1:`local`. */
  register(name: string, namespace: string, port: number, local: number): void {
    this.ports.set(`${name}.${namespace}:${port}`, local);
  }

  /** Local port for an in-cluster host name and port, or undefined when the harness runs no such Service. */
  lookup(host: string, port: number): number | undefined {
    const m = /^([a-z0-9-]+)\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?$/.exec(host);
    return m ? this.ports.get(`${m[1]}.${m[2]}:${port}`) : undefined;
  }

  /** Rewrites every registered in-cluster address inside `text`; `where` names the setting, for the log. */
  rewrite(text: string, where: string): string {
    const out = text.replace(HOST, (all, scheme: string | undefined, svc: string, ns: string, port: string | undefined) => {
      const p = port ? Number(port) : scheme ? DEFAULT_PORT[scheme] : undefined;
      if (p === undefined) return all;
      const local = this.ports.get(`${svc}.${ns}:${p}`);
      if (local === undefined) return all;
      // The harness serves plain TCP / HTTP on loopback.
      const s = scheme === 'https' ? 'http' : scheme === 'ldaps' ? 'ldap' : scheme;
      const to = `${s ? `${s}://` : ''}127.0.0.1:${local}`;
      this.log.push({ where, from: all, to });
      return to;
    });
    return out;
  }

  /** A URL as the harness must dial it (unchanged when it names no registered Service). */
  dialable(url: string, where: string): string {
    return this.rewrite(url, where);
  }
}

/** Records a change that is not an address (a listen address, a file path, credentials), for the same log. */
export function note(log: Substitution[], where: string, from: string, to: string): string {
  log.push({ where, from, to });
  return to;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** host:port of a listen address such as `0.0.0.0:5556`, `:4180` or `[::]:80`. */
export function listenPort(addr: string): number | undefined {
  const m = /:(\d+)$/.exec(addr.trim());
  return m ? Number(m[1]) : undefined;
}
