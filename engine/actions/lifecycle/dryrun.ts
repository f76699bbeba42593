// Owns: --dry-run of an operation, nothing written: client (the record the operation would write, from the
// rendered objects alone: no cluster request), server (every object through admission with dryRun=All) and diff
// (`kfchart diff`: every object against its live version through a server-side dry-run apply).
// Must not: write to the cluster or to the release records.

import { objectId } from '../../manifest/index.js';
import { encodeChecked, type InventoryItem, type ReleaseRecord } from '../../release/index.js';
import { formatChanges, planChanges } from './changes.js';
import type { OperationFlags, OperationResult } from './operation.js';
import { checkCrdRemoval, inventoryOf } from './ownership.js';
import type { Session } from './session.js';
import type { ReleaseState } from './state.js';
import { pendingRecord, recordObjects, type Target } from './target.js';

/** Helm's description of a dry-run release. */
export const DRY_RUN_DESCRIPTION = 'Dry run complete';

/** The record a dry run shows: the pending revision the operation would start with, "Dry run complete". */
export function dryRunRecord(st: ReleaseState, target: Target, flags: OperationFlags): ReleaseRecord {
  if (st.deployed) checkCrdRemoval(recordObjects(st.deployed.record), target.objects, !!flags.allowCrdRemoval, st.name);
  return { ...pendingRecord(st, target, inventoryOf(target.objects), flags), description: flags.description ?? DRY_RUN_DESCRIPTION };
}

/** --dry-run=client: the record alone (no session: `install --dry-run` works offline). */
export function clientDryRun(st: ReleaseState, target: Target, flags: OperationFlags): OperationResult {
  const record = dryRunRecord(st, target, flags);
  return { record, size: encodeChecked(record).length, applied: 0, pruned: [], dryRun: 'client' };
}

export async function dryRunOperation(
  s: Session, record: ReleaseRecord, target: Target, stale: InventoryItem[], flags: OperationFlags, mode: 'diff' | 'server',
): Promise<OperationResult> {
  const size = encodeChecked(record).length;
  if (mode === 'diff') {
    const changes = await planChanges(s.objects, target.objects, stale, { color: flags.color, force: flags.forceConflicts });
    return { record, size, applied: 0, pruned: [], dryRun: 'diff', changes, diff: formatChanges(changes) };
  }
  // Server: every object through admission with dryRun=All. Objects whose kind or namespace this release would
  // create first cannot be checked that way; they are counted as skipped.
  let applied = 0;
  const skipped: string[] = [];
  const nsKnown = new Map<string, boolean>();
  for (const o of target.objects) {
    if (!(await s.objects.discovery.find(o.apiVersion, o.kind))) { skipped.push(`${objectId(o)} (kind not served yet)`); continue; }
    const ons = o.metadata.namespace;
    if (ons) {
      if (!nsKnown.has(ons)) nsKnown.set(ons, !!(await s.objects.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ons } })));
      if (!nsKnown.get(ons)) { skipped.push(`${objectId(o)} (namespace ${ons} not created yet)`); continue; }
    }
    await s.objects.apply(o, { dryRun: true, force: flags.forceConflicts });
    applied++;
  }
  for (const k of skipped) flags.onLine?.(`not checked by the server: ${k}`);
  return { record, size, applied, pruned: stale.map(objectId), dryRun: 'server' };
}
