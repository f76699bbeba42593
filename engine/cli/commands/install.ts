// Owns: the `install` command definition (flags in engine/cli/flags.ts, the run and summary in ./deploy.ts).
// Must not: import engine code at module load.

import type { Argv } from 'yargs';
import { command, deployOptions, valuesOptions, type GlobalArgs } from '../flags.js';
import { runDeploy } from './deploy.js';

export const install = command({
  command: 'install [name] [chart]',
  describe: 'install a chart as a new release',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', description: 'release name; alone: also the chart (a folder or .tgz of that name here, else the bundled chart)' })
      .positional('chart', { type: 'string', description: 'chart folder, .tgz, bundled chart (kubeflow, kfchart/kubeflow), repo/chart or oci://' })
      .options(valuesOptions)
      .options(deployOptions)
      .option('generate-name', { alias: 'g', type: 'boolean', default: false, description: 'generate the release name (<chart>-<unix seconds>); give the chart only' })
      .option('name-template', { type: 'string', description: 'refused: kfchart runs no Go templates (give a name or --generate-name)' })
      .option('replace', { type: 'boolean', default: false, description: "reuse the name of a release uninstalled with --keep-history (kfchart always allows that; accepted for helm's scripts)" })
      .example('$0 install kubeflow -f my.yaml', 'the bundled kubeflow chart, released as "kubeflow", from any folder')
      .example('$0 install kf kfchart/kubeflow -n kubeflow --create-namespace -f my.yaml --wait', 'install the stack under another name')
      .example('$0 install kubeflow -f my.yaml --dry-run', 'print the release, manifest and notes offline (no cluster needed)')
      .example('$0 install kf charts/kubeflow --dry-run=server', 'check every object with the API server, change nothing'),
  handler: (argv) => runDeploy(argv, 'install'),
});
