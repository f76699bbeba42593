// Owns: `kfchart history <name>`: every revision (and every unreadable record, reported, never fatal).
// Must not: print.

import { KfError } from '../errors.js';
import { withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';
import { stateWarnings } from './status.js';

export interface HistoryRow {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  appVersion: string;
  description: string;
}

export interface HistoryOptions extends GlobalOptions {
  name: string;
  /** The newest this many revisions (helm's --max; 0 or unset: all). */
  max?: number;
  session?: Session;
}

export async function historyAction(o: HistoryOptions): Promise<{ rows: HistoryRow[]; warnings: string[] }> {
  return withRelease(o, async (_s, st) => {
    if (!st.revisions.length && !st.broken.length) throw new KfError(`release ${o.name} not found in namespace ${st.namespace}`);
    const rows: HistoryRow[] = st.revisions.map((r) => ({
      revision: r.record.revision,
      updated: r.record.lastDeployed,
      status: r.record.status,
      chart: `${r.record.chart.name}-${r.record.chart.version}`,
      appVersion: r.record.chart.appVersion ?? '',
      description: r.record.description,
    }));
    for (const b of st.broken) {
      rows.push({ revision: b.revision ?? 0, updated: '', status: 'unreadable', chart: '', appVersion: '', description: b.error });
    }
    rows.sort((a, b) => a.revision - b.revision);
    const warnings = stateWarnings(st);
    return { rows: o.max && o.max > 0 ? rows.slice(-o.max) : rows, warnings };
  });
}
