// Owns: reading a release's history and answering the questions every verb asks of it: which revision is
// deployed, which is latest, is one pending (an operation running, or killed), what the next revision number is,
// which objects earlier revisions may have left behind (the prune inventory). Pure over a HistoryResult.
// Must not: write anything.

import os from 'node:os';
import { KfError } from '../../errors.js';
import { objectKey } from '../../manifest/index.js';
import { isPending, type Broken, type HistoryResult, type InventoryItem, type Stored } from '../../release/index.js';

export interface ReleaseState {
  name: string;
  namespace: string;
  revisions: Stored[];
  broken: Broken[];
  latest?: Stored;
  /** The newest deployed revision (the one in effect). */
  deployed?: Stored;
  /** Older revisions still marked deployed (a supersede that never happened: killed, or its PUT failed). */
  staleDeployed: Stored[];
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
  return { name, namespace, revisions, broken: h.broken, latest, deployed, staleDeployed: deployedAll.slice(0, -1), pending, nextRevision: maxRev + 1 };
}

/** Whether the holder of a pending revision may still be working on it, and why (for messages). */
export interface Holder {
  alive: boolean;
  /** `kfchart upgrade (pid 123 on host h, started …)` */
  who: string;
  /** Why it is considered alive or gone. */
  why: string;
  /** When the lease runs out (alive only). */
  expires?: Date;
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The lock rule: a pending revision is held while its lease is renewed (renewedAt + duration in the future) and its
 * process, when it ran on this host, still exists. Records written without a lease (older kfchart) count as gone.
 */
export function holderOf(p: Stored, now = Date.now()): Holder {
  const l = p.lease;
  if (!l) return { alive: false, who: 'an operation that recorded no lock holder', why: 'no lease recorded' };
  const who = `kfchart ${l.operation} (pid ${l.pid} on host ${l.host}, started ${l.startedAt})`;
  const ends = Date.parse(l.renewedAt) + l.durationSeconds * 1000;
  if (l.host === os.hostname() && !pidAlive(l.pid)) return { alive: false, who, why: `process ${l.pid} no longer runs on this host` };
  if (!(ends > now)) return { alive: false, who, why: `its lease expired ${Math.max(0, Math.round((now - ends) / 1000))} s ago (not renewed since ${l.renewedAt})` };
  return { alive: true, who, why: `lease renewed ${Math.max(0, Math.round((now - Date.parse(l.renewedAt)) / 1000))} s ago`, expires: new Date(ends) };
}

/** The one command that repairs a release whose pending revision's holder is gone. */
export function repairCommand(st: ReleaseState): string {
  const p = st.pending!.record;
  const n = `${st.name} -n ${st.namespace}`;
  if (p.status === 'uninstalling') return `\`kfchart uninstall ${n}\` to finish the uninstall`;
  if (st.deployed && st.deployed.record.revision < p.revision) {
    return `\`kfchart rollback ${n}\` to return to revision ${st.deployed.record.revision}, or repeat the command with --recover`;
  }
  return `\`kfchart install ${st.name} <chart> -n ${st.namespace} --recover\` to install again, or \`kfchart uninstall ${n}\` to remove it`;
}

/**
 * The message every command gives when a revision is pending: either another kfchart holds it (wait; nothing to
 * repair), or its holder is gone (one command repairs it).
 */
export function pendingMessage(st: ReleaseState, now = Date.now()): string {
  const p = st.pending!;
  const r = p.record;
  const h = holderOf(p, now);
  if (h.alive) {
    return (
      `release ${st.name}: another operation is in progress: revision ${r.revision} is ${r.status}, held by ${h.who}; ${h.why}. ` +
      `Wait until it finishes. If that process is gone, its lease expires at ${h.expires!.toISOString()}; then run ${repairCommand(st)}`
    );
  }
  return (
    `release ${st.name}: an interrupted operation: revision ${r.revision} is ${r.status} since ${r.lastDeployed}, left by ${h.who}, ` +
    `which no longer holds it (${h.why}). Run ${repairCommand(st)}`
  );
}

/**
 * Refuse to start while a revision is pending: always when its holder is alive; when it is gone, unless the
 * command recovers (--recover, rollback). `readOnly` (dry runs) only refuses nothing.
 */
export function assertNotPending(st: ReleaseState, recover: boolean, readOnly = false): void {
  if (!st.pending || readOnly) return;
  if (holderOf(st.pending).alive || !recover) throw new KfError(pendingMessage(st));
}

/** The warning `status`/`history` give when more than one revision is marked deployed. */
export function staleDeployedWarning(st: ReleaseState): string | undefined {
  if (!st.staleDeployed.length) return undefined;
  return (
    `warning: release ${st.name}: revision(s) ${st.staleDeployed.map((s) => s.record.revision).join(', ')} still marked deployed besides revision ` +
    `${st.deployed!.record.revision} (a supersede that did not complete); revision ${st.deployed!.record.revision}, the newest, is the one in effect ` +
    `and the next upgrade or rollback marks the others superseded`
  );
}

export const isPendingStatus = isPending;

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
