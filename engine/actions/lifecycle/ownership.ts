// Owns: what makes an object part of a release — the ownership annotations, the inventory the record keeps — and
// the checks made before anything is written: objects new to the release must belong to no one else (unless
// --take-ownership), and an upgrade must not remove a CRD or a served version of one (unless --allow-crd-removal).
// Must not: write to the cluster.

import { KfError } from '../../errors.js';
import { kindRank, objectId, objectKey, type KObject } from '../../manifest/index.js';
import type { Objects } from '../../kube/index.js';
import type { InventoryItem } from '../../release/index.js';
import { cloneValue } from '../../values/index.js';

export const ANN_NAME = 'kfchart.io/release-name';
export const ANN_NAMESPACE = 'kfchart.io/release-namespace';
export const ANN_POLICY = 'kfchart.io/resource-policy';
/** Left on an object an uninstall kept (CRD, resource-policy keep) instead of the ownership annotations: `ns/name`. */
export const ANN_RELEASED = 'kfchart.io/released-from';

/** Objects with the release's ownership annotations, sorted in install order (stable). */
export function ownObjects(objs: { template?: string; object: KObject }[], name: string, namespace: string): { template: string; object: KObject }[] {
  const out = objs.map((e, seq) => {
    const o = cloneValue(e.object) as KObject;
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

/** `namespace/name` of the release an object's annotations name, if any. */
export function ownerOf(ann: Record<string, string> | undefined): string | undefined {
  const n = ann?.[ANN_NAME], ns = ann?.[ANN_NAMESPACE];
  return n ? `${ns ?? '?'}/${n}` : undefined;
}

/** Refuse objects new to this release that exist and belong to someone else, unless `adopt`. */
export async function checkOwnership(
  objects: Objects, desired: KObject[], previous: InventoryItem[], name: string, ns: string, adopt: boolean,
): Promise<void> {
  const prevKeys = new Set(previous.map(objectKey));
  const fresh = desired.filter((o) => !prevKeys.has(objectKey(o)));
  const metas = await objects.metadataOf(fresh);
  const foreign: string[] = [];
  fresh.forEach((o, i) => {
    const m = metas[i];
    if (!m) return;
    const owner = ownerOf(m.annotations);
    // Released by an uninstall that kept it: belongs to no one, free to adopt.
    if (!owner && m.annotations?.[ANN_RELEASED]) return;
    if (owner !== `${ns}/${name}`) foreign.push(`  ${objectId(o)} exists and belongs to ${owner ? `release ${owner}` : 'no kfchart release'}`);
  });
  if (foreign.length && !adopt) {
    throw new KfError(`release ${name}: ${foreign.length} object(s) already exist and are not part of this release; rerun with --take-ownership to adopt them`, {
      details: foreign,
    });
  }
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
