// Owns: deleting a release's stale objects — in reverse install order, one kind rank at a time, skipping
// `kfchart.io/resource-policy: keep` and objects that do not say they are this release's (adopted by another
// release, or never annotated by us); a CRD only once the server serves its objects.
// Must not: read or write release records.

import { kindRank, objectId, type KObject } from '../../manifest/index.js';
import type { Objects } from '../../kube/index.js';
import type { InventoryItem } from '../../release/index.js';
import { ANN_POLICY, ownerOf } from './ownership.js';

/** Delete stale objects (reverse install order), skipping `keep` and objects now owned by another release. */
export async function prune(objects: Objects, stale: InventoryItem[], name: string, ns: string, log: (l: string) => void, opts: { deleteCrds?: boolean } = {}): Promise<string[]> {
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
    batch.push(ready.then(() => objects.delete(o, { uid: m.uid })).then((gone) => { if (gone) out.push(objectId(o)); }));
  }
  await Promise.all(batch);
  if (out.length) log(`deleted ${out.length} object(s) no longer in the release`);
  return out;
}
