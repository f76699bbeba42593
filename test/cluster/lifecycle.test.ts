// Release lifecycle against the real control plane (test/controlplane), calling the actions in-process:
// full lifecycle, CRD + CR, prune + keep, ownership and field-manager conflicts, immutable change with --atomic,
// --wait success/timeout (status subresource), no-op upgrade, history pruning, corrupt and foreign records.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { coreApi, kubeconfigPath, newNamespace, cleanupNamespaces, statusOf, waitFor } from '../helpers/cluster.js';
import { installAction, upgradeAction } from '../../engine/actions/upgrade.js';
import { rollbackAction } from '../../engine/actions/rollback.js';
import { uninstallAction } from '../../engine/actions/uninstall.js';
import { historyAction } from '../../engine/actions/history.js';
import { statusAction } from '../../engine/actions/status.js';
import { listAction } from '../../engine/actions/list.js';
import { getAction } from '../../engine/actions/get.js';
import { diffRollbackAction, diffUpgradeAction } from '../../engine/actions/diff.js';
import type { SetFlag } from '../../engine/values/index.js';

const CHART = fileURLToPath(new URL('./fixtures/lc', import.meta.url));
const sets = (...e: string[]): SetFlag[] => e.map((expr) => ({ kind: 'set', expr }));
const g = (namespace: string) => ({ kubeconfig: kubeconfigPath(), namespace });

async function cms(ns: string): Promise<Record<string, { value?: string; rv: string; ann: Record<string, string> }>> {
  const core = await coreApi();
  const l = await core.listNamespacedConfigMap({ namespace: ns });
  const out: Record<string, { value?: string; rv: string; ann: Record<string, string> }> = {};
  for (const c of l.items) if (c.metadata!.name !== 'kube-root-ca.crt') out[c.metadata!.name!] = { value: c.data?.value, rv: c.metadata!.resourceVersion!, ann: c.metadata!.annotations ?? {} };
  return out;
}

async function records(ns: string, name: string): Promise<Record<number, string>> {
  const core = await coreApi();
  const l = await core.listNamespacedSecret({ namespace: ns, labelSelector: `owner=kfchart,name=${name}` });
  const out: Record<number, string> = {};
  for (const s of l.items) out[Number(s.metadata!.labels!.version)] = s.metadata!.labels!.status!;
  return out;
}

test.after(async () => {
  await cleanupNamespaces();
});

test('full lifecycle: install → upgrade (change, add, remove) → history → rollback → uninstall', async () => {
  const ns = await newNamespace('lc-full');
  const r1 = await installAction({ ...g(ns), name: 'web', chartRef: CHART, sets: sets('secret=true'), historyMax: 10 });
  assert.is(r1.record.revision, 1);
  assert.is(r1.record.status, 'deployed');
  let live = await cms(ns);
  assert.equal(Object.keys(live).sort(), ['web-a', 'web-b']);
  assert.is(live['web-a']!.value, 'one');
  assert.is(live['web-a']!.ann['kfchart.io/release-name'], 'web');
  assert.is(live['web-a']!.ann['kfchart.io/release-namespace'], ns);

  // The record: one Secret, our type and labels, data is gzip bytes (base64 once, by the Secret).
  const core = await coreApi();
  const sec = await core.readNamespacedSecret({ name: 'kfchart.release.v1.web.v1', namespace: ns });
  assert.is(sec.type, 'kfchart.io/release.v1');
  assert.equal(
    { owner: sec.metadata!.labels!.owner, name: sec.metadata!.labels!.name, version: sec.metadata!.labels!.version, status: sec.metadata!.labels!.status },
    { owner: 'kfchart', name: 'web', version: '1', status: 'deployed' },
  );
  const raw = Buffer.from(sec.data!.release!, 'base64');
  assert.equal([raw[0], raw[1]], [0x1f, 0x8b], 'gzip magic right after one base64 decode');
  const rec = JSON.parse(gunzipSync(raw).toString('utf8'));
  assert.is(rec.inventory.length, 3);
  assert.ok(rec.persisted.password, 'generated secret persisted in the record');
  const pw1 = (await core.readNamespacedSecret({ name: 'web-password', namespace: ns })).data!.password;

  const r2 = await upgradeAction({ ...g(ns), name: 'web', chartRef: CHART, sets: sets('secret=true', 'data=two', 'configs={a,c}') });
  assert.is(r2.record.revision, 2);
  assert.equal(r2.pruned, [`v1 ConfigMap ${ns}/web-b`]);
  live = await cms(ns);
  assert.equal(Object.keys(live).sort(), ['web-a', 'web-c']);
  assert.is(live['web-a']!.value, 'two');
  assert.is((await core.readNamespacedSecret({ name: 'web-password', namespace: ns })).data!.password, pw1, 'generated secret kept on upgrade');
  assert.equal(await records(ns, 'web'), { 1: 'superseded', 2: 'deployed' });

  const h = await historyAction({ ...g(ns), name: 'web' });
  assert.equal(h.rows.map((r) => [r.revision, r.status]), [[1, 'superseded'], [2, 'deployed']]);
  assert.equal((await getAction({ ...g(ns), what: 'values', name: 'web' })).values, { secret: true, data: 'two', configs: ['a', 'c'] });
  assert.match((await getAction({ ...g(ns), what: 'manifest', name: 'web', revision: 1 })).text!, /name: web-b/);
  assert.match((await getAction({ ...g(ns), what: 'notes', name: 'web' })).text!, /revision 2 with two/);
  const l = await listAction({ ...g(ns) });
  assert.equal(l.rows.map((r) => [r.name, r.revision, r.status]), [['web', 2, 'deployed']]);

  const d = await diffRollbackAction({ ...g(ns), name: 'web' });
  assert.ok(d.changed);
  assert.match(d.text, /removed: v1 ConfigMap .*web-c/);
  assert.match(d.text, /added: v1 ConfigMap .*web-b/);
  assert.match(d.text, /-  value: two\n\+  value: one/);

  const r3 = await rollbackAction({ ...g(ns), name: 'web' });
  assert.is(r3.record.revision, 3);
  assert.is(r3.record.applied.rollbackTo, 1);
  live = await cms(ns);
  assert.equal(Object.keys(live).sort(), ['web-a', 'web-b']);
  assert.is(live['web-a']!.value, 'one');
  assert.is((await core.readNamespacedSecret({ name: 'web-password', namespace: ns })).data!.password, pw1, 'generated secret kept on rollback');
  assert.equal(await records(ns, 'web'), { 1: 'superseded', 2: 'superseded', 3: 'deployed' });
  const st = await statusAction({ ...g(ns), name: 'web' });
  assert.is(st.objects.length, 3);
  assert.ok(st.objects.every((o) => o.exists && o.ready));

  const u = await uninstallAction({ ...g(ns), name: 'web', wait: true, timeoutSeconds: 30 });
  assert.is(u.deleted.length, 3);
  assert.equal(await cms(ns), {});
  assert.equal(await records(ns, 'web'), {});
});

test('CRD and custom resource in one release; CRD removal guard', async () => {
  const ns = await newNamespace('lc-crd');
  const name = `c${Date.now().toString(36)}`;
  await installAction({ ...g(ns), name, chartRef: CHART, sets: sets('crd=true', 'cr=true', 'crdVersions={v1,v2}') });
  const k8s = await import('@kubernetes/client-node');
  const { loadKubeConfig } = await import('../helpers/cluster.js');
  const custom = (await loadKubeConfig()).makeApiClient(k8s.CustomObjectsApi);
  const cr = (await custom.getNamespacedCustomObject({ group: `${name}.lc.kfchart.io`, version: 'v1', namespace: ns, plural: 'gadgets', name: `${name}-gadget` })) as { spec: { size: number } };
  assert.is(cr.spec.size, 3);

  // Dropping a served version, or the CRD, is refused without --allow-crd-removal (before anything is written).
  try {
    await upgradeAction({ ...g(ns), name, chartRef: CHART, sets: sets('crd=true', 'cr=true', 'crdVersions={v1}') });
    assert.unreachable('version removal must be refused');
  } catch (e) {
    assert.match((e as Error).message, /--allow-crd-removal/);
    assert.match((e as { details: string[] }).details.join('\n'), /stop serving version\(s\) v2/);
  }
  try {
    await upgradeAction({ ...g(ns), name, chartRef: CHART, sets: sets('crd=false', 'cr=false') });
    assert.unreachable('CRD removal must be refused');
  } catch (e) {
    assert.match((e as { details: string[] }).details.join('\n'), /would be deleted/);
  }
  assert.equal(await records(ns, name), { 1: 'deployed' }, 'refused upgrades leave no revision');
  // A new CRD version is served after an upgrade (CRDs are upgraded, unlike Helm).
  await upgradeAction({ ...g(ns), name, chartRef: CHART, sets: sets('crd=true', 'cr=true', 'crdVersions={v1,v2,v3}') });
  // (the API server may answer 429 while it sets up storage for the new version)
  await waitFor('v3 to be served', () => custom.listNamespacedCustomObject({ group: `${name}.lc.kfchart.io`, version: 'v3', namespace: ns, plural: 'gadgets' }), 30_000, 200);
  const r = await upgradeAction({ ...g(ns), name, chartRef: CHART, sets: sets('crd=false', 'cr=false'), allowCrdRemoval: true });
  assert.is(r.pruned.length, 2);
  await uninstallAction({ ...g(ns), name });
});

test('a CRD uninstalled right after install goes at once (kfchart waits until the server serves it, then deletes)', async () => {
  // Deleting a CRD whose storage is still starting makes kube-apiserver's CRD finalizer fail ("storage is
  // (re)initializing") and retry with back-off: CI saw such CRDs linger for minutes. Three fresh CRDs, no pause.
  const ns = await newNamespace('lc-crd-quick');
  for (let i = 0; i < 3; i++) {
    const name = `q${i}${Date.now().toString(36)}`;
    await installAction({ ...g(ns), name, chartRef: CHART, sets: sets('crd=true') });
    const t0 = Date.now();
    await uninstallAction({ ...g(ns), name, deleteCrds: true, wait: true, timeoutSeconds: 30 });
    assert.ok(Date.now() - t0 < 30_000);
  }
});

test('prune honours kfchart.io/resource-policy: keep', async () => {
  const ns = await newNamespace('lc-keep');
  await installAction({ ...g(ns), name: 'k', chartRef: CHART, sets: sets('keep=true') });
  assert.equal(Object.keys(await cms(ns)).sort(), ['k-a', 'k-b', 'k-kept']);
  const r = await upgradeAction({ ...g(ns), name: 'k', chartRef: CHART, sets: sets('keep=false', 'configs={a}') });
  assert.equal(r.pruned, [`v1 ConfigMap ${ns}/k-b`]);
  assert.equal(Object.keys(await cms(ns)).sort(), ['k-a', 'k-kept'], 'kept object survives the upgrade that drops it');
  await upgradeAction({ ...g(ns), name: 'k', chartRef: CHART, sets: sets('keep=true', 'configs={a}') });
  const u = await uninstallAction({ ...g(ns), name: 'k' });
  assert.equal(Object.keys(await cms(ns)), ['k-kept'], 'kept object survives uninstall');
  assert.equal(u.kept, [`v1 ConfigMap ${ns}/k-kept`]);
});

test('ownership: foreign objects are not taken without --take-ownership; field conflicts name the manager', async () => {
  const ns = await newNamespace('lc-own');
  const core = await coreApi();
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'o-a' }, data: { value: 'mine' } } });
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'o-b', annotations: { 'kfchart.io/release-name': 'other', 'kfchart.io/release-namespace': ns } }, data: { value: 'x' } } });
  try {
    await installAction({ ...g(ns), name: 'o', chartRef: CHART });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /--take-ownership/);
    const d = (e as { details: string[] }).details.join('\n');
    assert.match(d, /ConfigMap .*o-a exists and belongs to no kfchart release/);
    assert.match(d, new RegExp(`o-b exists and belongs to release ${ns}/other`));
  }
  assert.equal(await records(ns, 'o'), {}, 'nothing recorded');
  assert.is((await cms(ns))['o-a']!.value, 'mine', 'nothing changed');

  // Adopting works for fields nobody else manages by apply; a field owned by another applier conflicts.
  const { objectApi } = await import('../helpers/cluster.js');
  const oapi = await objectApi();
  const k8s = await import('@kubernetes/client-node');
  await core.deleteNamespacedConfigMap({ name: 'o-a', namespace: ns });
  await oapi.patch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o-a', namespace: ns }, data: { value: 'theirs' } } as any,
    undefined, undefined, 'someone-else', undefined, k8s.PatchStrategy.ServerSideApply);
  try {
    await installAction({ ...g(ns), name: 'o', chartRef: CHART, takeOwnership: true });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /conflicts with field manager "someone-else" on \.data\.value.*--force-conflicts/);
  }
  assert.equal(await records(ns, 'o'), { 1: 'failed' });
  const r = await installAction({ ...g(ns), name: 'o', chartRef: CHART, takeOwnership: true, forceConflicts: true });
  assert.is(r.record.status, 'deployed');
  const live = await cms(ns);
  assert.is(live['o-a']!.value, 'one');
  assert.is(live['o-b']!.ann['kfchart.io/release-name'], 'o');
});

test('immutable selector change is reported clearly; --atomic restores the previous revision', async () => {
  const ns = await newNamespace('lc-imm');
  await installAction({ ...g(ns), name: 'imm', chartRef: CHART, sets: sets('deployment=true') });
  try {
    await upgradeAction({ ...g(ns), name: 'imm', chartRef: CHART, sets: sets('deployment=true', 'selector=other', 'configs={a,z}'), atomic: true });
    assert.unreachable();
  } catch (e) {
    const m = (e as Error).message;
    assert.match(m, /apps\/v1 Deployment .*imm-web was rejected/);
    assert.match(m, /immutable/);
    assert.match(m, /--atomic rolled back to revision 1 \(now revision 3\)/);
  }
  assert.equal(await records(ns, 'imm'), { 1: 'superseded', 2: 'failed', 3: 'deployed' });
  const k8s = await import('@kubernetes/client-node');
  const { loadKubeConfig } = await import('../helpers/cluster.js');
  const apps = (await loadKubeConfig()).makeApiClient(k8s.AppsV1Api);
  const dep = await apps.readNamespacedDeployment({ name: 'imm-web', namespace: ns });
  assert.equal(dep.spec!.selector.matchLabels, { app: 'web' });
  assert.equal(Object.keys(await cms(ns)).sort(), ['imm-a', 'imm-b'], 'object the failed upgrade created is pruned by the rollback');
});

/**
 * No nodes run pods here, and the deployment controller recomputes a Deployment's status from its ReplicaSets,
 * which count ready Pods. So readiness is simulated where a kubelet would report it: the Pods' status subresource.
 */
async function setDeploymentReady(ns: string, app: string): Promise<void> {
  const core = await coreApi();
  await waitFor(`pods of ${app} to be ready`, async () => {
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: `app=${app}` });
    if (!pods.items.length) return false;
    for (const pod of pods.items) {
      if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      const now = new Date();
      await core.replaceNamespacedPodStatus({
        name: pod.metadata!.name!, namespace: ns,
        body: { ...pod, status: { phase: 'Running', podIP: '10.1.0.10', startTime: now, conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
          { type: 'Ready', status: 'True', lastTransitionTime: now },
        ] } },
      });
    }
    return true;
  }, 30_000, 200);
}

test('--wait: succeeds once the status subresource says ready; times out otherwise', async () => {
  const ns = await newNamespace('lc-wait');
  const lines: number[] = [];
  const install = installAction({ ...g(ns), name: 'w', chartRef: CHART, sets: sets('deployment=true'), wait: true, timeoutSeconds: 60, onWait: (p) => lines.push(p.notReady.length) });
  install.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
  await waitFor('the wait to start', async () => lines.length > 0, 30_000, 100);
  await setDeploymentReady(ns, 'web');
  const r = await install;
  assert.is(r.record.status, 'deployed');
  assert.ok(lines.some((n) => n > 0), 'progress reported the deployment as not ready first');
  assert.is(lines[lines.length - 1], 0);

  const t0 = Date.now();
  try {
    await installAction({ ...g(ns), name: 'w2', chartRef: CHART, sets: sets('deployment=true'), wait: true, timeoutSeconds: 2 });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /timed out after 2s waiting for 1 of 3 object/);
    assert.match((e as { details: string[] }).details.join('\n'), /w2-web: .*replicas/);
  }
  assert.ok(Date.now() - t0 < 15_000);
  assert.equal(await records(ns, 'w2'), { 1: 'failed' });
});

test('uninstall --wait: an object held by a finalizer times out with the finalizer named', async () => {
  const ns = await newNamespace('lc-held');
  await installAction({ ...g(ns), name: 'h', chartRef: CHART, historyMax: 10 });
  const core = await coreApi();
  const cm = await core.readNamespacedConfigMap({ name: 'h-a', namespace: ns });
  await core.replaceNamespacedConfigMap({ name: 'h-a', namespace: ns, body: { ...cm, metadata: { ...cm.metadata, finalizers: ['example.com/hold'] } } });
  try {
    await uninstallAction({ ...g(ns), name: 'h', wait: true, timeoutSeconds: 2 });
    assert.unreachable('uninstall returned');
  } catch (e) {
    assert.match((e as Error).message, /timed out after 2s waiting for 1 object\(s\) to be deleted/);
    assert.equal((e as { details: string[] }).details, [`  v1 ConfigMap ${ns}/h-a: finalizers example.com/hold`]);
  } finally {
    const held = await core.readNamespacedConfigMap({ name: 'h-a', namespace: ns });
    await core.replaceNamespacedConfigMap({ name: 'h-a', namespace: ns, body: { ...held, metadata: { ...held.metadata, finalizers: [] } } });
  }
});

test('a no-op upgrade changes no resourceVersion', async () => {
  const ns = await newNamespace('lc-noop');
  await installAction({ ...g(ns), name: 'n', chartRef: CHART, sets: sets('secret=true', 'keep=true', 'deployment=true') });
  const before = await cms(ns);
  const core = await coreApi();
  const sBefore = (await core.readNamespacedSecret({ name: 'n-password', namespace: ns })).metadata!.resourceVersion;
  const d = await diffUpgradeAction({ ...g(ns), name: 'n', chartRef: CHART, sets: sets('secret=true', 'keep=true', 'deployment=true') });
  assert.not.ok(d.changed, d.text);
  await upgradeAction({ ...g(ns), name: 'n', chartRef: CHART, sets: sets('secret=true', 'keep=true', 'deployment=true') });
  await upgradeAction({ ...g(ns), name: 'n', chartRef: CHART }); // no flags: previous values reused
  const after = await cms(ns);
  assert.equal(Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v.rv])), Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v.rv])));
  assert.is((await core.readNamespacedSecret({ name: 'n-password', namespace: ns })).metadata!.resourceVersion, sBefore);
  assert.equal(await records(ns, 'n'), { 1: 'superseded', 2: 'superseded', 3: 'deployed' });

  // Unchanged objects are not even sent; one changed behind our back (here: deleted) is applied again.
  const again = await upgradeAction({ ...g(ns), name: 'n', chartRef: CHART });
  assert.is(again.applied, 0);
  assert.is(again.unchanged, 5);
  await core.deleteNamespacedConfigMap({ name: 'n-a', namespace: ns });
  const healed = await upgradeAction({ ...g(ns), name: 'n', chartRef: CHART });
  assert.is(healed.applied, 1);
  assert.is((await cms(ns))['n-a']!.value, 'one');
});

test('--history-max prunes the oldest revisions, never the deployed one nor a failed one after it (its objects may be live)', async () => {
  const ns = await newNamespace('lc-hist');
  await installAction({ ...g(ns), name: 'h', chartRef: CHART });
  for (const v of ['two', 'three', 'four']) await upgradeAction({ ...g(ns), name: 'h', chartRef: CHART, sets: sets(`data=${v}`), historyMax: 2 });
  assert.equal(await records(ns, 'h'), { 3: 'superseded', 4: 'deployed' });
  // Failed upgrades after the deployed revision: the deployed one stays although it is the oldest, and so do the
  // failed ones (each may have created objects only its record names), beyond --history-max.
  await upgradeAction({ ...g(ns), name: 'h', chartRef: CHART, sets: sets('deployment=true'), historyMax: 2 });
  for (let i = 0; i < 2; i++) {
    await upgradeAction({ ...g(ns), name: 'h', chartRef: CHART, sets: sets('deployment=true', `data=x${i}`), wait: true, timeoutSeconds: 1, historyMax: 2 }).catch(() => undefined);
  }
  assert.equal(await records(ns, 'h'), { 5: 'deployed', 6: 'failed', 7: 'failed' });
});

test('corrupt and foreign records are reported, never crash; the release goes on', async () => {
  const ns = await newNamespace('lc-bad');
  await installAction({ ...g(ns), name: 'b', chartRef: CHART });
  const core = await coreApi();
  await core.createNamespacedSecret({ namespace: ns, body: {
    metadata: { name: 'kfchart.release.v1.b.v2', labels: { owner: 'kfchart', name: 'b', version: '2', status: 'deployed' } },
    type: 'kfchart.io/release.v1', data: { release: Buffer.from('not gzip at all').toString('base64') },
  } });
  await core.createNamespacedSecret({ namespace: ns, body: {
    metadata: { name: 'b-lookalike', labels: { owner: 'kfchart', name: 'b', version: '9', status: 'deployed' } }, type: 'Opaque', data: { x: 'eA==' },
  } });
  const h = await historyAction({ ...g(ns), name: 'b' });
  assert.equal(h.rows.map((r) => [r.revision, r.status]), [[1, 'deployed'], [2, 'unreadable'], [9, 'unreadable']]);
  assert.match(h.warnings.join('\n'), /kfchart\.release\.v1\.b\.v2: release data is not gzip-compressed/);
  assert.match(h.warnings.join('\n'), /b-lookalike: labelled owner=kfchart but of type Opaque.*foreign/);
  const st = await statusAction({ ...g(ns), name: 'b' });
  assert.is(st.revision, 1);
  const r = await upgradeAction({ ...g(ns), name: 'b', chartRef: CHART, sets: sets('data=two') });
  assert.is(r.record.revision, 10, 'next revision skips the numbers unreadable records hold');
  try {
    await rollbackAction({ ...g(ns), name: 'b', revision: 2 });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /revision 2 cannot be read: .*not gzip/);
  }
  // A record whose JSON breaks the schema.
  const { gzipSync } = await import('node:zlib');
  await core.createNamespacedSecret({ namespace: ns, body: {
    metadata: { name: 'kfchart.release.v1.b.v11', labels: { owner: 'kfchart', name: 'b', version: '11', status: 'deployed' } },
    type: 'kfchart.io/release.v1', data: { release: gzipSync(JSON.stringify({ apiVersion: 'kfchart.io/v1', kind: 'Release', name: 'b' })).toString('base64') },
  } });
  const h2 = await historyAction({ ...g(ns), name: 'b' });
  assert.match(h2.warnings.join('\n'), /v11: not a valid kfchart release record/);
  const l = await listAction({ ...g(ns) });
  assert.equal(l.rows.map((x) => [x.name, x.revision]), [['b', 10]]);
});

test('--dry-run=server checks every object without writing; the diff mode (kfchart diff) diffs', async () => {
  const ns = await newNamespace('lc-dry');
  const r = await installAction({ ...g(ns), name: 'd', chartRef: CHART, dryRun: 'server' });
  assert.is(r.dryRun, 'server');
  assert.is(r.applied, 2);
  assert.equal(await cms(ns), {});
  assert.equal(await records(ns, 'd'), {});
  const c = await installAction({ ...g(ns), name: 'd', chartRef: CHART, dryRun: 'diff' });
  assert.match(c.diff!, /2 to add, 0 to change/);
  assert.equal(await records(ns, 'd'), {});
  try {
    await installAction({ ...g(ns), name: 'd', chartRef: CHART, sets: sets('configs={Bad_Name}'), dryRun: 'server' });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /ConfigMap .*d-Bad_Name was rejected/);
  }
  void statusOf;
});

test('a killed install (pending-install, nothing deployed): rollback explains, install --recover installs again', async () => {
  const ns = await newNamespace('lc-pinst');
  await installAction({ ...g(ns), name: 'p', chartRef: CHART });
  const { openSession } = await import('../../engine/actions/lifecycle/operation.js');
  const s = await openSession(g(ns));
  const [v1] = (await s.storage.history(ns, 'p')).revisions;
  await s.storage.remove(ns, 'p', 1);
  await s.storage.create({ ...v1!.record, status: 'pending-install' });
  s.client.close();
  await rollbackAction({ ...g(ns), name: 'p' }).then(() => assert.unreachable(), (e) =>
    assert.match((e as Error).message, /no deployed revision to go back to \(revision 1 is pending-install\).*install p <chart> -n \S+ --recover/));
  await installAction({ ...g(ns), name: 'p', chartRef: CHART }).then(() => assert.unreachable(), (e) =>
    assert.match((e as Error).message, /revision 1 is pending-install/));
  const r = await installAction({ ...g(ns), name: 'p', chartRef: CHART, recover: true });
  assert.is(r.record.revision, 2);
  assert.equal(await records(ns, 'p'), { 1: 'failed', 2: 'deployed' });
});

test('--atomic install: a failed install is uninstalled (objects and record), foreign objects untouched', async () => {
  const ns = await newNamespace('lc-atomic');
  const core = await coreApi();
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'other' }, data: { value: 'x' } } });
  try {
    await installAction({ ...g(ns), name: 'at', chartRef: CHART, sets: sets('configs={a,b,Bad_Name}'), atomic: true });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /install of release at \(revision 1\) failed and was uninstalled \(--atomic\): apply of v1 ConfigMap .*at-Bad_Name was rejected/);
  }
  assert.equal(Object.keys(await cms(ns)), ['other']);
  assert.equal(await records(ns, 'at'), {});
});

test.run();
