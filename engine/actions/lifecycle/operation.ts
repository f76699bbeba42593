// Owns: the one script every deploying verb runs (install, upgrade, rollback), as named steps over the modules of
// this folder: checks (ownership.ts), the pending revision = the lock (history.ts), apply in phases (apply.ts),
// prune (prune.ts), --wait, the final statuses and history pruning (history.ts), the failure path with --atomic
// (failure.ts), dry runs (dryrun.ts); SIGINT/SIGTERM abort it like a failure (interrupt.ts).
// Must not: print (lines and wait progress go to callbacks).

import { objectKey, type KObject } from '../../manifest/index.js';
import { waitReady, type WaitProgress } from '../../kube/index.js';
import type { InventoryItem, ReleaseRecord } from '../../release/index.js';
import { applyPhases, unchangedObjects } from './apply.js';
import type { ObjectChange } from './changes.js';
import { clientDryRun, dryRunOperation, dryRunRecord } from './dryrun.js';
import { failOperation } from './failure.js';
import { checkFinalSize, markDeployed, pruneHistory, recoverPending } from './history.js';
import { interruption } from './interrupt.js';
import { Lock } from './lock.js';
import { checkCrdRemoval, checkOwnership, inventoryOf, unchangedCrds } from './ownership.js';
import { prune } from './prune.js';
import { absentObjects, replaceExisting } from './replace.js';
import { hookTimeoutMs, runHooks } from './hooks.js';
import type { Session } from './session.js';
import { previousInventory, type ReleaseState } from './state.js';
import { doneDescription, pendingRecord, recordObjects, type RecordFlags, type Target } from './target.js';

// The lifecycle API in one place for the verbs (and bench/lifecycle.mjs, which imports openSession from here).
export { ANN_NAME, ANN_NAMESPACE, ANN_POLICY, checkCrdRemoval, inventoryOf, ownObjects } from './ownership.js';
export { loadState, openSession, withRelease, withSession, type GlobalOptions, type Session } from './session.js';
export { manifestText, recordObjects, rollbackTarget, type Target } from './target.js';
export { applyPhases } from './apply.js';
export { prune } from './prune.js';
export { pruneHistory } from './history.js';

export interface OperationFlags extends RecordFlags {
  allowCrdRemoval?: boolean;
  createNamespace?: boolean;
  /** 0 = unlimited; default 10. */
  historyMax?: number;
  /** client: the record only, no cluster request; server: admission dry run; diff: against the live objects (kfchart diff). */
  dryRun?: 'none' | 'client' | 'server' | 'diff';
  /** Delete every existing object of the target and create it again (helm 4's --force-replace). */
  forceReplace?: boolean;
  /** On failure (without --atomic): delete the objects this operation created (helm's --cleanup-on-fail). */
  cleanupOnFail?: boolean;
  /** Set by runOperation for the failure path: what did not exist before (with cleanupOnFail). */
  created?: InventoryItem[];
  /** Mark a pending revision failed and go on. */
  recover?: boolean;
  color?: boolean;
  onLine?: (line: string) => void;
  onWait?: (p: WaitProgress) => void;
  /** Instead of installing SIGINT/SIGTERM handlers (tests). */
  signal?: AbortSignal;
  /** --no-hooks: run none of the release's hooks. */
  noHooks?: boolean;
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
  dryRun?: 'client' | 'server' | 'diff';
  changes?: ObjectChange[];
  diff?: string;
  /** Things that went wrong after the release was deployed (e.g. an older revision not marked superseded). */
  warnings?: string[];
}

/** Run install/upgrade/rollback of `target` as revision st.nextRevision. */
export async function runOperation(s: Session, st: ReleaseState, target: Target, flags: OperationFlags): Promise<OperationResult> {
  const { name, namespace: ns } = st;
  const log = flags.onLine ?? (() => {});
  const dryRun = flags.dryRun && flags.dryRun !== 'none' ? flags.dryRun : undefined;
  if (dryRun === 'client') return clientDryRun(st, target, flags);
  const prevInv = previousInventory(st);
  const inventory = inventoryOf(target.objects);
  const keep = new Set(inventory.map(objectKey));
  const stale = prevInv.filter((i) => !keep.has(objectKey(i)));

  // 1. Checks: no CRD removed by accident, no one else's objects taken.
  if (st.deployed) checkCrdRemoval(recordObjects(st.deployed.record), target.objects, !!flags.allowCrdRemoval, name);
  const isLive = async (ons: string, oname: string) => (await s.storage.history(ons, oname)).revisions.some((r) => r.record.status !== 'uninstalled');
  const read = await checkOwnership(s.objects, target.objects, prevInv, name, ns, !!flags.takeOwnership, isLive);

  // 2. What needs no request (unchanged since the deployed revision, on both sides; CRDs provably as rendered).
  const { skip, rvs } = flags.forceConflicts || flags.takeOwnership || flags.forceReplace || dryRun
    ? { skip: new Set<KObject>(), rvs: new Map<string, string>() }
    : await unchangedObjects(s.objects, st, target.objects);
  // (--force-replace never replaces CRDs, replace.ts: an unchanged one is still left alone)
  if (!(flags.forceConflicts || flags.takeOwnership || dryRun)) {
    for (const [o, rv] of unchangedCrds(target.objects, read, name, ns)) {
      skip.add(o);
      rvs.set(objectKey(o), rv);
    }
  }

  if (dryRun) return dryRunOperation(s, dryRunRecord(st, target, flags), target, stale, flags, dryRun);
  const record = pendingRecord(st, target, inventory, flags);
  // The final record's size is known now (every object with a resourceVersion): too large → refused, nothing applied.
  checkFinalSize({ ...record, status: 'deployed', description: doneDescription(target, flags), inventory });

  // 3. The pending revision (the lock), after --recover and --create-namespace.
  if (flags.recover) await recoverPending(s, st, log);
  if (flags.createNamespace) await s.objects.ensureNamespace(ns);
  const created = flags.cleanupOnFail ? await absentObjects(s.objects, target.objects) : [];
  const lock = await Lock.acquire(s, record, target.operation);
  log(`revision ${record.revision}: ${record.status} (record ${lock.stored.size} bytes)`);

  // 4. Apply, prune, wait — interruptible (and stopped if the lock is lost); any failure goes to the failure path.
  const intr = interruption(flags.signal, lock.signal);
  const pruned: string[] = [];
  // The apply answers: --wait starts from them instead of reading every object again.
  const answers = new Map<KObject, KObject>();
  let applied = 0;
  const hooks = (when: 'pre' | 'post') => flags.noHooks ? Promise.resolve([]) : runHooks(s.objects, target.hooks, `${when}-${target.operation}`, {
    timeoutMs: hookTimeoutMs(flags.timeoutSeconds, s.client.remainingMs?.()), signal: intr.signal, onLine: log,
  });
  try {
    await hooks('pre');
    if (flags.forceReplace) await replaceExisting(s.objects, target.objects, { signal: intr.signal, onLine: log });
    applied = await applyPhases(s.objects, target.objects, {
      force: flags.forceConflicts, signal: intr.signal, onLine: log, skip,
      onApplied: (o, live) => {
        const rv = (live.metadata as { resourceVersion?: string }).resourceVersion;
        if (rv) rvs.set(objectKey(o), rv);
        if (flags.wait) answers.set(o, live);
      },
    });
    if (skip.size) log(`${skip.size} object(s) unchanged${st.deployed ? ` since revision ${st.deployed.record.revision}` : ' (CRDs as rendered)'}: not sent`);
    intr.check();
    pruned.push(...(await prune(s.objects, stale, name, ns, log)));
    intr.check();
    if (flags.wait) {
      // Within what is left of the command's bound, so the wait's own message (what is not ready) is the one given.
      const left = s.client.remainingMs?.();
      const timeoutMs = Math.min((flags.timeoutSeconds ?? 300) * 1000, left === undefined ? Infinity : Math.max(1000, left - 1000));
      // CRDs left unchanged were Established when kfchart last applied them (the CRD tier waits for that).
      const waitFor = target.objects.filter((o) => !(o.kind === 'CustomResourceDefinition' && skip.has(o)));
      await waitReady(s.objects, waitFor, { timeoutMs, signal: intr.signal, onProgress: flags.onWait, known: answers });
    }
    intr.check();
    await hooks('post');
    intr.check();
  } catch (e) {
    intr.dispose(); // before the failure path: an --atomic rollback installs its own handlers
    return failOperation(s, st, lock, target, intr.cause(e), created.length ? { ...flags, created } : flags, runOperation);
  }
  intr.dispose();

  // 5. Deployed: the record with the objects' resourceVersions, the previous revision superseded, history pruned.
  const done: ReleaseRecord = {
    ...record,
    status: 'deployed',
    description: doneDescription(target, flags),
    lastDeployed: new Date().toISOString(),
    inventory: inventory.map((i) => (rvs.has(objectKey(i)) ? { ...i, rv: rvs.get(objectKey(i))! } : i)),
  };
  const { size, warnings, state } = await markDeployed(s, st, done, lock);
  for (const w of warnings) log(w);
  await pruneHistory(s, name, ns, flags.historyMax ?? 10, state);
  return { record: done, size, applied, unchanged: skip.size, pruned, ...(warnings.length ? { warnings } : {}) };
}
