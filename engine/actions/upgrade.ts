// Owns: `kfchart upgrade` (and `install`, which is an upgrade of a release that does not exist): read the history,
// refuse while another operation is pending (unless --recover), prepare the chart against the cluster's version and
// API versions with the previous revision's generated secrets, and run the operation.
// Must not: print (the CLI renders the result).

import { KfError } from '../errors.js';
import type { Values } from '../chart/types.js';
import { mergeKeepNull, type SetFlag } from '../values/index.js';
import { prepareRelease } from './prepare.js';
import { checkReleaseName } from '../release/index.js';
import { assertNotPending, exists } from './lifecycle/state.js';
import { runOperation, type OperationFlags, type OperationResult } from './lifecycle/operation.js';
import { ownObjects } from './lifecycle/ownership.js';
import { withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';
import { manifestText, type Target } from './lifecycle/target.js';

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

    const base = st.deployed ?? st.latest;
    const hasValues = !!(o.valueFiles?.length || o.sets?.length);
    // Helm's rule: an upgrade with no values flags keeps the previous user values; --reset-values drops them.
    const reuse = operation === 'upgrade' && !o.resetValues && (o.reuseValues || !hasValues);
    const baseValues: Values | undefined = reuse ? base?.record.config : undefined;

    const kubeVersion = await s.objects.discovery.serverVersion();
    const [apiVersions, clusterScoped] = await Promise.all([s.objects.discovery.apiVersions(), s.objects.discovery.clusterScopedKinds()]);
    const p = await prepareRelease({
      chartRef: o.chartRef,
      version: o.version,
      repo: o.repo,
      verify: o.verify,
      keyring: o.keyring,
      name: o.name,
      namespace: st.namespace,
      valueFiles: o.valueFiles,
      sets: o.sets,
      baseValues,
      revision: st.nextRevision,
      isUpgrade: operation === 'upgrade',
      persisted: base?.record.persisted,
      kubeVersion,
      apiVersions,
      clusterScoped,
    });
    const owned = ownObjects([...p.crds, ...p.manifest], o.name, st.namespace);
    const target: Target = {
      operation,
      chart: { name: p.chart.meta.name, version: p.chart.meta.version, ...(p.chart.meta.appVersion ? { appVersion: String(p.chart.meta.appVersion) } : {}), source: o.chartRef },
      // --reuse-values: the previous user values with this command's on top (maps merge, forbidden keys refused)
      config: reuse ? mergeKeepNull(baseValues ?? {}, p.user) : p.user,
      values: p.values,
      notes: p.notes,
      persisted: p.persisted,
      objects: owned.map((e) => e.object),
      manifest: manifestText(owned),
      kubeVersion,
      hooks: p.hooks,
    };
    return runOperation(s, st, target, o);
  });
}
