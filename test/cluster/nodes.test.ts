// The fake nodes of the test control plane (kube-scheduler + kwok, see docs/controlplane.md): the workload
// controllers see their pods scheduled, running and ready as on a real cluster. A Deployment becomes Available,
// a Job completes, a rollout replaces the pods (new ReplicaSet, old pods gone), a DaemonSet runs one pod on each
// fake Node, a StatefulSet starts its ordinals, and a pod labelled kfchart.io/never-ready=true runs but is never
// Ready. Pod templates set kwok's pod-ready delay annotation to 0s where only the end state matters.
// Against another cluster (KFCHART_TEST_KUBECONFIG) the nodes are looked up by the label type=kwok.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppsV1Api, BatchV1Api, CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { coreApi, loadKubeConfig, newNamespace, cleanupNamespaces, waitFor } from '../helpers/cluster.js';

const FAST = { 'pod-ready.stage.kwok.x-k8s.io/delay': '0s' };
const container = (name = 'main') => ({ name, image: 'registry.k8s.io/pause:3.10' });

let apps: AppsV1Api, batch: BatchV1Api, core: CoreV1Api;
async function clients(): Promise<void> {
  if (apps) return;
  const k8s = await import('@kubernetes/client-node');
  const kc = await loadKubeConfig();
  apps = kc.makeApiClient(k8s.AppsV1Api);
  batch = kc.makeApiClient(k8s.BatchV1Api);
  core = await coreApi();
}

const ready = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const podsOf = async (ns: string, selector: string) => (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items;

async function fakeNodes(): Promise<string[]> {
  await clients();
  const nodes = (await core.listNode({ labelSelector: 'type=kwok' })).items;
  return nodes.map((n) => n.metadata!.name!).sort();
}

test.after(async () => {
  await cleanupNamespaces();
});

test('the fake Nodes are Ready, untainted, with allocatable resources', async () => {
  await clients();
  const nodes = (await core.listNode({ labelSelector: 'type=kwok' })).items;
  assert.ok(nodes.length >= 2, `${nodes.length} fake nodes`);
  for (const n of nodes) {
    assert.ok(n.status!.conditions!.some((c) => c.type === 'Ready' && c.status === 'True'), `${n.metadata!.name} Ready`);
    assert.equal(n.spec!.taints ?? [], [], `${n.metadata!.name} has no taints`);
    assert.ok(Number(n.status!.allocatable!.pods) >= 100, `${n.metadata!.name} allocatable pods`);
    assert.match(n.status!.nodeInfo!.kubeletVersion, /^kwok-/);
  }
});

test('a Deployment becomes Available: pods scheduled on fake Nodes, Running, Ready, with pod IPs', async () => {
  await clients();
  const ns = await newNamespace('nodes-deploy');
  const nodes = await fakeNodes();
  // No delay annotation: kwok's default (5 s) applies, as for the charts' pods.
  await apps.createNamespacedDeployment({ namespace: ns, body: {
    metadata: { name: 'web' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container()] } } },
  } });
  const scheduled = await waitFor('3 pods bound to nodes', async () => {
    const pods = await podsOf(ns, 'app=web');
    return pods.length === 3 && pods.every((p) => p.spec!.nodeName) ? pods : undefined;
  }, 30_000);
  // kwok waits 5 s after it sees a pod on its node before the pod is Ready (what the older --wait timeout tests
  // rely on): right after binding, none is.
  assert.ok(scheduled.every((p) => !ready(p)), 'not Ready right after scheduling (5 s default delay)');
  const t0 = Date.now();
  const dep = await waitFor('Deployment web Available', async () => {
    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    return d.status?.availableReplicas === 3 &&
      d.status.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ? d : undefined;
  }, 60_000);
  assert.is(dep.status!.readyReplicas, 3);
  const pods = await podsOf(ns, 'app=web');
  assert.is(pods.length, 3);
  for (const p of pods) {
    assert.ok(nodes.includes(p.spec!.nodeName!), `${p.metadata!.name} on ${p.spec!.nodeName}`);
    assert.is(p.status!.phase, 'Running');
    assert.ok(ready(p));
    assert.match(p.status!.podIP!, /^10\.244\.\d+\.\d+$/);
    assert.is(p.status!.containerStatuses![0]!.state!.running !== undefined, true);
  }
  assert.is(new Set(pods.map((p) => p.status!.podIP)).size, 3, 'distinct pod IPs');
  console.error(`Deployment Available ${((Date.now() - t0) / 1000).toFixed(1)} s after its pods were bound`);
});

test('a Job completes (its pod succeeds, the Job is Complete)', async () => {
  await clients();
  const ns = await newNamespace('nodes-job');
  await batch.createNamespacedJob({ namespace: ns, body: {
    metadata: { name: 'once' },
    spec: { completions: 2, parallelism: 1, backoffLimit: 0,
      template: { metadata: { annotations: FAST }, spec: { restartPolicy: 'Never', containers: [container()] } } },
  } });
  const job = await waitFor('Job once Complete', async () => {
    const j = await batch.readNamespacedJob({ name: 'once', namespace: ns });
    return j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? j : undefined;
  }, 60_000);
  assert.is(job.status!.succeeded, 2);
  assert.is(job.status!.failed ?? 0, 0);
  assert.ok(job.status!.completionTime);
  const pods = await podsOf(ns, 'job-name=once');
  assert.is(pods.length, 2);
  for (const p of pods) {
    assert.is(p.status!.phase, 'Succeeded');
    assert.is(p.status!.containerStatuses![0]!.state!.terminated!.exitCode, 0);
  }
});

test('a rollout replaces the pods: a new ReplicaSet, the old one scaled to 0, the old pods gone', async () => {
  await clients();
  const ns = await newNamespace('nodes-roll');
  const template = (v: string) => ({ metadata: { labels: { app: 'roll' }, annotations: { ...FAST, version: v } }, spec: { containers: [container()] } });
  await apps.createNamespacedDeployment({ namespace: ns, body: {
    metadata: { name: 'roll' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'roll' } }, template: template('1') },
  } });
  const available = (generation: number) => async () => {
    const d = await apps.readNamespacedDeployment({ name: 'roll', namespace: ns });
    const s = d.status;
    return s && (s.observedGeneration ?? 0) >= generation && s.updatedReplicas === 2 && s.availableReplicas === 2 &&
      (s.replicas ?? 0) === 2 ? d : undefined;
  };
  await waitFor('rollout 1', available(1), 60_000);
  const before = await podsOf(ns, 'app=roll');
  const oldNames = before.map((p) => p.metadata!.name!).sort();
  const oldHash = before[0]!.metadata!.labels!['pod-template-hash'];
  assert.is(oldNames.length, 2);

  const d = await apps.readNamespacedDeployment({ name: 'roll', namespace: ns });
  await apps.replaceNamespacedDeployment({ name: 'roll', namespace: ns, body: { ...d, spec: { ...d.spec!, template: template('2') } } });
  await waitFor('rollout 2', available(2), 90_000);
  const after = await waitFor('only the new pods left', async () => {
    const pods = await podsOf(ns, 'app=roll');
    return pods.length === 2 && pods.every((p) => !oldNames.includes(p.metadata!.name!)) ? pods : undefined;
  }, 60_000);
  const newHash = after[0]!.metadata!.labels!['pod-template-hash'];
  assert.is.not(newHash, oldHash, 'a new pod-template-hash');
  assert.ok(after.every((p) => ready(p) && p.metadata!.labels!['pod-template-hash'] === newHash));
  for (const name of oldNames) {
    const gone = await core.readNamespacedPod({ name, namespace: ns }).then(() => false, () => true);
    assert.ok(gone, `old pod ${name} is deleted`);
  }
  const rss = (await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=roll' })).items;
  assert.is(rss.length, 2);
  const byHash = Object.fromEntries(rss.map((r) => [r.metadata!.labels!['pod-template-hash'], r]));
  assert.is(byHash[oldHash!]!.spec!.replicas, 0, 'old ReplicaSet scaled to 0');
  assert.is(byHash[newHash!]!.status!.readyReplicas, 2, 'new ReplicaSet has 2 ready pods');
});

test('a DaemonSet runs one ready pod on each fake Node', async () => {
  await clients();
  const ns = await newNamespace('nodes-ds');
  const nodes = await fakeNodes();
  await apps.createNamespacedDaemonSet({ namespace: ns, body: {
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' }, annotations: FAST }, spec: { containers: [container()] } } },
  } });
  const ds = await waitFor('DaemonSet agent ready on every node', async () => {
    const d = await apps.readNamespacedDaemonSet({ name: 'agent', namespace: ns });
    const s = d.status;
    return s && s.desiredNumberScheduled === nodes.length && s.numberReady === nodes.length && s.numberAvailable === nodes.length ? d : undefined;
  }, 60_000);
  assert.is(ds.status!.currentNumberScheduled, nodes.length);
  const pods = await podsOf(ns, 'app=agent');
  assert.equal(pods.map((p) => p.spec!.nodeName).sort(), nodes);
  assert.ok(pods.every(ready));
});

test('a StatefulSet starts its pods in order, each Ready', async () => {
  await clients();
  const ns = await newNamespace('nodes-sts');
  await core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] } } });
  await apps.createNamespacedStatefulSet({ namespace: ns, body: {
    metadata: { name: 'db' },
    spec: { serviceName: 'db', replicas: 2, selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' }, annotations: FAST }, spec: { containers: [container()] } } },
  } });
  const sts = await waitFor('StatefulSet db ready', async () => {
    const s = await apps.readNamespacedStatefulSet({ name: 'db', namespace: ns });
    return s.status?.readyReplicas === 2 && s.status.availableReplicas === 2 ? s : undefined;
  }, 60_000);
  assert.is(sts.status!.currentReplicas, 2);
  const pods = (await podsOf(ns, 'app=db')).sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
  assert.equal(pods.map((p) => p.metadata!.name), ['db-0', 'db-1']);
  assert.ok(pods.every(ready));
  // OrderedReady: db-1 started only once db-0 was Ready.
  const started = (p: V1Pod) => new Date(p.status!.startTime!).getTime();
  assert.ok(started(pods[1]!) >= started(pods[0]!), 'db-1 started after db-0');
});

test('a pod labelled kfchart.io/never-ready=true runs but never becomes Ready; its Deployment stays unavailable', async () => {
  await clients();
  const ns = await newNamespace('nodes-never');
  await apps.createNamespacedDeployment({ namespace: ns, body: {
    metadata: { name: 'stuck' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'stuck' } },
      template: { metadata: { labels: { app: 'stuck', 'kfchart.io/never-ready': 'true' } }, spec: { containers: [container('probe-fails')] } } },
  } });
  const pod = await waitFor('the pod Running', async () => (await podsOf(ns, 'app=stuck')).find((p) => p.status?.phase === 'Running'), 30_000);
  const cond = pod.status!.conditions!.find((c) => c.type === 'Ready')!;
  assert.is(cond.status, 'False');
  assert.is(cond.reason, 'ContainersNotReady');
  assert.match(cond.message!, /probe-fails/);
  assert.is(pod.status!.containerStatuses![0]!.ready, false);
  assert.ok(pod.status!.containerStatuses![0]!.state!.running, 'the container is running');
  // Longer than the default readiness delay (5 s): still not Ready, the Deployment not Available.
  await new Promise((r) => setTimeout(r, 7_000));
  const again = (await podsOf(ns, 'app=stuck'))[0]!;
  assert.not.ok(ready(again), 'still not Ready');
  const d = await apps.readNamespacedDeployment({ name: 'stuck', namespace: ns });
  assert.is(d.status!.availableReplicas ?? 0, 0);
  assert.is(d.status!.conditions!.find((c) => c.type === 'Available')!.status, 'False');
});

test.run();
