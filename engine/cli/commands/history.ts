// Owns: the `history` command definition: flags, the action call, helm's revision table (or -o json|yaml rows with
// helm's field names: revision a number, updated in RFC 3339, app_version, description).
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, intArg, kubeFlags, outputOption, type GlobalArgs } from '../flags.js';
import { helmTable, paintStatus, painter, print, useColor } from '../output.js';
import { ansic, rfc3339Nano } from '../gotime.js';

export const history = command({
  command: 'history <name>',
  describe: 'revisions of a release',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('max', {
        type: 'string', default: '256', description: 'maximum number of revisions to include (the newest; 0: all)',
        coerce: intArg('--max', 0),
      })
      .options(outputOption)
      .example('$0 history kubeflow -n kubeflow', 'every kept revision with its status')
      .example('$0 history kubeflow --max 3 -o json', 'the last three, for scripts'),
  handler: async (argv) => {
    const { historyAction } = await import('../../actions/history.js');
    const r = await historyAction({ ...kubeFlags(argv), name: argv.name, max: argv.max });
    for (const w of r.warnings) process.stderr.write(`${w}\n`);
    const rows = r.rows.map((x) => ({
      revision: x.revision, updated: rfc3339Nano(x.updated), status: x.status, chart: x.chart, app_version: x.appVersion, description: x.description,
    }));
    const paint = painter(useColor(process.stdout));
    await print(argv.output, rows, () =>
      helmTable(['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'],
        r.rows.map((x) => [String(x.revision), ansic(x.updated), x.status, x.chart, x.appVersion, x.description]),
        { paint, cell: (col, t) => (col === 2 ? paintStatus(paint, t) : t) }));
  },
});
