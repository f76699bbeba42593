// Owns: helm 4's --force-replace for kfchart: every object of the target that exists already is deleted (its uid
// as precondition) and waited gone, so the apply that follows creates it again from the chart alone (an immutable
// field changes, fields other managers set are dropped). Namespaces and CustomResourceDefinitions are never
// replaced: deleting one deletes everything in it or of its kind.
// Also --cleanup-on-fail's list: the objects of the target that do not exist yet (an operation that fails deletes
// them). Must not: touch objects outside the target.

import { waitDeleted, type Objects } from '../../kube/index.js';
import { objectId, type KObject } from '../../manifest/index.js';
import type { InventoryItem } from '../../release/index.js';
import { inventoryOf } from './ownership.js';

const NEVER_REPLACED = new Set(['Namespace', 'CustomResourceDefinition']);

export async function replaceExisting(objects: Objects, target: KObject[], opts: { signal?: AbortSignal; onLine?: (l: string) => void; timeoutMs?: number }): Promise<string[]> {
  const gone: KObject[] = [];
  for (const o of target) {
    if (NEVER_REPLACED.has(o.kind)) continue;
    const live = await objects.get(o, opts.signal);
    if (!live) continue;
    const uid = (live.metadata as { uid?: string }).uid;
    if (await objects.delete(o, uid ? { uid } : {})) {
      gone.push(o);
      opts.onLine?.(`replacing ${objectId(o)}: deleted, to be created again`);
    }
  }
  if (gone.length) await waitDeleted(objects, gone, { timeoutMs: opts.timeoutMs ?? 120_000, signal: opts.signal });
  return gone.map(objectId);
}

/** The objects of `target` the cluster does not hold now (what this operation creates). */
export async function absentObjects(objects: Objects, target: KObject[]): Promise<InventoryItem[]> {
  const out: KObject[] = [];
  for (const o of target) if (!(await objects.get(o))) out.push(o);
  return inventoryOf(out);
}
