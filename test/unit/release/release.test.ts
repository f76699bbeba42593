// Pure parts of the release lifecycle: record encoding and validation, the in-memory storage driver (create-if-
// absent lock, stale updates), history questions (deployed/pending/next revision/prune inventory), rollback
// default, CRD removal guard, ownership/ordering of objects, readiness rules, diff rendering, durations.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gzipSync } from 'node:zlib';
import {
  MemoryStorage, RevisionExistsError, StaleRecordError, decodeRecord, encodeRecord, recordName, parseRecordName,
  checkReleaseName, type ReleaseRecord,
} from '../../../engine/release/index.js';
import { releaseState, previousInventory, pendingMessage, assertNotPending } from '../../../engine/actions/lifecycle/state.js';
import { checkCrdRemoval, ownObjects, inventoryOf, recordObjects, manifestText } from '../../../engine/actions/lifecycle/operation.js';
import { defaultRollbackRevision } from '../../../engine/actions/rollback.js';
import { objectDiff, cleanForDiff, formatChanges } from '../../../engine/actions/lifecycle/changes.js';
import { readiness } from '../../../engine/kube/ready.js';
import { parseDuration } from '../../../engine/cli/flags.js';
import type { KObject } from '../../../engine/manifest/index.js';

const cm = (name: string, extra: Record<string, unknown> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', ...extra }, data: { v: name } });

function rec(revision: number, status: ReleaseRecord['status'], objs: KObject[] = [cm('a')]): ReleaseRecord {
  const owned = ownObjects(objs.map((object) => ({ template: 't.yaml', object })), 'r', 'ns');
  return {
    apiVersion: 'kfchart.io/v1', kind: 'Release', name: 'r', namespace: 'ns', revision, status, description: '',
    firstDeployed: '2026-01-01T00:00:00.000Z', lastDeployed: '2026-01-01T00:00:00.000Z',
    chart: { name: 'c', version: '1.0.0' }, config: {}, values: { a: 1 }, manifest: manifestText(owned),
    inventory: inventoryOf(owned.map((e) => e.object)), notes: '', persisted: { pw: 'x' }, applied: { operation: 'install', fieldManager: 'kfchart' },
  };
}

test('record: gzip JSON round trip, schema-checked; garbage and foreign data give a KfError', () => {
  const r = rec(1, 'deployed');
  const bytes = encodeRecord(r);
  assert.equal([bytes[0], bytes[1]], [0x1f, 0x8b]);
  assert.equal(decodeRecord(bytes, 'x'), r);
  assert.throws(() => decodeRecord(Buffer.from('nope'), 'Secret ns/s'), /Secret ns\/s: release data is not gzip-compressed/);
  assert.throws(() => decodeRecord(gzipSync('{bad'), 's'), /not valid JSON/);
  assert.throws(() => decodeRecord(gzipSync(JSON.stringify({ ...r, status: 'weird' })), 's'), /not a valid kfchart release record: \/status/);
  assert.throws(() => decodeRecord(gzipSync(JSON.stringify({ kind: 'Other' })), 's'), /not a valid kfchart release record/);
});

test('record names and release names', () => {
  assert.is(recordName('kf', 12), 'kfchart.release.v1.kf.v12');
  assert.equal(parseRecordName('kfchart.release.v1.my.rel.v3'), { name: 'my.rel', revision: 3 });
  assert.is(parseRecordName('sh.helm.release.v1.x.v1'), undefined);
  checkReleaseName('kubeflow-1');
  assert.throws(() => checkReleaseName('Kubeflow'), /invalid/);
  assert.throws(() => checkReleaseName('a'.repeat(54)), /invalid/);
});

test('memory storage: create-if-absent is the lock; updates need the current token; size limit', async () => {
  const s = new MemoryStorage();
  const a = await s.create(rec(1, 'pending-install'));
  try {
    await s.create(rec(1, 'pending-install'));
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof RevisionExistsError);
    assert.match((e as Error).message, /revision 1 was just created by another operation/);
  }
  const b = await s.update({ ...a.record, status: 'deployed' }, a.token);
  try {
    await s.update({ ...a.record, status: 'failed' }, a.token);
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof StaleRecordError);
  }
  assert.is((await s.history('ns', 'r')).revisions[0]!.record.status, 'deployed');
  assert.ok(b.size > 0);
  const huge = rec(2, 'pending-upgrade');
  huge.manifest = Array.from({ length: 200_000 }, (_, i) => `${i}:${Math.random()}`).join('\n');
  await s.create(huge).then(() => assert.unreachable(), (e) => assert.match((e as Error).message, /over the 1000000-byte limit of a Secret \(split the release/));
  s.putRaw('ns', 'kfchart.release.v1.r.v5', Buffer.from('junk'));
  const h = await s.history('ns', 'r');
  assert.is(h.revisions.length, 1);
  assert.equal(h.broken.map((x) => x.revision), [5]);
  assert.is(releaseState('ns', 'r', h).nextRevision, 6);
});

test('state: deployed, pending, next revision, and what earlier revisions may have left', () => {
  const h = { revisions: [1, 2, 3].map((n, i) => ({ record: rec(n, (['superseded', 'deployed', 'pending-upgrade'] as const)[i]!, [cm(`o${n}`)]), token: '1', size: 1 })), broken: [] };
  const st = releaseState('ns', 'r', h);
  assert.is(st.deployed!.record.revision, 2);
  assert.is(st.pending!.record.revision, 3);
  assert.is(st.nextRevision, 4);
  assert.equal(previousInventory(st).map((i) => i.name).sort(), ['o2', 'o3'], 'deployed + newer failed/pending, not older');
  assert.match(pendingMessage(st), /revision 3 is pending-upgrade .*kfchart rollback r -n ns.*--recover/);
  assert.throws(() => assertNotPending(st, false), /interrupted operation: revision 3/);
  assertNotPending(st, true);
  assert.is(defaultRollbackRevision(st), 2, 'after a killed upgrade, rollback goes to what is deployed');
  const clean = releaseState('ns', 'r', { revisions: h.revisions.slice(0, 2), broken: [] });
  assert.is(defaultRollbackRevision(clean), 1, 'otherwise to the previous deployed revision');
});

test('ownership annotations, install order and keep flag in the inventory', () => {
  const objs = [cm('b'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, cm('k', { annotations: { 'kfchart.io/resource-policy': 'keep' } })];
  const owned = ownObjects(objs.map((object) => ({ template: 't', object })), 'rel', 'ns');
  assert.equal(owned.map((e) => e.object.metadata.name), ['x', 'b', 'k']);
  assert.equal(owned[1]!.object.metadata.annotations, { 'kfchart.io/release-name': 'rel', 'kfchart.io/release-namespace': 'ns' });
  assert.is(objs[0]!.metadata.annotations, undefined, 'input not mutated');
  assert.equal(inventoryOf(owned.map((e) => e.object)).map((i) => !!i.keep), [false, false, true]);
  assert.equal(recordObjects(rec(1, 'deployed', [cm('z')])).map((o) => o.metadata.name), ['z']);
});

test('CRD removal guard: deleting a CRD or dropping a served version is refused unless allowed', () => {
  const crd = (versions: string[]): KObject => ({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gs.x.io' },
    spec: { versions: versions.map((name) => ({ name, served: true })) },
  });
  checkCrdRemoval([crd(['v1'])], [crd(['v1', 'v2'])], false, 'r');
  assert.throws(() => checkCrdRemoval([crd(['v1', 'v2'])], [crd(['v2'])], false, 'r'), /--allow-crd-removal/);
  try {
    checkCrdRemoval([crd(['v1'])], [], false, 'r');
  } catch (e) {
    assert.match((e as { details: string[] }).details[0]!, /CRD gs.x.io would be deleted/);
  }
  checkCrdRemoval([crd(['v1'])], [], true, 'r');
});

test('readiness rules', () => {
  const dep = (status: Record<string, unknown>, gen = 2): KObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation: gen }, spec: { replicas: 2 }, status });
  assert.is(readiness(undefined).ready, false);
  assert.match(readiness(dep({ observedGeneration: 1 })).reason!, /generation 2 not yet observed/);
  assert.match(readiness(dep({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })).reason!, /1\/2 replicas available/);
  assert.ok(readiness(dep({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })).ready);
  const job = (conds: unknown[]): KObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, status: { conditions: conds } });
  assert.ok(readiness(job([{ type: 'Complete', status: 'True' }])).ready);
  assert.ok(readiness(job([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }])).failed);
  assert.not.ok(readiness({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, status: { phase: 'Pending' } }).ready);
  assert.not.ok(readiness({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'c' }, status: {} }).ready);
  assert.match(readiness({ apiVersion: 'x.io/v1', kind: 'Gadget', metadata: { name: 'g' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Waiting' }] } }).reason!, /Ready=False \(Waiting\)/);
  assert.ok(readiness({ apiVersion: 'x.io/v1', kind: 'Gadget', metadata: { name: 'g' } }).ready, 'no Ready condition: ready once it exists');
  const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's', generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1, readyReplicas: 1, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' } } as KObject;
  assert.match(readiness(sts).reason!, /rolling update/);
});

test('diff: server bookkeeping ignored; unified, optionally coloured', () => {
  const live = { ...cm('a'), metadata: { name: 'a', namespace: 'ns', resourceVersion: '5', uid: 'u', managedFields: [{}] }, status: {} } as KObject;
  assert.is(objectDiff('a', live, cm('a')), '');
  assert.equal(Object.keys(cleanForDiff(live)!.metadata as object), ['name', 'namespace']);
  const d = objectDiff('v1 ConfigMap ns/a', live, { ...cm('a'), data: { v: 'b' } });
  assert.match(d, /--- live v1 ConfigMap ns\/a\n\+\+\+ new v1 ConfigMap ns\/a/);
  assert.match(d, /-  v: a\n\+  v: b/);
  assert.match(objectDiff('x', undefined, cm('a'), true), /\x1b\[32m\+kind: ConfigMap/);
  assert.match(formatChanges([{ id: 'x', change: 'unchanged', diff: '' }, { id: 'y', change: 'removed', diff: '-a' }]), /removed: y\n-a\n[\s\S]*0 to add, 0 to change, 1 to remove, 1 unchanged/);
});

test('diff never shows Secret values: keys that change are named, their content hidden', () => {
  const secret = (pw: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: { password: Buffer.from(pw).toString('base64'), same: 'eA==' } }) as unknown as KObject;
  const d = objectDiff('v1 Secret ns/s', secret('old-secret-value'), secret('new-secret-value!'));
  assert.match(d, /-  password: '?\(hidden: 16 bytes\)'?\n\+  password: '?\(hidden: 17 bytes, changed\)/);
  assert.not.match(d, /b2xkLXNlY3JldC12YWx1ZQ|bmV3LXNlY3JldC12YWx1ZSE|old-secret|new-secret/);
  assert.not.match(d, /[-+]\s+same:/, 'an unchanged key is not a change');
  assert.is(objectDiff('v1 Secret ns/s', secret('x'), secret('x')), '');
});

test('durations for --timeout', () => {
  assert.is(parseDuration('300'), 300);
  assert.is(parseDuration('5m'), 300);
  assert.is(parseDuration('1m30s'), 90);
  assert.is(parseDuration('1h'), 3600);
  assert.throws(() => parseDuration('5 minutes'), /not a duration/);
});

test.run();
