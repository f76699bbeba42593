// Owns: `kfchart diff upgrade <name> <chart>` and `kfchart diff rollback <name> [revision]`: what the operation
// would change, per object, against the live cluster (server-side dry-run apply, nothing written).
// The CLI exits 0 when nothing would change and 2 when something would. Must not: print.

import { KfError } from '../errors.js';
import { runOperation, type OperationResult } from './lifecycle/operation.js';
import { withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';
import { rollbackTarget } from './lifecycle/target.js';
import { defaultRollbackRevision } from './rollback.js';
import { upgradeAction, type DeployOptions } from './upgrade.js';

export interface DiffResult {
  changed: boolean;
  text: string;
  result: OperationResult;
}

function toDiff(r: OperationResult): DiffResult {
  const changed = (r.changes ?? []).some((c) => c.change !== 'unchanged');
  return { changed, text: r.diff ?? '', result: r };
}

export async function diffUpgradeAction(o: DeployOptions): Promise<DiffResult> {
  return toDiff(await upgradeAction({ ...o, install: true, dryRun: 'diff' }));
}

export async function diffRollbackAction(o: GlobalOptions & { name: string; revision?: number; color?: boolean; session?: Session }): Promise<DiffResult> {
  return withRelease(o, async (s, st) => {
    if (!st.latest) throw new KfError(`release ${o.name} not found in namespace ${st.namespace}`);
    const rev = o.revision ?? defaultRollbackRevision(st);
    const t = st.revisions.find((r) => r.record.revision === rev);
    if (!t) throw new KfError(`release ${o.name} has no revision ${rev}`);
    return toDiff(await runOperation(s, st, rollbackTarget(t.record), { dryRun: 'diff', color: o.color, allowCrdRemoval: true, takeOwnership: true }));
  });
}
