// Owns: `kfchart status <name> [--revision]`: the record's summary plus every object of it with its live readiness.
// Must not: print.

import { KfError } from '../errors.js';
import { objectId } from '../manifest/index.js';
import { readiness } from '../kube/index.js';
import { withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';
import { recordObjects } from './lifecycle/target.js';
import { pendingMessage, staleDeployedWarning } from './lifecycle/state.js';

export interface StatusOptions extends GlobalOptions {
  name: string;
  revision?: number;
  session?: Session;
}

export interface StatusResult {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  description: string;
  chart: string;
  appVersion?: string;
  firstDeployed: string;
  lastDeployed: string;
  notes: string;
  objects: { id: string; exists: boolean; ready: boolean; reason?: string }[];
  warnings: string[];
}

export async function statusAction(o: StatusOptions): Promise<StatusResult> {
  return withRelease(o, async (s, st) => {
    const pick = o.revision !== undefined ? st.revisions.find((r) => r.record.revision === o.revision) : st.latest;
    if (!pick) {
      const b = st.broken.find((x) => o.revision === undefined || x.revision === o.revision);
      if (b) throw new KfError(`release ${o.name}${b.revision ? ` revision ${b.revision}` : ''} cannot be read: ${b.error}`);
      throw new KfError(o.revision !== undefined ? `release ${o.name} has no revision ${o.revision}` : `release ${o.name} not found in namespace ${st.namespace}`);
    }
    const r = pick.record;
    const objs = r.status === 'uninstalled' ? [] : recordObjects(r);
    const states = await Promise.all(
      objs.map(async (obj) => {
        const live = await s.objects.get(obj);
        const rd = readiness(live);
        return { id: objectId(obj), exists: !!live, ready: rd.ready, ...(rd.reason ? { reason: rd.reason } : {}) };
      }),
    );
    const warnings = st.broken.map((b) => `warning: ${b.error}`);
    if (st.pending) warnings.push(`warning: ${pendingMessage(st)}`);
    const twice = staleDeployedWarning(st);
    if (twice) warnings.push(twice);
    return {
      name: r.name, namespace: r.namespace, revision: r.revision, status: r.status, description: r.description,
      chart: `${r.chart.name}-${r.chart.version}`, appVersion: r.chart.appVersion, firstDeployed: r.firstDeployed,
      lastDeployed: r.lastDeployed, notes: r.notes, objects: states, warnings,
    };
  });
}
