// Owns: the `uninstall` (alias `delete`) command definition: flags, the action call, the result line.
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, deployOptions, kubeFlags, noHooksFlag, noHooksOption, outputOption, parseDuration, waitFlag, type GlobalArgs } from '../flags.js';
import { print, progress } from '../output.js';

export const uninstall = command({
  command: 'uninstall <name>',
  aliases: ['delete'],
  describe: 'delete every object of a release (reverse order; CRDs kept unless --delete-crds) and its records',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('keep-history', { type: 'boolean', default: false, description: 'keep the records, marking the release uninstalled' })
      .option('wait', { type: 'boolean', default: false, description: 'wait until every deleted object is gone' })
      .option('timeout', deployOptions.timeout)
      .option('delete-crds', { type: 'boolean', default: false, description: 'also delete the CRDs of the release (and all their custom resources)' })
      .option('dry-run', { type: 'boolean', default: false, description: 'list what would be deleted' })
      .option('cascade', { choices: ['background', 'orphan', 'foreground'] as const, default: 'background' as const, description: "how the objects' dependents go: background (deleted after), foreground (deleted first), orphan (kept)" })
      .option('ignore-not-found', { type: 'boolean', default: false, description: 'a release that does not exist is not an error' })
      .option('description', { type: 'string', description: 'with --keep-history: the description of the uninstalled revision' })
      .options(noHooksOption)
      .options(outputOption)
      .example('$0 uninstall kubeflow -n kubeflow --wait', 'delete every object of the release (CRDs are kept)')
      .example('$0 uninstall kubeflow --keep-history', 'keep the records, so history still shows the release'),
  handler: async (argv) => {
    const p = progress();
    const { uninstallAction } = await import('../../actions/uninstall.js');
    const r = await uninstallAction({
      ...kubeFlags(argv), name: argv.name, keepHistory: argv.keepHistory, wait: waitFlag(argv.wait), timeoutSeconds: parseDuration(argv.timeout),
      deleteCrds: argv.deleteCrds, dryRun: argv.dryRun, noHooks: noHooksFlag(argv), onLine: p.onLine, cascade: argv.cascade, ignoreNotFound: argv.ignoreNotFound, description: argv.description,
    });
    if (r.notFound) {
      await print(argv.output, r, () => `release "${argv.name}" not found; nothing to uninstall (--ignore-not-found)\n`);
      return;
    }
    await print(argv.output, r, () =>
      `${argv.dryRun ? 'Would uninstall' : 'Uninstalled'} release "${r.release}": ${r.deleted.length} object(s) ${argv.dryRun ? 'to delete' : 'deleted'}` +
      `${r.kept.length ? `, ${r.kept.length} kept (${r.kept.join(', ')})` : ''}${r.keptHistory ? '; history kept' : ''}\n`);
  },
});
