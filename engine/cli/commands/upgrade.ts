// Owns: the `upgrade` command definition (flags in engine/cli/flags.ts, the run and summary in ./deploy.ts).
// Must not: import engine code at module load.

import type { Argv } from 'yargs';
import { command, deployOptions, valuesOptions, type GlobalArgs } from '../flags.js';
import { runDeploy } from './deploy.js';

export const upgrade = command({
  command: 'upgrade <name> <chart>',
  describe: 'upgrade a release to a new chart version or new values',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .positional('chart', { type: 'string', demandOption: true })
      .options(valuesOptions)
      .options(deployOptions)
      .option('install', { alias: 'i', type: 'boolean', default: false, description: 'install when the release does not exist' })
      .option('reuse-values', { type: 'boolean', default: false, description: "start from the last revision's values (default when no -f/--set is given)" })
      .option('reset-values', { type: 'boolean', default: false, description: 'start from the chart defaults only' })
      .example('$0 upgrade kf charts/kubeflow --reuse-values --set dex.replicas=2 --atomic', 'change one value, roll back on failure'),
  handler: (argv) => runDeploy(argv, 'upgrade'),
});
