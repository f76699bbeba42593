// Owns: `kfchart list [-A] [--status ...]`: one row per release (its latest revision), from the records.
// Must not: print.

import { withSession, type GlobalOptions, type Session } from './lifecycle/session.js';
import { releaseState } from './lifecycle/state.js';

export interface ListRow {
  name: string;
  namespace: string;
  revision: number;
  updated: string;
  status: string;
  chart: string;
  appVersion: string;
}

export interface ListOptions extends GlobalOptions {
  allNamespaces?: boolean;
  statuses?: string[];
  session?: Session;
}

export async function listAction(o: ListOptions): Promise<{ rows: ListRow[]; warnings: string[] }> {
  return withSession(o, async (s) => {
    const all = await s.storage.listAll(o.allNamespaces ? undefined : s.namespace);
    const groups = new Map<string, typeof all.revisions>();
    for (const r of all.revisions) {
      const k = `${r.record.namespace}/${r.record.name}`;
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    const rows: ListRow[] = [];
    for (const revs of groups.values()) {
      const st = releaseState(revs[0]!.record.namespace, revs[0]!.record.name, { revisions: revs, broken: [] });
      const r = st.latest!.record;
      if (o.statuses?.length ? !o.statuses.includes(r.status) : r.status === 'uninstalled') continue;
      rows.push({
        name: r.name, namespace: r.namespace, revision: r.revision, updated: r.lastDeployed, status: r.status,
        chart: `${r.chart.name}-${r.chart.version}`, appVersion: r.chart.appVersion ?? '',
      });
    }
    rows.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
    return { rows, warnings: all.broken.map((b) => `warning: ${b.error}`) };
  });
}
