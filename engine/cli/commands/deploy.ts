// Owns: what install and upgrade share on the command line: their flags' argv type, the release name and chart from
// the positionals (one positional: the bundled or local chart of that name, released under its name;
// --generate-name), the one typed mapping of that argv to the action's DeployOptions, running the action with the
// progress renderer, and the result: the summary (table / -o json|yaml), or a dry run's release as helm prints it
// (NAME … DESCRIPTION, HOOKS, MANIFEST, NOTES). Must not: import engine code at module load (the action is
// imported when run).

import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { DeployOptions } from '../../actions/upgrade.js';
import type { ReleaseRecord } from '../../release/index.js';
import {
  collectSetFlags, deployOptions, dryRunMode, kubeFlags, noHooksFlag, parseDuration, parseLabels, pick, refuseFlags, usageError, valuesOptions, waitFlag,
  type ArgvOf, type GlobalArgs,
} from '../flags.js';
import { print, progress, useColor, type Progress } from '../output.js';

/** The flags install and upgrade both declare (each builder adds its own positionals and examples). */
const deployFlags = (y: Argv<GlobalArgs>) => y.options(valuesOptions).options(deployOptions);

export type DeployArgs = ArgumentsCamelCase<ArgvOf<typeof deployFlags>> & {
  name?: string;
  chart?: string;
  /** install only */
  generateName?: boolean;
  nameTemplate?: string;
  replace?: boolean;
  /** upgrade only */
  install?: boolean;
  reuseValues?: boolean;
  resetValues?: boolean;
  resetThenReuseValues?: boolean;
  cleanupOnFail?: boolean;
};

/** Flags whose camel-cased name and type are the action option's own (checked against both types). */
const SAME_NAME = [
  'version', 'devel', 'repo', 'verify', 'keyring', 'install', 'reuseValues', 'resetValues', 'resetThenReuseValues', 'createNamespace',
  'atomic', 'takeOwnership', 'forceConflicts', 'forceReplace', 'allowCrdRemoval', 'description', 'historyMax', 'recover', 'skipCrds',
  'skipSchemaValidation', 'renderSubchartNotes', 'dependencyUpdate', 'cleanupOnFail',
] as const satisfies readonly (keyof DeployOptions & keyof DeployArgs)[];

/**
 * The release name and chart from the positionals, as helm reads them plus kfchart's one-positional form:
 * `NAME CHART`; `CHART --generate-name` (name `<chart base>-<unix seconds>`, as helm); `NAME` alone (a chart of
 * that name here or bundled, released under its base name: `kfchart/kubeflow`, `./kubeflow`, `kubeflow-0.2.0.tgz` → kubeflow).
 */
export function releaseAndChart(a: Pick<DeployArgs, 'name' | 'chart' | 'generateName'>, verb: string): { name: string; chart: string } {
  if (a.generateName) {
    if (a.chart !== undefined) throw usageError(`${verb} --generate-name takes the chart only, not a release name (got "${a.name}" and "${a.chart}")`);
    if (a.name === undefined) throw usageError(`${verb} --generate-name needs a chart: kfchart ${verb} CHART --generate-name`);
    let base = a.name.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || 'chart';
    if (base.includes('.')) base = base.slice(0, base.indexOf('.')) || 'chart';
    return { name: `${base}-${Math.floor(Date.now() / 1000)}`, chart: a.name };
  }
  if (a.name === undefined) throw usageError(`${verb} needs a release name and a chart: kfchart ${verb} NAME CHART (or kfchart ${verb} CHART for a chart of that name)`);
  if (a.chart !== undefined) return { name: a.name, chart: a.chart };
  // One positional: the chart, released under its base name (`kfchart/kubeflow`, `./kubeflow`, `kubeflow-0.2.0.tgz` → kubeflow).
  const base = a.name.replace(/[\\/]+$/, '').split(/[\\/]/).pop()!.replace(/\.tgz$/i, '').replace(/-v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/, '');
  if (a.name.startsWith('oci:') || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(base)) {
    throw usageError(`${verb} ${a.name}: give the release name too (kfchart ${verb} NAME ${a.name}), or --generate-name`);
  }
  return { name: base, chart: a.name };
}

/** install/upgrade argv → the action's options: the same-named flags, plus the ones that need converting. */
export function deployActionOptions(a: DeployArgs, p: Progress, verb = 'install'): DeployOptions {
  refuseFlags(a);
  if (a.nameTemplate !== undefined) throw usageError('--name-template: refused: kfchart does not run Go templates; give the name, or --generate-name');
  const dryRun = dryRunMode(a.dryRun);
  if (a.hideSecret && dryRun === 'none') throw usageError('--hide-secret can only be used with --dry-run');
  if (a.postRendererArgs?.length && !a.postRenderer) throw usageError('--post-renderer-args needs --post-renderer');
  const { name, chart } = releaseAndChart(a, verb);
  const labels = parseLabels(a.labels);
  return {
    ...kubeFlags(a),
    ...pick(a, SAME_NAME),
    name,
    chartRef: chart,
    valueFiles: a.values,
    sets: collectSetFlags(),
    timeoutSeconds: parseDuration(a.timeout),
    wait: waitFlag(a.wait) || !!a.waitForJobs,
    dryRun,
    ...(labels ? { labels } : {}),
    ...(a.postRenderer ? { postRenderer: { command: a.postRenderer, args: a.postRendererArgs ?? [] } } : {}),
    noHooks: noHooksFlag(a),
    color: useColor(process.stdout),
    onLine: p.onLine,
    onWait: p.onWait,
  };
}

/** Go's time.ANSIC in local time, as helm prints LAST DEPLOYED: `Tue Dec  1 12:25:15 2026`. */
export function ansicDate(iso: string): string {
  const d = new Date(iso);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()]!;
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()]!;
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${day} ${mon} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

/** The manifest as printed: without Secret documents when `hideSecret`. */
function shownManifest(manifest: string, hideSecret: boolean): string {
  if (!hideSecret) return manifest;
  return manifest.split(/(?=^---\n)/m).filter((doc) => !/^kind:\s*Secret\s*$/m.test(doc)).join('');
}

/** A dry run's release as helm prints it. */
export function dryRunText(rec: ReleaseRecord, o: { hideNotes?: boolean; hideSecret?: boolean }): string {
  let out = `NAME: ${rec.name}\nLAST DEPLOYED: ${ansicDate(rec.lastDeployed)}\nNAMESPACE: ${rec.namespace}\nSTATUS: ${rec.status}\nREVISION: ${rec.revision}\n`;
  out += `DESCRIPTION: ${rec.description}\n`;
  if (rec.hooks?.length) out += `HOOKS:\n${rec.hooks.map((h) => `---\n# Source: ${h.path}\n${h.manifest.replace(/\n*$/, '\n')}`).join('')}`;
  out += `MANIFEST:\n${shownManifest(rec.manifest, !!o.hideSecret)}`;
  if (rec.notes.trim() && !o.hideNotes) out += `\nNOTES:\n${rec.notes.trimEnd()}\n`;
  return out;
}

export async function runDeploy(argv: DeployArgs, verb: 'install' | 'upgrade'): Promise<void> {
  const p = progress();
  const opts = deployActionOptions(argv, p, verb);
  const act = await import('../../actions/upgrade.js');
  let r;
  try {
    r = await (verb === 'install' ? act.installAction(opts) : act.upgradeAction(opts));
  } finally {
    p.done(); // end the progress line before the result or the error
  }
  const rec = r.record;
  if (r.dryRun === 'server') process.stderr.write(`${r.applied} object(s) accepted by the API server (dry run); nothing stored\n`);
  const summary = {
    name: rec.name, namespace: rec.namespace, revision: rec.revision, status: rec.status, description: rec.description,
    chart: `${rec.chart.name}-${rec.chart.version}`, dryRun: r.dryRun ?? null, applied: r.applied, unchanged: r.unchanged ?? 0, pruned: r.pruned,
    recordBytes: r.size, ...(rec.labels ? { labels: rec.labels } : {}), notes: argv.hideNotes ? '' : rec.notes,
    ...(r.dryRun ? { manifest: shownManifest(rec.manifest, !!argv.hideSecret), ...(rec.hooks?.length ? { hooks: rec.hooks } : {}) } : {}),
  };
  await print(argv.output, summary, () => {
    if (r.dryRun) return dryRunText(rec, argv);
    const what = rec.applied.operation === 'install' ? 'installed' : 'upgraded';
    let out = `Release "${rec.name}" ${what} in namespace ${rec.namespace}: revision ${rec.revision}, ${rec.status}\n`;
    out += `${r.applied} object(s) applied${r.unchanged ? `, ${r.unchanged} unchanged (not sent)` : ''}, ${r.pruned.length} deleted; release record ${r.size} bytes\n`;
    if (rec.notes.trim() && !argv.hideNotes) out += `\nNOTES:\n${rec.notes.trimEnd()}\n`;
    return out;
  });
}
