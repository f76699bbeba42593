// Owns: `kfchart rollback <name> [revision]`: re-apply a stored revision as a new revision. Also the recovery of a
// killed operation: a pending revision is marked failed first, and the default target is then the revision that is
// still deployed (so one command restores a consistent state). Must not: print.

import { KfError } from '../errors.js';
import { runOperation, type OperationFlags, type OperationResult } from './lifecycle/operation.js';
import { withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';
import { rollbackTarget } from './lifecycle/target.js';
import { assertNotPending, repairCommand, type ReleaseState } from './lifecycle/state.js';

export interface RollbackOptions extends GlobalOptions, OperationFlags {
  name: string;
  revision?: number;
  session?: Session;
}

/** The revision `rollback` goes back to when none is named. */
export function defaultRollbackRevision(st: ReleaseState): number {
  const latest = st.latest!.record;
  if (st.deployed && (latest.status === 'failed' || latest.status.startsWith('pending-') || latest.revision !== st.deployed.record.revision)) {
    // Something after the deployed revision failed or never finished: go back to what is deployed.
    return st.deployed.record.revision;
  }
  // An older revision still marked deployed (a supersede that did not complete) counts as superseded.
  const below = st.revisions.filter((r) => r.record.revision < (st.deployed?.record.revision ?? latest.revision) && (r.record.status === 'superseded' || r.record.status === 'deployed'));
  const prev = below[below.length - 1];
  if (!prev) throw new KfError(`release ${st.name} has no earlier revision to roll back to`);
  return prev.record.revision;
}

export async function rollbackAction(o: RollbackOptions): Promise<OperationResult> {
  return withRelease(o, async (s, st) => {
    if (!st.latest) throw new KfError(`release ${o.name} not found in namespace ${st.namespace}`);
    // rollback is the recovery command: a pending revision whose holder is gone is taken over without --recover;
    // one whose holder is alive never is.
    assertNotPending(st, true);
    if (!st.deployed && st.pending && o.revision === undefined) {
      const p = st.pending.record;
      throw new KfError(`release ${o.name} has no deployed revision to go back to (revision ${p.revision} is ${p.status}); run ${repairCommand(st)}`);
    }
    const rev = o.revision ?? defaultRollbackRevision(st);
    const target = st.revisions.find((r) => r.record.revision === rev);
    if (!target) {
      const broken = st.broken.find((b) => b.revision === rev);
      throw new KfError(broken ? `release ${o.name} revision ${rev} cannot be read: ${broken.error}` : `release ${o.name} has no revision ${rev}`);
    }
    if (target.record.status.startsWith('pending-')) throw new KfError(`release ${o.name} revision ${rev} never finished (${target.record.status}); choose another revision`);
    return runOperation(s, st, rollbackTarget(target.record), { ...o, recover: true });
  });
}
