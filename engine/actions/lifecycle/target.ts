// Owns: what an operation makes the release — the Target (objects in install order plus everything the record
// keeps), the stored manifest text, the objects of a stored revision, a rollback's target, and the pending record an
// operation starts by writing. Must not: talk to the cluster.

import type { Values } from '../../chart/types.js';
import { toYamlStream, type KObject } from '../../manifest/index.js';
import { FIELD_MANAGER } from '../../kube/index.js';
import type { HookRecord, InventoryItem, ReleaseRecord } from '../../release/index.js';
import { parseYamlAll } from '../../yaml/index.js';
import { TOOL } from '../../version.js';
import type { ReleaseState } from './state.js';
import { copyHooks } from './hooks.js';

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
  /** Release labels (--labels): on the record and its Secret. */
  labels?: Record<string, string>;
  /** Hooks (not in objects/manifest); their last_run is filled in as they run. */
  hooks?: HookRecord[];
}

/** The flags a record keeps (ReleaseRecord.applied) and the description override. */
export interface RecordFlags {
  forceConflicts?: boolean;
  takeOwnership?: boolean;
  wait?: boolean;
  timeoutSeconds?: number;
  atomic?: boolean;
  description?: string;
}

/** The stored manifest text of a revision: the same `# Source:` stream `template` prints. */
export function manifestText(entries: { template: string; object: KObject }[]): string {
  return toYamlStream(entries);
}

/** The objects of a stored revision (for rollback and diff rollback). */
export function recordObjects(r: ReleaseRecord): KObject[] {
  return parseYamlAll(r.manifest, `release ${r.name} revision ${r.revision} manifest`).filter((d): d is KObject => !!d && typeof d === 'object');
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
    ...(r.labels ? { labels: r.labels } : {}),
    hooks: copyHooks(r.hooks),
  };
}

function verbWord(t: Target): string {
  return t.operation === 'install' ? 'Install' : 'Upgrade';
}

/** The record of revision st.nextRevision while the operation runs: `pending-<operation>`. */
export function pendingRecord(st: ReleaseState, target: Target, inventory: InventoryItem[], flags: RecordFlags): ReleaseRecord {
  const now = new Date().toISOString();
  return {
    apiVersion: 'kfchart.io/v1',
    kind: 'Release',
    name: st.name,
    namespace: st.namespace,
    revision: st.nextRevision,
    status: `pending-${target.operation}`,
    description: flags.description ?? `${target.operation === 'rollback' ? `Rollback to ${target.rollbackTo}` : verbWord(target)} in progress`,
    firstDeployed: (st.revisions[0]?.record.firstDeployed && target.operation !== 'install') ? st.revisions[0].record.firstDeployed : now,
    lastDeployed: now,
    chart: target.chart,
    config: target.config,
    values: target.values,
    manifest: target.manifest,
    inventory,
    notes: target.notes,
    ...(target.labels && Object.keys(target.labels).length ? { labels: target.labels } : {}),
    ...(target.hooks?.length ? { hooks: target.hooks } : {}),
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
}

/** The description of a revision that deployed. */
export function doneDescription(target: Target, flags: RecordFlags): string {
  return flags.description ?? (target.operation === 'rollback' ? `Rollback to ${target.rollbackTo} complete` : `${verbWord(target)} complete`);
}
