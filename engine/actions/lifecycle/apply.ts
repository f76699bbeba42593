// Owns: sending a release's objects to the API server in ordering tiers (applyTiers: one tier at a time, its
// objects in parallel, bounded by the client's 16 requests at once; a CRD tier waits until new CRDs are Established
// and refreshes discovery), the objects that need no request because nothing changed since the deployed revision.
// Must not: read or write release records.

import { KfError } from '../../errors.js';
import { installPhases, kindRank, objectKey, phaseWaitsEstablished, type KObject } from '../../manifest/index.js';
import { readiness, waitReady, type Objects } from '../../kube/index.js';
import type { ReleaseState } from './state.js';
import { canonical } from './ownership.js';
import { recordObjects } from './target.js';

export interface ApplyOptions {
  force?: boolean;
  signal?: AbortSignal;
  onLine?: (l: string) => void;
  dryRun?: boolean;
  /** Objects known to be unchanged (not sent). */
  skip?: Set<KObject>;
  onApplied?: (o: KObject, stored: KObject) => void;
}

/**
 * The first kind of each ordering tier after Namespaces and CRDs: objects of the kinds between two of these have no
 * order the API server needs among themselves (a RoleBinding may name a Role that comes later, a Service its pods),
 * so they go in one parallel tier instead of one phase per kind. The barriers keep what does matter: identity,
 * config, quota and RBAC before workloads (a pod of a missing ServiceAccount or PriorityClass is refused at
 * admission, and its controller backs off), workloads before webhooks and APIServices (which would otherwise
 * intercept the release's own objects before their servers exist), custom resources last.
 */
const TIER_STARTS = ['PriorityClass', 'DaemonSet', 'APIService'];
const TIER_BOUNDS = TIER_STARTS.map(kindRank);
/** kindRank of every kind the install order does not name (custom resources). */
const CUSTOM_RANK = kindRank('');

function tierOf(kind: string): number {
  const r = kindRank(kind);
  if (kind === 'Namespace' || phaseWaitsEstablished(kind)) return r - 100; // their own tiers, first
  let t = 0;
  for (const b of TIER_BOUNDS) if (r >= b) t++;
  return r >= CUSTOM_RANK ? TIER_BOUNDS.length + 1 : t;
}

/**
 * Install order (manifest/kinds.ts installPhases) merged into ordering tiers: all Namespaces, then all CRDs, then
 * the built-in kinds in the tiers of TIER_STARTS, then custom resources. Objects stay in install order in a tier.
 */
export function applyTiers<T extends { kind: string }>(objs: readonly T[]): T[][] {
  const tiers: T[][] = [];
  let cur = Number.NaN;
  for (const phase of installPhases(objs)) {
    const t = tierOf(phase[0]!.kind);
    if (t !== cur) tiers.push([]);
    cur = t;
    tiers[tiers.length - 1]!.push(...phase);
  }
  return tiers;
}

/** Apply in ordering tiers; returns how many objects were applied. */
export async function applyPhases(objects: Objects, objs: KObject[], opts: ApplyOptions): Promise<number> {
  let n = 0;
  for (const g of applyTiers(opts.skip ? objs.filter((o) => !opts.skip!.has(o)) : objs)) {
    const established = new Set<KObject>();
    if (opts.signal?.aborted) return n;
    const results = await Promise.allSettled(
      g.map(async (o) => {
        const stored = await objects.apply(o, { force: opts.force, signal: opts.signal, dryRun: opts.dryRun });
        // A CRD that already existed answers with its conditions: Established there needs no wait (a new one
        // answers without conditions and is waited for).
        if (phaseWaitsEstablished(o.kind) && readiness(stored).ready) established.add(o);
        opts.onApplied?.(o, stored);
      }),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    n += results.length - failed.length;
    if (failed.length) {
      const first = failed[0]!.reason as Error;
      if (failed.length > 1 && first instanceof KfError) {
        throw new KfError(`${first.message} (and ${failed.length - 1} more failed)`, { where: first.where, details: first.details, cause: first });
      }
      throw first;
    }
    if (phaseWaitsEstablished(g[0]!.kind) && !opts.dryRun) {
      const fresh = g.filter((o) => !established.has(o));
      if (fresh.length) await waitReady(objects, fresh, { timeoutMs: 60_000, intervalMs: 200, signal: opts.signal });
      // Served kinds change when a CRD is new (or its versions or names changed): discovery is read again, at
      // once for new CRDs, else on the first kind it does not know.
      if (fresh.length || !objects.discovery.refreshOnMiss) objects.discovery.refresh();
      else objects.discovery.refreshOnMiss();
      opts.onLine?.(`${g.length} CRD(s) established`);
    }
  }
  return n;
}

/**
 * Unchanged objects: rendered exactly as the deployed revision stored them, and untouched in the cluster since
 * (same resourceVersion as recorded right after that apply). Applying them again would be a no-op, so no request
 * is sent (a no-op upgrade of 1,000 objects costs one LIST instead of 1,000 PATCHes). Any change on either side
 * — new content, an edit by someone else, a controller writing status — means the object is applied as usual.
 * Returns the objects to skip and their recorded resourceVersions (by objectKey).
 */
export async function unchangedObjects(objects: Objects, st: ReleaseState, desired: KObject[]): Promise<{ skip: Set<KObject>; rvs: Map<string, string> }> {
  const skip = new Set<KObject>();
  const rvs = new Map<string, string>();
  if (!st.deployed) return { skip, rvs };
  const before = new Map(recordObjects(st.deployed.record).map((o) => [objectKey(o), canonical(o)]));
  const recorded = new Map(st.deployed.record.inventory.filter((i) => i.rv).map((i) => [objectKey(i), i.rv!]));
  const cands = desired.filter((o) => recorded.has(objectKey(o)) && before.get(objectKey(o)) === canonical(o));
  const live = await objects.metadataOf(cands);
  cands.forEach((o, i) => {
    const rv = recorded.get(objectKey(o))!;
    if (live[i]?.resourceVersion === rv) {
      skip.add(o);
      rvs.set(objectKey(o), rv);
    }
  });
  return { skip, rvs };
}
