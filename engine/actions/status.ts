// Owns: `kfchart status <name> [--revision]` (and the record `get` reads): the chosen revision's record, the labels of
// its Secret, and every object of it as it is live, with its readiness. Must not: print.

import { KfError } from '../errors.js';
import { objectId, type KObject } from '../manifest/index.js';
import { readiness } from '../kube/index.js';
import type { ReleaseRecord, Stored } from '../release/index.js';
import { withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';
import { recordObjects } from './lifecycle/target.js';
import { pendingMessage, staleDeployedWarning, type ReleaseState } from './lifecycle/state.js';
import { storedLabels } from './list.js';

export interface StatusOptions extends GlobalOptions {
  name: string;
  revision?: number;
  session?: Session;
}

export interface LiveObject {
  id: string;
  apiVersion: string;
  kind: string;
  name: string;
  /** The object as the cluster has it (absent when it does not exist). */
  live?: KObject;
  exists: boolean;
  ready: boolean;
  reason?: string;
}

export interface StatusResult {
  record: ReleaseRecord;
  /** record.revision and record.status, for callers that only ask which revision is in what state. */
  revision: number;
  status: string;
  /** The labels of the record's Secret (system ones included). */
  labels: Record<string, string>;
  objects: LiveObject[];
  warnings: string[];
}

/** The revision `--revision` names, else the latest (as helm picks it); a KfError when there is none. */
export function pickRevision(st: ReleaseState, name: string, revision: number | undefined): Stored {
  const pick = revision !== undefined ? st.revisions.find((r) => r.record.revision === revision) : st.latest;
  if (pick) return pick;
  const b = st.broken.find((x) => revision === undefined || x.revision === revision);
  if (b) throw new KfError(`release ${name}${b.revision ? ` revision ${b.revision}` : ''} cannot be read: ${b.error}`);
  throw new KfError(revision !== undefined ? `release ${name} has no revision ${revision}` : `release ${name} not found in namespace ${st.namespace}`);
}

/** Warnings every read of a release prints: unreadable records, a pending operation, two deployed revisions. */
export function stateWarnings(st: ReleaseState): string[] {
  const warnings = st.broken.map((b) => `warning: ${b.error}`);
  if (st.pending) warnings.push(`warning: ${pendingMessage(st)}`);
  const twice = staleDeployedWarning(st);
  if (twice) warnings.push(twice);
  return warnings;
}

export async function statusAction(o: StatusOptions): Promise<StatusResult> {
  return withRelease(o, async (s, st) => {
    const pick = pickRevision(st, o.name, o.revision);
    const r = pick.record;
    const objs = r.status === 'uninstalled' ? [] : recordObjects(r);
    const objects = await Promise.all(
      objs.map(async (obj): Promise<LiveObject> => {
        const live = await s.objects.get(obj);
        const rd = readiness(live);
        return {
          id: objectId(obj), apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name,
          ...(live ? { live } : {}), exists: !!live, ready: rd.ready, ...(rd.reason ? { reason: rd.reason } : {}),
        };
      }),
    );
    return { record: r, revision: r.revision, status: r.status, labels: storedLabels(pick), objects, warnings: stateWarnings(st) };
  });
}
