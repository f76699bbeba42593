// Owns: what makes an object part of a release — the ownership annotations, the inventory the record keeps — and
// the checks made before anything is written: objects new to the release must belong to no one else (unless
// --take-ownership), and an upgrade must not remove a CRD or a served version of one (unless --allow-crd-removal).
// Must not: write to the cluster.

import { createHash } from 'node:crypto';
import { KfError } from '../../errors.js';
import { kindRank, objectId, objectKey, type KObject } from '../../manifest/index.js';
import { FIELD_MANAGER, type ObjectMeta, type Objects } from '../../kube/index.js';
import type { InventoryItem } from '../../release/index.js';
import { cloneValue } from '../../values/index.js';

export const ANN_NAME = 'kfchart.io/release-name';
export const ANN_NAMESPACE = 'kfchart.io/release-namespace';
export const ANN_POLICY = 'kfchart.io/resource-policy';
/** Left on an object an uninstall kept (resource-policy keep) instead of the ownership annotations: `ns/name`. */
export const ANN_RELEASED = 'kfchart.io/released-from';
/**
 * On a CRD: SHA-256 of its content as the chart renders it (canonical JSON, without kfchart.io/ annotations). With
 * the CRD's field managers it proves, from a metadata-only read, that applying the CRD again would change nothing
 * (unchangedCrds).
 */
export const ANN_DIGEST = 'kfchart.io/content-digest';

/** JSON with sorted keys, for comparing objects regardless of key order. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x,
  );
}

/** ANN_DIGEST of an object: its canonical JSON without kfchart.io/ annotations. */
export function contentDigest(o: KObject): string {
  const ann = Object.fromEntries(Object.entries(o.metadata.annotations ?? {}).filter(([k]) => !k.startsWith('kfchart.io/')));
  const bare = { ...o, metadata: { ...o.metadata, annotations: ann } };
  return createHash('sha256').update(canonical(bare)).digest('hex');
}

/** Objects with the release's ownership annotations (CRDs also with ANN_DIGEST), sorted in install order (stable). */
export function ownObjects(objs: { template?: string; object: KObject }[], name: string, namespace: string): { template: string; object: KObject }[] {
  const out = objs.map((e, seq) => {
    const o = cloneValue(e.object) as KObject;
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [ANN_NAME]: name, [ANN_NAMESPACE]: namespace };
    if (o.kind === 'CustomResourceDefinition') o.metadata.annotations[ANN_DIGEST] = contentDigest(o);
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

/**
 * Refuse objects new to this release that exist and belong to someone else, unless `adopt`. A CRD that names a
 * release which no longer exists (uninstalls keep CRDs as they are) is free to take; `isLive` tells (without it,
 * such a CRD counts as foreign). Returns the metadata read, by objectKey (for unchangedCrds).
 */
export async function checkOwnership(
  objects: Objects, desired: KObject[], previous: InventoryItem[], name: string, ns: string, adopt: boolean,
  isLive?: (namespace: string, name: string) => Promise<boolean>,
): Promise<Map<string, ObjectMeta>> {
  const prevKeys = new Set(previous.map(objectKey));
  const fresh = desired.filter((o) => !prevKeys.has(objectKey(o)));
  const metas = await objects.metadataOf(fresh, { absentNamespaces: true });
  const read = new Map<string, ObjectMeta>();
  const foreign: string[] = [];
  const gone = new Map<string, Promise<boolean>>();
  await Promise.all(fresh.map(async (o, i) => {
    const m = metas[i];
    if (!m) return;
    read.set(objectKey(o), m);
    const owner = ownerOf(m.annotations);
    // Released by an uninstall that kept it: belongs to no one, free to adopt.
    if (!owner && m.annotations?.[ANN_RELEASED]) return;
    if (owner === `${ns}/${name}`) return;
    if (owner && o.kind === 'CustomResourceDefinition' && isLive) {
      const [ons, oname] = [m.annotations![ANN_NAMESPACE] ?? '', m.annotations![ANN_NAME]!];
      if (!gone.has(owner)) gone.set(owner, isLive(ons, oname).then((live) => !live));
      if (await gone.get(owner)) return;
    }
    foreign.push(`  ${objectId(o)} exists and belongs to ${owner ? `release ${owner}` : 'no kfchart release'}`);
  }));
  foreign.sort();
  if (foreign.length && !adopt) {
    throw new KfError(`release ${name}: ${foreign.length} object(s) already exist and are not part of this release; rerun with --take-ownership to adopt them`, {
      details: foreign,
    });
  }
  return read;
}

/**
 * CRDs that need no apply: the live CRD already names this release, carries the content digest of exactly what
 * would be sent, and has been written by no field manager but kfchart's own applies (its status, written by
 * kube-apiserver through the status subresource, aside). Any edit by another client — `kubectl edit`, a client-side
 * or server-side apply, an operator — adds a manager and the CRD is applied again, conflicts reported as usual; a
 * CRD deleted meanwhile is not in `live` and is created. Returns them with their live resourceVersions.
 */
export function unchangedCrds(desired: KObject[], live: Map<string, ObjectMeta>, name: string, ns: string): Map<KObject, string> {
  const out = new Map<KObject, string>();
  for (const o of desired) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const m = live.get(objectKey(o));
    const want = o.metadata.annotations?.[ANN_DIGEST];
    if (!m?.resourceVersion || !want || m.deletionTimestamp || m.annotations?.[ANN_DIGEST] !== want) continue;
    if (ownerOf(m.annotations) !== `${ns}/${name}` || m.annotations?.[ANN_RELEASED]) continue;
    const main = (m.managedFields ?? []).filter((f) => !f.subresource);
    if (!main.length || !main.every((f) => f.manager === FIELD_MANAGER && f.operation === 'Apply')) continue;
    out.set(o, m.resourceVersion);
  }
  return out;
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
