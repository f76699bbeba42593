// unchangedCrds (engine/actions/lifecycle/ownership.ts): which CRDs an install may leave unsent — only those whose
// live metadata proves they are as rendered: this release's, the same content digest, no field manager but
// kfchart's applies (status aside), not being deleted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ownObjects, unchangedCrds, ANN_DIGEST, ANN_RELEASED, contentDigest } from '../../../engine/actions/lifecycle/ownership.js';
import { objectKey, type KObject } from '../../../engine/manifest/index.js';
import type { ObjectMeta } from '../../../engine/kube/index.js';

const crd: KObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.io' }, spec: { group: 'example.io' } };
const [owned] = ownObjects([{ object: crd }], 'r', 'ns').map((e) => e.object) as [KObject];
const ours = [{ manager: 'kfchart', operation: 'Apply' }, { manager: 'kube-apiserver', operation: 'Update', subresource: 'status' }];
const live = (over: Partial<ObjectMeta> = {}): Map<string, ObjectMeta> => new Map([[objectKey(owned), {
  name: crd.metadata.name, resourceVersion: '42', annotations: { ...owned.metadata.annotations }, managedFields: ours, ...over,
}]]);

test('the digest ignores kfchart.io/ annotations and key order, and changes with the content', () => {
  assert.match(owned.metadata.annotations![ANN_DIGEST]!, /^[0-9a-f]{64}$/);
  assert.is(contentDigest({ ...crd, spec: { group: 'example.io' }, metadata: { name: crd.metadata.name, annotations: { 'kfchart.io/x': 'y' } } }), owned.metadata.annotations![ANN_DIGEST]);
  assert.is.not(contentDigest({ ...crd, spec: { group: 'other.io' } }), owned.metadata.annotations![ANN_DIGEST]);
});

test('unchanged only when provably as rendered', () => {
  assert.equal([...unchangedCrds([owned], live(), 'r', 'ns').values()], ['42']);
  const not = (m: Map<string, ObjectMeta>, why: string) => assert.is(unchangedCrds([owned], m, 'r', 'ns').size, 0, why);
  not(new Map(), 'absent: created');
  not(live({ annotations: { ...owned.metadata.annotations, [ANN_DIGEST]: 'f'.repeat(64) } }), 'other content');
  not(live({ managedFields: [...ours, { manager: 'kubectl-edit', operation: 'Update' }] }), 'edited by someone else');
  not(live({ managedFields: [{ manager: 'kfchart', operation: 'Update' }] }), 'an update, not an apply');
  not(live({ managedFields: [] }), 'managedFields cleared');
  not(live({ annotations: { ...owned.metadata.annotations, 'kfchart.io/release-name': 'other' } }), 'another release');
  not(live({ annotations: { ...owned.metadata.annotations, [ANN_RELEASED]: 'ns/r' } }), 'released');
  not(live({ deletionTimestamp: '2026-01-01T00:00:00Z' }), 'being deleted');
  assert.is(unchangedCrds([owned], live(), 'r', 'other-ns').size, 0, 'same name, other namespace');
});

test.run();
