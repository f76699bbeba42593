// Owns: deleting a release's stale objects — in reverse install order, one kind rank at a time, skipping
// `kfchart.io/resource-policy: keep` and objects that do not say they are this release's (adopted by another
// release, or never annotated by us); a CRD only once the server serves its objects. And releasing the objects an
// uninstall keeps: their ownership annotations removed, so a later release adopts them without --take-ownership.
// Must not: read or write release records.

import { kindRank, objectId, objectKey, type KObject } from '../../manifest/index.js';
import type { Objects } from '../../kube/index.js';
import type { InventoryItem } from '../../release/index.js';
import { cloneValue } from '../../values/index.js';
import { ANN_NAME, ANN_NAMESPACE, ANN_POLICY, ANN_RELEASED, ownerOf } from './ownership.js';

/**
 * Objects an uninstall keeps stop naming the release: each is applied again as last stored (by `manifests`, newest
 * first) without the ownership annotations — server-side apply drops fields its manager no longer sends — and with
 * `kfchart.io/released-from: <ns>/<name>`, which lets a later release adopt it. Objects another release owns by now
 * are left alone. Returns the ids released.
 */
export async function releaseObjects(
  objects: Objects, kept: InventoryItem[], manifests: KObject[][], name: string, ns: string, log: (l: string) => void,
): Promise<string[]> {
  const byKey = new Map<string, KObject>();
  for (const list of manifests) for (const o of list) if (!byKey.has(objectKey(o))) byKey.set(objectKey(o), o);
  const refs = kept.map((i) => ({ apiVersion: i.apiVersion, kind: i.kind, metadata: { name: i.name, namespace: i.namespace } }) as KObject);
  const metas = await objects.metadataOf(refs);
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

/** Delete stale objects (reverse install order), skipping `keep` and objects now owned by another release. */
export async function prune(
  objects: Objects, stale: InventoryItem[], name: string, ns: string, log: (l: string) => void,
  opts: { deleteCrds?: boolean; propagation?: 'background' | 'orphan' | 'foreground' } = {},
): Promise<string[]> {
  const refs = stale
    .filter((i) => !i.keep && (opts.deleteCrds !== false || i.kind !== 'CustomResourceDefinition'))
    .map((i) => ({ apiVersion: i.apiVersion, kind: i.kind, metadata: { name: i.name, namespace: i.namespace } }) as KObject)
    .sort((a, b) => kindRank(b.kind) - kindRank(a.kind));
  const metas = await objects.metadataOf(refs);
  const out: string[] = [];
  let rank = -1;
  let batch: Promise<void>[] = [];
  for (let i = 0; i < refs.length; i++) {
    const o = refs[i]!, m = metas[i];
    if (!m) continue;
    if (m.annotations?.[ANN_POLICY] === 'keep') { log(`kept ${objectId(o)} (resource-policy keep)`); continue; }
    const owner = ownerOf(m.annotations);
    // Only objects that say they are ours are deleted (adopted by another release, or never annotated by us because
    // the apply that would have adopted them failed: left alone).
    if (owner !== `${ns}/${name}`) { log(`left ${objectId(o)}: owned by ${owner ? `release ${owner}` : 'no kfchart release'}`); continue; }
    const r = kindRank(o.kind);
    if (r !== rank) { await Promise.all(batch); batch = []; rank = r; }
    // A CRD is deleted only once the server serves its objects (see Objects.waitCrdServed): else it can linger.
    const ready = o.kind === 'CustomResourceDefinition' ? objects.waitCrdServed(o.metadata.name) : Promise.resolve();
    batch.push(ready.then(() => objects.delete(o, { uid: m.uid, ...(opts.propagation ? { propagation: opts.propagation } : {}) })).then((gone) => { if (gone) out.push(objectId(o)); }));
  }
  await Promise.all(batch);
  if (out.length) log(`deleted ${out.length} object(s) no longer in the release`);
  return out;
}
