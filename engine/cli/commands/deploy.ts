// Owns: what install and upgrade share on the command line: their flags' argv type, the one typed mapping of that
// argv to the action's DeployOptions, running the action with the progress renderer, and the result summary
// (table / -o json|yaml). Must not: import engine code at module load (the action is imported when run).

import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { DeployOptions } from '../../actions/upgrade.js';
import {
  collectSetFlags, deployOptions, dryRunMode, kubeFlags, noHooksFlag, parseDuration, pick, valuesOptions, waitFlag, type ArgvOf, type GlobalArgs,
} from '../flags.js';
import { print, progress, type Progress } from '../output.js';

/** The flags install and upgrade both declare (each builder adds its own positionals and examples). */
const deployFlags = (y: Argv<GlobalArgs>) => y.options(valuesOptions).options(deployOptions);

export type DeployArgs = ArgumentsCamelCase<ArgvOf<typeof deployFlags>> & {
  name: string;
  chart: string;
  /** upgrade only */
  install?: boolean;
  reuseValues?: boolean;
  resetValues?: boolean;
};

/** Flags whose camel-cased name and type are the action option's own (checked against both types). */
const SAME_NAME = [
  'name', 'version', 'repo', 'verify', 'keyring', 'install', 'reuseValues', 'resetValues', 'createNamespace', 'wait',
  'atomic', 'takeOwnership', 'forceConflicts', 'allowCrdRemoval', 'description', 'historyMax', 'recover',
] as const satisfies readonly (keyof DeployOptions & keyof DeployArgs)[];

/** install/upgrade argv → the action's options: the same-named flags, plus the ones that need converting. */
export function deployActionOptions(a: DeployArgs, p: Progress): DeployOptions {
  const dryRun = dryRunMode(a.dryRun);
  return {
    ...kubeFlags(a),
    ...pick(a, SAME_NAME),
    chartRef: a.chart,
    valueFiles: a.values,
    sets: collectSetFlags(),
    timeoutSeconds: parseDuration(a.timeout),
    wait: waitFlag(a.wait),
    dryRun,
    noHooks: noHooksFlag(a),
    color: !!process.stdout.isTTY,
    onLine: p.onLine,
    onWait: p.onWait,
  };
}

export async function runDeploy(argv: DeployArgs, verb: 'install' | 'upgrade'): Promise<void> {
  const p = progress();
  const opts = deployActionOptions(argv, p);
  const act = await import('../../actions/upgrade.js');
  let r;
  try {
    r = await (verb === 'install' ? act.installAction(opts) : act.upgradeAction(opts));
  } finally {
    p.done(); // end the progress line before the result or the error
  }
  const rec = r.record;
  const summary = {
    name: rec.name, namespace: rec.namespace, revision: rec.revision, status: rec.status, description: rec.description,
    chart: `${rec.chart.name}-${rec.chart.version}`, dryRun: r.dryRun ?? null, applied: r.applied, unchanged: r.unchanged ?? 0, pruned: r.pruned,
    recordBytes: r.size, notes: rec.notes, ...(r.changes ? { changes: r.changes.map((c) => ({ id: c.id, change: c.change })) } : {}),
  };
  await print(argv.output, summary, () => {
    let out = '';
    if (r.dryRun === 'client') out += `${r.diff}\n`;
    const what = r.dryRun ? `would be ${rec.applied.operation === 'install' ? 'installed' : 'upgraded'} (dry run: ${r.dryRun})` : `${rec.applied.operation === 'install' ? 'installed' : 'upgraded'}`;
    out += `Release "${rec.name}" ${what} in namespace ${rec.namespace}: revision ${rec.revision}, ${r.dryRun ? 'not stored' : rec.status}\n`;
    out += `${r.applied} object(s) ${r.dryRun === 'client' ? 'compared' : r.dryRun ? 'checked' : 'applied'}${r.unchanged ? `, ${r.unchanged} unchanged (not sent)` : ''}, ` +
      `${r.pruned.length} ${r.dryRun ? 'to delete' : 'deleted'}; release record ${r.size} bytes\n`;
    if (rec.notes.trim() && !r.dryRun) out += `\nNOTES:\n${rec.notes.trimEnd()}\n`;
    return out;
  });
}
