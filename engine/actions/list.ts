// Owns: `kfchart list`: the releases (their latest revision) as helm selects them: the state mask (deployed and
// failed by default; `--superseded` alone lists every superseded revision), --filter (regular expression on the
// name), -l/--selector (on the release's labels, system ones included), the sort (name, or date with -d; -r reverses),
// --offset and --max. Must not: print.

import { KfError } from '../errors.js';
import { STATUSES, recordLabels, type ReleaseRecord, type ReleaseStatus, type Stored } from '../release/index.js';
import { withSession, type GlobalOptions, type Session } from './lifecycle/session.js';

export interface ListRow {
  name: string;
  namespace: string;
  revision: number;
  /** lastDeployed (ISO). */
  updated: string;
  status: string;
  chart: string;
  appVersion: string;
  labels: Record<string, string>;
}

export interface ListOptions extends GlobalOptions {
  allNamespaces?: boolean;
  /** The state mask (statuses shown); default deployed + failed. */
  statuses?: readonly string[];
  /** A regular expression the release name must match. */
  filter?: string;
  /** A label selector (`a=b,c!=d,e`, `k in (x,y)`, `!k`). */
  selector?: string;
  byDate?: boolean;
  reverse?: boolean;
  /** Rows returned at most (0: all). */
  max?: number;
  offset?: number;
  session?: Session;
}

export const DEFAULT_LIST_STATUSES: readonly ReleaseStatus[] = ['deployed', 'failed'];

/** The labels of a stored record: those on its Secret, else (in-memory storage) the ones kfchart puts there. */
export function storedLabels(s: Stored): Record<string, string> {
  if (s.labels) return s.labels;
  const sys = recordLabels(s.record);
  return { ...(s.record.labels ?? {}), ...sys, modifiedAt: String(Math.floor(Date.parse(s.record.lastDeployed) / 1000)) };
}

type Requirement = (l: Record<string, string>) => boolean;

/** Parse a Kubernetes label selector (equality and set based); a KfError (exit 2) naming the bad part. */
export function parseSelector(sel: string): Requirement[] {
  const out: Requirement[] = [];
  const parts = sel.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    let m: RegExpExecArray | null;
    const key = String.raw`([A-Za-z0-9][-A-Za-z0-9_./]*)`;
    if ((m = new RegExp(String.raw`^${key}\s*(==|=|!=)\s*([-A-Za-z0-9_.]*)$`).exec(p))) {
      const [, k, op, v] = m as unknown as [string, string, string, string];
      out.push(op === '!=' ? (l) => l[k] !== v : (l) => l[k] === v);
    } else if ((m = new RegExp(String.raw`^${key}\s+(in|notin)\s+\(([^)]*)\)$`).exec(p))) {
      const [, k, op, list] = m as unknown as [string, string, string, string];
      const vals = list.split(',').map((x) => x.trim());
      out.push(op === 'in' ? (l) => l[k] !== undefined && vals.includes(l[k]!) : (l) => l[k] === undefined || !vals.includes(l[k]!));
    } else if ((m = new RegExp(String.raw`^!\s*${key}$`).exec(p))) {
      const k = m[1]!;
      out.push((l) => l[k] === undefined);
    } else if ((m = new RegExp(String.raw`^${key}$`).exec(p))) {
      const k = m[1]!;
      out.push((l) => l[k] !== undefined);
    } else {
      throw new KfError(`--selector "${sel}": cannot parse "${p}" (use key=value, key!=value, key in (a,b), key or !key, comma-separated)`, { exitCode: 2 });
    }
  }
  return out;
}

export async function listAction(o: ListOptions): Promise<{ rows: ListRow[]; warnings: string[] }> {
  const statuses = o.statuses?.length ? o.statuses : DEFAULT_LIST_STATUSES;
  for (const st of statuses) {
    if (!(STATUSES as readonly string[]).includes(st)) throw new KfError(`"${st}" is not a release status; use one of: ${STATUSES.join(', ')}`, { exitCode: 2 });
  }
  let re: RegExp | undefined;
  try {
    re = o.filter ? new RegExp(o.filter) : undefined;
  } catch (e) {
    throw new KfError(`--filter "${o.filter}" is not a regular expression: ${(e as Error).message}`, { exitCode: 2 });
  }
  const selector = o.selector ? parseSelector(o.selector) : [];
  return withSession(o, async (s) => {
    const all = await s.storage.listAll(o.allNamespaces ? undefined : s.namespace);
    let picked: Stored[] = all.revisions.filter((r) => !re || re.test(r.record.name));
    // Superseded revisions are never the latest: asking for them alone lists every one (as helm does).
    if (!(statuses.length === 1 && statuses[0] === 'superseded')) {
      const latest = new Map<string, Stored>();
      for (const r of picked) {
        const k = `${r.record.namespace}/${r.record.name}`;
        if ((latest.get(k)?.record.revision ?? -1) < r.record.revision) latest.set(k, r);
      }
      picked = [...latest.values()];
    }
    const rows: ListRow[] = picked
      .filter((r) => statuses.includes(r.record.status))
      .map((r) => ({ ...rowOf(r.record), labels: storedLabels(r) }))
      .filter((r) => selector.every((req) => req(r.labels)));
    const byName = (a: ListRow, b: ListRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace.localeCompare(b.namespace) || a.revision - b.revision);
    const byDate = (a: ListRow, b: ListRow) => Date.parse(a.updated) - Date.parse(b.updated) || byName(a, b);
    rows.sort(o.byDate ? byDate : byName);
    if (o.reverse) rows.reverse();
    const offset = Math.max(0, o.offset ?? 0);
    const page = offset >= rows.length ? [] : rows.slice(offset, o.max && o.max > 0 ? offset + o.max : undefined);
    return { rows: page, warnings: all.broken.map((b) => `warning: ${b.error}`) };
  });
}

function rowOf(r: ReleaseRecord): Omit<ListRow, 'labels'> {
  return {
    name: r.name, namespace: r.namespace, revision: r.revision, updated: r.lastDeployed, status: r.status,
    chart: `${r.chart.name}-${r.chart.version}`, appVersion: r.chart.appVersion ?? '',
  };
}
