// Owns: comparing live objects with what an operation would apply, as a unified (optionally coloured) diff per
// object. What "would apply" is asked of the API server (server-side apply, dryRun=All), so defaulted fields
// never show as changes; when the server cannot answer (kind or namespace not there yet) the rendered object is used.
// Must not: write to the cluster or print.

import { createTwoFilesPatch } from 'diff';
import { objectId, type KObject } from '../../manifest/index.js';
import { dumpYaml } from '../../yaml/index.js';
import type { Objects } from '../../kube/index.js';
import type { InventoryItem } from '../../release/index.js';
import { cloneValue } from '../../values/index.js';
import { KfError } from '../../errors.js';
import { itemRef } from './prune.js';

export type ChangeKind = 'added' | 'changed' | 'removed' | 'unchanged';

export interface ObjectChange {
  id: string;
  change: ChangeKind;
  diff: string;
}

const VOLATILE_META = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink'];

/**
 * The object without server bookkeeping (managedFields, resourceVersion, status, ...), for comparison. Secret values
 * are hidden; with `previous` (the other side of a diff), a value that differs from it is marked `changed`.
 */
export function cleanForDiff(o: KObject | undefined, previous?: KObject): Record<string, unknown> | undefined {
  if (!o) return undefined;
  const c = cloneValue(o) as Record<string, any>;
  delete c.status;
  for (const k of VOLATILE_META) delete c.metadata?.[k];
  if (c.metadata?.annotations && !Object.keys(c.metadata.annotations).length) delete c.metadata.annotations;
  if (isSecret(c)) maskSecretData(c, previous && isSecret(previous) ? secretBytes(previous) : undefined);
  return c;
}

const isSecret = (o: Record<string, any>): boolean => o.kind === 'Secret' && o.apiVersion === 'v1';

/** Each key's bytes (`data` is base64, `stringData` plain text and wins, as on the API server). */
function secretBytes(secret: Record<string, any>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const field of ['data', 'stringData'] as const) {
    const d = secret[field] as Record<string, unknown> | undefined;
    if (!d || typeof d !== 'object') continue;
    for (const [k, v] of Object.entries(d)) out.set(k, Buffer.from(String(v), field === 'data' ? 'base64' : 'utf8'));
  }
  return out;
}

/**
 * Secret values never appear in a diff (terminals and CI logs keep them), nor anything computed from them (a hash
 * would let anyone confirm a guessed password): each value of `data`/`stringData` becomes its size, plus `changed`
 * when `previous` holds the key with other bytes, so a diff still shows WHICH keys change.
 */
function maskSecretData(secret: Record<string, any>, previous?: Map<string, Buffer>): void {
  for (const field of ['data', 'stringData'] as const) {
    const d = secret[field] as Record<string, unknown> | undefined;
    if (!d || typeof d !== 'object') continue;
    for (const [k, v] of Object.entries(d)) {
      const bytes = Buffer.from(String(v), field === 'data' ? 'base64' : 'utf8');
      const before = previous?.get(k);
      d[k] = `(hidden: ${bytes.length} bytes${before && !before.equals(bytes) ? ', changed' : ''})`;
    }
  }
}

const GREEN = '\x1b[32m', RED = '\x1b[31m', CYAN = '\x1b[36m', BOLD = '\x1b[1m', RESET = '\x1b[0m';

/** Unified diff of two versions of one object; '' when equal. */
export function objectDiff(id: string, before: KObject | undefined, after: KObject | undefined, color = false): string {
  const a = before ? dumpYaml(cleanForDiff(before)) : '';
  const b = after ? dumpYaml(cleanForDiff(after, before)) : '';
  if (a === b) return '';
  const patch = createTwoFilesPatch(before ? `live ${id}` : '/dev/null', after ? `new ${id}` : '/dev/null', a, b, undefined, undefined, { context: 3 });
  const lines = patch.split('\n').filter((l) => !/^=+$/.test(l) && !l.startsWith('Index:'));
  if (!color) return lines.join('\n');
  return lines
    .map((l) =>
      l.startsWith('+++') || l.startsWith('---') ? BOLD + l + RESET
      : l.startsWith('+') ? GREEN + l + RESET
      : l.startsWith('-') ? RED + l + RESET
      : l.startsWith('@@') ? CYAN + l + RESET
      : l,
    )
    .join('\n');
}

/**
 * Changes an operation would make: every desired object against its live version (predicted by a server-side
 * dry-run apply), and every stale object (in the old inventory, not in the new) that still exists.
 */
export async function planChanges(
  objects: Objects,
  desired: KObject[],
  stale: InventoryItem[],
  opts: { color?: boolean; force?: boolean } = {},
): Promise<ObjectChange[]> {
  const out: ObjectChange[] = await Promise.all(
    desired.map(async (o) => {
      const id = objectId(o);
      const live = await objects.get(o);
      let predicted: KObject = o;
      try {
        predicted = await objects.apply(o, { dryRun: true, force: opts.force ?? true });
      } catch (e) {
        // Kind not served yet (CRD in this release) or namespace to be created: the rendered object is the best guess.
        if (live || !(e instanceof KfError)) throw e;
      }
      const diff = objectDiff(id, live, predicted, opts.color);
      return { id, change: (!live ? 'added' : diff ? 'changed' : 'unchanged') as ChangeKind, diff };
    }),
  );
  for (const i of stale) {
    if (i.keep) continue;
    const ref = itemRef(i);
    const live = await objects.get(ref);
    if (!live) continue;
    const id = objectId(ref);
    out.push({ id, change: 'removed', diff: objectDiff(id, live, undefined, opts.color) });
  }
  return out;
}

/** The whole report: one diff per changed object and a summary line. */
export function formatChanges(changes: ObjectChange[]): string {
  const parts = changes.filter((c) => c.change !== 'unchanged').map((c) => `${c.change}: ${c.id}\n${c.diff}\n`);
  const n = (k: ChangeKind) => changes.filter((c) => c.change === k).length;
  parts.push(`${n('added')} to add, ${n('changed')} to change, ${n('removed')} to remove, ${n('unchanged')} unchanged\n`);
  return parts.join('\n');
}
