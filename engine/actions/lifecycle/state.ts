// Owns: reading a release's history and answering the questions every verb asks of it: which revision is
// deployed, which is latest, is one pending (an operation running, or killed), what the next revision number is,
// which objects earlier revisions may have left behind (the prune inventory). Pure over a HistoryResult.
// Must not: write anything.

import { KfError } from '../../errors.js';
import { objectKey } from '../../manifest/index.js';
import { isPending, type Broken, type HistoryResult, type InventoryItem, type Stored } from '../../release/index.js';

export interface ReleaseState {
  name: string;
  namespace: string;
  revisions: Stored[];
  broken: Broken[];
  latest?: Stored;
  deployed?: Stored;
  pending?: Stored;
  nextRevision: number;
}

export function releaseState(namespace: string, name: string, h: HistoryResult): ReleaseState {
  const revisions = [...h.revisions].sort((a, b) => a.record.revision - b.record.revision);
  const latest = revisions[revisions.length - 1];
  const deployedAll = revisions.filter((s) => s.record.status === 'deployed');
  const deployed = deployedAll[deployedAll.length - 1];
  const pending = [...revisions].reverse().find((s) => isPending(s.record.status));
  const maxRev = Math.max(0, ...revisions.map((s) => s.record.revision), ...h.broken.map((b) => b.revision ?? 0));
  return { name, namespace, revisions, broken: h.broken, latest, deployed, pending, nextRevision: maxRev + 1 };
}

/** The message every command gives when a revision is pending (running elsewhere, or left by a killed process). */
export function pendingMessage(st: ReleaseState): string {
  const p = st.pending!.record;
  return (
    `release ${st.name} has an operation in progress: revision ${p.revision} is ${p.status} since ${p.lastDeployed}. ` +
    `If no other kfchart is working on it (e.g. it was killed), run \`kfchart rollback ${st.name} -n ${st.namespace}\` or repeat the command with --recover`
  );
}

export function assertNotPending(st: ReleaseState, recover: boolean): void {
  if (st.pending && !recover) throw new KfError(pendingMessage(st));
}

/** Whether there is a live release (something deployed, failed after a deploy, or pending). */
export function exists(st: ReleaseState): boolean {
  return st.revisions.some((s) => s.record.status !== 'uninstalled');
}

/**
 * Objects that earlier revisions may have put in the cluster: the deployed revision's inventory plus every
 * failed or pending revision after it (a failed upgrade may have created objects before it failed).
 */
export function previousInventory(st: ReleaseState): InventoryItem[] {
  const from = st.deployed?.record.revision ?? 0;
  const out = new Map<string, InventoryItem>();
  for (const s of st.revisions) {
    const r = s.record;
    const counts = r.revision === from || (r.revision > from && (r.status === 'failed' || isPending(r.status)));
    if (!counts) continue;
    for (const i of r.inventory) if (!out.has(objectKey(i))) out.set(objectKey(i), i);
  }
  return [...out.values()];
}
