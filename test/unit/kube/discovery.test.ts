// engine/kube/discovery.ts against a counting fake API server on 127.0.0.1: concurrent callers share one load of
// aggregated discovery (GET /api + GET /apis once, not once per caller); refresh() reads again; refreshOnMiss()
// keeps what is known and reads again only when a kind is missing, once for all lookups that miss meanwhile.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import type net from 'node:net';
import { KubeClient } from '../../../engine/kube/client.js';
import { Discovery } from '../../../engine/kube/discovery.js';

function fakeServer() {
  const hits: string[] = [];
  const groups: { name: string; kind: string; resource: string }[] = [{ name: 'apps', kind: 'Deployment', resource: 'deployments' }];
  const srv = http.createServer((req, res) => {
    hits.push(req.url!);
    const list = req.url === '/api'
      ? [{ metadata: { name: '' }, versions: [{ version: 'v1', resources: [{ resource: 'configmaps', responseKind: { kind: 'ConfigMap' }, scope: 'Namespaced' }] }] }]
      : groups.map((g) => ({ metadata: { name: g.name }, versions: [{ version: 'v1', resources: [{ resource: g.resource, responseKind: { kind: g.kind }, scope: 'Namespaced' }] }] }));
    // A little latency, so that concurrent callers really overlap.
    setTimeout(() => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ kind: 'APIGroupDiscoveryList', items: list })); }, 20);
  });
  return { srv, hits, groups };
}

async function setup() {
  const f = fakeServer();
  await new Promise<void>((r) => f.srv.listen(0, '127.0.0.1', r));
  const port = (f.srv.address() as net.AddressInfo).port;
  const client = new KubeClient({ server: new URL(`http://127.0.0.1:${port}`), agent: new http.Agent({ keepAlive: true }), headers: {}, refresh: async () => ({}), contextNamespace: 'default', contextName: 't' });
  return { ...f, client, d: new Discovery(client), close: () => { client.close(); f.srv.close(); } };
}

test('concurrent callers share one load', async () => {
  const t = await setup();
  const [versions, scoped, dep] = await Promise.all([t.d.apiVersions(), t.d.clusterScopedKinds(), t.d.find('apps/v1', 'Deployment')]);
  assert.equal(versions, ['apps/v1', 'v1']);
  assert.equal(scoped, []);
  assert.is(dep?.resource, 'deployments');
  assert.equal(t.hits.sort(), ['/api', '/apis']);
  t.d.refresh();
  await Promise.all([t.d.find('v1', 'ConfigMap'), t.d.find('apps/v1', 'Deployment')]);
  assert.is(t.hits.length, 4, 'refresh() reads again, once');
  t.close();
});

test('refreshOnMiss: known kinds cost nothing; a missing kind reloads once for every lookup that misses meanwhile', async () => {
  const t = await setup();
  await t.d.find('apps/v1', 'Deployment');
  t.d.refreshOnMiss();
  assert.is((await t.d.find('apps/v1', 'Deployment'))?.resource, 'deployments');
  assert.is(t.hits.length, 2, 'a known kind: no request');
  t.groups.push({ name: 'example.io', kind: 'Gadget', resource: 'gadgets' });
  const [g1, g2, dep] = await Promise.all([t.d.find('example.io/v1', 'Gadget'), t.d.find('example.io/v1', 'Gadget'), t.d.find('apps/v1', 'Deployment')]);
  assert.is(g1?.resource, 'gadgets');
  assert.is(g2?.resource, 'gadgets');
  assert.is(dep?.resource, 'deployments');
  assert.is(t.hits.length, 4, 'one reload for all');
  assert.is(await t.d.find('example.io/v1', 'Nothing'), undefined);
  assert.is(t.hits.length, 4, 'only the first miss after refreshOnMiss reloads');
  t.close();
});

test.run();
