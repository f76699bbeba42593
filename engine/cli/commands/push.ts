// Owns: the `push CHART.tgz oci://…` command definition: flags, the upload (engine/actions/registry.ts), the result.
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, connectionOptions, type GlobalArgs } from '../flags.js';

export const push = command({
  command: 'push <chart> <remote>',
  describe: 'upload a chart archive to an OCI registry (Helm layout; the .prov next to it too)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('chart', { type: 'string', demandOption: true, description: 'chart archive (.tgz)' })
      .positional('remote', { type: 'string', demandOption: true, description: 'oci://REGISTRY/PATH (the chart name and version tag are added)' })
      .options(connectionOptions)
      .example('$0 push dex-1.2.3.tgz oci://registry.example.org/charts', 'pushed as oci://registry.example.org/charts/dex:1.2.3'),
  handler: async (argv) => {
    const { pushAction } = await import('../../actions/registry.js');
    const r = await pushAction(argv.chart, argv.remote);
    process.stdout.write(`Pushed: ${r.ref.replace(/^oci:\/\//, '')}\nDigest: ${r.digest}\n`);
  },
});
