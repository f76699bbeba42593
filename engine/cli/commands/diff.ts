// Owns: the `diff upgrade|rollback` command definition: flags, the action call, the diff text (or -o json|yaml) and
// exit code 2 when something would change. Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { collectSetFlags, command, deployOptions, kubeFlags, outputOption, revisionArg, usageError, valuesOptions, type GlobalArgs } from '../flags.js';
import { print, useColor } from '../output.js';

export const diff = command({
  command: 'diff <operation> <name> [target]',
  describe: 'what an upgrade (target = chart) or rollback (target = revision) would change; exit 0 = nothing, 2 = changes',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('operation', { choices: ['upgrade', 'rollback'] as const, demandOption: true })
      .positional('name', { type: 'string', demandOption: true })
      .positional('target', { type: 'string', description: 'upgrade: the chart; rollback: the revision (default: the previous one)' })
      .options(valuesOptions)
      .option('version', deployOptions.version)
      .option('reuse-values', { type: 'boolean', default: false })
      .option('reset-values', { type: 'boolean', default: false })
      .options(outputOption)
      .example('$0 diff upgrade kf charts/kubeflow -f my.yaml', 'review an upgrade')
      .example('$0 diff rollback kf 3', 'what going back to revision 3 changes'),
  handler: async (argv) => {
    const color = useColor(process.stdout);
    const act = await import('../../actions/diff.js');
    let r;
    if (argv.operation === 'upgrade') {
      if (!argv.target) throw usageError('diff upgrade needs a chart: kfchart diff upgrade NAME CHART');
      r = await act.diffUpgradeAction({
        ...kubeFlags(argv), name: argv.name, chartRef: argv.target, valueFiles: argv.values, sets: collectSetFlags(), version: argv.version,
        reuseValues: argv.reuseValues, resetValues: argv.resetValues, color,
      });
    } else {
      const rev = revisionArg()(argv.target);
      r = await act.diffRollbackAction({ ...kubeFlags(argv), name: argv.name, revision: rev, color });
    }
    const changes = (r.result.changes ?? []).map((c) => ({ id: c.id, change: c.change, diff: c.diff }));
    await print(argv.output, { changed: r.changed, changes }, () => r.text);
    if (r.changed) process.exitCode = 2;
  },
});
