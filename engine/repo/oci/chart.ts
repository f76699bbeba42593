// Owns: charts in OCI registries exactly as Helm stores them, so helm and kfchart read each other's artifacts
// byte for byte: an OCI image manifest whose config is the chart's metadata as JSON (media type
// application/vnd.cncf.helm.config.v1+json, fields in the order Helm's Go struct writes them) and whose layers are
// the chart archive itself, unchanged (…helm.chart.content.v1.tar+gzip) and, when present, its Helm provenance file
// (…helm.chart.provenance.v1.prov); Helm's manifest annotations (org.opencontainers.image.{created,description,
// title,version,url,source,authors} plus the chart's own annotations); the tag is the version with `+` spelled `_`.
// Pull: a tag, a digest (`@sha256:…`), or the newest tag matching `--version` (a range; prereleases only when the
// range names one) from the registry's tag list; every blob is checked against the manifest digest before use.
// Must not: print, or write anything but what its callers ask for.

import { readFile } from 'node:fs/promises';
import { KfError, cannotRead } from '../../errors.js';
import { parseYaml } from '../../yaml/index.js';
import { readChartArchive } from '../archive.js';
import { pickVersion, sha256, sortVersions, type IndexVersion, type RepoIndex } from '../repoindex.js';
import { looseSemver, setCanonical } from '../version.js';
import { MEDIA, RegistryClient, sha256Digest, type Descriptor, type RegistryOptions } from './client.js';
import { formatRef, parseOciRef, tagToVersion, versionToTag, type OciRef } from './ref.js';

/** Chart.yaml metadata as Helm's `chart.Metadata` marshals it to JSON (Go struct field order, empty fields left out). */
export function helmConfigJson(meta: Record<string, unknown>): string {
  const order = ['name', 'home', 'sources', 'version', 'description', 'keywords', 'maintainers', 'icon', 'apiVersion', 'condition', 'tags', 'appVersion', 'deprecated', 'annotations', 'kubeVersion', 'dependencies', 'type'];
  const maint = ['name', 'email', 'url'];
  const dep = ['name', 'version', 'repository', 'condition', 'tags', 'enabled', 'import-values', 'alias'];
  const empty = (v: unknown) => v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && !v.length) || (typeof v === 'object' && v !== null && !Array.isArray(v) && !Object.keys(v).length);
  const pick = (o: Record<string, unknown>, keys: string[]) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) if (!empty(o[k])) out[k] = o[k];
    return out;
  };
  const m = pick(meta, order);
  if (Array.isArray(m.maintainers)) m.maintainers = (m.maintainers as Record<string, unknown>[]).map((x) => pick(x ?? {}, maint));
  if (Array.isArray(m.dependencies)) m.dependencies = (m.dependencies as Record<string, unknown>[]).map((x) => pick(x ?? {}, dep));
  if (m.annotations) m.annotations = Object.fromEntries(Object.entries(m.annotations as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  // Go's encoding/json escapes <, > and & in strings.
  return JSON.stringify(m).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Helm's manifest annotations for a chart (pkg/registry generateOCIAnnotations). */
export function helmAnnotations(meta: Record<string, unknown>, created: string): Record<string, string> {
  const a: Record<string, string> = {};
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  if (str(meta.description)) a['org.opencontainers.image.description'] = str(meta.description);
  a['org.opencontainers.image.title'] = str(meta.name);
  a['org.opencontainers.image.version'] = str(meta.version);
  if (str(meta.home)) a['org.opencontainers.image.url'] = str(meta.home);
  a['org.opencontainers.image.created'] = created;
  const sources = Array.isArray(meta.sources) ? meta.sources : [];
  if (sources.length && str(sources[0])) a['org.opencontainers.image.source'] = str(sources[0]);
  const maint = Array.isArray(meta.maintainers) ? (meta.maintainers as Record<string, unknown>[]) : [];
  if (maint.length) {
    a['org.opencontainers.image.authors'] = maint
      .map((m) => `${str(m?.name)}${str(m?.email) ? ` (${str(m?.email)})` : ''}`)
      .filter(Boolean)
      .join(', ');
  }
  const own = (meta.annotations ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(own)) {
    if (k in a || k === 'org.opencontainers.image.version' || k === 'org.opencontainers.image.title') continue;
    if (typeof v === 'string') a[k] = v;
  }
  return Object.fromEntries(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

export interface PushResult {
  ref: string;
  digest: string;
  name: string;
  version: string;
  layers: Descriptor[];
}

function chartMeta(files: Map<string, Buffer>, source: string): Record<string, unknown> {
  const cy = files.get('Chart.yaml');
  if (!cy) throw new KfError(`${source}: not a chart archive: Chart.yaml is missing`, { where: { file: source } });
  const meta = parseYaml(cy.toString('utf8'), `${source}:Chart.yaml`) as Record<string, unknown> | null;
  if (!meta || typeof meta !== 'object' || typeof meta.name !== 'string' || (typeof meta.version !== 'string' && typeof meta.version !== 'number')) {
    throw new KfError(`${source}: Chart.yaml needs a name and a version`, { where: { file: source } });
  }
  meta.version = String(meta.version);
  return meta;
}

/** `kfchart push CHART.tgz oci://REGISTRY/PATH`: upload archive (+ `<archive>.prov` when present) and tag it. */
export async function pushChart(
  archive: string,
  remote: string,
  opts: RegistryOptions & { now?: Date; prov?: Buffer } = {},
): Promise<PushResult> {
  const data = await readFile(archive).catch((e: unknown) => {
    throw cannotRead(archive, 'chart archive', e);
  });
  const files = readChartArchive(data, archive);
  const meta = chartMeta(files, archive);
  const name = meta.name as string;
  const version = meta.version as string;
  if (!looseSemver(version)) throw new KfError(`${archive}: chart version "${version}" is not SemVer`, { where: { file: archive } });
  const base = parseOciRef(remote, { allowEmptyPath: true });
  if (base.tag || base.digest) {
    throw new KfError(`${remote}: push to a namespace (oci://HOST/PATH), not a tag or digest: the tag is the chart version`, { exitCode: 2 });
  }
  const repo = base.repository ? `${base.repository}/${name}` : name;
  const ref: OciRef = { registry: base.registry, repository: repo, tag: versionToTag(version) };
  parseOciRef(formatRef(ref)); // the chart name must make a valid repository path
  const prov = opts.prov ?? (await readFile(`${archive}.prov`).catch(() => undefined));
  const client = new RegistryClient(base.registry, opts);
  const config = Buffer.from(helmConfigJson(meta));
  const cfg = await client.pushBlob(repo, config, 'the chart config');
  const layers: Descriptor[] = [];
  const chartLayer = await client.pushBlob(repo, data, `chart archive ${name} ${version}`);
  layers.push({ mediaType: MEDIA.chart, digest: chartLayer.digest, size: chartLayer.size });
  if (prov) {
    const p = await client.pushBlob(repo, prov, `provenance of ${name} ${version}`);
    layers.push({ mediaType: MEDIA.prov, digest: p.digest, size: p.size });
  }
  const created = (opts.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const manifest = {
    schemaVersion: 2,
    config: { mediaType: MEDIA.config, digest: cfg.digest, size: cfg.size },
    layers,
    annotations: helmAnnotations(meta, created),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = await client.pushManifest(repo, ref.tag!, bytes, MEDIA.manifest);
  return { ref: formatRef(ref), digest, name, version, layers };
}

export interface PulledChart {
  data: Buffer;
  files: Map<string, Buffer>;
  prov?: Buffer;
  ref: string;
  manifestDigest: string;
  name: string;
  version: string;
  /** sha256 hex of the chart archive (the layer digest). */
  digest: string;
}

/** The tag to pull: the reference's own tag or digest, or the newest tag matching `version`. */
async function chooseTag(client: RegistryClient, ref: OciRef, version: string | undefined, shown: string): Promise<string> {
  if (ref.digest) return ref.digest;
  if (ref.tag) {
    if (version !== undefined && tagToVersion(ref.tag) !== version) {
      throw new KfError(`${shown}: the reference names tag ${ref.tag} and --version says ${version}; give one of them`, { exitCode: 2 });
    }
    return ref.tag;
  }
  if (version !== undefined && looseSemver(version) && !/[\s<>=^~*|xX]/.test(version)) return versionToTag(version);
  const tags = await client.tags(ref.repository);
  const name = ref.repository.split('/').pop()!;
  const list: IndexVersion[] = [];
  for (const t of tags) {
    const v = tagToVersion(t);
    const canon = looseSemver(v);
    if (!canon) continue;
    const e: IndexVersion = { name, version: v, urls: [t], digest: '' };
    setCanonical(e, canon);
    list.push(e);
  }
  if (!list.length) throw new KfError(`${shown}: the registry has no version tags for ${ref.repository} (tags: ${tags.slice(0, 10).join(', ') || 'none'})`);
  sortVersions(list);
  const index: RepoIndex = { apiVersion: 'v1', entries: { [name]: list } };
  return pickVersion(index, name, version, shown).urls[0]!;
}

/** Pull a chart from `oci://…` (see the header). */
export async function pullChart(refText: string, opts: RegistryOptions & { version?: string; wantProv?: boolean } = {}): Promise<PulledChart> {
  const ref = parseOciRef(refText);
  const client = new RegistryClient(ref.registry, opts);
  const reference = await chooseTag(client, ref, opts.version, refText);
  const { manifest, digest: manifestDigest } = await client.manifest(ref.repository, reference);
  const shown = `oci://${ref.registry}/${ref.repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
  if (manifest.config.mediaType !== MEDIA.config) {
    throw new KfError(`${shown}: not a Helm chart (config media type ${manifest.config.mediaType}, expected ${MEDIA.config})`);
  }
  const chartLayers = manifest.layers.filter((l) => l.mediaType === MEDIA.chart || l.mediaType === MEDIA.legacyChart);
  if (chartLayers.length !== 1) throw new KfError(`${shown}: the manifest must hold exactly one chart layer (${MEDIA.chart}), it holds ${chartLayers.length}`);
  const data = await client.blob(ref.repository, chartLayers[0]!, 'chart archive');
  const files = readChartArchive(data, shown);
  const meta = chartMeta(files, shown);
  const name = ref.repository.split('/').pop()!;
  if (meta.name !== name) throw new KfError(`${shown}: the archive holds chart "${String(meta.name)}", not "${name}"; refused`);
  if (!reference.startsWith('sha256:') && versionToTag(meta.version as string) !== reference) {
    throw new KfError(`${shown}: the archive holds version ${String(meta.version)}, not ${tagToVersion(reference)}; refused`);
  }
  let prov: Buffer | undefined;
  const provLayer = manifest.layers.find((l) => l.mediaType === MEDIA.prov);
  if (provLayer && opts.wantProv) prov = await client.blob(ref.repository, provLayer, 'provenance file', 1024 * 1024);
  return { data, files, prov, ref: shown, manifestDigest, name, version: meta.version as string, digest: sha256(data) };
}

export { sha256Digest };
