// Owns: the readiness rules of --wait and `status` (pure functions of a live object) and the polling loop.
// Rules: Deployments available and updated, StatefulSets and DaemonSets rolled out, Jobs complete, PVCs bound,
// CRDs established, Pods ready, anything with a `Ready` condition True; everything else is ready once it exists.
// Must not: print (progress goes to a callback the CLI renders).

import { KfError } from '../errors.js';
import type { KObject } from '../manifest/index.js';
import { objectId } from '../manifest/index.js';
import type { Objects } from './objects.js';

export interface Readiness {
  ready: boolean;
  /** Why not (yet): `0/1 replicas available`. */
  reason?: string;
  /** True when it will never become ready (a failed Job). */
  failed?: boolean;
}

interface Cond { type?: string; status?: string; reason?: string; message?: string }

function cond(o: KObject, type: string): Cond | undefined {
  const conds = ((o.status as { conditions?: Cond[] } | undefined)?.conditions ?? []) as Cond[];
  return conds.find((c) => c.type === type);
}

const num = (v: unknown, d = 0) => (typeof v === 'number' ? v : d);

/** Readiness of one live object (undefined = the object does not exist). */
export function readiness(o: KObject | undefined): Readiness {
  if (!o) return { ready: false, reason: 'not found' };
  const md = o.metadata as { generation?: number; deletionTimestamp?: string };
  if (md.deletionTimestamp) return { ready: false, reason: 'being deleted' };
  const spec = (o.spec ?? {}) as Record<string, any>;
  const st = (o.status ?? {}) as Record<string, any>;
  const observed = () =>
    md.generation === undefined || num(st.observedGeneration, -1) >= md.generation
      ? undefined
      : { ready: false, reason: `generation ${md.generation} not yet observed by its controller` };
  switch (o.kind) {
    case 'Deployment': {
      if (spec.paused) return { ready: true };
      const g = observed();
      if (g) return g;
      const want = num(spec.replicas, 1);
      const progressing = cond(o, 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded') return { ready: false, failed: true, reason: 'progress deadline exceeded' };
      if (num(st.updatedReplicas) < want) return { ready: false, reason: `${num(st.updatedReplicas)}/${want} replicas updated` };
      if (num(st.replicas) > num(st.updatedReplicas)) return { ready: false, reason: `${num(st.replicas) - num(st.updatedReplicas)} old replicas pending termination` };
      if (num(st.availableReplicas) < want) return { ready: false, reason: `${num(st.availableReplicas)}/${want} replicas available` };
      return { ready: true };
    }
    case 'StatefulSet': {
      const g = observed();
      if (g) return g;
      const want = num(spec.replicas, 1);
      if (num(st.readyReplicas) < want) return { ready: false, reason: `${num(st.readyReplicas)}/${want} replicas ready` };
      if ((spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
        if (num(st.updatedReplicas) < want) return { ready: false, reason: `${num(st.updatedReplicas)}/${want} replicas updated` };
        if (st.updateRevision && st.currentRevision !== st.updateRevision) return { ready: false, reason: 'rolling update in progress' };
      }
      return { ready: true };
    }
    case 'DaemonSet': {
      const g = observed();
      if (g) return g;
      const want = num(st.desiredNumberScheduled);
      if (num(st.updatedNumberScheduled) < want) return { ready: false, reason: `${num(st.updatedNumberScheduled)}/${want} pods updated` };
      if (num(st.numberAvailable) < want) return { ready: false, reason: `${num(st.numberAvailable)}/${want} pods available` };
      return { ready: true };
    }
    case 'Job': {
      const failed = cond(o, 'Failed');
      if (failed?.status === 'True') return { ready: false, failed: true, reason: `failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() };
      if (cond(o, 'Complete')?.status === 'True') return { ready: true };
      return { ready: false, reason: `${num(st.succeeded)}/${num(spec.completions, 1)} completions` };
    }
    case 'PersistentVolumeClaim':
      return st.phase === 'Bound' ? { ready: true } : { ready: false, reason: `phase ${st.phase ?? 'Pending'}` };
    case 'CustomResourceDefinition': {
      const c = cond(o, 'Established');
      return c?.status === 'True' ? { ready: true } : { ready: false, reason: 'not established' };
    }
    case 'Pod': {
      if (st.phase === 'Succeeded') return { ready: true };
      if (st.phase === 'Failed') return { ready: false, failed: true, reason: 'pod failed' };
      return cond(o, 'Ready')?.status === 'True' ? { ready: true } : { ready: false, reason: `phase ${st.phase ?? 'Pending'}, not ready` };
    }
    default: {
      const c = cond(o, 'Ready');
      if (!c) return { ready: true };
      if (c.status === 'True') {
        const g = observed();
        return g && st.observedGeneration !== undefined ? g : { ready: true };
      }
      return { ready: false, reason: `Ready=${c.status ?? 'Unknown'}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}` };
    }
  }
}

export interface WaitProgress {
  total: number;
  notReady: { id: string; reason: string }[];
  elapsedMs: number;
}

/**
 * Poll until every object is ready; KfError listing what is not ready after timeoutMs (or at once on failure).
 * `known`: the objects as the API server returned them moments ago (the apply answers), used instead of a GET in
 * the first round, so that only what is not ready then (workloads, mostly) is polled. The interval (default) is
 * 250 ms while at most 32 objects are left — a rollout is seen within a quarter second of becoming ready, for a
 * few cheap GETs — and 1 s for more.
 */
export async function waitReady(
  objects: Objects,
  items: KObject[],
  opts: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal; onProgress?: (p: WaitProgress) => void; known?: Map<KObject, KObject> },
): Promise<void> {
  const start = Date.now();
  let pending = [...items];
  let first = true;
  for (;;) {
    if (opts.signal?.aborted) throw new KfError('interrupted while waiting for readiness');
    const known = first ? opts.known : undefined;
    first = false;
    const states = await Promise.all(pending.map(async (o) => ({ o, r: readiness(known?.get(o) ?? (await objects.get(o, opts.signal))) })));
    const failed = states.find((s) => s.r.failed);
    if (failed) throw new KfError(`${objectId(failed.o)} will not become ready: ${failed.r.reason}`, { where: { path: objectId(failed.o) } });
    pending = states.filter((s) => !s.r.ready).map((s) => s.o);
    const notReady = states.filter((s) => !s.r.ready).map((s) => ({ id: objectId(s.o), reason: s.r.reason ?? '' }));
    const elapsedMs = Date.now() - start;
    opts.onProgress?.({ total: items.length, notReady, elapsedMs });
    if (!pending.length) return;
    if (elapsedMs >= opts.timeoutMs) {
      throw new KfError(`timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${notReady.length} of ${items.length} object(s) to become ready`, {
        details: notReady.map((n) => `  ${n.id}: ${n.reason}`),
      });
    }
    await new Promise<void>((r) => {
      const onAbort = () => { clearTimeout(t); r(); };
      const interval = opts.intervalMs ?? (pending.length <= 32 ? 250 : 1000);
      const t = setTimeout(() => { opts.signal?.removeEventListener('abort', onAbort); r(); }, Math.min(interval, Math.max(0, opts.timeoutMs - elapsedMs)));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * Poll until every object is gone (uninstall --wait). On a timeout each object left is shown with what holds it:
 * its finalizers and, for a CustomResourceDefinition, kube-apiserver's Terminating condition (a CRD goes only once
 * the server has deleted every object of its kind).
 */
export async function waitDeleted(objects: Objects, items: KObject[], opts: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  const start = Date.now();
  let left: { ref: KObject; live: KObject }[] = items.map((ref) => ({ ref, live: ref }));
  for (;;) {
    const now = await Promise.all(left.map(async ({ ref }) => ({ ref, live: (await objects.get(ref, opts.signal)) as KObject | undefined })));
    left = now.filter((x): x is { ref: KObject; live: KObject } => !!x.live);
    if (!left.length) return;
    if (Date.now() - start >= opts.timeoutMs) {
      throw new KfError(`timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${left.length} object(s) to be deleted`, {
        details: left.map(({ ref, live }) => `  ${objectId(ref)}${holding(live)}`),
      });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function holding(live: KObject): string {
  const parts: string[] = [];
  const finalizers = (live.metadata as { finalizers?: string[] }).finalizers ?? [];
  if (finalizers.length) parts.push(`finalizers ${finalizers.join(', ')}`);
  if (live.kind === 'CustomResourceDefinition') {
    const conds = ((live.status as { conditions?: { type?: string; reason?: string; message?: string }[] } | undefined)?.conditions) ?? [];
    const t = conds.find((c) => c.type === 'Terminating');
    if (t) parts.push(`Terminating: ${t.reason ?? ''}${t.message ? ` (${t.message})` : ''}`);
  }
  return parts.length ? `: ${parts.join('; ')}` : '';
}
