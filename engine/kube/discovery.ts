// Owns: what the API server serves: its version, its group/versions, and for each kind its resource name and
// scope. Uses aggregated discovery (2 requests for the whole cluster) and falls back to per-group-version
// discovery on servers without it. refresh() after CRDs are established.
// Must not: apply or read objects (objects.ts does, with the paths resolved here).

import { KfError } from '../errors.js';
import type { KubeClient } from './client.js';
import { ApiError } from './client.js';

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name used in paths, e.g. `deployments`. */
  resource: string;
  namespaced: boolean;
  subresources: string[];
}

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

interface AggResource {
  resource: string;
  responseKind?: { group?: string; version?: string; kind?: string };
  scope?: string;
  subresources?: { subresource: string }[];
}
interface AggList {
  kind?: string;
  items?: { metadata?: { name?: string }; versions?: { version: string; resources?: AggResource[] }[] }[];
  groups?: { name: string; versions: { groupVersion: string }[] }[];
  versions?: string[];
}

export class Discovery {
  private byKind = new Map<string, ResourceInfo>();
  private groupVersions = new Set<string>();
  private loaded = false;
  /** The load in flight: concurrent callers (apiVersions + clusterScopedKinds, parallel applies) share one. */
  private loading: Promise<void> | undefined;
  /** Bumped by refresh(): a load started before it does not fill the maps afterwards. */
  private generation = 0;
  /** Set by refreshOnMiss(); the reload a miss started then. */
  private stale = false;
  private missReload: Promise<void> | undefined;
  private legacyLoaded = new Set<string>();
  private legacy = false;
  private version?: { gitVersion: string; major: string; minor: string };

  constructor(private readonly client: KubeClient) {}

  /** Server version, e.g. `1.34.4` (without the `v`). */
  async serverVersion(): Promise<string> {
    this.version ??= await this.client.request('GET', '/version');
    return this.version!.gitVersion.replace(/^v/, '').replace(/[-+].*$/, '');
  }

  /** Every served group/version (`v1`, `apps/v1`, ...). */
  async apiVersions(): Promise<string[]> {
    await this.load();
    return [...this.groupVersions].sort();
  }

  /** `group/Kind` of every cluster-scoped kind the server knows (for namespace defaulting of custom resources). */
  async clusterScopedKinds(): Promise<string[]> {
    await this.load();
    const out = new Set<string>();
    for (const r of this.byKind.values()) if (!r.namespaced) out.add(`${r.group}/${r.kind}`);
    return [...out];
  }

  /** Forget everything (after CRDs change). */
  refresh(): void {
    this.byKind.clear();
    this.groupVersions.clear();
    this.legacyLoaded.clear();
    this.loaded = false;
    this.loading = undefined;
    this.generation++;
    this.stale = false;
  }

  /**
   * Keep what is known, but read discovery again (once) when a kind is not found: after CRDs that already existed
   * were applied again, which only changes the served kinds if their versions or names changed.
   */
  refreshOnMiss(): void {
    this.stale = true;
  }

  /** The resource of an apiVersion + kind, or undefined when the server does not serve it. */
  async find(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    await this.load();
    const key = `${apiVersion}/${kind}`;
    let r = this.byKind.get(key);
    if (!r && this.stale) {
      this.stale = false;
      this.refresh();
      this.missReload = this.load();
    }
    if (!r && this.missReload) {
      // Concurrent lookups that missed while that reload runs (it emptied the maps) wait for it too.
      await this.missReload;
      r = this.byKind.get(key);
    }
    if (!r && this.legacy && !this.legacyLoaded.has(apiVersion)) {
      await this.loadLegacyGroupVersion(apiVersion);
      r = this.byKind.get(key);
    }
    return r;
  }

  /** Like find(), but a KfError naming the object when the kind is not served. */
  async get(apiVersion: string, kind: string, what: string): Promise<ResourceInfo> {
    const r = await this.find(apiVersion, kind);
    if (!r) {
      throw new KfError(`${what}: the cluster does not serve ${kind} in ${apiVersion} (is its CRD installed, or the apiVersion outdated?)`, {
        where: { path: what },
      });
    }
    return r;
  }

  private load(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    const p = (this.loading ??= this.fetchAll().finally(() => { if (this.loading === p) this.loading = undefined; }));
    return p;
  }

  private async fetchAll(): Promise<void> {
    const gen = this.generation;
    const [core, groups] = await Promise.all([
      this.client.request<AggList>('GET', '/api', { accept: AGGREGATED }),
      this.client.request<AggList>('GET', '/apis', { accept: AGGREGATED }),
    ]);
    if (gen !== this.generation) return this.load();
    if (core.kind === 'APIGroupDiscoveryList' && groups.kind === 'APIGroupDiscoveryList') {
      for (const g of [...(core.items ?? []), ...(groups.items ?? [])]) {
        const group = g.metadata?.name ?? '';
        for (const v of g.versions ?? []) {
          const gv = group ? `${group}/${v.version}` : v.version;
          this.groupVersions.add(gv);
          for (const r of v.resources ?? []) {
            const kind = r.responseKind?.kind;
            if (!kind) continue;
            this.add({
              group,
              version: v.version,
              kind,
              resource: r.resource,
              namespaced: r.scope !== 'Cluster',
              subresources: (r.subresources ?? []).map((s) => s.subresource),
            });
          }
        }
      }
      this.legacy = false;
    } else {
      for (const v of core.versions ?? []) this.groupVersions.add(v);
      for (const g of groups.groups ?? []) for (const v of g.versions) this.groupVersions.add(v.groupVersion);
      this.legacy = true;
    }
    this.loaded = true;
  }

  private async loadLegacyGroupVersion(gv: string): Promise<void> {
    this.legacyLoaded.add(gv);
    const path = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
    let list: { resources?: { name: string; kind: string; namespaced: boolean }[] };
    try {
      list = await this.client.request('GET', path);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return;
      throw e;
    }
    const [group, version] = gv.includes('/') ? gv.split('/') as [string, string] : ['', gv];
    const subs = new Map<string, string[]>();
    for (const r of list.resources ?? []) {
      const [base, sub] = r.name.split('/');
      if (sub) subs.set(base!, [...(subs.get(base!) ?? []), sub]);
    }
    for (const r of list.resources ?? []) {
      if (r.name.includes('/')) continue;
      this.add({ group, version, kind: r.kind, resource: r.name, namespaced: r.namespaced, subresources: subs.get(r.name) ?? [] });
    }
  }

  private add(r: ResourceInfo): void {
    const gv = r.group ? `${r.group}/${r.version}` : r.version;
    const key = `${gv}/${r.kind}`;
    if (!this.byKind.has(key)) this.byKind.set(key, r);
  }
}

/** URL path of a resource collection (namespace optional) or, with name, of one object. */
export function resourcePath(r: ResourceInfo, namespace?: string, name?: string, sub?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.resource}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (sub) p += `/${sub}`;
  return p;
}
