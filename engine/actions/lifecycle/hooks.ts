// Owns: Helm's hooks. Splitting rendered objects into the release's objects and its hooks (objects annotated
// `helm.sh/hook` or `kfchart.io/hook`: events, `hook-weight`, `hook-delete-policy`), the HookRecords a release
// record keeps, and running the hooks of one event as helm 4's execHook does: in weight order (then name, then kind
// install order), each one deleted first under before-hook-creation (the default policy), created, and watched
// until done — a Job until Complete (Failed fails), a Pod until Succeeded (Failed fails), any other kind once created
// — within the time given; hook-failed deletes a failed hook, hook-succeeded deletes the hooks of an event once all
// of them have succeeded. Hooks are never part of the release's manifest or inventory, so they are never pruned.
// Must not: read or write release records (callers keep the HookRecords in the record they write); print.

import { KfError } from '../../errors.js';
import { objectId, type KObject, type ManifestEntry } from '../../manifest/index.js';
// ready.js and hook-events.js, not the kube and release indexes: `template` sorts hooks through this module, and must
// not load the HTTP/TLS client or the record codec (node:tls alone is ~10 ms of start-up on Node 24)
import { readiness, waitDeleted } from '../../kube/ready.js';
import type { Objects } from '../../kube/objects.js';
import { HOOK_EVENTS, type HookEvent } from '../../release/hook-events.js';
import type { HookRecord } from '../../release/index.js';
import { parseYamlAll, writeYaml } from '../../yaml/index.js';

/** The annotation names, Helm's first; kfchart's own spelling is read the same way. */
const ANN = {
  hook: ['helm.sh/hook', 'kfchart.io/hook'],
  weight: ['helm.sh/hook-weight', 'kfchart.io/hook-weight'],
  policy: ['helm.sh/hook-delete-policy', 'kfchart.io/hook-delete-policy'],
} as const;

export const DELETE_POLICIES = ['before-hook-creation', 'hook-succeeded', 'hook-failed'] as const;

/** A hook annotation naming an event Helm does not know: helm (and kfchart) leave such an object out entirely. */
export interface UnknownHook {
  template: string;
  id: string;
  value: string;
  unknown: string[];
}

export interface SplitHooks {
  /** The release's own objects (manifest and inventory). */
  manifest: ManifestEntry[];
  /** Hooks, in the objects' install (kind) order, as Helm keeps them; `hookOrder` sorts them for a run. */
  hooks: HookRecord[];
  /** The same hooks as manifest entries (for `template`). */
  hookEntries: ManifestEntry[];
  unknown: UnknownHook[];
  /** Delete policies Helm does not know (kept in the record, never acted on; lint warns). */
  unknownPolicies: { template: string; id: string; policy: string }[];
}

function annotation(o: KObject, names: readonly string[]): string | undefined {
  const a = o.metadata.annotations;
  if (!a) return undefined;
  for (const n of names) if (typeof a[n] === 'string') return a[n];
  return undefined;
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);

/** Go's strconv.Atoi as Helm uses it: anything but an integer is weight 0. */
function weightOf(v: string | undefined): number {
  return v !== undefined && /^[+-]?\d+$/.test(v.trim()) ? Number.parseInt(v.trim(), 10) : 0;
}

/** Split ordered manifest entries into the release's objects and its hooks. */
export function splitHooks(entries: ManifestEntry[]): SplitHooks {
  const out: SplitHooks = { manifest: [], hooks: [], hookEntries: [], unknown: [], unknownPolicies: [] };
  for (const e of entries) {
    const value = e.fromCrdsDir ? undefined : annotation(e.object, ANN.hook);
    if (value === undefined) {
      out.manifest.push(e);
      continue;
    }
    const names = list(value);
    const unknown = names.filter((n) => n !== 'test-success' && !(HOOK_EVENTS as readonly string[]).includes(n));
    if (unknown.length || !names.length) {
      out.unknown.push({ template: e.template, id: objectId(e.object), value, unknown: unknown.length ? unknown : [value] });
      continue;
    }
    const events = [...new Set(names.map((n) => (n === 'test-success' ? 'test' : n) as HookEvent))];
    const policies = list(annotation(e.object, ANN.policy));
    for (const p of policies) if (!(DELETE_POLICIES as readonly string[]).includes(p)) out.unknownPolicies.push({ template: e.template, id: objectId(e.object), policy: p });
    out.hooks.push({
      name: e.object.metadata.name,
      kind: e.object.kind,
      path: e.template,
      manifest: writeYaml(e.object),
      events,
      last_run: { started_at: '', completed_at: '', phase: '' },
      weight: weightOf(annotation(e.object, ANN.weight)),
      // none given: helm's default, recorded as helm records it (helm sets it on the hook before running it)
      delete_policies: policies.length ? policies : ['before-hook-creation'],
    });
    out.hookEntries.push(e);
  }
  return out;
}

/** Helm's run order: weight, then name; hooks of equal weight and name keep their kind (install) order. */
export function hookOrder(hooks: HookRecord[]): HookRecord[] {
  return hooks
    .map((h, i) => ({ h, i }))
    .sort((a, b) => a.h.weight - b.h.weight || (a.h.name < b.h.name ? -1 : a.h.name > b.h.name ? 1 : 0) || a.i - b.i)
    .map((x) => x.h);
}

/** The object a hook creates. */
export function hookObject(h: HookRecord): KObject {
  const docs = parseYamlAll(h.manifest, `hook ${h.path}`).filter((d): d is KObject => !!d && typeof d === 'object');
  if (docs.length !== 1) throw new KfError(`hook ${h.name} (${h.path}): expected one object, found ${docs.length}`);
  return docs[0]!;
}

/** Copies of stored hooks (a rollback records its own runs, not the revision it came from). */
export function copyHooks(hooks: HookRecord[] | undefined): HookRecord[] | undefined {
  return hooks?.map((h) => ({ ...h, events: [...h.events], delete_policies: [...h.delete_policies], last_run: { ...h.last_run } }));
}

export interface HookRunOptions {
  /** The bound of each hook (Helm: --timeout per hook); the caller passes what is left of the command's bound. */
  timeoutMs: number;
  signal?: AbortSignal;
  onLine?: (l: string) => void;
  /** Poll interval (ms). */
  intervalMs?: number;
  /** Called after the hooks ran (succeeded or not) and before hook-succeeded / hook-failed deletions (`test --logs`). */
  beforeCleanup?: (ran: HookRecord[]) => Promise<void>;
}

const now = () => new Date().toISOString();
const policiesOf = (h: HookRecord) => (h.delete_policies.length ? h.delete_policies : ['before-hook-creation']);

/** Delete a hook's object when its policies say so for `policy`, and wait until it is gone. CRDs are never deleted. */
async function deleteByPolicy(objects: Objects, h: HookRecord, policy: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  if (h.kind === 'CustomResourceDefinition' || !policiesOf(h).includes(policy)) return;
  const o = hookObject(h);
  if (await objects.delete(o)) await waitDeleted(objects, [o], { timeoutMs, signal });
}

/** Where a created hook stands: done, still running (why), or failed (why). */
export function hookState(o: KObject | undefined): { done: boolean; failed?: string; reason?: string } {
  if (!o) return { done: false, failed: 'it was deleted while it ran' };
  if (o.kind === 'Job') {
    const r = readiness(o);
    if (r.failed) {
      const c = ((o.status as { conditions?: { type?: string; status?: string; reason?: string; message?: string }[] } | undefined)?.conditions ?? [])
        .find((x) => x.type === 'Failed' && x.status === 'True');
      return { done: false, failed: `job failed: ${[c?.reason, c?.message].filter(Boolean).join(': ') || 'Failed'}` };
    }
    return r.ready ? { done: true } : { done: false, reason: r.reason };
  }
  if (o.kind === 'Pod') {
    const st = (o.status ?? {}) as { phase?: string; reason?: string; message?: string; containerStatuses?: { name: string; state?: { terminated?: { exitCode?: number; reason?: string } } }[] };
    if (st.phase === 'Succeeded') return { done: true };
    if (st.phase === 'Failed') {
      const why = (st.containerStatuses ?? []).filter((c) => c.state?.terminated && c.state.terminated.exitCode !== 0)
        .map((c) => `container ${c.name} exited with code ${c.state!.terminated!.exitCode}${c.state!.terminated!.reason ? ` (${c.state!.terminated!.reason})` : ''}`);
      return { done: false, failed: `pod phase Failed${why.length ? `: ${why.join(', ')}` : st.reason ? `: ${st.reason}${st.message ? ` (${st.message})` : ''}` : ''}` };
    }
    return { done: false, reason: `pod phase ${st.phase ?? 'Pending'}` };
  }
  return { done: true };
}

/**
 * Run the hooks of `event` (those of `hooks` whose events include it), updating each one's last_run in place.
 * Throws a KfError naming the hook and why it failed; returns the hooks that ran, in run order.
 */
export async function runHooks(objects: Objects, hooks: HookRecord[] | undefined, event: HookEvent, o: HookRunOptions): Promise<HookRecord[]> {
  const run = hookOrder((hooks ?? []).filter((h) => h.events.includes(event)));
  if (!run.length) return run;
  const log = o.onLine ?? (() => {});
  const deadline = Date.now() + o.timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());
  for (let i = 0; i < run.length; i++) {
    const h = run[i]!;
    const obj = hookObject(h);
    const id = objectId(obj);
    const fail = async (why: string): Promise<never> => {
      h.last_run.completed_at = now();
      h.last_run.phase = 'Failed';
      await o.beforeCleanup?.(run.slice(0, i + 1));
      await deleteByPolicy(objects, h, 'hook-failed', left(), o.signal).catch(() => undefined);
      for (const done of run.slice(0, i)) await deleteByPolicy(objects, done, 'hook-succeeded', left(), o.signal).catch(() => undefined);
      throw new KfError(`${event} hook ${h.name} (${id}) failed: ${why}`, { where: { file: h.path, path: id } });
    };
    await deleteByPolicy(objects, h, 'before-hook-creation', left(), o.signal);
    h.last_run = { started_at: now(), completed_at: '', phase: 'Running' };
    log(`${event} hook ${h.name}: ${id} (weight ${h.weight})`);
    // Helm creates hooks: one left from an earlier run (no before-hook-creation) is an error, not silently reused.
    if (await objects.get(obj, o.signal)) await fail(`${id} already exists (left by an earlier run; add before-hook-creation to its helm.sh/hook-delete-policy)`);
    try {
      await objects.apply(obj, { signal: o.signal });
    } catch (e) {
      await fail(`it could not be created: ${(e as Error).message}`);
    }
    let reason = '';
    for (;;) {
      if (o.signal?.aborted) await fail('interrupted');
      const st = hookState(await objects.get(obj, o.signal));
      if (st.failed) await fail(st.failed);
      if (st.done) break;
      reason = st.reason ?? reason;
      if (Date.now() >= deadline) await fail(`timed out after ${Math.round(o.timeoutMs / 1000)}s${reason ? ` (${reason})` : ''}`);
      await new Promise((r) => setTimeout(r, Math.min(o.intervalMs ?? 500, Math.max(0, deadline - Date.now()))));
    }
    h.last_run.completed_at = now();
    h.last_run.phase = 'Succeeded';
  }
  await o.beforeCleanup?.(run);
  for (const h of [...run].reverse()) await deleteByPolicy(objects, h, 'hook-succeeded', left(), o.signal);
  return run;
}

/** The time a hook run may take: what is left of --timeout and of the command's own bound. */
export function hookTimeoutMs(timeoutSeconds: number | undefined, remainingMs: number | undefined): number {
  const t = (timeoutSeconds ?? 300) * 1000;
  return Math.min(t, remainingMs === undefined ? Infinity : Math.max(1000, remainingMs - 1000));
}
