// Owns: the one script every deploying verb runs (install, upgrade, rollback): ownership and CRD-removal checks,
// the pending revision (create-if-absent = the lock), apply in phases (Namespaces, CRDs + Established + discovery
// refresh, the rest by install order, custom resources last), prune by inventory in reverse order honouring
// `kfchart.io/resource-policy: keep`, --wait, the final statuses (exactly one deployed), history pruning, and the
// failure path (record failed; --atomic uninstalls a failed install or rolls a failed upgrade back; SIGINT/SIGTERM
// abort the operation the same way). Must not: print (lines and wait progress go to callbacks).

import { setMaxListeners } from 'node:events';
import { KfError } from '../../errors.js';
import type { Values } from '../../chart/types.js';
import { kindRank, objectId, toYamlStream, type KObject } from '../../manifest/index.js';
import { parseYamlAll } from '../../yaml/index.js';
import { connect, FIELD_MANAGER, Objects, waitReady, type KubeClient, type WaitProgress } from '../../kube/index.js';
import {
  RevisionExistsError, SecretsStorage, StaleRecordError,
  type InventoryItem, type ReleaseRecord, type ReleaseStorage, type Stored,
} from '../../release/index.js';
import { itemKey, previousInventory, releaseState, type ReleaseState } from './state.js';
import { formatChanges, planChanges, type ObjectChange } from './diff.js';

export const ANN_NAME = 'kfchart.io/release-name';
export const ANN_NAMESPACE = 'kfchart.io/release-namespace';
export const ANN_POLICY = 'kfchart.io/resource-policy';
export const TOOL = 'kfchart 0.1.0';

export interface GlobalOptions {
  kubeconfig?: string;
  kubeContext?: string;
  namespace?: string;
}

export interface Session {
  client: KubeClient;
  objects: Objects;
  storage: ReleaseStorage;
  namespace: string;
}

export async function openSession(g: GlobalOptions): Promise<Session> {
  const client = await connect({ kubeconfig: g.kubeconfig, context: g.kubeContext });
  return { client, objects: new Objects(client), storage: new SecretsStorage(client), namespace: g.namespace || client.contextNamespace };
}

export async function loadState(s: Session, name: string, namespace = s.namespace): Promise<ReleaseState> {
  return releaseState(namespace, name, await s.storage.history(namespace, name));
}

export interface OperationFlags {
  forceConflicts?: boolean;
  takeOwnership?: boolean;
  wait?: boolean;
  timeoutSeconds?: number;
  atomic?: boolean;
  allowCrdRemoval?: boolean;
  createNamespace?: boolean;
  /** 0 = unlimited; default 10. */
  historyMax?: number;
  description?: string;
  dryRun?: 'none' | 'client' | 'server';
  /** Mark a pending revision failed and go on. */
  recover?: boolean;
  color?: boolean;
  onLine?: (line: string) => void;
  onWait?: (p: WaitProgress) => void;
  /** Instead of installing SIGINT/SIGTERM handlers (tests). */
  signal?: AbortSignal;
}

/** What an operation will make the release: the objects and everything the record keeps. */
export interface Target {
  operation: 'install' | 'upgrade' | 'rollback';
  rollbackTo?: number;
  chart: ReleaseRecord['chart'];
  config: Values;
  values: Values;
  notes: string;
  persisted: Record<string, string>;
  /** In install order, with ownership annotations. */
  objects: KObject[];
  manifest: string;
  kubeVersion?: string;
}

export interface OperationResult {
  record: ReleaseRecord;
  /** Compressed record size in bytes. */
  size: number;
  /** Objects sent to the API server. */
  applied: number;
  /** Objects not sent because neither the chart nor the cluster changed them since the deployed revision. */
  unchanged?: number;
  pruned: string[];
  dryRun?: 'client' | 'server';
  changes?: ObjectChange[];
  diff?: string;
}

/** Objects with the release's ownership annotations, sorted in install order (stable). */
export function ownObjects(objs: { template?: string; object: KObject }[], name: string, namespace: string): { template: string; object: KObject }[] {
  const out = objs.map((e, seq) => {
    const o = JSON.parse(JSON.stringify(e.object)) as KObject;
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [ANN_NAME]: name, [ANN_NAMESPACE]: namespace };
    return { template: e.template ?? '', object: o, seq };
  });
  out.sort((a, b) => kindRank(a.object.kind) - kindRank(b.object.kind) || a.seq - b.seq);
  return out.map(({ template, object }) => ({ template, object }));
}

export function inventoryOf(objs: KObject[]): InventoryItem[] {
  return objs.map((o) => {
    const i: InventoryItem = { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name };
    if (o.metadata.namespace) i.namespace = o.metadata.namespace;
    if (o.metadata.annotations?.[ANN_POLICY] === 'keep') i.keep = true;
    return i;
  });
}

/** The stored manifest text of a revision: the same `# Source:` stream `template` prints. */
export function manifestText(entries: { template: string; object: KObject }[]): string {
  return toYamlStream(entries);
}

/** The objects of a stored revision (for rollback and diff rollback). */
export function recordObjects(r: ReleaseRecord): KObject[] {
  return parseYamlAll(r.manifest, `release ${r.name} revision ${r.revision} manifest`).filter((d): d is KObject => !!d && typeof d === 'object');
}

/** Refuse an upgrade that removes a CRD, or a served version of one, unless allowed. */
export function checkCrdRemoval(prev: KObject[], next: KObject[], allow: boolean, release: string): void {
  if (allow) return;
  const crds = (l: KObject[]) => new Map(l.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => [o.metadata.name, o]));
  const before = crds(prev), after = crds(next);
  const problems: string[] = [];
  for (const [n, o] of before) {
    const now = after.get(n);
    if (!now) {
      problems.push(`CRD ${n} would be deleted (and every custom resource of it)`);
      continue;
    }
    const served = (c: KObject) => new Set(((c.spec as { versions?: { name: string; served?: boolean }[] })?.versions ?? []).filter((v) => v.served !== false).map((v) => v.name));
    const gone = [...served(o)].filter((v) => !served(now).has(v));
    if (gone.length) problems.push(`CRD ${n} would stop serving version(s) ${gone.join(', ')}`);
  }
  if (problems.length) {
    throw new KfError(`release ${release}: refusing to remove CRDs or CRD versions; rerun with --allow-crd-removal if that is intended`, {
      details: problems.map((p) => `  ${p}`),
    });
  }
}

function ownerOf(ann: Record<string, string> | undefined): string | undefined {
  const n = ann?.[ANN_NAME], ns = ann?.[ANN_NAMESPACE];
  return n ? `${ns ?? '?'}/${n}` : undefined;
}

/** Run install/upgrade/rollback of `target` as revision st.nextRevision. */
export async function runOperation(s: Session, st: ReleaseState, target: Target, flags: OperationFlags): Promise<OperationResult> {
  const { objects, storage } = s;
  const name = st.name, ns = st.namespace;
  const log = flags.onLine ?? (() => {});
  const dryRun = flags.dryRun && flags.dryRun !== 'none' ? flags.dryRun : undefined;
  const prevInv = previousInventory(st);
  const prevKeys = new Set(prevInv.map(itemKey));
  const newInv = inventoryOf(target.objects);
  const newKeys = new Set(newInv.map(itemKey));
  const stale = prevInv.filter((i) => !newKeys.has(itemKey(i)));

  if (st.deployed) checkCrdRemoval(recordObjects(st.deployed.record), target.objects, !!flags.allowCrdRemoval, name);

  // Ownership: objects new to this release must not belong to someone else.
  const fresh = target.objects.filter((o) => !prevKeys.has(itemKey(inventoryOf([o])[0]!)));
  const metas = await objects.metadataOf(fresh);
  const foreign: string[] = [];
  fresh.forEach((o, i) => {
    const m = metas[i];
    if (!m) return;
    const owner = ownerOf(m.annotations);
    if (owner !== `${ns}/${name}`) foreign.push(`  ${objectId(o)} exists and belongs to ${owner ? `release ${owner}` : 'no kfchart release'}`);
  });
  if (foreign.length && !flags.takeOwnership) {
    throw new KfError(`release ${name}: ${foreign.length} object(s) already exist and are not part of this release; rerun with --take-ownership to adopt them`, {
      details: foreign,
    });
  }

  // Unchanged objects: rendered exactly as the deployed revision stored them, and untouched in the cluster since
  // (same resourceVersion as recorded right after that apply). Applying them again would be a no-op, so no request
  // is sent (a no-op upgrade of 1,000 objects costs one LIST instead of 1,000 PATCHes). Any change on either side
  // — new content, an edit by someone else, a controller writing status — means the object is applied as usual.
  const skip = new Set<KObject>();
  const rvs = new Map<string, string>();
  if (st.deployed && !flags.forceConflicts && !flags.takeOwnership && !dryRun) {
    const keyOf = (o: KObject) => itemKey(inventoryOf([o])[0]!);
    const before = new Map(recordObjects(st.deployed.record).map((o) => [keyOf(o), canonical(o)]));
    const recorded = new Map(st.deployed.record.inventory.filter((i) => i.rv).map((i) => [itemKey(i), i.rv!]));
    const cands = target.objects.filter((o) => recorded.has(keyOf(o)) && before.get(keyOf(o)) === canonical(o));
    const live = await objects.metadataOf(cands);
    cands.forEach((o, i) => {
      const rv = recorded.get(keyOf(o))!;
      if (live[i]?.resourceVersion === rv) {
        skip.add(o);
        rvs.set(keyOf(o), rv);
      }
    });
  }

  const now = new Date().toISOString();
  const record: ReleaseRecord = {
    apiVersion: 'kfchart.io/v1',
    kind: 'Release',
    name,
    namespace: ns,
    revision: st.nextRevision,
    status: `pending-${target.operation}`,
    description: flags.description ?? `${target.operation === 'rollback' ? `Rollback to ${target.rollbackTo}` : target.operation === 'install' ? 'Install' : 'Upgrade'} in progress`,
    firstDeployed: (st.revisions[0]?.record.firstDeployed && target.operation !== 'install') ? st.revisions[0].record.firstDeployed : now,
    lastDeployed: now,
    chart: target.chart,
    config: target.config,
    values: target.values,
    manifest: target.manifest,
    inventory: newInv,
    notes: target.notes,
    persisted: target.persisted,
    applied: {
      operation: target.operation,
      fieldManager: FIELD_MANAGER,
      ...(target.rollbackTo ? { rollbackTo: target.rollbackTo } : {}),
      forceConflicts: !!flags.forceConflicts,
      takeOwnership: !!flags.takeOwnership,
      wait: !!flags.wait,
      timeoutSeconds: flags.timeoutSeconds ?? 300,
      atomic: !!flags.atomic,
      ...(target.kubeVersion ? { kubeVersion: target.kubeVersion } : {}),
      tool: TOOL,
    },
  };

  if (dryRun) return dryRunOperation(s, record, target, stale, flags, dryRun);

  // Recover from a killed operation: the pending revision becomes failed (guarded by its resourceVersion).
  if (st.pending && flags.recover) {
    const p = st.pending;
    await storage.update({ ...p.record, status: 'failed', description: `${p.record.status} interrupted; recovered by a later command` }, p.token);
    log(`revision ${p.record.revision} (${p.record.status}) marked failed`);
  }

  if (flags.createNamespace) await ensureNamespace(objects, ns);
  // The lock: create-if-absent of the next revision.
  let stored: Stored;
  try {
    stored = await storage.create(record);
  } catch (e) {
    if (e instanceof RevisionExistsError) {
      const again = await loadState(s, name, ns).catch(() => undefined);
      const p = again?.pending?.record;
      throw new KfError(
        p ? `release ${name}: another operation is in progress (revision ${p.revision} is ${p.status}, started ${p.lastDeployed}); try again when it has finished`
          : `release ${name}: revision ${record.revision} was created by another operation meanwhile; try again`,
      );
    }
    if ((e as { status?: number }).status === 404) {
      throw new KfError(`release ${name}: namespace ${ns} does not exist; create it or add --create-namespace`, { cause: e });
    }
    throw e;
  }
  log(`revision ${record.revision}: ${record.status} (record ${stored.size} bytes)`);

  const ac = new AbortController();
  setMaxListeners(0, ac.signal); // every in-flight request listens to it
  const signal = flags.signal ?? ac.signal;
  let caught: string | undefined;
  const onSignal = (sig: NodeJS.Signals) => { caught = sig; ac.abort(); };
  if (!flags.signal) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const pruned: string[] = [];
  let applied = 0;
  try {
    applied = await applyPhases(objects, target.objects, {
      force: flags.forceConflicts, signal, onLine: log, skip,
      onApplied: (o, stored) => {
        const rv = (stored.metadata as { resourceVersion?: string }).resourceVersion;
        if (rv) rvs.set(itemKey(inventoryOf([o])[0]!), rv);
      },
    });
    if (skip.size) log(`${skip.size} object(s) unchanged since revision ${st.deployed!.record.revision}: not sent`);
    checkAbort(signal, caught);
    pruned.push(...(await prune(objects, stale, name, ns, log)));
    checkAbort(signal, caught);
    if (flags.wait) {
      await waitReady(objects, target.objects, { timeoutMs: (flags.timeoutSeconds ?? 300) * 1000, signal, onProgress: flags.onWait });
    }
    checkAbort(signal, caught);
  } catch (e) {
    const err = signal.aborted ? new KfError(`interrupted by ${caught ?? 'signal'}`, { cause: e }) : e;
    if (!flags.signal) {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    return failOperation(s, st, stored, target, err, flags);
  }
  if (!flags.signal) {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  // Success: this revision deployed, the previously deployed one superseded.
  const done: ReleaseRecord = {
    ...record,
    status: 'deployed',
    description: flags.description ?? (target.operation === 'rollback' ? `Rollback to ${target.rollbackTo} complete` : `${target.operation === 'install' ? 'Install' : 'Upgrade'} complete`),
    lastDeployed: new Date().toISOString(),
    inventory: newInv.map((i) => (rvs.has(itemKey(i)) ? { ...i, rv: rvs.get(itemKey(i))! } : i)),
  };
  const final = await storage.update(done, stored.token);
  for (const old of st.revisions) {
    if (old.record.status === 'deployed' && old.record.revision !== done.revision) {
      await storage.update({ ...old.record, status: 'superseded' }, old.token).catch((e) => {
        if (!(e instanceof StaleRecordError)) throw e;
      });
    }
  }
  await pruneHistory(s, name, ns, flags.historyMax ?? 10);
  return { record: done, size: final.size, applied, unchanged: skip.size, pruned };
}

/** JSON with sorted keys, for comparing objects regardless of key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x,
  );
}

function checkAbort(signal: AbortSignal, caught?: string): void {
  if (signal.aborted) throw new KfError(`interrupted by ${caught ?? 'signal'}`);
}

async function ensureNamespace(objects: Objects, ns: string): Promise<void> {
  const ref = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
  if (await objects.get(ref)) return;
  await objects.client.request('POST', '/api/v1/namespaces', { body: ref }).catch((e) => {
    if ((e as { status?: number }).status !== 409) throw e;
  });
}

/** Apply in phases; returns how many objects were applied. */
export async function applyPhases(
  objects: Objects,
  objs: KObject[],
  opts: {
    force?: boolean; signal?: AbortSignal; onLine?: (l: string) => void; dryRun?: boolean;
    /** Objects known to be unchanged (not sent). */
    skip?: Set<KObject>;
    onApplied?: (o: KObject, stored: KObject) => void;
  },
): Promise<number> {
  const groups: KObject[][] = [];
  let rank = -1;
  for (const o of objs) {
    if (opts.skip?.has(o)) continue;
    const r = kindRank(o.kind);
    if (r !== rank || o.kind === 'Namespace') groups.push([]);
    rank = r;
    groups[groups.length - 1]!.push(o);
  }
  let n = 0;
  for (const g of groups) {
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
    if (g[0]!.kind === 'CustomResourceDefinition' && !opts.dryRun) {
      await waitEstablished(objects, g, opts.signal);
      objects.discovery.refresh();
      opts.onLine?.(`${g.length} CRD(s) established`);
    }
  }
  return n;
}

async function waitEstablished(objects: Objects, crds: KObject[], signal?: AbortSignal): Promise<void> {
  await waitReady(objects, crds, { timeoutMs: 60_000, intervalMs: 200, signal });
}

/** Delete stale objects (reverse install order), skipping `keep` and objects now owned by another release. */
export async function prune(objects: Objects, stale: InventoryItem[], name: string, ns: string, log: (l: string) => void, opts: { deleteCrds?: boolean } = {}): Promise<string[]> {
  const refs = stale
    .filter((i) => !i.keep && (opts.deleteCrds !== false || i.kind !== 'CustomResourceDefinition'))
    .map((i) => ({ apiVersion: i.apiVersion, kind: i.kind, metadata: { name: i.name, namespace: i.namespace } }) as KObject)
    .sort((a, b) => kindRank(b.kind) - kindRank(a.kind));
  const metas = await objects.metadataOf(refs);
  const out: string[] = [];
  let rank = -1;
  let batch: Promise<void>[] = [];
  for (let i = 0; i < refs.length; i++) {
    const o = refs[i]!, m = metas[i];
    if (!m) continue;
    if (m.annotations?.[ANN_POLICY] === 'keep') { log(`kept ${objectId(o)} (resource-policy keep)`); continue; }
    const owner = ownerOf(m.annotations);
    // Only objects that say they are ours are deleted (adopted by another release, or never annotated by us because
    // the apply that would have adopted them failed: left alone).
    if (owner !== `${ns}/${name}`) { log(`left ${objectId(o)}: owned by ${owner ? `release ${owner}` : 'no kfchart release'}`); continue; }
    const r = kindRank(o.kind);
    if (r !== rank) { await Promise.all(batch); batch = []; rank = r; }
    // A CRD is deleted only once the server serves its objects (see Objects.waitCrdServed): else it can linger.
    const ready = o.kind === 'CustomResourceDefinition' ? objects.waitCrdServed(o.metadata.name) : Promise.resolve();
    batch.push(ready.then(() => objects.delete(o, { uid: m.uid })).then((gone) => { if (gone) out.push(objectId(o)); }));
  }
  await Promise.all(batch);
  if (out.length) log(`deleted ${out.length} object(s) no longer in the release`);
  return out;
}

/** Delete the oldest records beyond max (never the deployed one). */
export async function pruneHistory(s: Session, name: string, ns: string, max: number): Promise<number> {
  if (!max || max < 1) return 0;
  const st = await loadState(s, name, ns);
  const extra = st.revisions.length - max;
  if (extra <= 0) return 0;
  const victims = st.revisions.filter((r) => r.record.status !== 'deployed').slice(0, extra);
  for (const v of victims) await s.storage.remove(ns, name, v.record.revision);
  return victims.length;
}

async function failOperation(s: Session, st: ReleaseState, stored: Stored, target: Target, e: unknown, flags: OperationFlags): Promise<never> {
  const err = e instanceof KfError ? e : new KfError((e as Error).message ?? String(e), { cause: e });
  const rec = stored.record;
  const failed: ReleaseRecord = { ...rec, status: 'failed', description: `${target.operation} failed: ${err.message}`.slice(0, 1000), lastDeployed: new Date().toISOString() };
  await s.storage.update(failed, stored.token).catch(() => undefined);
  await pruneHistory(s, st.name, st.namespace, flags.historyMax ?? 10).catch(() => 0);
  const what = `${target.operation} of release ${st.name} (revision ${rec.revision})`;
  if (!flags.atomic) {
    throw new KfError(`${what} failed: ${err.message}`, { where: err.where, details: err.details, cause: err });
  }
  const log = flags.onLine ?? (() => {});
  if (!st.deployed) {
    // A failed install is uninstalled: its objects and its record.
    log('--atomic: uninstalling the failed release');
    const inv = inventoryOf(target.objects);
    await prune(s.objects, [...inv, ...previousInventory(st)], st.name, st.namespace, log, { deleteCrds: true });
    await s.storage.remove(st.namespace, st.name, rec.revision);
    throw new KfError(`${what} failed and was uninstalled (--atomic): ${err.message}`, { where: err.where, details: err.details, cause: err });
  }
  log(`--atomic: rolling back to revision ${st.deployed.record.revision}`);
  const again = await loadState(s, st.name, st.namespace);
  const back = await runOperation(s, again, rollbackTarget(st.deployed.record), {
    // No --wait for the way back: the previous objects were deployed before, and a second timeout would only hide the first error.
    ...flags, wait: false, atomic: false, recover: false, description: undefined, signal: undefined, allowCrdRemoval: true, forceConflicts: true,
  });
  throw new KfError(
    `${what} failed: ${err.message}; --atomic rolled back to revision ${st.deployed.record.revision} (now revision ${back.record.revision})`,
    { where: err.where, details: err.details, cause: err },
  );
}

/** A rollback target: exactly what a stored revision applied. */
export function rollbackTarget(r: ReleaseRecord): Target {
  return {
    operation: 'rollback',
    rollbackTo: r.revision,
    chart: r.chart,
    config: r.config,
    values: r.values,
    notes: r.notes,
    persisted: r.persisted,
    objects: recordObjects(r),
    manifest: r.manifest,
    kubeVersion: r.applied.kubeVersion,
  };
}

async function dryRunOperation(
  s: Session, record: ReleaseRecord, target: Target, stale: InventoryItem[], flags: OperationFlags, mode: 'client' | 'server',
): Promise<OperationResult> {
  const size = (await import('../../release/index.js')).encodeChecked(record).length;
  if (mode === 'client') {
    const changes = await planChanges(s.objects, target.objects, stale, { color: flags.color, force: flags.forceConflicts });
    return { record, size, applied: 0, pruned: [], dryRun: 'client', changes, diff: formatChanges(changes) };
  }
  // Server: every object through admission with dryRun=All. Objects whose kind or namespace this release would
  // create first cannot be checked that way; they are counted as skipped.
  let applied = 0;
  const skipped: string[] = [];
  const nsKnown = new Map<string, boolean>();
  for (const o of target.objects) {
    if (!(await s.objects.discovery.find(o.apiVersion, o.kind))) { skipped.push(`${objectId(o)} (kind not served yet)`); continue; }
    const ons = o.metadata.namespace;
    if (ons) {
      if (!nsKnown.has(ons)) nsKnown.set(ons, !!(await s.objects.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ons } })));
      if (!nsKnown.get(ons)) { skipped.push(`${objectId(o)} (namespace ${ons} not created yet)`); continue; }
    }
    await s.objects.apply(o, { dryRun: true, force: flags.forceConflicts });
    applied++;
  }
  for (const k of skipped) flags.onLine?.(`not checked by the server: ${k}`);
  return { record, size, applied, pruned: stale.map((i) => `${i.apiVersion} ${i.kind} ${i.namespace ? `${i.namespace}/` : ''}${i.name}`), dryRun: 'server' };
}
