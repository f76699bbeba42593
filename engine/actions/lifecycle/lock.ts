// Owns: the one lock protocol every writer (install, upgrade, rollback, uninstall, recovery) follows. The lock is
// the create-if-absent of the next revision (two writers never both create revision N), written with a lease — who
// holds it (host, pid, start, operation), when it was last renewed, for how long it holds — that the holder renews
// every duration/3 while it works, like a coordination.k8s.io Lease. A revision whose holder is alive is never taken
// over (state.ts holderOf says which case it is); one whose lease expired (or whose process is gone) is recovered
// by a command that marks it failed, guarded by its resourceVersion, so a holder that renewed meanwhile wins.
// Must not: touch the release's objects.

import os from 'node:os';
import { setMaxListeners } from 'node:events';
import { KfError } from '../../errors.js';
import { TOOL } from '../../version.js';
import { RevisionExistsError, StaleRecordError, type LeaseInfo, type ReleaseRecord, type Stored } from '../../release/index.js';
import { loadState, type Session } from './session.js';
import { holderOf, pendingMessage, type ReleaseState } from './state.js';

/** Lease duration in seconds: KFCHART_LEASE_SECONDS (tests), else 30 (renewed every 10 s). */
export function leaseSeconds(): number {
  const v = Number(process.env.KFCHART_LEASE_SECONDS);
  return Number.isFinite(v) && v > 0 ? v : 30;
}

const started = new Date().toISOString();

export function newLease(operation: string, durationSeconds = leaseSeconds()): LeaseInfo {
  return { host: os.hostname(), pid: process.pid, startedAt: started, operation, renewedAt: new Date().toISOString(), durationSeconds, tool: TOOL };
}

/** A held lock: the pending revision, renewed in the background until the record is updated (which releases it). */
export class Lock {
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  private lastRenew = Date.now();
  private readonly ac = new AbortController();
  private lostError: KfError | undefined;

  private constructor(private readonly s: Session, public stored: Stored, private lease: LeaseInfo) {
    setMaxListeners(0, this.ac.signal);
    const every = Math.max(50, (lease.durationSeconds * 1000) / 3);
    this.timer = setInterval(() => this.renew(), every);
    this.timer.unref();
  }

  /** Aborted when the lock is lost (taken over after it could not be renewed in time). */
  get signal(): AbortSignal {
    return this.ac.signal;
  }

  get lost(): KfError | undefined {
    return this.lostError;
  }

  /** Create revision `record.revision` with a lease; the loser of a race is told who holds it. */
  static async acquire(s: Session, record: ReleaseRecord, operation: string): Promise<Lock> {
    const lease = newLease(operation);
    try {
      return new Lock(s, await s.storage.create(record, lease), lease);
    } catch (e) {
      if (e instanceof RevisionExistsError) {
        const again = await loadState(s, record.name, record.namespace).catch(() => undefined);
        if (again?.pending) throw new KfError(pendingMessage(again));
        throw new KfError(`release ${record.name}: revision ${record.revision} was written by another operation meanwhile; nothing was changed, run the command again`);
      }
      if ((e as { status?: number }).status === 404) {
        throw new KfError(`release ${record.name}: namespace ${record.namespace} does not exist; create it or add --create-namespace`, { cause: e });
      }
      throw e;
    }
  }

  private renew(): void {
    if (this.inflight || !this.timer) return;
    const lease = { ...this.lease, renewedAt: new Date().toISOString() };
    this.inflight = this.s.storage.renew(this.stored.record, this.stored.token, lease).then(
      (st) => { this.stored = st; this.lease = lease; this.lastRenew = Date.now(); },
      (e) => {
        // Stale: someone changed the revision (took it over after our lease ran out). Otherwise retry on the next
        // tick, until the lease would have run out: from then on another command may take over, so stop working.
        if (e instanceof StaleRecordError) this.lose(`revision ${this.stored.record.revision} was taken over by another command`);
        else if (Date.now() - this.lastRenew > this.lease.durationSeconds * 1000) {
          this.lose(`the lock on revision ${this.stored.record.revision} could not be renewed for ${this.lease.durationSeconds} s (${(e as Error).message})`);
        }
      },
    ).finally(() => { this.inflight = undefined; });
  }

  private lose(why: string): void {
    this.lostError ??= new KfError(`release ${this.stored.record.name}: lost the lock: ${why}`);
    this.stopTimer();
    this.ac.abort(this.lostError);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stop renewing (the lease then runs out on its own); waits for a renewal in flight. */
  async stop(): Promise<void> {
    this.stopTimer();
    await this.inflight;
  }

  /** Write the record (which releases the lease); `keep` renews on afterwards (an intermediate status). */
  async update(record: ReleaseRecord, opts: { keep?: boolean } = {}): Promise<Stored> {
    await this.stop();
    if (this.lostError) throw this.lostError;
    if (opts.keep) {
      // Write with the lease kept: update, then put the lease back at once.
      const st = await this.s.storage.update(record, this.stored.token);
      this.stored = await this.s.storage.renew(record, st.token, { ...this.lease, renewedAt: new Date().toISOString() });
      this.timer = setInterval(() => this.renew(), Math.max(50, (this.lease.durationSeconds * 1000) / 3));
      this.timer.unref();
      return this.stored;
    }
    this.stored = await this.s.storage.update(record, this.stored.token);
    return this.stored;
  }
}

/**
 * Recovery of a pending revision whose holder is gone: it becomes failed (guarded by its resourceVersion, so a
 * holder that renewed meanwhile keeps it). A live holder is never taken over.
 */
export async function recoverPending(s: Session, st: ReleaseState, log: (l: string) => void): Promise<void> {
  const p = st.pending;
  if (!p) return;
  const h = holderOf(p);
  if (h.alive) throw new KfError(pendingMessage(st));
  try {
    await s.storage.update({ ...p.record, status: 'failed', description: `${p.record.status} interrupted (${h.why}); recovered by a later command` }, p.token);
  } catch (e) {
    if (e instanceof StaleRecordError) {
      throw new KfError(`release ${st.name}: revision ${p.record.revision} changed while it was being recovered (its holder renewed it or another command recovered it); nothing was changed, run the command again`);
    }
    throw e;
  }
  log(`revision ${p.record.revision} (${p.record.status}, ${h.why}) marked failed`);
}
