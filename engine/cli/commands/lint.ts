// Owns: the `lint` command definition: flags, linting each chart in turn, the findings and the summary, exit 1 when
// a chart fails. Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { collectSetFlags, command, offlineClusterOptions, valuesOptions, type GlobalArgs } from '../flags.js';

export const lint = command({
  command: 'lint <charts..>',
  describe: 'check charts: Chart.yaml, values schema, defaults, render, objects',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('charts', { type: 'string', array: true, demandOption: true, description: 'chart folders or .tgz' })
      .options(valuesOptions)
      .option('kube-version', offlineClusterOptions['kube-version'])
      .option('strict', { type: 'boolean', default: false, description: 'treat warnings as errors' })
      .example('$0 lint charts/*', 'lint every chart')
      .example('$0 lint charts/dex -f my-values.yaml', 'lint with your values'),
  handler: async (argv) => {
    const { lintChart, formatFindings } = await import('../../actions/lint.js');
    let failed = 0;
    const charts = argv.charts;
    for (const ref of charts) {
      const { findings } = await lintChart(ref, {
        valueFiles: argv.values,
        sets: collectSetFlags(),
        namespace: argv.namespace,
        kubeVersion: argv.kubeVersion,
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
});
