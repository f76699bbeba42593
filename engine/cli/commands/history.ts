// Owns: the `history` command definition: flags, the action call, the revision table (or -o json|yaml).
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, intArg, kubeFlags, outputOption, type GlobalArgs } from '../flags.js';
import { formatTable, print } from '../output.js';

export const history = command({
  command: 'history <name>',
  describe: 'revisions of a release',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('max', { type: 'string', description: 'show at most this many (newest)', coerce: intArg('--max', 1) })
      .options(outputOption)
      .example('$0 history kubeflow -n kubeflow', 'every kept revision with its status')
      .example('$0 history kubeflow -o json', 'for scripts'),
  handler: async (argv) => {
    const { historyAction } = await import('../../actions/history.js');
    const r = await historyAction({ ...kubeFlags(argv), name: argv.name, max: argv.max });
    for (const w of r.warnings) process.stderr.write(`${w}\n`);
    await print(argv.output, r.rows, () =>
      formatTable(['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'], r.rows.map((x) => [x.revision, x.updated, x.status, x.chart, x.appVersion, x.description])));
  },
});
