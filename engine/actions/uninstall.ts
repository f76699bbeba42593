// Owns: `kfchart uninstall <name>`: mark the release uninstalling, delete every object of it in reverse install
// order (CRDs kept unless --delete-crds, `keep` objects kept, objects now owned by another release left alone),
// optionally wait until they are gone, then delete the records (or mark the last one uninstalled with
// --keep-history). Must not: print.

import { KfError } from '../errors.js';
import type { ReleaseRecord } from '../release/index.js';
import { waitDeleted } from '../kube/index.js';
import { objectId, type KObject } from '../manifest/index.js';
import { prune } from './lifecycle/prune.js';
import { withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';
import { previousInventory } from './lifecycle/state.js';

export interface UninstallOptions extends GlobalOptions {
  name: string;
  keepHistory?: boolean;
  wait?: boolean;
  timeoutSeconds?: number;
  deleteCrds?: boolean;
  dryRun?: boolean;
  recover?: boolean;
  onLine?: (l: string) => void;
  session?: Session;
}

export interface UninstallResult {
  release: string;
  deleted: string[];
  kept: string[];
  keptHistory: boolean;
}

export async function uninstallAction(o: UninstallOptions): Promise<UninstallResult> {
  const log = o.onLine ?? (() => {});
  return withRelease(o, async (s, st) => {
    const live = st.revisions.filter((r) => r.record.status !== 'uninstalled');
    if (!live.length) throw new KfError(`release ${o.name} not found in namespace ${st.namespace}`);
    // An uninstall may clean up after a killed operation: a pending revision is not a reason to stop.
    const inv = previousInventory(st.deployed ? st : { ...st, deployed: st.latest });
    const crds = inv.filter((i) => i.kind === 'CustomResourceDefinition' && !o.deleteCrds);
    // With --keep-history the records must survive: the namespace that holds them is not deleted.
    const homeNs = inv.filter((i) => o.keepHistory && i.kind === 'Namespace' && i.apiVersion === 'v1' && i.name === st.namespace);
    const keepItems = inv.filter((i) => i.keep || homeNs.includes(i));
    const toDelete = inv.filter((i) => !crds.includes(i) && !keepItems.includes(i));
    if (o.dryRun) {
      return { release: o.name, deleted: toDelete.map(objectId), kept: [...crds, ...keepItems].map(objectId), keptHistory: !!o.keepHistory };
    }
    const latest = st.latest!;
    const marking: ReleaseRecord = { ...latest.record, status: 'uninstalling', description: 'Deletion in progress' };
    const tok = await s.storage.update(marking, latest.token);
    const deleted = await prune(s.objects, toDelete, o.name, st.namespace, log, { deleteCrds: !!o.deleteCrds });
    if (o.wait) {
      const refs = toDelete.map((i) => ({ apiVersion: i.apiVersion, kind: i.kind, metadata: { name: i.name, namespace: i.namespace } }) as KObject);
      const gone = new Set(deleted);
      await waitDeleted(s.objects, refs.filter((r) => gone.has(objectId(r))), {
        timeoutMs: (o.timeoutSeconds ?? 300) * 1000,
      });
    }
    if (o.keepHistory) {
      await s.storage.update({ ...marking, status: 'uninstalled', description: 'Uninstallation complete', deleted: new Date().toISOString() }, tok.token);
      for (const r of st.revisions) {
        if (r.record.revision !== latest.record.revision && (r.record.status === 'deployed' || r.record.status.startsWith('pending-'))) {
          await s.storage.update({ ...r.record, status: r.record.status === 'deployed' ? 'superseded' : 'failed' }, r.token).catch(() => undefined);
        }
      }
    } else {
      for (const r of st.revisions) await s.storage.remove(st.namespace, o.name, r.record.revision);
      for (const b of st.broken) if (b.revision) await s.storage.remove(st.namespace, o.name, b.revision);
    }
    return { release: o.name, deleted, kept: [...crds, ...keepItems].map(objectId), keptHistory: !!o.keepHistory };
  });
}
