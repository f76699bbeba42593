// Owns: the `install` command definition (flags in engine/cli/flags.ts, the run and summary in ./deploy.ts).
// Must not: import engine code at module load.

import type { Argv } from 'yargs';
import { command, deployOptions, valuesOptions, type GlobalArgs } from '../flags.js';
import { runDeploy } from './deploy.js';

export const install = command({
  command: 'install <name> <chart>',
  describe: 'install a chart as a new release',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true, description: 'release name' })
      .positional('chart', { type: 'string', demandOption: true, description: 'chart folder, .tgz, or repo/chart' })
      .options(valuesOptions)
      .options(deployOptions)
      .example('$0 install kf charts/kubeflow -n kubeflow --create-namespace -f my.yaml --wait', 'install the stack')
      .example('$0 install kf charts/kubeflow --dry-run=server', 'check every object with the API server, change nothing'),
  handler: (argv) => runDeploy(argv, 'install'),
});
