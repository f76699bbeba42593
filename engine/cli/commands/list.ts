// Owns: the `list` (alias `ls`) command definition: flags, the action call, the release table (or -o json|yaml).
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, kubeFlags, outputOption, type GlobalArgs } from '../flags.js';
import { formatTable, print } from '../output.js';

export const list = command({
  command: 'list',
  aliases: ['ls'],
  describe: 'releases in the namespace (or all with -A)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('all-namespaces', { alias: 'A', type: 'boolean', default: false })
      .option('status', { type: 'string', array: true, description: 'only releases whose latest revision has this status (e.g. failed, pending-upgrade, uninstalled)' })
      .options(outputOption)
      .example('$0 list -A', 'releases in every namespace')
      .example('$0 list --status failed --status pending-upgrade', 'releases that need attention'),
  handler: async (argv) => {
    const { listAction } = await import('../../actions/list.js');
    const r = await listAction({ ...kubeFlags(argv), allNamespaces: argv.allNamespaces, statuses: argv.status });
    for (const w of r.warnings) process.stderr.write(`${w}\n`);
    await print(argv.output, r.rows, () =>
      formatTable(['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'], r.rows.map((x) => [x.name, x.namespace, x.revision, x.updated, x.status, x.chart, x.appVersion])));
  },
});
