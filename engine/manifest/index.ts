// Owns: rendered text → Kubernetes objects: YAML parsing with template/line errors, required fields, duplicate
// detection across the release, namespace defaulting by scope, install/uninstall order, and the `# Source:` YAML
// stream. Must not: render templates or talk to a cluster.

import { KfError } from '../errors.js';
import { parseYamlAll, writeYaml } from '../yaml/index.js';
import { CLUSTER_SCOPED_KINDS, KNOWN_CLUSTER_SCOPED_CUSTOM_KINDS, kindRank } from './kinds.js';

export { CLUSTER_SCOPED_KINDS, INSTALL_ORDER, installPhases, kindRank, phaseWaitsEstablished } from './kinds.js';

export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

export interface ManifestEntry {
  /** Where the object came from: `kubeflow/charts/dex/templates/deployment.yaml` or `.../crds/x.yaml`. */
  template: string;
  object: KObject;
  /** True for objects from a chart's crds/ folder (plain YAML, printed by `template` only with --include-crds). */
  fromCrdsDir?: boolean;
}

export interface SourceText {
  template: string;
  text: string;
  fromCrdsDir?: boolean;
}

export interface BuildOptions {
  /** Release namespace given to namespaced objects that have none. */
  namespace: string;
  /** Extra cluster-scoped kinds known from discovery (`group/Kind` or bare `Kind`). */
  clusterScoped?: Iterable<string>;
}

/** `apps` for `apps/v1`, '' for `v1`. */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** An object named without its content: an inventory item, or what a manifest entry's metadata says. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

const refOf = (o: KObject | ObjectRef): ObjectRef =>
  'metadata' in o ? { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace } : o;

/**
 * THE identity of an object, regardless of its API version: `group/Kind/namespace/name` (apps/v1 and
 * apps/v1beta1 Deployments of one name are one object). The one key for duplicates, inventories and prune.
 */
export function objectKey(o: KObject | ObjectRef): string {
  const r = refOf(o);
  return `${groupOf(r.apiVersion)}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

/** The same object for people, in messages and results: `apps/v1 Deployment auth/dex`. */
export function objectId(o: KObject | ObjectRef): string {
  const r = refOf(o);
  return `${r.apiVersion} ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/**
 * Whether a kind is cluster-scoped: built-in list, plus CRDs of this release (spec.scope Cluster), plus what the
 * caller learned from discovery.
 */
export function clusterScopedSet(objects: KObject[], extra: Iterable<string> = []): Set<string> {
  const set = new Set<string>([...KNOWN_CLUSTER_SCOPED_CUSTOM_KINDS, ...extra]);
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.scope === 'Cluster' && spec.names?.kind && spec.group) set.add(`${spec.group}/${spec.names.kind}`);
  }
  return set;
}

export function isClusterScoped(o: KObject, extra: Set<string>): boolean {
  const g = groupOf(o.apiVersion);
  if (extra.has(`${g}/${o.kind}`) || extra.has(o.kind)) return true;
  // Built-in names only count for built-in groups; a custom `Namespace` kind in a CRD group is not the core one.
  return !g.includes('.') || g.endsWith('.k8s.io') ? CLUSTER_SCOPED_KINDS.has(o.kind) : false;
}

/** Parse rendered templates (and crds/ files) into checked, namespaced, ordered objects. */
export function buildManifest(sources: SourceText[], opts: BuildOptions): ManifestEntry[] {
  const entries: (ManifestEntry & { seq: number })[] = [];
  let seq = 0;
  for (const src of sources) {
    const docs = parseYamlAll(src.text, src.template);
    docs.forEach((doc, i) => {
      if (doc === null || doc === undefined) return;
      entries.push({ template: src.template, object: checkObject(doc, src.template, i, docs.length), fromCrdsDir: src.fromCrdsDir, seq: seq++ });
    });
  }

  const scoped = clusterScopedSet(entries.map((e) => e.object), opts.clusterScoped);
  const seen = new Map<string, string>();
  for (const e of entries) {
    const md = e.object.metadata;
    if (isClusterScoped(e.object, scoped)) {
      delete md.namespace;
    } else if (!md.namespace) {
      // Keep name and namespace together at the top of metadata, as kubectl prints them.
      const { name, ...rest } = md;
      e.object.metadata = { name, namespace: opts.namespace, ...rest };
    }
    const key = objectKey(e.object);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new KfError(`duplicate object ${objectId(e.object)}: defined in ${first} and in ${e.template}`, {
        where: { file: e.template, path: objectId(e.object) },
      });
    }
    seen.set(key, e.template);
  }

  entries.sort((a, b) => kindRank(a.object.kind) - kindRank(b.object.kind) || a.seq - b.seq);
  return entries.map(({ seq: _seq, ...rest }) => rest);
}

function checkObject(doc: unknown, template: string, index: number, total: number): KObject {
  const where = total > 1 ? `${template} (document ${index + 1})` : template;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new KfError(`${where}: expected a Kubernetes object (a mapping), got ${Array.isArray(doc) ? 'a list' : typeof doc}`, {
      where: { file: template },
    });
  }
  const o = doc as Record<string, unknown>;
  const missing: string[] = [];
  if (typeof o.apiVersion !== 'string' || !o.apiVersion) missing.push('apiVersion');
  if (typeof o.kind !== 'string' || !o.kind) missing.push('kind');
  const md = o.metadata as Record<string, unknown> | undefined;
  if (md === null || typeof md !== 'object' || Array.isArray(md)) missing.push('metadata');
  else if (typeof md.name !== 'string' || !md.name) missing.push('metadata.name');
  if (missing.length) {
    const what = typeof o.kind === 'string' ? ` (kind ${o.kind})` : '';
    throw new KfError(`${where}: object${what} is missing ${missing.join(', ')}`, { where: { file: template } });
  }
  if (md!.namespace !== undefined && typeof md!.namespace !== 'string') {
    throw new KfError(`${where}: metadata.namespace must be a string`, { where: { file: template } });
  }
  return o as unknown as KObject;
}

/** The YAML stream `template` prints: one `---` document per object with a `# Source:` comment. */
export function toYamlStream(entries: ManifestEntry[]): string {
  let out = '';
  for (const e of entries) {
    out += `---\n# Source: ${e.template}\n${writeYaml(e.object)}`;
  }
  return out;
}
