// Owns: `kfchart uninstall <name>`: take the release's lock (a new revision `uninstalling` naming every object to
// delete, lifecycle/lock.ts), delete every object of it in reverse install order (CRDs kept unless --delete-crds,
// `keep` objects kept and released from the release, objects now owned by another release left alone), optionally
// wait until they are gone, then delete the records (or mark the lock revision uninstalled with --keep-history).
// Must not: print.

import { KfError } from '../errors.js';
import type { InventoryItem, ReleaseRecord } from '../release/index.js';
import { waitDeleted } from '../kube/index.js';
import { objectId, objectKey } from '../manifest/index.js';
import { Lock, recoverPending } from './lifecycle/lock.js';
import { itemRef, prune, releaseObjects } from './lifecycle/prune.js';
import { loadState, withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';
import { holderOf, pendingMessage, previousInventory, type ReleaseState } from './lifecycle/state.js';
import { recordObjects } from './lifecycle/target.js';
import { hookTimeoutMs, runHooks } from './lifecycle/hooks.js';

export interface UninstallOptions extends GlobalOptions {
  name: string;
  keepHistory?: boolean;
  wait?: boolean;
  timeoutSeconds?: number;
  deleteCrds?: boolean;
  dryRun?: boolean;
  recover?: boolean;
  /** Deletion propagation of every object (Kubernetes' propagationPolicy; default background). */
  cascade?: 'background' | 'orphan' | 'foreground';
  /** A release that does not exist is a result (notFound), not an error. */
  ignoreNotFound?: boolean;
  /** --keep-history: the uninstalled revision's description. */
  description?: string;
  /** --no-hooks: run no pre-delete / post-delete hooks. */
  noHooks?: boolean;
  onLine?: (l: string) => void;
  session?: Session;
}

export interface UninstallResult {
  release: string;
  deleted: string[];
  kept: string[];
  keptHistory: boolean;
  /** --ignore-not-found and there was no such release. */
  notFound?: boolean;
}

/** Every object the release may have in the cluster: the deployed revision and what came after, else every revision's. */
function releaseInventory(st: ReleaseState): InventoryItem[] {
  if (st.deployed) return previousInventory(st);
  const out = new Map<string, InventoryItem>();
  for (const r of st.revisions) if (r.record.status !== 'uninstalled') for (const i of r.record.inventory) if (!out.has(objectKey(i))) out.set(objectKey(i), i);
  return [...out.values()];
}

export async function uninstallAction(o: UninstallOptions): Promise<UninstallResult> {
  const log = o.onLine ?? (() => {});
  return withRelease(o, async (s, st) => {
    const live = st.revisions.filter((r) => r.record.status !== 'uninstalled');
    if (!live.length) {
      if (o.ignoreNotFound) return { release: o.name, deleted: [], kept: [], keptHistory: false, notFound: true };
      throw new KfError(`release ${o.name} not found in namespace ${st.namespace}`);
    }
    // Another kfchart working on the release: never taken over. A pending revision whose holder is gone (killed
    // upgrade, interrupted uninstall) is what an uninstall cleans up after.
    if (st.pending && holderOf(st.pending).alive) throw new KfError(pendingMessage(st));
    const inv = releaseInventory(st);
    const crds = inv.filter((i) => i.kind === 'CustomResourceDefinition' && !o.deleteCrds);
    // With --keep-history the records must survive: the namespace that holds them is not deleted.
    const homeNs = inv.filter((i) => o.keepHistory && i.kind === 'Namespace' && i.apiVersion === 'v1' && i.name === st.namespace);
    const keepItems = inv.filter((i) => i.keep || homeNs.includes(i));
    const toDelete = inv.filter((i) => !crds.includes(i) && !keepItems.includes(i));
    const kept = [...crds, ...keepItems];
    if (o.dryRun) return { release: o.name, deleted: toDelete.map(objectId), kept: kept.map(objectId), keptHistory: !!o.keepHistory };

    // Discovery (two GETs) goes out beside the lock's write instead of after it: the first delete needs it.
    s.objects.discovery.apiVersions().catch(() => undefined);
    if (st.pending) await recoverPending(s, st, log);
    const base = (st.deployed ?? st.latest!).record;
    const now = new Date().toISOString();
    const marking: ReleaseRecord = { ...base, revision: st.nextRevision, status: 'uninstalling', description: 'Deletion in progress', lastDeployed: now, inventory: inv };
    const lock = await Lock.acquire(s, marking, 'uninstall');
    /** The lock revision becomes failed (its inventory still names everything), so the next uninstall starts over. */
    const failed = async (e: unknown): Promise<never> => {
      const msg = (e as Error).message;
      s.client.setDeadline?.(60, '60 s allowed to record a failure');
      await lock.update({ ...marking, status: 'failed', description: `uninstall failed: ${msg}`.slice(0, 1000) }).catch(() => lock.stop());
      const k = e instanceof KfError ? e : undefined;
      throw new KfError(`${msg}; the uninstall of release ${o.name} did not finish: run \`kfchart uninstall ${o.name} -n ${st.namespace}\` again`, { cause: e, where: k?.where, details: k?.details });
    };
    let deleted: string[];
    const hooks = (event: 'pre-delete' | 'post-delete') => o.noHooks ? Promise.resolve([]) : runHooks(s.objects, marking.hooks, event, {
      timeoutMs: hookTimeoutMs(o.timeoutSeconds, s.client.remainingMs?.()), onLine: log,
    });
    try {
      // Kept CRDs stay exactly as they are (a later install of this release finds them unchanged and sends nothing;
      // once this release is gone, another takes them without --take-ownership); other kept objects are released,
      // at the same time as the deletes (they are disjoint).
      const manifests = () => [...st.revisions].reverse().map((r) => { try { return recordObjects(r.record); } catch { return []; } });
      const toRelease = kept.filter((i) => i.kind !== 'CustomResourceDefinition');
      await hooks('pre-delete');
      [deleted] = await Promise.all([
        prune(s.objects, toDelete, o.name, st.namespace, log, { deleteCrds: !!o.deleteCrds, ...(o.cascade ? { propagation: o.cascade } : {}) }),
        toRelease.length ? releaseObjects(s.objects, toRelease, manifests, o.name, st.namespace, log) : [],
      ]);
      if (o.wait) {
        const refs = toDelete.map(itemRef);
        const gone = new Set(deleted);
        await waitDeleted(s.objects, refs.filter((r) => gone.has(objectId(r))), { timeoutMs: (o.timeoutSeconds ?? 300) * 1000 });
      }
      await hooks('post-delete');
    } catch (e) {
      return failed(e);
    }
    try {
      // Without --keep-history only the revision numbers are needed, and they are known: nothing else writes the
      // release while this lock is held, and the lock revision is ours. (A recovered pending revision, or
      // --keep-history's updates, which need every record's current token: read them again.) Saves a LIST and the
      // decoding of every record, ~30 ms of a kubeflow uninstall (bench/RESULTS.md).
      const after = o.keepHistory || st.pending ? await loadState(s, o.name, st.namespace) : st;
      if (o.keepHistory) {
        await lock.update({ ...marking, status: 'uninstalled', description: o.description ?? 'Uninstallation complete', deleted: new Date().toISOString() });
        for (const r of after.revisions) {
          if (r.record.revision !== marking.revision && (r.record.status === 'deployed' || r.record.status.startsWith('pending-'))) {
            await s.storage.update({ ...r.record, status: r.record.status === 'deployed' ? 'superseded' : 'failed' }, r.token).catch(() => undefined);
          }
        }
      } else {
        // The lock revision goes last: until then every other command sees the uninstall in progress.
        const older = [...after.revisions.map((r) => r.record.revision), ...after.broken.map((b) => b.revision ?? 0)].filter((r) => r && r !== marking.revision);
        await Promise.all(older.map((r) => s.storage.remove(st.namespace, o.name, r)));
        await lock.stop();
        await s.storage.remove(st.namespace, o.name, marking.revision);
      }
    } catch (e) {
      // The objects are gone but removing the records failed part-way (found by test/cluster/faults.test.ts: a 5xx on
      // one record's DELETE left the lock renewing for as long as the process lived, so `status` said "wait" while
      // nothing was working on the release). Same as a failure above: the lock revision is marked failed (or, if it
      // can't be written, just stops being renewed) and the next uninstall removes what is left.
      return failed(e);
    }
    return { release: o.name, deleted, kept: kept.map(objectId), keptHistory: !!o.keepHistory };
  });
}
