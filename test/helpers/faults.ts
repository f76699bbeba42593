// Helpers for the race and fault suites (test/cluster/races.test.ts, faults.test.ts): a TCP proxy in front of the
// API server that resets connections, closes them after N bytes and adds latency; an HTTPS proxy with its own
// certificate that answers 5xx or 429 to a fraction of requests and forwards the rest with the admin credentials;
// a kubeconfig pointing at either; and the release invariants the suites assert (at most one deployed revision,
// no pending one, no object of the release that no record names).
// Must not: start clusters.
import net from 'node:net';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { coreApi, kubeconfigPath, loadKubeConfig } from './cluster.js';

export interface TcpFaults { resetRate: number; cutRate: number; cutAfter: [number, number]; latencyMs: number }
export interface Proxy { port: number; stats: Record<string, number>; close(): Promise<void> }

const rnd = (a: number, b: number) => a + Math.floor(Math.random() * (b - a + 1));

/** TCP proxy to `upstream`: per connection, a reset (after a few bytes) or a close after N bytes; latency on every chunk. */
export async function tcpProxy(upstream: URL, f: TcpFaults): Promise<Proxy> {
  const stats: Record<string, number> = { connections: 0, resets: 0, cuts: 0 };
  const socks = new Set<net.Socket>();
  const srv = net.createServer((down) => {
    stats.connections!++;
    const up = net.connect(Number(upstream.port), upstream.hostname);
    socks.add(down); socks.add(up);
    const roll = Math.random();
    const fault = roll < f.resetRate ? 'reset' : roll < f.resetRate + f.cutRate ? 'cut' : 'none';
    const limit = fault === 'reset' ? rnd(0, 3000) : fault === 'cut' ? rnd(f.cutAfter[0], f.cutAfter[1]) : Infinity;
    let sent = 0;
    const kill = () => { if (fault === 'reset') { stats.resets!++; down.resetAndDestroy(); } else { stats.cuts!++; down.destroy(); } up.destroy(); };
    // Latency without reordering: one queue per direction, drained in order, each chunk held ≤ latencyMs.
    const delayed = () => {
      const q: { at: number; fn: () => void }[] = [];
      let busy = false;
      const pump = () => {
        const next = q[0];
        if (!next) { busy = false; return; }
        const wait = next.at - Date.now();
        if (wait > 0) { setTimeout(pump, wait); return; }
        q.shift()!.fn();
        pump();
      };
      return (fn: () => void) => {
        if (!f.latencyMs) return fn();
        q.push({ at: Date.now() + rnd(0, f.latencyMs), fn });
        if (!busy) { busy = true; pump(); }
      };
    };
    const toDown = delayed(), toUp = delayed();
    up.on('data', (c: Buffer) => toDown(() => {
      if (down.destroyed) return;
      if (sent + c.length > limit) { down.write(c.subarray(0, Math.max(0, limit - sent))); return kill(); }
      sent += c.length;
      down.write(c);
    }));
    down.on('data', (c: Buffer) => toUp(() => { if (!up.destroyed) up.write(c); }));
    const end = () => { down.destroy(); up.destroy(); socks.delete(down); socks.delete(up); };
    up.on('error', end); down.on('error', end); up.on('close', end); down.on('close', end);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, stats, close: async () => { for (const s of socks) s.destroy(); await new Promise((r) => srv.close(r)); } };
}

/** HTTPS proxy with its own self-signed certificate: 5xx to `errorRate` of requests, 429 to `tooManyRate`, the rest forwarded. */
/** `fail`: requests that always get a 503 (deterministic faults), besides the random ones. */
export async function httpProxy(upstream: URL, f: { errorRate: number; tooManyRate: number; fail?: (method: string, url: string) => boolean }): Promise<Proxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kfchart-proxy-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=fault-proxy', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  const kc = await loadKubeConfig();
  const o: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(o);
  const agent = new https.Agent({ keepAlive: true, ca: o.ca, cert: o.cert, key: o.key });
  const stats: Record<string, number> = { requests: 0, errors: 0, tooMany: 0 };
  const srv = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
    stats.requests!++;
    const roll = f.fail?.(req.method ?? '', req.url ?? '') ? -1 : Math.random();
    if (roll < f.errorRate || roll < 0) {
      stats.errors!++;
      res.writeHead(roll < 0 ? 503 : [500, 502, 503, 504][rnd(0, 3)]!, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'injected by the fault proxy', code: 500 }));
    }
    if (roll < f.errorRate + f.tooManyRate) {
      stats.tooMany!++;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      return res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too many requests (fault proxy)', code: 429 }));
    }
    const up = https.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port, stats,
    close: async () => { srv.closeAllConnections(); agent.destroy(); await new Promise((r) => srv.close(r)); },
  };
}

/** The test kubeconfig with its server replaced (and TLS verification off, for the proxy's own certificate). */
export function kubeconfigVia(port: number, insecure: boolean): string {
  let text = readFileSync(kubeconfigPath(), 'utf8');
  text = text.replace(/server: https:\/\/[^\s]+/, `server: https://127.0.0.1:${port}`);
  if (insecure) text = text.replace(/certificate-authority(-data)?: [^\n]+/, 'insecure-skip-tls-verify: true');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kfchart-kc-')), 'kubeconfig');
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

export function apiServer(): URL {
  const m = /server: (https:\/\/[^\s]+)/.exec(readFileSync(kubeconfigPath(), 'utf8'));
  return new URL(m![1]!);
}

export interface Invariants { statuses: Record<number, string>; deployed: number; pending: number; orphans: string[]; objects: string[] }

/** What the cluster holds for release `name` in `ns`: statuses, and ConfigMaps annotated for it that no record names. */
export async function invariants(ns: string, name: string): Promise<Invariants> {
  const core = await coreApi();
  const secs = await core.listNamespacedSecret({ namespace: ns, labelSelector: `owner=kfchart,name=${name}` });
  const statuses: Record<number, string> = {};
  const named = new Set<string>();
  for (const s of secs.items) {
    const rec = JSON.parse(gunzipSync(Buffer.from(s.data!.release!, 'base64')).toString('utf8')) as { revision: number; status: string; inventory: { kind: string; name: string }[] };
    if (statuses[rec.revision]) throw new Error(`duplicate revision ${rec.revision}`);
    statuses[rec.revision] = rec.status;
    for (const i of rec.inventory) named.add(`${i.kind}/${i.name}`);
  }
  const cms = await core.listNamespacedConfigMap({ namespace: ns });
  const objects = cms.items.filter((c) => c.metadata?.annotations?.['kfchart.io/release-name'] === name).map((c) => `ConfigMap/${c.metadata!.name}`);
  const v = Object.values(statuses);
  return {
    statuses, objects, orphans: objects.filter((o) => !named.has(o)),
    deployed: v.filter((x) => x === 'deployed').length, pending: v.filter((x) => x.startsWith('pending-') || x === 'uninstalling').length,
  };
}
