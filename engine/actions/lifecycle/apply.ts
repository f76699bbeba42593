// Owns: sending a release's objects to the API server: the phases of manifest/kinds.ts `installPhases` (one phase
// at a time, its objects in parallel; a CRD phase waits for Established and refreshes discovery), the objects that
// need no request because nothing changed since the deployed revision.
// Must not: read or write release records.

import { KfError } from '../../errors.js';
import { installPhases, objectKey, phaseWaitsEstablished, type KObject } from '../../manifest/index.js';
import { waitReady, type Objects } from '../../kube/index.js';
import type { ReleaseState } from './state.js';
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

/** Apply in phases; returns how many objects were applied. */
export async function applyPhases(objects: Objects, objs: KObject[], opts: ApplyOptions): Promise<number> {
  let n = 0;
  for (const g of installPhases(opts.skip ? objs.filter((o) => !opts.skip!.has(o)) : objs)) {
    if (opts.signal?.aborted) return n;
    const results = await Promise.allSettled(
      g.map(async (o) => {
        const stored = await objects.apply(o, { force: opts.force, signal: opts.signal, dryRun: opts.dryRun });
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
      await waitReady(objects, g, { timeoutMs: 60_000, intervalMs: 200, signal: opts.signal });
      objects.discovery.refresh();
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

/** JSON with sorted keys, for comparing objects regardless of key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x,
  );
}
