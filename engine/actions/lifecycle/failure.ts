// Owns: the failure path of an operation: the pending revision recorded failed, history pruned, and with --atomic a
// failed install uninstalled (objects and record) or a failed upgrade rolled back to the deployed revision.
// Must not: print (lines go to flags.onLine).

import { KfError } from '../../errors.js';
import { pruneHistory } from './history.js';
import type { Lock } from './lock.js';
import type { OperationFlags, OperationResult } from './operation.js';
import { inventoryOf } from './ownership.js';
import { prune } from './prune.js';
import { loadState, type Session } from './session.js';
import { previousInventory, type ReleaseState } from './state.js';
import { rollbackTarget, type Target } from './target.js';

const FAILURE_SECONDS = 60;

type Run = (s: Session, st: ReleaseState, target: Target, flags: OperationFlags) => Promise<OperationResult>;

/** Record the failure, then (--atomic) undo it; always throws the error that says what happened. */
export async function failOperation(
  s: Session, st: ReleaseState, lock: Lock, target: Target, e: unknown, flags: OperationFlags, run: Run,
): Promise<never> {
  const err = e instanceof KfError ? e : new KfError((e as Error).message ?? String(e), { cause: e });
  const rec = lock.stored.record;
  // The command's bound may be what failed it: recording the failure (and --atomic) gets a bound of its own.
  s.client.setDeadline?.(FAILURE_SECONDS, `${FAILURE_SECONDS} s allowed to record a failure`);
  // Lost lock: another command has taken the revision over; it is not ours to mark.
  const marked = lock.lost ? false : await lock.update({ ...rec, status: 'failed', description: `${target.operation} failed: ${err.message}`.slice(0, 1000), lastDeployed: new Date().toISOString() })
    .then(() => true, () => false);
  if (!marked) {
    const how = lock.lost ? lock.lost.message : `revision ${rec.revision} could not be marked failed`;
    throw new KfError(`${target.operation} of release ${st.name} (revision ${rec.revision}) failed: ${err.message}; ${how}. ` +
      `Once its lease has expired, \`kfchart status ${st.name} -n ${st.namespace}\` names the command that repairs it`, { where: err.where, details: err.details, cause: err });
  }
  await pruneHistory(s, st.name, st.namespace, flags.historyMax ?? 10).catch(() => 0);
  const what = `${target.operation} of release ${st.name} (revision ${rec.revision})`;
  const fail = (message: string): never => {
    throw new KfError(message, { where: err.where, details: err.details, cause: err });
  };
  const log = flags.onLine ?? (() => {});
  if (!flags.atomic) {
    if (flags.created?.length) {
      log(`--cleanup-on-fail: deleting the ${flags.created.length} object(s) this ${target.operation} created`);
      const gone = await prune(s.objects, flags.created, st.name, st.namespace, log).catch(() => [] as string[]);
      fail(`${what} failed: ${err.message}; --cleanup-on-fail deleted ${gone.length} object(s) it had created`);
    }
    fail(`${what} failed: ${err.message}`);
  }
  if (!st.deployed) {
    // A failed install is uninstalled: its objects and its record.
    log('--atomic: uninstalling the failed release');
    await prune(s.objects, [...inventoryOf(target.objects), ...previousInventory(st)], st.name, st.namespace, log, { deleteCrds: true });
    await s.storage.remove(st.namespace, st.name, rec.revision);
    fail(`${what} failed and was uninstalled (--atomic): ${err.message}`);
  }
  const to = st.deployed!.record.revision;
  log(`--atomic: rolling back to revision ${to}`);
  const back = await run(s, await loadState(s, st.name, st.namespace), rollbackTarget(st.deployed!.record), {
    // No --wait for the way back: the previous objects were deployed before, and a second timeout would only hide the first error.
    ...flags, wait: false, atomic: false, recover: false, description: undefined, signal: undefined, allowCrdRemoval: true, forceConflicts: true,
  });
  return fail(`${what} failed: ${err.message}; --atomic rolled back to revision ${to} (now revision ${back.record.revision})`);
}
