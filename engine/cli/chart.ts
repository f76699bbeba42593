// Owns: the offline chart commands — template, lint, show — as light yargs definitions; each handler imports its
// action only when run. Must not: import engine code at module load (start-up time is a feature).

import type { CommandModule, Argv } from 'yargs';
import { valuesOptions, chartSourceOptions, collectSetFlags, type GlobalArgs } from './flags.js';

type Args = GlobalArgs & Record<string, unknown>;

const offlineClusterOptions = {
  'kube-version': { type: 'string', description: 'Kubernetes version to render for (default 1.34.0)' },
  'api-versions': { type: 'string', array: true, description: 'extra API versions templates may test for (group/version)' },
} as const;

const template: CommandModule<GlobalArgs, Args> = {
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
      .option('is-upgrade', { type: 'boolean', default: false, description: 'render as an upgrade (release.isUpgrade)' })
      .example('$0 template kf charts/kubeflow -f examples/values-minimal.yaml', 'print the kubeflow stack')
      .example('$0 template kf charts/kubeflow -f my.yaml --output-dir manifests/', 'write files to commit')
      .example('$0 template charts/dex --set replicas=2 -s templates/deployment.yaml', 'one template') as Argv<Args>,
  handler: async (argv) => {
    // `template <chart>` with one positional: yargs fills `name`; shift it like Helm does.
    let name = argv.name as string | undefined;
    let chart = argv.chart as string | undefined;
    if (chart === undefined) [chart, name] = [name, undefined];
    if (chart === undefined) {
      throw new (await import('../errors.js')).KfError('template needs a chart: kfchart template [NAME] CHART', { exitCode: 2 });
    }
    const { templateAction } = await import('../actions/template.js');
    const out = await templateAction({
      chartRef: chart!,
      name: name ?? 'release-name',
      namespace: argv.namespace ?? 'default',
      valueFiles: argv.values as string[] | undefined,
      sets: collectSetFlags(),
      version: argv.version as string | undefined,
      repo: argv.repo as string | undefined,
      verify: argv.verify as boolean,
      keyring: argv.keyring as string | undefined,
      kubeVersion: argv['kube-version'] as string | undefined,
      apiVersions: argv['api-versions'] as string[] | undefined,
      isUpgrade: argv['is-upgrade'] as boolean,
      outputDir: argv['output-dir'] as string | undefined,
      showOnly: argv['show-only'] as string[] | undefined,
      includeCrds: argv['include-crds'] as boolean,
    });
    if (argv['output-dir']) {
      for (const f of out.files) process.stdout.write(`wrote ${f}\n`);
    } else {
      process.stdout.write(out.yaml);
    }
  },
};

const lint: CommandModule<GlobalArgs, Args> = {
  command: 'lint <charts..>',
  describe: 'check charts: Chart.yaml, values schema, defaults, render, objects',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('charts', { type: 'string', array: true, demandOption: true, description: 'chart folders or .tgz' })
      .options(valuesOptions)
      .option('kube-version', offlineClusterOptions['kube-version'])
      .option('strict', { type: 'boolean', default: false, description: 'treat warnings as errors' })
      .example('$0 lint charts/*', 'lint every chart')
      .example('$0 lint charts/dex -f my-values.yaml', 'lint with your values') as Argv<Args>,
  handler: async (argv) => {
    const { lintChart, formatFindings } = await import('../actions/lint.js');
    let failed = 0;
    const charts = argv.charts as string[];
    for (const ref of charts) {
      const { findings } = await lintChart(ref, {
        valueFiles: argv.values as string[] | undefined,
        sets: collectSetFlags(),
        namespace: argv.namespace,
        kubeVersion: argv['kube-version'] as string | undefined,
      });
      const errors = findings.filter((f) => f.severity === 'error' || (argv.strict && f.severity === 'warning')).length;
      process.stdout.write(`==> Linting ${ref}\n`);
      if (findings.length) process.stdout.write(`${formatFindings(findings)}\n`);
      process.stdout.write(`${errors ? 'FAILED' : 'OK'}: ${errors} error(s), ${findings.filter((f) => f.severity === 'warning').length} warning(s)\n\n`);
      if (errors) failed++;
    }
    process.stdout.write(`${charts.length} chart(s) linted, ${failed} chart(s) failed\n`);
    if (failed) process.exitCode = 1;
  },
};

const show: CommandModule<GlobalArgs, Args> = {
  command: 'show <what> <chart>',
  describe: "show a chart's metadata, values, README, schema or CRDs",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('what', { choices: ['chart', 'values', 'readme', 'schema', 'crds', 'all'] as const, demandOption: true })
      .positional('chart', { type: 'string', demandOption: true, description: 'chart folder, .tgz, or repo/chart' })
      .options(chartSourceOptions)
      .options(valuesOptions)
      .option('computed', { type: 'boolean', default: false, description: 'with "values": the final merged values the templates see' })
      .option('output', { alias: 'o', choices: ['yaml', 'json'] as const, default: 'yaml' as const })
      .example('$0 show values charts/kubeflow', 'the defaults, with comments')
      .example('$0 show values charts/kubeflow --computed -f my.yaml --set dex.replicas=2', 'debug precedence') as Argv<Args>,
  handler: async (argv) => {
    const { showAction } = await import('../actions/show.js');
    if (argv.computed && argv.what !== 'values') throw new (await import('../errors.js')).KfError('--computed works with "show values" only', { exitCode: 2 });
    process.stdout.write(
      await showAction(argv.what as 'chart', argv.chart as string, {
        version: argv.version as string | undefined,
        repo: argv.repo as string | undefined,
        verify: argv.verify as boolean,
        keyring: argv.keyring as string | undefined,
        computed: argv.computed as boolean,
        valueFiles: argv.values as string[] | undefined,
        sets: collectSetFlags(),
        output: argv.output as 'yaml' | 'json',
      }),
    );
  },
};

export const commands = [template, lint, show] as CommandModule<any, any>[];
