// Owns: the `upgrade` command definition (flags in engine/cli/flags.ts, the run and summary in ./deploy.ts).
// Must not: import engine code at module load.

import type { Argv } from 'yargs';
import { command, deployOptions, valuesOptions, type GlobalArgs } from '../flags.js';
import { runDeploy } from './deploy.js';

export const upgrade = command({
  command: 'upgrade [name] [chart]',
  describe: 'upgrade a release to a new chart version or new values',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', description: 'release name; alone: also the chart (a folder or .tgz of that name here, else the bundled chart)' })
      .positional('chart', { type: 'string', description: 'chart folder, .tgz, bundled chart, repo/chart or oci://' })
      .options(valuesOptions)
      .options(deployOptions)
      .option('install', { alias: 'i', type: 'boolean', default: false, description: 'install when the release does not exist (every install flag applies)' })
      .option('reuse-values', { type: 'boolean', default: false, description: "start from the last revision's merged values (its chart's defaults included), this command's -f/--set on top" })
      .option('reset-values', { type: 'boolean', default: false, description: 'start from the chart defaults only' })
      .option('cleanup-on-fail', { type: 'boolean', default: false, description: 'when the upgrade fails (without --atomic): delete the objects it created' })
      .option('reset-then-reuse-values', { type: 'boolean', default: false, description: "the new chart's defaults, then the last revision's user values, then -f/--set (what an upgrade without values flags does)" })
      .example('$0 upgrade kubeflow -f my.yaml', 'the bundled kubeflow chart, release "kubeflow"')
      .example('$0 upgrade kf charts/kubeflow --reuse-values --set dex.replicas=2 --atomic', 'change one value, roll back on failure'),
  handler: (argv) => runDeploy(argv, 'upgrade'),
});
