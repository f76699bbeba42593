// Owns: the release records an operation writes after taking the lock (lock.ts): the final statuses (this revision
// deployed, then every other deployed one superseded), the size the final record will have (known before the first
// object is applied) and history pruning (--history-max: never a record whose objects may be live, never the newest,
// so revision numbers are never reused).
// Must not: touch the release's objects.

import { randomInt } from 'node:crypto';
import { KfError } from '../../errors.js';
import { encodeRecord, MAX_RECORD_BYTES, RecordTooLargeError, StaleRecordError, type ReleaseRecord } from '../../release/index.js';
import type { Lock } from './lock.js';
import { loadState, type Session } from './session.js';
import { isPendingStatus, releaseState, type ReleaseState } from './state.js';

export { recoverPending } from './lock.js';

/** Room kept for what the final or failed record adds beyond the estimate (a description of up to 1,000 chars). */
const SLACK = 2048;

/**
 * Refuse, before anything is applied, a release whose final record would not fit in a Secret: the estimate is the
 * deployed record with a resourceVersion of 12 random digits per object (real ones are shorter and compress better).
 */
export function checkFinalSize(final: ReleaseRecord): number {
  const est: ReleaseRecord = {
    ...final,
    inventory: final.inventory.map((i) => ({ ...i, rv: String(randomInt(1e11, 1e12 - 1)) })),
  };
  const bytes = encodeRecord(est).length;
  if (bytes + SLACK > MAX_RECORD_BYTES) {
    throw new KfError(
      `release ${final.name} revision ${final.revision}: the release record would be ~${bytes} bytes compressed (${final.inventory.length} objects), ` +
        `over the ${MAX_RECORD_BYTES}-byte limit of a Secret; nothing was applied or written (split the release into several)`,
    );
  }
  return bytes;
}

/**
 * Success: this revision deployed (the lock released), then every other revision still marked deployed superseded.
 * In that order, a kill in between leaves two `deployed` revisions, which every reader handles (the newest is in
 * effect, state.ts) and the next operation repairs; a supersede that fails is a warning, not a failure of an
 * operation whose objects are all in place. Returns the stored size and warnings.
 */
export async function markDeployed(s: Session, st: ReleaseState, done: ReleaseRecord, lock: Lock): Promise<{ size: number; warnings: string[]; state: ReleaseState }> {
  let final;
  try {
    final = await lock.update(done);
  } catch (e) {
    // The resourceVersions are an optimisation (unchanged objects are skipped next time): never worth failing for.
    if (!(e instanceof RecordTooLargeError)) throw e;
    final = await lock.update({ ...done, inventory: done.inventory.map(({ rv: _rv, ...i }) => i) });
  }
  const warnings: string[] = [];
  const fresh = await loadState(s, st.name, st.namespace).catch(() => st);
  for (const old of fresh.revisions) {
    if (old.record.status !== 'deployed' || old.record.revision === done.revision) continue;
    await s.storage.update({ ...old.record, status: 'superseded' }, old.token).then(
      (updated) => { old.record = updated.record; old.token = updated.token; },
      (e) => {
        if (!(e instanceof StaleRecordError)) {
          warnings.push(`warning: revision ${old.record.revision} could not be marked superseded (${(e as Error).message}); revision ${done.revision} is the one deployed, and the next operation repairs the record`);
        }
      },
    );
  }
  // The history as it now is, for pruneHistory (no second read).
  return { size: final.size, warnings, state: releaseState(st.namespace, st.name, { revisions: fresh.revisions, broken: fresh.broken }) };
}

/**
 * Delete the oldest records beyond max. Never deleted: a deployed revision, the newest revision (its number is what
 * the next one counts from), a pending one, and any revision after the newest deployed one (a failed or pending
 * revision there may have created objects that only its record names); without a deployed revision, only
 * superseded and uninstalled records go.
 */
export async function pruneHistory(s: Session, name: string, ns: string, max: number, known?: ReleaseState): Promise<number> {
  if (!max || max < 1) return 0;
  const st = known ?? (await loadState(s, name, ns));
  const extra = st.revisions.length - max;
  if (extra <= 0) return 0;
  const newest = st.latest?.record.revision ?? 0;
  const dep = st.deployed?.record.revision;
  const victims = st.revisions.filter((r) => {
    const x = r.record;
    if (x.revision === newest || x.status === 'deployed' || isPendingStatus(x.status)) return false;
    return dep !== undefined ? x.revision < dep : x.status === 'superseded' || x.status === 'uninstalled';
  }).slice(0, extra);
  for (const v of victims) await s.storage.remove(ns, name, v.record.revision);
  return victims.length;
}
