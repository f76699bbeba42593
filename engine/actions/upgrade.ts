// Owns: `kfchart upgrade` (and `install`, which is an upgrade of a release that does not exist): read the history,
// refuse while another operation is pending (unless --recover), prepare the chart against the cluster's version and
// API versions with the previous revision's generated secrets, and run the operation.
// Must not: print (the CLI renders the result).

import { KfError } from '../errors.js';
import type { Chart, Values } from '../chart/types.js';
import { mergeKeepNull, type SetFlag } from '../values/index.js';
import { loadChartRef, prepareRelease } from './prepare.js';
import { checkReleaseName } from '../release/index.js';
import { assertNotPending, exists } from './lifecycle/state.js';
import { runOperation, type OperationFlags, type OperationResult } from './lifecycle/operation.js';
import { ownObjects } from './lifecycle/ownership.js';
import { withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';
import { releaseState, type ReleaseState } from './lifecycle/state.js';
import { clientDryRun } from './lifecycle/dryrun.js';
import { manifestText, type Target } from './lifecycle/target.js';
import type { PostRenderer } from './post-render.js';

export interface DeployOptions extends GlobalOptions, OperationFlags {
  name: string;
  chartRef: string;
  valueFiles?: string[];
  sets?: SetFlag[];
  version?: string;
  repo?: string;
  /** Check the chart archive's Ed25519 signature (repository key, or `keyring`). */
  verify?: boolean;
  keyring?: string;
  /** upgrade --install */
  install?: boolean;
  reuseValues?: boolean;
  resetValues?: boolean;
  /** Helm's --reset-then-reuse-values: the new chart's defaults, the last release's user values, then -f/--set. */
  resetThenReuseValues?: boolean;
  /** Prereleases count (repository charts without --version). */
  devel?: boolean;
  /** Release labels; an upgrade merges them over the previous revision's, a value "null" removes that label. */
  labels?: Record<string, string>;
  skipCrds?: boolean;
  skipSchemaValidation?: boolean;
  renderSubchartNotes?: boolean;
  postRenderer?: PostRenderer;
  /** A chart folder: `dependency update` it first. */
  dependencyUpdate?: boolean;
  /** An open session (tests, bench); otherwise one is opened from the kubeconfig flags. */
  session?: Session;
}

export async function installAction(o: DeployOptions): Promise<OperationResult> {
  return deploy(o, 'install');
}

export async function upgradeAction(o: DeployOptions): Promise<OperationResult> {
  return deploy(o, 'upgrade');
}

async function deploy(o: DeployOptions, verb: 'install' | 'upgrade'): Promise<OperationResult> {
  checkReleaseName(o.name);
  if (o.reuseValues && o.resetValues) throw new KfError('--reuse-values and --reset-values cannot be used together', { exitCode: 2 });
  if (o.dependencyUpdate) await updateDependencies(o.chartRef);
  // The chart first: a wrong chart argument is reported before any cluster is asked.
  const chart = await loadChartRef(o.chartRef, o);
  // install --dry-run (=client) asks the cluster nothing (as helm): rendered for the offline defaults, revision 1.
  if (verb === 'install' && o.dryRun === 'client' && !o.session) {
    const st = releaseState(o.namespace || (await contextNamespace(o)), o.name, { revisions: [], broken: [] });
    return clientDryRun(st, await deployTarget(o, chart, st, 'install', {}), o);
  }
  return withRelease(o, async (s, st) => {
    const live = exists(st);
    assertNotPending(st, !!o.recover, o.dryRun !== undefined && o.dryRun !== 'none');
    let operation: 'install' | 'upgrade' = verb;
    if (verb === 'install' && live && (st.deployed || (st.pending && !o.recover))) {
      throw new KfError(`release ${o.name} already exists in namespace ${st.namespace} (revision ${st.latest!.record.revision}, ${st.latest!.record.status}); use \`kfchart upgrade\``);
    }
    if (verb === 'upgrade' && !st.deployed && (!st.pending || o.recover)) {
      if (!o.install) {
        throw new KfError(
          live ? `release ${o.name} in namespace ${st.namespace} has no deployed revision (latest ${st.latest!.record.revision} is ${st.latest!.record.status}); use \`kfchart rollback\` or \`kfchart install\``
            : `release ${o.name} not found in namespace ${st.namespace}; use \`kfchart install\` or \`upgrade --install\``,
        );
      }
      operation = 'install';
    }
    const kubeVersion = await s.objects.discovery.serverVersion();
    const [apiVersions, clusterScoped] = await Promise.all([s.objects.discovery.apiVersions(), s.objects.discovery.clusterScopedKinds()]);
    return runOperation(s, st, await deployTarget(o, chart, st, operation, { kubeVersion, apiVersions, clusterScoped }), o);
  });
}

/** The namespace of the kubeconfig's current context (read locally, no request), else "default". */
async function contextNamespace(o: DeployOptions): Promise<string> {
  try {
    const { connect } = await import('../kube/index.js');
    const c = await connect({ kubeconfig: o.kubeconfig, context: o.kubeContext });
    c.close();
    return c.contextNamespace;
  } catch {
    return 'default';
  }
}

/** --dependency-update: a chart folder's dependencies fetched first (a repository reference has them vendored). */
async function updateDependencies(ref: string): Promise<void> {
  const { stat } = await import('node:fs/promises');
  if (!(await stat(ref).then((x) => x.isDirectory(), () => false))) return;
  const { dependencyUpdateAction } = await import('./dependency.js');
  await dependencyUpdateAction(ref);
}

/** What the operation makes the release: the chart prepared against the cluster's facts (or the offline defaults). */
async function deployTarget(
  o: DeployOptions, chart: Chart, st: ReleaseState, operation: 'install' | 'upgrade',
  cluster: { kubeVersion?: string; apiVersions?: string[]; clusterScoped?: Iterable<string> },
): Promise<Target> {
  const base = st.deployed ?? st.latest;
  const hasValues = !!(o.valueFiles?.length || o.sets?.length);
  // Helm's rules: --reset-values starts from the chart defaults; --reuse-values from the last revision's merged
  // values (the old chart's defaults included) with this command's on top; --reset-then-reuse-values from the new
  // chart's defaults with the last user values on top; no values flags at all: the last user values.
  const upgrading = operation === 'upgrade' && !o.resetValues;
  const reuseAll = upgrading && !!o.reuseValues;
  const reuseUser = upgrading && !o.reuseValues && (!!o.resetThenReuseValues || !hasValues);
  const baseValues: Values | undefined = reuseAll ? base?.record.values : reuseUser ? base?.record.config : undefined;
  const p = await prepareRelease({
    chartRef: o.chartRef,
    chart,
    version: o.version,
    devel: o.devel,
    repo: o.repo,
    verify: o.verify,
    keyring: o.keyring,
    name: o.name,
    namespace: st.namespace,
    valueFiles: o.valueFiles,
    sets: o.sets,
    baseValues,
    baseIsDefaults: reuseAll,
    revision: st.nextRevision,
    isUpgrade: operation === 'upgrade',
    persisted: base?.record.persisted,
    kubeVersion: cluster.kubeVersion,
    apiVersions: cluster.apiVersions,
    clusterScoped: cluster.clusterScoped,
    skipCrds: o.skipCrds,
    skipSchemaValidation: o.skipSchemaValidation,
    subchartNotes: o.renderSubchartNotes,
    postRenderer: o.postRenderer,
  });
  const owned = ownObjects([...p.crds, ...p.manifest], o.name, st.namespace);
  const labels = mergeLabels(operation === 'upgrade' ? base?.record.labels : undefined, o.labels);
  return {
    operation,
    chart: { name: p.chart.meta.name, version: p.chart.meta.version, ...(p.chart.meta.appVersion ? { appVersion: String(p.chart.meta.appVersion) } : {}), source: o.chartRef },
    // reused values: the previous user values with this command's on top (maps merge, forbidden keys refused)
    config: reuseAll || reuseUser ? mergeKeepNull(base?.record.config ?? {}, p.user) : p.user,
    values: p.values,
    notes: p.notes,
    persisted: p.persisted,
    objects: owned.map((e) => e.object),
    manifest: manifestText(owned),
    kubeVersion: cluster.kubeVersion,
    hooks: p.hooks,
    ...(labels ? { labels } : {}),
  };
}

/** Helm's label merge on upgrade: the previous labels, the new ones over them, `k=null` removes k. */
function mergeLabels(prev: Record<string, string> | undefined, next: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!prev && !next) return undefined;
  const out: Record<string, string> = { ...prev };
  for (const [k, v] of Object.entries(next ?? {})) {
    if (v === 'null') delete out[k];
    else out[k] = v;
  }
  return out;
}
