// Owns: reading, applying (server-side apply, field manager `kfchart`) and deleting single objects, and reading the
// metadata of many objects at once (one metadata-only LIST per kind and namespace when that is cheaper than GETs).
// API errors become KfErrors naming the object: apply conflicts list the other field manager and the fields.
// The `Objects` interface is what actions depend on; ClusterObjects implements it against the API server.
// Must not: decide what to apply or in which order (engine/actions/lifecycle does).

import { KfError } from '../errors.js';
import type { KObject } from '../manifest/index.js';
import { objectId } from '../manifest/index.js';
import { ApiError, isNotFound, type KubeClient } from './client.js';
import { Discovery, resourcePath, type ResourceInfo } from './discovery.js';

export const FIELD_MANAGER = 'kfchart';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  deletionTimestamp?: string;
  generation?: number;
  /** Who wrote which fields (server-side apply bookkeeping). */
  managedFields?: { manager?: string; operation?: string; subresource?: string; time?: string }[];
}

export interface MetadataOptions {
  /**
   * Namespaced objects of a namespace that does not exist are answered as absent without reading them: the
   * namespaces are read first (one LIST, or GETs), then only the objects of namespaces that exist.
   */
  absentNamespaces?: boolean;
}

export interface ApplyOptions {
  force?: boolean;
  dryRun?: boolean;
  signal?: AbortSignal;
}

const PARTIAL_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** What engine/actions use of discovery (Discovery against a cluster; test/unit/helpers/memory-objects.ts in memory). */
export interface DiscoveryApi {
  serverVersion(): Promise<string>;
  apiVersions(): Promise<string[]>;
  clusterScopedKinds(): Promise<string[]>;
  /** Forget what was learned (after CRDs were created). */
  refresh(): void;
  /** Read discovery again on the first kind not known (after CRDs that existed were applied again). */
  refreshOnMiss?(): void;
  find(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
}

type Ref = Pick<KObject, 'apiVersion' | 'kind' | 'metadata'>;

/**
 * The object operations every action goes through (as Helm's kube.Interface): ClusterObjects against an API
 * server; an in-memory implementation lets actions be unit-tested (test/unit/helpers/memory-objects.ts). Cluster
 * tests stay the proof of cluster behaviour.
 */
export interface Objects {
  readonly discovery: DiscoveryApi;
  /** Server-side apply of one object; returns the object as stored (or as it would be, with dryRun). */
  apply(o: KObject, opts?: ApplyOptions): Promise<KObject>;
  get(o: Ref, signal?: AbortSignal): Promise<KObject | undefined>;
  /** Metadata of many objects at once, in order; undefined where an object does not exist. */
  metadataOf(objs: Ref[], opts?: MetadataOptions): Promise<(ObjectMeta | undefined)[]>;
  /** Delete one object (only if its uid still matches); false when it was already gone. */
  delete(o: Ref, opts?: { uid?: string; dryRun?: boolean; propagation?: 'background' | 'orphan' | 'foreground' }): Promise<boolean>;
  /**
   * Delete one object only if it is still at `resourceVersion` (untouched since then), in one request: `changed`
   * when it is not (nothing deleted), `gone` when it does not exist. Optional: callers read and delete without it.
   */
  deleteIfUnchanged?(o: Ref, resourceVersion: string, opts?: { propagation?: 'background' | 'orphan' | 'foreground' }): Promise<'deleted' | 'gone' | 'changed'>;
  /** Resolves once the API server serves the custom resources of CRD `name`. */
  waitCrdServed(name: string, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<void>;
  /** Create a Namespace unless it exists. */
  ensureNamespace(name: string): Promise<void>;
}

/** The API operations on objects, resolving kinds through discovery. */
export class ClusterObjects implements Objects {
  readonly discovery: Discovery;
  constructor(readonly client: KubeClient) {
    this.discovery = new Discovery(client);
  }

  async ensureNamespace(name: string): Promise<void> {
    const ref = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    if (await this.get(ref)) return;
    await this.client.request('POST', '/api/v1/namespaces', { body: ref, retry: true }).catch((e) => {
      if ((e as { status?: number }).status !== 409) throw e;
    });
  }

  async resource(o: KObject): Promise<ResourceInfo> {
    return this.discovery.get(o.apiVersion, o.kind, objectId(o));
  }

  /** Server-side apply of one object; returns the object as stored (or as it would be, with dryRun). */
  async apply(o: KObject, opts: ApplyOptions = {}): Promise<KObject> {
    const r = await this.resource(o);
    const body = { ...o, metadata: { ...o.metadata } };
    if (!r.namespaced) delete body.metadata.namespace;
    try {
      return await this.client.request('PATCH', resourcePath(r, o.metadata.namespace, o.metadata.name), {
        body,
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: FIELD_MANAGER, force: opts.force ? true : undefined, dryRun: opts.dryRun ? 'All' : undefined },
        signal: opts.signal,
      });
    } catch (e) {
      throw explainApplyError(e, o);
    }
  }

  /**
   * Wait (bounded) until kube-apiserver serves the objects of a CustomResourceDefinition, i.e. a LIST of its storage
   * version answers. Deleting a CRD whose storage is still being set up (created or changed moments before) makes
   * the server's CRD finalizer fail with "could not list instances: storage is (re)initializing" and retry with
   * exponential back-off: the CRD then lingers for minutes (the watch cache answers 429 until it is ready, KEP-4568,
   * k8s.io/apiserver cacher.go). Call this before such a delete. Returns when served, when the CRD is gone, or after
   * `timeoutMs` (the delete then goes ahead anyway).
   */
  async waitCrdServed(name: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const crd = (await this.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name } }, opts.signal)) as
      | { spec?: { group?: string; names?: { plural?: string }; versions?: { name: string; storage?: boolean; served?: boolean }[] } }
      | undefined;
    const version = crd?.spec?.versions?.find((v) => v.storage && v.served !== false) ?? crd?.spec?.versions?.find((v) => v.served !== false);
    const { group, names } = crd?.spec ?? {};
    if (!version || !group || !names?.plural) return;
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      try {
        await this.client.request('GET', `/apis/${group}/${version.name}/${names.plural}`, { query: { limit: 1 }, signal: opts.signal });
        return;
      } catch (e) {
        const retry = e instanceof ApiError && (e.status === 429 || e.status >= 500); // 429: "storage is (re)initializing"
        if (!retry || Date.now() >= deadline) return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The live object, or undefined when absent. */
  async get(o: Pick<KObject, 'apiVersion' | 'kind' | 'metadata'>, signal?: AbortSignal): Promise<KObject | undefined> {
    const r = await this.discovery.find(o.apiVersion, o.kind);
    if (!r) return undefined;
    try {
      return await this.client.request('GET', resourcePath(r, o.metadata.namespace, o.metadata.name), { signal });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * Metadata of many objects (undefined for absent ones), keyed like the input order. Groups of 4+ objects of one
   * kind in one namespace are read with one metadata-only LIST (paged), smaller groups with GETs.
   */
  async metadataOf(objs: Pick<KObject, 'apiVersion' | 'kind' | 'metadata'>[], opts: MetadataOptions = {}): Promise<(ObjectMeta | undefined)[]> {
    const out: (ObjectMeta | undefined)[] = new Array(objs.length).fill(undefined);
    const groups = new Map<string, { r: ResourceInfo; ns?: string; idx: number[] }>();
    const infos = await Promise.all(objs.map((o) => this.discovery.find(o.apiVersion, o.kind)));
    let present: Set<string> | undefined;
    if (opts.absentNamespaces) {
      const names = [...new Set(objs.flatMap((o, i) => (infos[i]?.namespaced && o.metadata.namespace ? [o.metadata.namespace] : [])))];
      if (names.length) {
        const refs = names.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
        const metas = await this.metadataOf(refs);
        present = new Set(names.filter((_n, i) => metas[i]));
      }
    }
    for (let i = 0; i < objs.length; i++) {
      const o = objs[i]!;
      const r = infos[i];
      if (!r) continue; // kind not served: the object cannot exist
      const ns = r.namespaced ? o.metadata.namespace : undefined;
      if (present && ns && !present.has(ns)) continue; // its namespace does not exist: neither does it
      const key = `${r.group}/${r.resource}/${ns ?? ''}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { r, ns, idx: [] }));
      g.idx.push(i);
    }
    await Promise.all(
      [...groups.values()].map(async (g) => {
        if (g.idx.length < 4) {
          await Promise.all(
            g.idx.map(async (i) => {
              const live = await this.get(objs[i]!);
              if (live) out[i] = live.metadata as ObjectMeta;
            }),
          );
          return;
        }
        const byName = new Map<string, ObjectMeta>();
        let cont: string | undefined;
        do {
          const list = await this.client.request<{ items?: { metadata: ObjectMeta }[]; metadata?: { continue?: string } }>(
            'GET', resourcePath(g.r, g.ns), { accept: PARTIAL_LIST, query: { limit: 500, continue: cont } },
          );
          for (const it of list.items ?? []) byName.set(it.metadata.name, it.metadata);
          cont = list.metadata?.continue || undefined;
        } while (cont);
        for (const i of g.idx) out[i] = byName.get(objs[i]!.metadata.name);
      }),
    );
    return out;
  }

  /** Delete one object (background propagation unless told); false when it was already gone. uid guards against a replacement. */
  async delete(o: Pick<KObject, 'apiVersion' | 'kind' | 'metadata'>, opts: { uid?: string; dryRun?: boolean; propagation?: 'background' | 'orphan' | 'foreground' } = {}): Promise<boolean> {
    return (await this.deleteWith(o, opts.uid ? { uid: opts.uid } : undefined, opts.dryRun, opts.propagation)) === 'deleted';
  }

  async deleteIfUnchanged(o: Pick<KObject, 'apiVersion' | 'kind' | 'metadata'>, resourceVersion: string, opts: { propagation?: 'background' | 'orphan' | 'foreground' } = {}): Promise<'deleted' | 'gone' | 'changed'> {
    return this.deleteWith(o, { resourceVersion }, false, opts.propagation);
  }

  /** DELETE with preconditions: 404 is `gone`, 409 (a precondition failed: replaced, or changed) is `changed`. */
  private async deleteWith(
    o: Pick<KObject, 'apiVersion' | 'kind' | 'metadata'>, preconditions?: { uid?: string; resourceVersion?: string }, dryRun?: boolean,
    propagation: 'background' | 'orphan' | 'foreground' = 'background',
  ): Promise<'deleted' | 'gone' | 'changed'> {
    const r = await this.discovery.find(o.apiVersion, o.kind);
    if (!r) return 'gone';
    const policy = { background: 'Background', orphan: 'Orphan', foreground: 'Foreground' }[propagation];
    const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: policy };
    if (preconditions) body.preconditions = preconditions;
    if (dryRun) body.dryRun = ['All'];
    try {
      await this.client.request('DELETE', resourcePath(r, o.metadata.namespace, o.metadata.name), { body });
      return 'deleted';
    } catch (e) {
      if (isNotFound(e)) return 'gone';
      if (e instanceof ApiError && e.status === 409) return 'changed';
      throw new KfError(`cannot delete ${objectId(o as KObject)}: ${(e as Error).message}`, { where: { path: objectId(o as KObject) }, cause: e });
    }
  }
}

/** Turn an apply failure into a message naming the object and, for conflicts, the other manager and fields. */
export function explainApplyError(e: unknown, o: KObject): unknown {
  if (!(e instanceof ApiError)) return e;
  const id = objectId(o);
  if (e.status === 409 && e.causes.some((c) => (c.reason ?? c.type) === 'FieldManagerConflict')) {
    const details = e.causes
      .filter((c) => (c.reason ?? c.type) === 'FieldManagerConflict')
      .map((c) => `  ${c.field ?? ''}: ${c.message ?? ''}`);
    const managers = [...new Set(e.causes.map((c) => /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1]).filter(Boolean))];
    const fields = e.causes.map((c) => c.field).filter(Boolean);
    return new KfError(
      `apply of ${id} conflicts with field manager ${managers.map((m) => `"${m}"`).join(', ') || '(unknown)'} on ${fields.join(', ')}; ` +
        'rerun with --force-conflicts to take these fields',
      { where: { path: id }, details, cause: e },
    );
  }
  if (e.status === 422 || e.status === 400) {
    const details = e.causes.map((c) => `  ${c.field ? `${c.field}: ` : ''}${c.message ?? ''}`);
    const immutable = /immutable/i.test(e.serverMessage) ? ' (an immutable field changed: the object must be deleted and re-created)' : '';
    return new KfError(`apply of ${id} was rejected: ${e.serverMessage}${immutable}`, { where: { path: id }, details, cause: e });
  }
  if (e.status === 404) {
    return new KfError(`apply of ${id} failed: ${e.serverMessage} (does its namespace exist? use --create-namespace)`, { where: { path: id }, cause: e });
  }
  return new KfError(`apply of ${id} failed: ${e.serverMessage}`, { where: { path: id }, cause: e });
}

/** `new Objects(client)`: the cluster implementation under the interface's name (test/auth and test/cluster use it). */
export const Objects = ClusterObjects;
