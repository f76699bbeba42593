// Owns: the `rollback` command definition: flags, the action call with the progress renderer, the result line.
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, deployOptions, dryRunMode, kubeFlags, noHooksFlag, noHooksOption, outputOption, parseDuration, refuseFlags, revisionArg, waitFlag, type GlobalArgs } from '../flags.js';
import { print, progress } from '../output.js';

export const rollback = command({
  command: 'rollback <name> [revision]',
  describe: 'roll a release back to an earlier revision (default: the previous deployed one); also recovers a killed operation',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .positional('revision', { type: 'string', description: 'revision to go back to', coerce: revisionArg() })
      .option('wait', deployOptions.wait)
      .option('timeout', deployOptions.timeout)
      .option('wait-for-jobs', deployOptions['wait-for-jobs'])
      .option('force-conflicts', deployOptions['force-conflicts'])
      .option('force-replace', deployOptions['force-replace'])
      .option('cleanup-on-fail', { type: 'boolean', default: false, description: 'when the rollback fails: delete the objects it created' })
      .option('dry-run', { type: 'string', description: 'client (bare --dry-run): show the revision the rollback would write; server: also check every object with the API server; nothing is written' })
      .option('server-side', deployOptions['server-side'])
      .option('history-max', deployOptions['history-max'])
      .option('description', deployOptions.description)
      .options(noHooksOption)
      .options(outputOption)
      .example('$0 rollback kubeflow', 'back to the previous deployed revision')
      .example('$0 rollback kubeflow 1 --wait', 'back to revision 1 and wait until ready')
      .example('$0 rollback kubeflow -n kubeflow', 'also repairs a pending revision left by a killed operation'),
  handler: async (argv) => {
    refuseFlags(argv);
    const dryRun = dryRunMode(argv.dryRun);
    const p = progress();
    const { rollbackAction } = await import('../../actions/rollback.js');
    const r = await rollbackAction({
      ...kubeFlags(argv), name: argv.name, revision: argv.revision, wait: waitFlag(argv.wait) || argv.waitForJobs, timeoutSeconds: parseDuration(argv.timeout),
      forceConflicts: argv.forceConflicts, forceReplace: argv.forceReplace, cleanupOnFail: argv.cleanupOnFail, historyMax: argv.historyMax, description: argv.description,
      dryRun, allowCrdRemoval: true, takeOwnership: false, noHooks: noHooksFlag(argv), onLine: p.onLine, onWait: p.onWait,
    }).finally(() => p.done());
    const rec = r.record;
    await print(argv.output, { name: rec.name, namespace: rec.namespace, revision: rec.revision, status: rec.status, rollbackTo: rec.applied.rollbackTo, dryRun: r.dryRun ?? null, applied: r.applied, pruned: r.pruned },
      () => r.dryRun
        ? `Rollback of "${rec.name}" to revision ${rec.applied.rollbackTo} would write revision ${rec.revision} (dry run: ${r.dryRun}${r.dryRun === 'server' ? `, ${r.applied} object(s) accepted` : ''}); nothing changed\n`
        : `Rollback of "${rec.name}" to revision ${rec.applied.rollbackTo} done: revision ${rec.revision} ${rec.status}; ${r.applied} applied, ${r.pruned.length} deleted\n`);
  },
});
