// Owns: the offline half of every operation, as one function: load the chart, compute and validate values,
// render, and build the ordered object list (plus crds/ files). template, lint, install, upgrade and diff all call it.
// Must not: talk to a cluster or write anything; cluster facts (version, API versions, persisted secrets) come in.

import { stat } from 'node:fs/promises';
import semver from 'semver';
import { diskCodeCache } from '../cache/code.js';
import { KfError } from '../errors.js';
import { loadChart } from '../chart/load.js';
import type { Chart, Values } from '../chart/types.js';
import { computeValues, subchartScopes, validateValues, type Provenance, type SetFlag, type ValuesSource } from '../values/index.js';
import { renderChart, type RenderContext } from '../render/index.js';
import { buildManifest, type ManifestEntry, type SourceText } from '../manifest/index.js';
import { dumpYaml } from '../yaml/index.js';
import { readSetFile, readValueFiles } from '../values/read.js';
import { postRender, type PostRenderer } from './post-render.js';
import type { HookRecord } from '../release/index.js';
import { splitHooks, type SplitHooks } from './lifecycle/hooks.js';

/** Kubernetes version assumed when no cluster is asked (`template`, `lint`); override with --kube-version. */
export const DEFAULT_KUBE_VERSION = '1.34.0';

/** API versions assumed offline, extended with --api-versions. */
export const DEFAULT_API_VERSIONS = [
  'v1', 'admissionregistration.k8s.io/v1', 'apiextensions.k8s.io/v1', 'apiregistration.k8s.io/v1', 'apps/v1',
  'authentication.k8s.io/v1', 'authorization.k8s.io/v1', 'autoscaling/v1', 'autoscaling/v2', 'batch/v1',
  'certificates.k8s.io/v1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'events.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1', 'networking.k8s.io/v1', 'node.k8s.io/v1', 'policy/v1',
  'rbac.authorization.k8s.io/v1', 'scheduling.k8s.io/v1', 'storage.k8s.io/v1',
];

export interface PrepareOptions {
  /** A chart folder, a .tgz, or `<repo>/<chart>`. Ignored when `chart` is given. */
  chartRef: string;
  chart?: Chart;
  version?: string;
  /** Prereleases count when no version is given (repository charts). */
  devel?: boolean;
  repo?: string;
  verify?: boolean;
  /** Public key (PEM) for --verify; default: the repository's configured key. */
  keyring?: string;
  name: string;
  namespace: string;
  /** -f files: paths (read here) or already-read sources. */
  valueFiles?: (string | ValuesSource)[];
  sets?: SetFlag[];
  /** --reuse-values: the previous revision's user values, applied under the new -f/--set. */
  baseValues?: Values;
  /** baseValues stand in for defaults (helm's --reuse-values: the last merged values): `user` leaves them out. */
  baseIsDefaults?: boolean;
  revision?: number;
  isUpgrade?: boolean;
  /** Generated secrets of the previous revision (genSecret/genSelfSignedCert), so they stay the same. */
  persisted?: Record<string, string>;
  kubeVersion?: string;
  apiVersions?: string[];
  /** Kinds known (from discovery) to be cluster-scoped, as `group/Kind`. */
  clusterScoped?: Iterable<string>;
  /** Reads --set-file files (default: from disk, relative to the working directory). */
  readFile?: (p: string) => string;
  /** Also check values.schema.json against its meta-schema (lint does; ajv still refuses schemas it cannot compile). */
  checkSchema?: boolean;
  /** --skip-schema-validation: values are not checked against values.schema.json. */
  skipSchemaValidation?: boolean;
  /** --render-subchart-notes */
  subchartNotes?: boolean;
  /** --skip-crds: no crds/ files. */
  skipCrds?: boolean;
  /** --post-renderer: the rendered templates go through this executable (./post-render.ts). */
  postRenderer?: PostRenderer;
}

export interface Prepared {
  chart: Chart;
  values: Values;
  user: Values;
  provenance: Provenance;
  /** Objects from templates, in install order (hooks left out). */
  manifest: ManifestEntry[];
  /** Objects annotated helm.sh/hook (or kfchart.io/hook), as the record keeps them, and as manifest entries. */
  hooks: HookRecord[];
  hookEntries: ManifestEntry[];
  /** Objects whose hook annotation names an unknown event (left out, as helm does) and unknown delete policies. */
  unknownHooks: SplitHooks['unknown'];
  unknownPolicies: SplitHooks['unknownPolicies'];
  /** Objects from crds/ folders of the chart and its enabled subcharts. */
  crds: ManifestEntry[];
  notes: string;
  persisted: Record<string, string>;
}

/** Load a chart by reference: a local folder or .tgz, a bundled chart by name, else a repository reference (`repo/chart`, `--repo`). */
export async function loadChartRef(
  ref: string,
  opts: { version?: string; devel?: boolean; repo?: string; verify?: boolean; keyring?: string } = {},
): Promise<Chart> {
  const local = await stat(ref).then(() => true, () => false);
  if (local && !opts.repo && !opts.verify && opts.version === undefined) return loadChart(ref);
  const { resolveChart } = await import('../repo/resolve.js');
  return resolveChart(ref, opts);
}

export async function prepareRelease(opts: PrepareOptions): Promise<Prepared> {
  const chart = opts.chart ?? (await loadChartRef(opts.chartRef, opts));
  const kubeVersion = normaliseKubeVersion(opts.kubeVersion ?? DEFAULT_KUBE_VERSION);
  if (chart.meta.kubeVersion && !semver.satisfies(kubeVersion, chart.meta.kubeVersion, { includePrerelease: true })) {
    throw new KfError(
      `chart ${chart.meta.name} ${chart.meta.version} requires Kubernetes ${chart.meta.kubeVersion}, but the target is ${kubeVersion}` +
        (opts.kubeVersion ? '' : ' (offline default; set --kube-version)'),
    );
  }

  const sources: ValuesSource[] = [];
  if (opts.baseValues && Object.keys(opts.baseValues).length) {
    sources.push({ file: '<previous release values>', text: dumpYaml(opts.baseValues) });
  }
  for (const f of opts.valueFiles ?? []) {
    if (typeof f === 'string') sources.push(...(await readValueFiles([f])));
    else sources.push(f);
  }
  const computed = computeValues(chart, sources, opts.sets ?? [], { readFile: opts.readFile ?? readSetFile });
  const { values, provenance } = computed;
  const user = opts.baseIsDefaults && opts.baseValues
    ? computeValues(chart, sources.slice(Object.keys(opts.baseValues).length ? 1 : 0), opts.sets ?? [], { readFile: opts.readFile ?? readSetFile }).user
    : computed.user;
  if (!opts.skipSchemaValidation) validateValues(chart, values, provenance, { checkSchema: opts.checkSchema ?? false });

  const revision = opts.revision ?? 1;
  const ctx: RenderContext = {
    release: {
      name: opts.name,
      namespace: opts.namespace,
      revision,
      isInstall: !opts.isUpgrade,
      isUpgrade: !!opts.isUpgrade,
      service: 'kfchart',
    },
    capabilities: {
      kubeVersion: { version: `v${kubeVersion}`, major: String(semver.major(kubeVersion)), minor: String(semver.minor(kubeVersion)) },
      apiVersions: [...new Set([...DEFAULT_API_VERSIONS, ...(opts.apiVersions ?? [])])].sort(),
    },
    persisted: opts.persisted ?? {},
  };
  const rendered = renderChart(chart, values, ctx, {
    compileCache: diskCodeCache('templates', '.js'),
    verdictCache: diskCodeCache('weak-passwords', '.txt'),
    subchartNotes: opts.subchartNotes,
  });

  const crdSources: SourceText[] = opts.skipCrds ? [] : collectCrds(chart, values).map((f) => ({ ...f, fromCrdsDir: true }));
  const templates = opts.postRenderer ? postRender(opts.postRenderer, rendered.files) : rendered.files;
  const all = buildManifest([...crdSources, ...templates], {
    namespace: opts.namespace,
    clusterScoped: opts.clusterScoped,
  });
  const split = splitHooks(all.filter((e) => !e.fromCrdsDir));
  return {
    chart,
    values,
    user,
    provenance,
    manifest: split.manifest,
    hooks: split.hooks,
    hookEntries: split.hookEntries,
    unknownHooks: split.unknown,
    unknownPolicies: split.unknownPolicies,
    crds: all.filter((e) => e.fromCrdsDir),
    notes: rendered.notes,
    persisted: rendered.persisted,
  };
}

/** crds/ files of the chart and of every enabled subchart, named by chart path. */
export function collectCrds(chart: Chart, values: Values): { template: string; text: string }[] {
  const out = chart.crds.map((f) => ({ template: `${chart.chartPath}/${f.path}`, text: f.text }));
  for (const s of subchartScopes(chart, values)) {
    if (s.enabled) out.push(...collectCrds(s.chart, s.values));
  }
  return out;
}

function normaliseKubeVersion(v: string): string {
  const c = semver.coerce(v, { includePrerelease: false });
  if (!c || !/^v?\d+\.\d+/.test(v)) throw new KfError(`--kube-version "${v}" is not a Kubernetes version (e.g. 1.34.0)`, { exitCode: 2 });
  return c.version;
}
