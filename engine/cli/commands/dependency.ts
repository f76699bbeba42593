// Owns: the `dependency update|build|list` (alias `dep`) command definitions: flags, the action calls, their output.
// Must not: import engine code at module load (the actions are imported when run).

import type { Argv } from 'yargs';
import { command, connectionOptions, type GlobalArgs } from '../flags.js';
import { formatTable } from '../output.js';

const depUpdate = command({
  command: 'update <chart>',
  aliases: ['up'],
  describe: 'resolve Chart.yaml dependencies into charts/ and write Chart.lock',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('chart', { type: 'string', demandOption: true, description: 'chart folder' })
      .options(connectionOptions)
      .example('$0 dependency update charts/kubeflow', 'vendor dependencies into charts/ and write Chart.lock'),
  handler: async (argv) => {
    const { dependencyUpdateAction } = await import('../../actions/dependency.js');
    const r = await dependencyUpdateAction(argv.chart);
    for (const d of r.lock.dependencies) process.stdout.write(`${d.name} ${d.version} from ${d.repository || 'charts/ (vendored)'}${d.digest ? ` (${d.digest})` : ''}\n`);
    process.stdout.write(`Saved ${r.written.length} chart(s) to charts/ and wrote ${(await import('node:path')).basename(r.file)}\n`);
  },
});

const depBuild = command({
  command: 'build <chart>',
  describe: 'restore charts/ exactly as Chart.lock says (digests checked)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('chart', { type: 'string', demandOption: true, description: 'chart folder' })
      .options(connectionOptions)
      .example('$0 dependency build charts/kubeflow', 'restore charts/ exactly as Chart.lock says (digests checked)'),
  handler: async (argv) => {
    const { dependencyBuildAction } = await import('../../actions/dependency.js');
    const r = await dependencyBuildAction(argv.chart);
    process.stdout.write(`Restored ${r.written.length} chart(s) from Chart.lock\n`);
  },
});

const depList = command({
  command: 'list <chart>',
  aliases: ['ls'],
  describe: 'list the dependencies and the locked versions',
  builder: (y: Argv<GlobalArgs>) =>
    y.positional('chart', { type: 'string', demandOption: true }).example('$0 dependency list charts/kubeflow', 'each dependency and whether it is vendored'),
  handler: async (argv) => {
    const { readLock } = await import('../../actions/dependency.js');
    const { loadChart } = await import('../../chart/load.js');
    const chart = await loadChart(argv.chart);
    const lock = await readLock(argv.chart).catch(() => undefined);
    const rows = (chart.meta.dependencies ?? []).map((d) => {
      const l = lock?.dependencies.find((x) => x.name === d.name);
      const present = chart.subcharts.find((s) => s.meta.name === d.name);
      return [d.name, d.version, d.repository ?? '', l?.version ?? '', present ? `ok (${present.meta.version})` : 'missing'];
    });
    process.stdout.write(formatTable(['NAME', 'VERSION', 'REPOSITORY', 'LOCKED', 'STATUS'], rows));
  },
});

export const dependency = command({
  command: 'dependency <command>',
  aliases: ['dep'],
  describe: "manage a chart's dependencies (charts/ and Chart.lock)",
  builder: (y: Argv<GlobalArgs>) => y.command(depUpdate).command(depBuild).command(depList).demandCommand(1),
  handler: () => {},
});
