// The ordering tiers of apply and prune (engine/actions/lifecycle/apply.ts applyTiers): Namespaces, CRDs, then
// identity/config/RBAC/Services in one parallel tier, workloads, webhooks and APIServices, custom resources last;
// prune and uninstall go through the same tiers the other way round. And --wait starting from the apply answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyTiers } from '../../../engine/actions/lifecycle/apply.js';
import { prune } from '../../../engine/actions/lifecycle/prune.js';
import { ANN_NAME, ANN_NAMESPACE } from '../../../engine/actions/lifecycle/ownership.js';
import { waitReady } from '../../../engine/kube/index.js';
import type { KObject } from '../../../engine/manifest/index.js';
import { MemoryObjects } from '../helpers/memory-objects.js';

const KINDS = [
  'Namespace', 'Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'Secret', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding',
  'Role', 'RoleBinding', 'Service', 'Deployment', 'StatefulSet', 'Job', 'Ingress', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration', 'Gadget', 'VirtualService',
];
const obj = (kind: string, i: number): KObject => ({
  apiVersion: kind === 'Gadget' || kind === 'VirtualService' ? 'example.io/v1' : 'v1', kind,
  metadata: { name: `o${i}`, namespace: kind === 'Namespace' ? undefined : 'ns', annotations: { [ANN_NAME]: 'r', [ANN_NAMESPACE]: 'ns' } },
});

test('applyTiers: six tiers for the usual kinds, objects in install order inside each', () => {
  const tiers = applyTiers(KINDS.map(obj)).map((t) => t.map((o) => o.kind));
  assert.equal(tiers, [
    ['Namespace', 'Namespace'],
    ['CustomResourceDefinition'],
    ['ServiceAccount', 'Secret', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service'],
    ['Deployment', 'StatefulSet', 'Job', 'Ingress'],
    ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    ['Gadget', 'VirtualService'],
  ]);
  assert.equal(applyTiers([]), []);
});

test('prune deletes tier by tier the other way round: custom resources, webhooks, workloads, the rest, CRDs, Namespaces', async () => {
  const objects = new MemoryObjects();
  const objs = KINDS.map(obj);
  for (const o of objs) await objects.apply(o);
  objects.calls.length = 0;
  const inv = objs.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) }));
  const deleted = await prune(objects, inv, 'r', 'ns', () => {});
  assert.is(deleted.length, KINDS.length);
  const at = (kind: string) => objects.calls.findIndex((c) => c.startsWith(`delete ${kind} `));
  const last = (kind: string) => objects.calls.map((c) => c.startsWith(`delete ${kind} `)).lastIndexOf(true);
  assert.ok(last('Gadget') < at('MutatingWebhookConfiguration'), objects.calls.join('\n'));
  assert.ok(last('ValidatingWebhookConfiguration') < at('Deployment'));
  assert.ok(last('Ingress') < at('Service') && last('Ingress') < at('ServiceAccount'));
  assert.ok(last('Service') < at('CustomResourceDefinition'));
  assert.ok(at('CustomResourceDefinition') < at('Namespace'));
});

test('waitReady starts from the answers it is given: ready ones are not read again, the others are polled', async () => {
  const objects = new MemoryObjects();
  const cm = obj('ConfigMap', 1), dep = obj('Deployment', 2);
  await objects.apply(cm);
  await objects.apply({ ...dep, spec: { replicas: 1 } });
  const reads: string[] = [];
  const get = objects.get.bind(objects);
  objects.get = async (o) => { reads.push(o.kind); return get(o); };
  const answers = new Map<KObject, KObject>([[cm, cm], [dep, { ...dep, spec: { replicas: 1 }, status: {} }]]);
  // The Deployment becomes available after the first poll.
  setTimeout(() => { void objects.apply({ ...dep, spec: { replicas: 1 }, status: { updatedReplicas: 1, replicas: 1, availableReplicas: 1 } } as KObject); }, 30);
  await waitReady(objects, [cm, dep], { timeoutMs: 5000, intervalMs: 50, known: answers });
  assert.ok(!reads.includes('ConfigMap'), `ConfigMap read: ${reads.join(', ')}`);
  assert.ok(reads.includes('Deployment'));
});

test.run();
