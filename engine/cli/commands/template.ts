// Owns: the `template` command definition: flags, Helm's optional release name ([NAME] CHART), the action call,
// printing the objects (or the files written). Must not: import engine code at module load (start-up time is a feature).

import type { Argv } from 'yargs';
import { chartSourceOptions, collectSetFlags, command, noHooksFlag, noHooksOption, offlineClusterOptions, usageError, valuesOptions, type GlobalArgs } from '../flags.js';

export const template = command({
  command: 'template [name] [chart]',
  describe: 'render a chart locally and print the objects (no cluster needed)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', description: 'release name (default "release-name")' })
      .positional('chart', { type: 'string', description: 'chart folder, .tgz, or repo/chart' })
      .options(valuesOptions)
      .options(chartSourceOptions)
      .options(offlineClusterOptions)
      .option('output-dir', { type: 'string', description: 'write one file per template under a folder per chart' })
      .option('show-only', { alias: 's', type: 'string', array: true, description: 'only these templates (e.g. templates/deployment.yaml)' })
      .option('include-crds', { type: 'boolean', default: false, description: 'also print the crds/ folders' })
      .options(noHooksOption)
      .option('skip-tests', { type: 'boolean', default: false, description: 'leave out test hooks (helm.sh/hook: test)' })
      .option('is-upgrade', { type: 'boolean', default: false, description: 'render as an upgrade (release.isUpgrade)' })
      .example('$0 template kf charts/kubeflow -f examples/values-minimal.yaml', 'print the kubeflow stack')
      .example('$0 template kf charts/kubeflow -f my.yaml --output-dir manifests/', 'write files to commit')
      .example('$0 template charts/dex --set replicas=2 -s templates/deployment.yaml', 'one template'),
  handler: async (argv) => {
    // `template <chart>` with one positional: yargs fills `name`; shift it like Helm does.
    let name = argv.name;
    let chart = argv.chart;
    if (chart === undefined) [chart, name] = [name, undefined];
    if (chart === undefined) throw usageError('template needs a chart: kfchart template [NAME] CHART');
    const { templateAction } = await import('../../actions/template.js');
    const out = await templateAction({
      chartRef: chart,
      name: name ?? 'release-name',
      namespace: argv.namespace ?? 'default',
      valueFiles: argv.values,
      sets: collectSetFlags(),
      version: argv.version,
      repo: argv.repo,
      verify: argv.verify,
      keyring: argv.keyring,
      kubeVersion: argv.kubeVersion,
      apiVersions: argv.apiVersions,
      isUpgrade: argv.isUpgrade,
      outputDir: argv.outputDir,
      showOnly: argv.showOnly,
      includeCrds: argv.includeCrds,
      noHooks: noHooksFlag(argv),
      skipTests: argv.skipTests,
    });
    if (argv.outputDir) {
      for (const f of out.files) process.stdout.write(`wrote ${f}\n`);
    } else {
      process.stdout.write(out.yaml);
    }
  },
});
