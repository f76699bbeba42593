// Owns: the `show chart|values|readme|schema|crds|all` command definition: flags, the action call, printing its text.
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { chartSourceOptions, collectSetFlags, command, usageError, valuesOptions, type GlobalArgs } from '../flags.js';

export const show = command({
  command: 'show <what> <chart>',
  describe: "show a chart's metadata, values, README, schema or CRDs",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('what', { choices: ['chart', 'values', 'readme', 'schema', 'crds', 'all'] as const, demandOption: true })
      .positional('chart', { type: 'string', demandOption: true, description: 'chart folder, .tgz, or repo/chart' })
      .options(chartSourceOptions)
      .options(valuesOptions)
      .option('computed', { type: 'boolean', default: false, description: 'with "values": the final merged values the templates see' })
      .option('jsonpath', { type: 'string', description: "with \"values\": print only what a kubectl JSONPath template selects, e.g. '{.dex.replicas}'" })
      .option('devel', { type: 'boolean', default: false, description: 'repository charts: prereleases count too when no --version is given' })
      .option('output', { alias: 'o', choices: ['yaml', 'json'] as const, default: 'yaml' as const })
      .example('$0 show values kubeflow', 'the bundled chart\'s defaults, with comments')
      .example("$0 show values kubeflow --jsonpath '{.istio.version}'", 'one value')
      .example('$0 show values charts/kubeflow --computed -f my.yaml --set dex.replicas=2', 'debug precedence'),
  handler: async (argv) => {
    const { showAction } = await import('../../actions/show.js');
    if (argv.computed && argv.what !== 'values') throw usageError('--computed works with "show values" only');
    if (argv.jsonpath !== undefined && argv.what !== 'values') throw usageError('--jsonpath works with "show values" only');
    process.stdout.write(
      await showAction(argv.what, argv.chart, {
        version: argv.version,
        devel: argv.devel,
        jsonpath: argv.jsonpath,
        repo: argv.repo,
        verify: argv.verify,
        keyring: argv.keyring,
        computed: argv.computed,
        valueFiles: argv.values,
        sets: collectSetFlags(),
        output: argv.output,
      }),
    );
  },
});
