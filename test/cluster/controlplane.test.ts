// Proves the test control plane is a real Kubernetes API server with working controllers: real
// validation, server-side apply with field managers, optimistic concurrency (409), CRD establishment
// and schema validation, the 1 MiB Secret limit, namespace finalization and garbage collection.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { KubernetesObject, V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import {
  cleanupNamespaces, coreApi, deleteNamespace, loadKubeConfig, newNamespace, objectApi, statusOf, uniqueName, waitFor,
} from '../helpers/cluster.js';

const test = suite('controlplane');
let ns = '';

test.before(async () => {
  ns = await newNamespace('controlplane');
});
test.after(async () => {
  await cleanupNamespaces();
});

async function expectStatus(what: string, p: Promise<unknown>, status: number): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    assert.is(statusOf(err), status, `${what}: expected HTTP ${status}, got ${statusOf(err)}: ${(err as Error).message}`);
    return err;
  }
  assert.unreachable(`${what}: expected HTTP ${status}, but the request succeeded`);
}

test('the API server is kube-apiserver of the pinned version, reached with client-cert auth', async () => {
  const k8s = await import('@kubernetes/client-node');
  const version = await (await loadKubeConfig()).makeApiClient(k8s.VersionApi).getCode();
  assert.match(version.gitVersion, /^v1\.\d+\.\d+/);
  assert.is.not(version.gitVersion, 'v0.0.0-master+$Format:%H$');
  const core = await coreApi();
  const svc = await core.readNamespacedService({ name: 'kubernetes', namespace: 'default' });
  assert.is(svc.spec?.clusterIP, '10.0.0.1');
});

test('namespace, Secret and ConfigMap are created and read back', async () => {
  const core = await coreApi();
  const got = await core.readNamespace({ name: ns });
  assert.is(got.metadata?.labels?.['kfchart-test'], 'true');
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'creds' }, type: 'Opaque', stringData: { password: 's3cret' } },
  });
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'settings' }, data: { mode: 'fast' } } });
  const secret = await core.readNamespacedSecret({ name: 'creds', namespace: ns });
  // stringData is write-only: the server moved it into base64 data
  assert.is(secret.stringData, undefined);
  assert.is(Buffer.from(secret.data?.password ?? '', 'base64').toString(), 's3cret');
  const cm = await core.readNamespacedConfigMap({ name: 'settings', namespace: ns });
  assert.equal(cm.data, { mode: 'fast' });
  assert.ok(cm.metadata?.uid && cm.metadata.resourceVersion, 'server-assigned uid and resourceVersion');
});

test('server-side apply records the field manager in managedFields', async () => {
  const k8s = await import('@kubernetes/client-node');
  const objects = await objectApi();
  const spec: V1ConfigMap & KubernetesObject = {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: ns }, data: { a: '1' },
  };
  await objects.patch(spec, undefined, undefined, 'kfchart-test', true, k8s.PatchStrategy.ServerSideApply);
  const changed = { ...spec, data: { a: '2', b: '3' } };
  const after = await objects.patch(changed, undefined, undefined, 'kfchart-test', true, k8s.PatchStrategy.ServerSideApply);
  assert.equal(after.data, { a: '2', b: '3' });
  const mine = after.metadata?.managedFields?.find((m) => m.manager === 'kfchart-test');
  assert.ok(mine, `managedFields has kfchart-test: ${JSON.stringify(after.metadata?.managedFields)}`);
  assert.is(mine.operation, 'Apply');
  const fields = JSON.stringify(mine.fieldsV1);
  assert.ok(fields.includes('f:a') && fields.includes('f:b'), fields);

  // a second manager taking a field it does not own is a conflict unless forced
  const err = await expectStatus('conflicting apply',
    objects.patch({ ...spec, data: { a: 'other' } }, undefined, undefined, 'someone-else', false, k8s.PatchStrategy.ServerSideApply), 409);
  assert.match((err as Error).message, /conflict/i);
});

test('an update with a stale resourceVersion gets 409 Conflict', async () => {
  const core = await coreApi();
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'versioned' }, data: { v: '1' } } });
  const stale = await core.readNamespacedConfigMap({ name: 'versioned', namespace: ns });
  const fresh: V1ConfigMap = { ...stale, data: { v: '2' } };
  const updated = await core.replaceNamespacedConfigMap({ name: 'versioned', namespace: ns, body: fresh });
  assert.is.not(updated.metadata?.resourceVersion, stale.metadata?.resourceVersion);
  await expectStatus('stale replace',
    core.replaceNamespacedConfigMap({ name: 'versioned', namespace: ns, body: { ...stale, data: { v: '3' } } }), 409);
  const now = await core.readNamespacedConfigMap({ name: 'versioned', namespace: ns });
  assert.equal(now.data, { v: '2' });
});

test('a CRD becomes Established, its custom resources are served and validated by its schema', async () => {
  const k8s = await import('@kubernetes/client-node');
  const kc = await loadKubeConfig();
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const group = `${uniqueName('g')}.kfchart.test`;
  const crdName = `widgets.${group}`;
  await ext.createCustomResourceDefinition({
    body: {
      metadata: { name: crdName },
      spec: {
        group, scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{
          name: 'v1', served: true, storage: true,
          schema: { openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer', minimum: 1 } } } },
          } },
        }],
      },
    },
  });
  try {
    await waitFor(`CRD ${crdName} Established`, async () => {
      const crd = await ext.readCustomResourceDefinition({ name: crdName });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    }, 30_000);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const widget = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1', namespace: ns }, spec: { size: 3 } };
    // discovery of a brand-new group can lag Established by a moment
    await waitFor('custom resource created', async () =>
      custom.createNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural: 'widgets', body: widget }), 30_000);
    const got = await custom.getNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural: 'widgets', name: 'w1' }) as { spec: { size: number } };
    assert.is(got.spec.size, 3);

    const bad = { ...widget, metadata: { name: 'w2', namespace: ns }, spec: { size: 'huge' } };
    const err = await expectStatus('invalid widget',
      custom.createNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural: 'widgets', body: bad }), 422);
    assert.match(String((err as { body?: unknown }).body ?? (err as Error).message), /spec\.size/);
    const missing = { ...widget, metadata: { name: 'w3', namespace: ns }, spec: {} };
    await expectStatus('widget without required size',
      custom.createNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural: 'widgets', body: missing }), 422);
  } finally {
    await ext.deleteCustomResourceDefinition({ name: crdName });
  }
});

test('a Secret over 1 MiB is rejected by the server', async () => {
  const core = await coreApi();
  const big: V1Secret = {
    metadata: { name: 'too-big' },
    data: { blob: Buffer.alloc(1024 * 1024 + 1, 7).toString('base64') },
  };
  const err = await expectStatus('oversized Secret', core.createNamespacedSecret({ namespace: ns, body: big }), 422);
  assert.match(String((err as { body?: unknown }).body ?? (err as Error).message), /1048576/);
  // exactly at the limit is accepted, so the rejection above is the size rule and nothing else
  const ok: V1Secret = { metadata: { name: 'just-fits' }, data: { blob: Buffer.alloc(1024 * 1024 - 16, 7).toString('base64') } };
  await core.createNamespacedSecret({ namespace: ns, body: ok });
});

test('deleting a namespace holding objects finalizes it (namespace controller)', async () => {
  const core = await coreApi();
  const doomed = await newNamespace('doomed');
  await core.createNamespacedConfigMap({ namespace: doomed, body: { metadata: { name: 'c1' }, data: { x: '1' } } });
  await core.createNamespacedSecret({ namespace: doomed, body: { metadata: { name: 's1' }, stringData: { y: '2' } } });
  await core.deleteNamespace({ name: doomed });
  const terminating = await core.readNamespace({ name: doomed }).catch(() => undefined);
  if (terminating) assert.is(terminating.status?.phase, 'Terminating');
  await deleteNamespace(doomed, { wait: true, timeoutMs: 60_000 });
  await expectStatus('read deleted namespace', core.readNamespace({ name: doomed }), 404);
});

test('deleting a Deployment garbage-collects its ReplicaSet (deployment controller + garbage collector)', async () => {
  const k8s = await import('@kubernetes/client-node');
  const apps = (await loadKubeConfig()).makeApiClient(k8s.AppsV1Api);
  const labels = { app: 'gc-demo' };
  const dep = await apps.createNamespacedDeployment({
    namespace: ns,
    body: {
      metadata: { name: 'gc-demo' },
      spec: {
        replicas: 1, selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'registry.invalid/none:1' }] } },
      },
    },
  });
  const rs = await waitFor('the deployment controller to create a ReplicaSet', async () => {
    const list = await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=gc-demo' });
    return list.items.find((r) => r.metadata?.ownerReferences?.some((o) => o.uid === dep.metadata?.uid));
  }, 60_000);
  await apps.deleteNamespacedDeployment({ name: 'gc-demo', namespace: ns, body: { propagationPolicy: 'Background' } });
  await waitFor(`ReplicaSet ${rs.metadata?.name} to be garbage-collected`, async () => {
    try {
      await apps.readNamespacedReplicaSet({ name: rs.metadata!.name!, namespace: ns });
      return false;
    } catch (err) {
      if (statusOf(err) === 404) return true;
      throw err;
    }
  }, 60_000);
});

test.run();
