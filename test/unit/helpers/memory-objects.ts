// An in-memory implementation of engine/kube's Objects interface, for unit tests of the actions: apply stores the
// object (a new resourceVersion each time, a uid on create), get/metadataOf/delete read and remove it, every kind is
// "served". It models no server behaviour beyond that (no defaulting, no field ownership, no readiness controllers):
// test/cluster remains the proof against a real API server.
import { objectKey, type KObject } from '../../../engine/manifest/index.js';
import type { ApplyOptions, DiscoveryApi, ObjectMeta, Objects, ResourceInfo } from '../../../engine/kube/index.js';
import { cloneValue } from '../../../engine/values/index.js';

type Ref = Pick<KObject, 'apiVersion' | 'kind' | 'metadata'>;

export class MemoryObjects implements Objects {
  readonly store = new Map<string, KObject>();
  /** Every call, `apply Kind ns/name` etc., in order. */
  readonly calls: string[] = [];
  private rv = 0;

  readonly discovery: DiscoveryApi = {
    serverVersion: async () => '1.34.0',
    apiVersions: async () => [],
    clusterScopedKinds: async () => [],
    refresh: () => {},
    find: async (apiVersion: string, kind: string): Promise<ResourceInfo> => {
      const i = apiVersion.indexOf('/');
      return { group: i < 0 ? '' : apiVersion.slice(0, i), version: apiVersion.slice(i + 1), kind, resource: `${kind.toLowerCase()}s`, namespaced: true, subresources: [] };
    },
  };

  private key(o: Ref): string {
    return objectKey(o as KObject);
  }

  async apply(o: KObject, opts: ApplyOptions = {}): Promise<KObject> {
    this.calls.push(`apply${opts.dryRun ? ' (dry run)' : ''} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    const old = this.store.get(this.key(o));
    const stored = cloneValue(o) as KObject;
    stored.metadata = { ...stored.metadata, uid: (old?.metadata.uid as string | undefined) ?? `uid-${++this.rv}`, resourceVersion: String(++this.rv) };
    if (!opts.dryRun) this.store.set(this.key(o), stored);
    return cloneValue(stored) as KObject;
  }

  async get(o: Ref): Promise<KObject | undefined> {
    const v = this.store.get(this.key(o));
    return v && (cloneValue(v) as KObject);
  }

  async metadataOf(objs: Ref[]): Promise<(ObjectMeta | undefined)[]> {
    return objs.map((o) => {
      const m = this.store.get(this.key(o))?.metadata;
      return m && (cloneValue(m) as ObjectMeta);
    });
  }

  async delete(o: Ref, opts: { uid?: string; dryRun?: boolean } = {}): Promise<boolean> {
    this.calls.push(`delete ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    const v = this.store.get(this.key(o));
    if (!v || (opts.uid && v.metadata.uid !== opts.uid)) return false;
    if (!opts.dryRun) this.store.delete(this.key(o));
    return true;
  }

  async waitCrdServed(): Promise<void> {}

  async ensureNamespace(name: string): Promise<void> {
    if (!(await this.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }))) {
      await this.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }
}
