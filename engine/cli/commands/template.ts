// Owns: the `template` command definition: flags, Helm's optional release name ([NAME] CHART, --generate-name), the
// action call, printing the objects (or the files written). Must not: import engine code at module load (start-up
// time is a feature).

import type { Argv } from 'yargs';
import {
  chartSourceOptions, collectSetFlags, command, deployOptions, noHooksFlag, noHooksOption, offlineClusterOptions, refuseFlags, usageError, valuesOptions, type GlobalArgs,
} from '../flags.js';

export const template = command({
  command: 'template [name] [chart]',
  describe: 'render a chart locally and print the objects (no cluster needed)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', description: 'release name (default "release-name")' })
      .positional('chart', { type: 'string', description: 'chart folder, .tgz, bundled chart (kubeflow, kfchart/kubeflow), repo/chart or oci://' })
      .options(valuesOptions)
      .options(chartSourceOptions)
      .options(offlineClusterOptions)
      .option('devel', deployOptions.devel)
      .option('output-dir', { type: 'string', description: 'write one file per template under a folder per chart' })
      .option('release-name', { type: 'boolean', default: false, description: 'with --output-dir: a folder named after the release first' })
      .option('show-only', { alias: 's', type: 'string', array: true, description: 'only these templates (e.g. templates/deployment.yaml)' })
      .option('include-crds', { type: 'boolean', default: false, description: 'also print the crds/ folders' })
      .option('skip-crds', { type: 'boolean', default: false, description: 'never print the crds/ folders (wins over --include-crds)' })
      .options(noHooksOption)
      .option('skip-tests', { type: 'boolean', default: false, description: 'leave out test hooks (helm.sh/hook: test)' })
      .option('is-upgrade', { type: 'boolean', default: false, description: 'render as an upgrade (release.isUpgrade)' })
      .option('validate', { type: 'boolean', default: false, description: 'ask the cluster: install --dry-run=server of this release first (every object checked, the name must be free), rendered for its Kubernetes version' })
      .option('generate-name', { alias: 'g', type: 'boolean', default: false, description: 'generate the release name (<chart>-<unix seconds>)' })
      .option('name-template', { type: 'string', description: 'refused: kfchart runs no Go templates (give a name or --generate-name)' })
      .option('skip-schema-validation', deployOptions['skip-schema-validation'])
      .option('post-renderer', deployOptions['post-renderer'])
      .option('post-renderer-args', deployOptions['post-renderer-args'])
      .option('dependency-update', deployOptions['dependency-update'])
      .option('enable-dns', deployOptions['enable-dns'])
      .option('disable-openapi-validation', deployOptions['disable-openapi-validation'])
      .example('$0 template kubeflow -f my.yaml', 'the bundled kubeflow chart, from any folder')
      .example('$0 template kf charts/kubeflow -f examples/values-minimal.yaml', 'print the kubeflow stack')
      .example('$0 template kf charts/kubeflow -f my.yaml --output-dir manifests/', 'write files to commit')
      .example('$0 template charts/dex --set replicas=2 -s templates/deployment.yaml', 'one template'),
  handler: async (argv) => {
    refuseFlags(argv);
    if (argv.nameTemplate !== undefined) throw usageError('--name-template: refused: kfchart does not run Go templates; give the name, or --generate-name');
    if (argv.postRendererArgs?.length && !argv.postRenderer) throw usageError('--post-renderer-args needs --post-renderer');
    // `template <chart>` with one positional: yargs fills `name`; shift it like Helm does.
    let name = argv.name;
    let chart = argv.chart;
    if (chart === undefined) [chart, name] = [name, undefined];
    if (chart === undefined) throw usageError('template needs a chart: kfchart template [NAME] CHART');
    if (argv.generateName) {
      if (name !== undefined) throw usageError('template --generate-name takes the chart only, not a release name');
      const { releaseAndChart } = await import('./deploy.js');
      name = releaseAndChart({ name: chart, generateName: true }, 'template').name;
    }
    if (argv.dependencyUpdate) {
      const { stat } = await import('node:fs/promises');
      if (await stat(chart).then((s) => s.isDirectory(), () => false)) await (await import('../../actions/dependency.js')).dependencyUpdateAction(chart);
    }
    const { templateAction } = await import('../../actions/template.js');
    const out = await templateAction({
      chartRef: chart,
      name: name ?? 'release-name',
      namespace: argv.namespace ?? 'default',
      valueFiles: argv.values,
      sets: collectSetFlags(),
      version: argv.version,
      devel: argv.devel,
      repo: argv.repo,
      verify: argv.verify,
      keyring: argv.keyring,
      kubeVersion: argv.kubeVersion,
      apiVersions: argv.apiVersions,
      isUpgrade: argv.isUpgrade,
      outputDir: argv.outputDir,
      releaseNameDir: argv.releaseName,
      showOnly: argv.showOnly,
      includeCrds: argv.includeCrds && !argv.skipCrds,
      skipCrds: argv.skipCrds,
      noHooks: noHooksFlag(argv),
      skipTests: argv.skipTests,
      skipSchemaValidation: argv.skipSchemaValidation,
      ...(argv.postRenderer ? { postRenderer: { command: argv.postRenderer, args: argv.postRendererArgs ?? [] } } : {}),
      ...(argv.validate ? { validate: { kubeconfig: argv.kubeconfig, kubeContext: argv['kube-context'] } } : {}),
    });
    if (argv.outputDir) {
      for (const f of out.files) process.stdout.write(`wrote ${f}\n`);
    } else {
      process.stdout.write(out.yaml);
    }
  },
});
