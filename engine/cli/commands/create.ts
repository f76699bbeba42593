// Owns: the `create` command definition: flags, the action call, the line naming what was written.
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, type GlobalArgs } from '../flags.js';

export const create = command({
  command: 'create <name>',
  describe: 'create a new chart folder (Handlebars templates) that lints clean and renders',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true, description: 'chart folder to create; its last part is the chart name' })
      .option('starter', { alias: 'p', type: 'string', description: 'copy this chart instead (a folder, or a name under <config home>/starters/); <CHARTNAME> in its files becomes the name' })
      .example('$0 create mychart', 'write ./mychart')
      .example('$0 create charts/web --starter ./my-starter', 'from your own starter chart'),
  handler: async (argv) => {
    const { createAction } = await import('../../actions/create.js');
    const r = await createAction(argv.name, { starter: argv.starter });
    process.stdout.write(`Creating ${r.dir}\n`);
  },
});
