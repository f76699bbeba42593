// Owns: the `get values|manifest|notes` command definition: flags, the action call, printing the stored text or values.
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, kubeFlags, revisionArg, type GlobalArgs } from '../flags.js';
import { print } from '../output.js';

export const get = command({
  command: 'get <what> <name>',
  describe: "a stored release's values, manifest or notes",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('what', { choices: ['values', 'manifest', 'notes'] as const, demandOption: true })
      .positional('name', { type: 'string', demandOption: true })
      .option('revision', { type: 'string', coerce: revisionArg('--revision') })
      .option('all', { alias: 'a', type: 'boolean', default: false, description: 'values: the merged values, not only the ones supplied' })
      .option('output', { alias: 'o', choices: ['table', 'json', 'yaml'] as const, default: 'yaml' as const })
      .example('$0 get values kubeflow', 'the values you supplied')
      .example('$0 get values kubeflow --all --revision 1', 'the merged values of revision 1')
      .example('$0 get manifest kubeflow', 'the objects of the deployed revision'),
  handler: async (argv) => {
    const { getAction } = await import('../../actions/get.js');
    const r = await getAction({ ...kubeFlags(argv), what: argv.what, name: argv.name, revision: argv.revision, all: argv.all });
    if (r.values !== undefined) await print(argv.output === 'table' ? 'yaml' : argv.output, r.values, () => '');
    else if (argv.output === 'json') process.stdout.write(`${JSON.stringify({ revision: r.revision, [argv.what]: r.text }, null, 2)}\n`);
    else process.stdout.write(r.text!.endsWith('\n') || !r.text ? r.text! : `${r.text}\n`);
  },
});
