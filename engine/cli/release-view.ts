// Owns: how a release record looks to a helm user: helm 4's release object (`status -o json|yaml`: name,
// info{first_deployed, last_deployed, deleted, description, status, notes, resources}, config, manifest, hooks,
// version, namespace, apply_method, with Go's omitempty), `get metadata`'s object, and the text of `status`,
// `get all`, `get hooks`, `get values`, `get notes`, `get manifest`, each as helm prints it.
// Must not: import engine code beyond types at module load (the YAML writer is imported when values are printed).

import type { HookRecord, ReleaseRecord } from '../release/index.js';
import type { LiveObject } from '../actions/status.js';
import { formatTable, paintStatus, type Paint } from './output.js';
import { ansic, rfc3339, rfc3339Nano } from './gotime.js';

type Json = Record<string, unknown>;
const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && !v.length) || (typeof v === 'object' && v !== null && !Array.isArray(v) && !Object.keys(v).length);
/** Drop the keys Go's `omitempty` would leave out. */
const omitEmpty = (o: Json, keys: string[]): Json => Object.fromEntries(Object.entries(o).filter(([k, v]) => !keys.includes(k) || !isEmpty(v)));

/** One hook as helm's JSON has it (weight, events, delete policies omitted when empty; times in RFC 3339). */
export function helmHook(h: HookRecord): Json {
  const lastRun = omitEmpty({
    started_at: h.last_run.started_at ? rfc3339Nano(h.last_run.started_at) : '',
    completed_at: h.last_run.completed_at ? rfc3339Nano(h.last_run.completed_at) : '',
    phase: h.last_run.phase,
  }, ['started_at', 'completed_at']);
  return omitEmpty({
    name: h.name, kind: h.kind, path: h.path, manifest: h.manifest, events: h.events, last_run: lastRun,
    weight: h.weight, delete_policies: h.delete_policies,
  }, ['events', 'weight', 'delete_policies']);
}

/** The live objects grouped as helm's `info.resources`: "apiVersion/Kind" → objects, keys sorted. */
function resources(objects: LiveObject[]): Json {
  const out = new Map<string, unknown[]>();
  for (const o of objects) {
    if (!o.live) continue;
    const k = `${o.apiVersion}/${o.kind}`;
    out.set(k, [...(out.get(k) ?? []), o.live]);
  }
  return Object.fromEntries([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** helm 4's release object (`helm status -o json`). */
export function helmRelease(r: ReleaseRecord, objects?: LiveObject[]): Json {
  const info = omitEmpty({
    first_deployed: rfc3339Nano(r.firstDeployed), last_deployed: rfc3339Nano(r.lastDeployed),
    deleted: r.deleted ? rfc3339Nano(r.deleted) : '', description: r.description, status: r.status, notes: r.notes,
    resources: objects ? resources(objects) : undefined,
  }, ['first_deployed', 'last_deployed', 'deleted', 'description', 'notes', 'resources']);
  return omitEmpty({
    name: r.name, info, config: r.config, manifest: r.manifest, hooks: (r.hooks ?? []).map(helmHook),
    version: r.revision, namespace: r.namespace, apply_method: 'ssa',
  }, ['config', 'manifest', 'hooks', 'version', 'namespace']);
}

/** `get metadata -o json|yaml`: helm's metadata object. */
export function helmMetadata(r: ReleaseRecord, labels: Record<string, string>): Json {
  return omitEmpty({
    name: r.name, chart: r.chart.name, version: r.chart.version, appVersion: r.chart.appVersion ?? '',
    labels: sortedObject(labels), namespace: r.namespace, revision: r.revision, status: r.status,
    deployedAt: rfc3339(r.lastDeployed), applyMethod: 'ssa',
  }, ['appVersion', 'labels']);
}

const sortedObject = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const keyValues = (o: Record<string, string>) => Object.entries(sortedObject(o)).map(([k, v]) => `${k}=${v}`).join(',');

/** `get metadata` as text. */
export function metadataText(r: ReleaseRecord, labels: Record<string, string>): string {
  return [
    `NAME: ${r.name}`, `CHART: ${r.chart.name}`, `VERSION: ${r.chart.version}`, `APP_VERSION: ${r.chart.appVersion ?? ''}`,
    'ANNOTATIONS: ', `LABELS: ${keyValues(labels)}`, 'DEPENDENCIES: ', `NAMESPACE: ${r.namespace}`, `REVISION: ${r.revision}`,
    `STATUS: ${r.status}`, `DEPLOYED_AT: ${rfc3339(r.lastDeployed)}`, 'APPLY_METHOD: server-side apply',
  ].join('\n') + '\n';
}

/** The TEST SUITE lines: each test hook that has run, with its last run (helm's layout), or "None". */
export function testSuiteText(r: ReleaseRecord): string {
  const tests = (r.hooks ?? []).filter((h) => h.events.includes('test'));
  if (!tests.length) return 'TEST SUITE: None\n';
  return tests.filter((h) => h.last_run.started_at).map((h) =>
    `TEST SUITE:     ${h.name}\nLast Started:   ${ansic(h.last_run.started_at)}\nLast Completed: ${ansic(h.last_run.completed_at)}\nPhase:          ${h.last_run.phase}\n`).join('');
}

const age = (created: unknown, now = Date.now()): string => {
  const t = typeof created === 'string' ? Date.parse(created) : NaN;
  if (Number.isNaN(t)) return '-';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
};

/** `status` as text: helm's lines, RESOURCES grouped by kind with each object's readiness, TEST SUITE, NOTES. */
export function statusText(r: ReleaseRecord, objects: LiveObject[], paint: Paint): string {
  let out = `NAME: ${r.name}\nLAST DEPLOYED: ${ansic(r.lastDeployed)}\nNAMESPACE: ${paint('cyan', r.namespace)}\nSTATUS: ${paintStatus(paint, r.status)}\nREVISION: ${r.revision}\n`;
  out += `DESCRIPTION: ${r.description}\n`;
  if (objects.length) {
    out += 'RESOURCES:\n';
    const groups = new Map<string, LiveObject[]>();
    for (const o of objects) groups.set(`${o.apiVersion}/${o.kind}`, [...(groups.get(`${o.apiVersion}/${o.kind}`) ?? []), o]);
    for (const [k, objs] of groups) {
      out += `==> ${k}\n`;
      out += formatTable(['NAME', 'READY', 'AGE', 'REASON'], objs.map((o) => {
        const md = (o.live?.metadata ?? {}) as { namespace?: string; creationTimestamp?: string };
        const name = md.namespace && md.namespace !== r.namespace ? `${md.namespace}/${o.name}` : o.name;
        return [name, o.ready ? 'yes' : 'no', o.live ? age(md.creationTimestamp) : '-', o.reason ?? ''];
      }));
      out += '\n';
    }
    out += '\n';
  }
  out += testSuiteText(r);
  if (r.notes.trim()) out += `NOTES:\n${r.notes.trim()}\n`;
  return out;
}

/** `get hooks`: each hook's manifest under its `# Source:` line, as helm prints them. */
export const hooksText = (r: ReleaseRecord): string => (r.hooks ?? []).map((h) => `---\n# Source: ${h.path}\n${h.manifest}\n`).join('');

/** `get manifest`: the stored manifest and a newline (helm's Println). */
export const manifestText = (r: ReleaseRecord): string => `${r.manifest}\n`;

/** `get notes`: "NOTES:" and the notes, nothing when the chart has none. */
export const notesText = (r: ReleaseRecord): string => (r.notes ? `NOTES:\n${r.notes}\n` : '');

/** `get values` as text: helm's header line, then the values as YAML. */
export async function valuesText(r: ReleaseRecord, all: boolean): Promise<string> {
  const { dumpYaml } = await import('../yaml/index.js');
  return `${all ? 'COMPUTED VALUES' : 'USER-SUPPLIED VALUES'}:\n${dumpYaml(all ? r.values : r.config)}`;
}

/** `get all`: the summary, the user-supplied and computed values, hooks, manifest and notes, as helm prints them. */
export async function allText(r: ReleaseRecord): Promise<string> {
  let out = `NAME: ${r.name}\nLAST DEPLOYED: ${ansic(r.lastDeployed)}\nNAMESPACE: ${r.namespace}\nSTATUS: ${r.status}\nREVISION: ${r.revision}\n`;
  out += `CHART: ${r.chart.name}\nVERSION: ${r.chart.version}\nAPP_VERSION: ${r.chart.appVersion ?? ''}\nDESCRIPTION: ${r.description}\n`;
  out += testSuiteText(r);
  out += `${await valuesText(r, false)}\n${await valuesText(r, true)}\n`;
  out += `HOOKS:\n${hooksText(r)}MANIFEST:\n${manifestText(r)}`;
  if (r.notes.trim()) out += `NOTES:\n${r.notes.trimEnd()}\n`;
  return out;
}
