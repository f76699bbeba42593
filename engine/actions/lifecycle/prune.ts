// Owns: deleting a release's stale objects — in reverse install order, one ordering tier at a time, skipping
// `kfchart.io/resource-policy: keep` and objects that do not say they are this release's (adopted by another
// release, or never annotated by us); a CRD only once the server serves its objects. And releasing the objects an
// uninstall keeps (CRDs aside: left as they are): their ownership annotations removed, so a later release adopts
// them without --take-ownership.
// Must not: read or write release records.

import { kindRank, objectId, objectKey, type KObject } from '../../manifest/index.js';
import type { ObjectMeta, Objects } from '../../kube/index.js';
import type { InventoryItem } from '../../release/index.js';
import { cloneValue } from '../../values/index.js';
import { applyTiers } from './apply.js';
import { ANN_NAME, ANN_NAMESPACE, ANN_POLICY, ANN_RELEASED, ownerOf } from './ownership.js';

/**
 * Objects an uninstall keeps stop naming the release: each is applied again as last stored (by `manifests`, newest
 * first) without the ownership annotations — server-side apply drops fields its manager no longer sends — and with
 * `kfchart.io/released-from: <ns>/<name>`, which lets a later release adopt it. Objects another release owns by now
 * are left alone. Returns the ids released.
 */
export async function releaseObjects(
  objects: Objects, kept: InventoryItem[], manifests: () => KObject[][], name: string, ns: string, log: (l: string) => void,
): Promise<string[]> {
  const refs = kept.map(itemRef);
  const metas = await objects.metadataOf(refs);
  // The stored manifests are parsed only when something is still ours to release.
  const byKey = new Map<string, KObject>();
  if (metas.some((m) => m && ownerOf(m.annotations) === `${ns}/${name}`)) {
    for (const list of manifests()) for (const o of list) if (!byKey.has(objectKey(o))) byKey.set(objectKey(o), o);
  }
  const out: string[] = [];
  await Promise.all(refs.map(async (ref, i) => {
    const m = metas[i], stored = byKey.get(objectKey(ref));
    if (!m || ownerOf(m.annotations) !== `${ns}/${name}`) return;
    if (!stored) { log(`kept ${objectId(ref)} still names release ${ns}/${name}: no stored manifest of it`); return; }
    const o = cloneValue(stored) as KObject;
    const ann = { ...(o.metadata.annotations ?? {}) };
    delete ann[ANN_NAME];
    delete ann[ANN_NAMESPACE];
    o.metadata.annotations = { ...ann, [ANN_RELEASED]: `${ns}/${name}` };
    try {
      await objects.apply(o);
      out.push(objectId(ref));
    } catch (e) {
      log(`warning: kept ${objectId(ref)} could not be released from release ${ns}/${name}: ${(e as Error).message}`);
    }
  }));
  if (out.length) log(`released ${out.length} kept object(s) from the release`);
  return out;
}

/** The reference (apiVersion, kind, name, namespace) of an inventory item, for requests about the live object. */
export function itemRef(i: InventoryItem): KObject {
  return { apiVersion: i.apiVersion, kind: i.kind, metadata: { name: i.name, namespace: i.namespace } } as KObject;
}

/**
 * Kinds whose controllers write their status (or spec) after every apply: recorded resourceVersions of them are stale
 * by the time of a delete, so their metadata is read first instead of a delete that would be refused.
 */
const STATUS_WRITTEN = new Set([
  'CustomResourceDefinition', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod',
  'PersistentVolumeClaim', 'PersistentVolume', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'APIService',
]);

/**
 * Delete stale objects (reverse install order, one ordering tier at a time), skipping `keep` and objects now owned by
 * another release. An object recorded with the resourceVersion kfchart's apply left it at is deleted in one request
 * with that resourceVersion as precondition: untouched since, it still carries exactly the annotations kfchart
 * applied (ours, not `keep`), so nothing needs reading first. If it changed meanwhile (a controller wrote its
 * status, someone edited or adopted it), the server refuses (409) and the object is read and checked as any other.
 * CRDs (which wait until served first) and the kinds of STATUS_WRITTEN go the reading way.
 */
export async function prune(
  objects: Objects, stale: InventoryItem[], name: string, ns: string, log: (l: string) => void,
  opts: { deleteCrds?: boolean; propagation?: 'background' | 'orphan' | 'foreground' } = {},
): Promise<string[]> {
  const how = opts.propagation ? { propagation: opts.propagation } : {};
  const items = stale
    .filter((i) => !i.keep && (opts.deleteCrds !== false || i.kind !== 'CustomResourceDefinition'))
    .sort((a, b) => kindRank(a.kind) - kindRank(b.kind));
  const direct = (i: InventoryItem) => !!(i.rv && objects.deleteIfUnchanged && !STATUS_WRITTEN.has(i.kind));
  // The others' metadata, read in bulk while the first deletes go out.
  const readFirst = items.filter((i) => !direct(i));
  const metas = objects.metadataOf(readFirst.map(itemRef)).then((l) => new Map(l.map((m, k) => [readFirst[k]!, m])));
  metas.catch(() => undefined); // awaited below; a failure is reported there
  const out: string[] = [];
  /** Checks the live metadata and deletes with a uid precondition. */
  const checked = async (o: KObject, m: ObjectMeta | undefined): Promise<void> => {
    if (!m) return;
    if (m.annotations?.[ANN_POLICY] === 'keep') { log(`kept ${objectId(o)} (resource-policy keep)`); return; }
    const owner = ownerOf(m.annotations);
    // Only objects that say they are ours are deleted (adopted by another release, or never annotated by us because
    // the apply that would have adopted them failed: left alone).
    if (owner !== `${ns}/${name}`) { log(`left ${objectId(o)}: owned by ${owner ? `release ${owner}` : 'no kfchart release'}`); return; }
    // A CRD is deleted only once the server serves its objects (see Objects.waitCrdServed): else it can linger.
    if (o.kind === 'CustomResourceDefinition') await objects.waitCrdServed(o.metadata.name);
    if (await objects.delete(o, { uid: m.uid, ...how })) out.push(objectId(o));
  };
  const one = async (i: InventoryItem): Promise<void> => {
    const o = itemRef(i);
    if (!direct(i)) return checked(o, (await metas).get(i));
    const r = await objects.deleteIfUnchanged!(o, i.rv!, how);
    if (r === 'deleted') out.push(objectId(o));
    else if (r === 'changed') await checked(o, (await objects.metadataOf([o]))[0]);
  };
  // The ordering tiers of apply, the other way round: custom resources, webhooks, workloads, the rest, CRDs, Namespaces.
  for (const tier of applyTiers(items).reverse()) await Promise.all(tier.map(one));
  if (out.length) log(`deleted ${out.length} object(s) no longer in the release`);
  return out;
}
