// Owns: the release records an operation writes: recovering a pending revision (--recover), creating the pending
// revision (create-if-absent: the lock), the final statuses (exactly one deployed, the previous one superseded) and
// history pruning (--history-max, never the deployed revision).
// Must not: touch the release's objects.

import { KfError } from '../../errors.js';
import { RevisionExistsError, StaleRecordError, type ReleaseRecord, type Stored } from '../../release/index.js';
import { loadState, type Session } from './session.js';
import type { ReleaseState } from './state.js';

/** A pending revision left by a killed operation becomes failed (guarded by its resourceVersion). */
export async function recoverPending(s: Session, st: ReleaseState, log: (l: string) => void): Promise<void> {
  const p = st.pending;
  if (!p) return;
  await s.storage.update({ ...p.record, status: 'failed', description: `${p.record.status} interrupted; recovered by a later command` }, p.token);
  log(`revision ${p.record.revision} (${p.record.status}) marked failed`);
}

/** The lock: create-if-absent of the next revision. Another operation's revision is a one-line error. */
export async function lockRevision(s: Session, record: ReleaseRecord): Promise<Stored> {
  const name = record.name, ns = record.namespace;
  try {
    return await s.storage.create(record);
  } catch (e) {
    if (e instanceof RevisionExistsError) {
      const again = await loadState(s, name, ns).catch(() => undefined);
      const p = again?.pending?.record;
      throw new KfError(
        p ? `release ${name}: another operation is in progress (revision ${p.revision} is ${p.status}, started ${p.lastDeployed}); try again when it has finished`
          : `release ${name}: revision ${record.revision} was created by another operation meanwhile; try again`,
      );
    }
    if ((e as { status?: number }).status === 404) {
      throw new KfError(`release ${name}: namespace ${ns} does not exist; create it or add --create-namespace`, { cause: e });
    }
    throw e;
  }
}

/** Success: this revision deployed, the previously deployed one superseded. Returns the stored size. */
export async function markDeployed(s: Session, st: ReleaseState, done: ReleaseRecord, stored: Stored): Promise<number> {
  const final = await s.storage.update(done, stored.token);
  for (const old of st.revisions) {
    if (old.record.status === 'deployed' && old.record.revision !== done.revision) {
      await s.storage.update({ ...old.record, status: 'superseded' }, old.token).catch((e) => {
        if (!(e instanceof StaleRecordError)) throw e;
      });
    }
  }
  return final.size;
}

/** Delete the oldest records beyond max (never the deployed one). */
export async function pruneHistory(s: Session, name: string, ns: string, max: number): Promise<number> {
  if (!max || max < 1) return 0;
  const st = await loadState(s, name, ns);
  const extra = st.revisions.length - max;
  if (extra <= 0) return 0;
  const victims = st.revisions.filter((r) => r.record.status !== 'deployed').slice(0, extra);
  for (const v of victims) await s.storage.remove(ns, name, v.record.revision);
  return victims.length;
}
