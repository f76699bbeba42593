// engine/kube/client.ts against misbehaving servers on 127.0.0.1: timeouts (TLS handshake, first byte, the
// command's deadline), retries with back-off for idempotent requests (5xx, resets, answers cut off) and none for
// other writes, and network failures in plain words naming the request (F7, F8, F9 of issue 12).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { KubeClient } from '../../../engine/kube/client.js';
import type { Timeouts } from '../../../engine/kube/net.js';

const fast: Partial<Timeouts> = { connectMs: 500, tlsMs: 500, firstByteMs: 400, idleMs: 400, attempts: 3, backoffMs: 20 };

function client(url: string, t: Partial<Timeouts> = fast): KubeClient {
  const agent = url.startsWith('https') ? new https.Agent({ keepAlive: true, rejectUnauthorized: false }) : new http.Agent({ keepAlive: true });
  return new KubeClient({ server: new URL(url), agent, headers: {}, refresh: async () => ({}), contextNamespace: 'default', contextName: 't', timeouts: t });
}
async function listen(srv: net.Server): Promise<number> {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as net.AddressInfo).port;
}
/** The request's rejection message, failing the test if it takes longer than `ms`. */
async function failsWithin(p: Promise<unknown>, ms: number): Promise<string> {
  const t0 = Date.now();
  const r = await Promise.race([p.then(() => 'resolved', (e: Error) => e), new Promise((r) => setTimeout(() => r('still running'), ms))]);
  assert.ok(r instanceof Error, `expected a rejection within ${ms} ms, got: ${String(r)}`);
  assert.ok(Date.now() - t0 < ms);
  return (r as Error).message;
}

test('a server that accepts and never answers: the TLS handshake timeout names the request, in about a second', async () => {
  const socks: net.Socket[] = [];
  const srv = net.createServer((s) => socks.push(s));
  const port = await listen(srv);
  const c = client(`https://127.0.0.1:${port}`);
  const m = await failsWithin(c.request('GET', '/api/v1/secrets', { query: { labelSelector: 'owner=kfchart' } }), 3000);
  assert.match(m, new RegExp(`cannot reach the Kubernetes API server at https://127.0.0.1:${port} \\(GET /api/v1/secrets\\): the server accepted the connection but did not complete the TLS handshake within 0.5 s`));
  c.close(); socks.forEach((s) => s.destroy()); srv.close();
});

test('no answer after the request: first-byte timeout, retried for a GET, and the deadline bounds it all', async () => {
  let seen = 0;
  const srv = http.createServer(() => { seen++; });
  const port = await listen(srv);
  const c = client(`http://127.0.0.1:${port}`);
  const m = await failsWithin(c.request('GET', '/api/v1/namespaces/a/secrets'), 3000);
  assert.match(m, /no complete answer from the Kubernetes API server at http:\/\/127.0.0.1:\d+ \(GET \/api\/v1\/namespaces\/a\/secrets\): the server did not start answering within 0.4 s \(gave up after 3 attempts\)/);
  assert.is(seen, 3);
  const slow = client(`http://127.0.0.1:${port}`, { ...fast, firstByteMs: 30_000 });
  slow.setDeadline(0.5, '--timeout of 0.5 s');
  const d = await failsWithin(slow.request('GET', '/version'), 2000);
  assert.match(d, /GET \/version to the Kubernetes API server at .* did not complete: the overall --timeout of 0.5 s ran out while waiting for it/);
  const after = await failsWithin(slow.request('GET', '/version'), 500);
  assert.match(after, /the overall --timeout of 0.5 s had run out/);
  c.close(); slow.close(); srv.closeAllConnections(); srv.close();
});

test('5xx, resets and cut-off answers are retried for idempotent requests; a POST is not', async () => {
  let n = 0;
  const srv = http.createServer((req, res) => {
    n++;
    if (req.url!.startsWith('/flaky') && n % 3 !== 0) { res.writeHead(503, { 'content-type': 'application/json' }); res.end('{"kind":"Status","message":"injected"}'); return; }
    if (req.url!.startsWith('/reset') && n % 2 === 1) { req.socket.destroy(); return; }
    if (req.url!.startsWith('/cut') && n % 2 === 1) { res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' }); res.write('{"items":['); setTimeout(() => req.socket.destroy(), 10); return; }
    if (req.url!.startsWith('/post')) { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"kind":"Status","message":"boom"}'); return; }
    res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}');
  });
  const port = await listen(srv);
  const c = client(`http://127.0.0.1:${port}`);
  n = 0;
  assert.equal(await c.request('GET', '/flaky'), { ok: true });
  assert.is(n, 3, 'two 503s, then the answer');
  n = 0;
  assert.equal(await c.request('GET', '/reset'), { ok: true });
  n = 0;
  assert.equal(await c.request('GET', '/cut'), { ok: true });
  n = 0;
  assert.equal(await c.request('PATCH', '/flaky', { body: {}, contentType: 'application/apply-patch+yaml' }), { ok: true }, 'server-side apply is idempotent');
  n = 0;
  const m = await failsWithin(c.request('POST', '/post', { body: {} }), 2000);
  assert.match(m, /boom \(POST \/post: HTTP 500\)/);
  assert.is(n, 1, 'a POST is sent once');
  assert.ok(c.retries >= 4);
  c.close(); srv.closeAllConnections(); srv.close();
});

test('network failures in plain words: refused, and a reset on every attempt', async () => {
  const srv = net.createServer();
  const port = await listen(srv);
  srv.close();
  await new Promise((r) => setTimeout(r, 50));
  const c = client(`http://127.0.0.1:${port}`);
  assert.match(await failsWithin(c.request('GET', '/api'), 2000), /cannot reach the Kubernetes API server at http:\/\/127.0.0.1:\d+ \(GET \/api\): the connection was refused \(is the API server running at that address\?\) \(gave up after 3 attempts\)/);
  const rst = net.createServer((s) => s.on('data', () => s.resetAndDestroy()));
  const p2 = await listen(rst);
  const c2 = client(`http://127.0.0.1:${p2}`);
  const m = await failsWithin(c2.request('DELETE', '/api/v1/namespaces/a/configmaps/x'), 2000);
  assert.match(m, /\(DELETE \/api\/v1\/namespaces\/a\/configmaps\/x\): the connection was reset before an answer came \(ECONNRESET\) \(gave up after 3 attempts\)/);
  assert.not.match(m, /aborted|unexpected/);
  c.close(); c2.close(); rst.close();
});

test.run();
