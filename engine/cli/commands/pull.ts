// Owns: the `pull` command definition: flags, the digest-checked download (engine/actions/pull.ts), the result line.
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { chartSourceOptions, command, type GlobalArgs } from '../flags.js';

export const pull = command({
  command: 'pull <chart>',
  describe: 'download a chart from a repository (digest-checked)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('chart', { type: 'string', demandOption: true, description: '<repo>/<chart>, or a chart name with --repo' })
      .options(chartSourceOptions)
      .option('destination', { alias: 'd', type: 'string', default: '.', description: 'folder to write to' })
      .option('untar', { type: 'boolean', default: false, description: 'extract the chart into <destination>/<name>/' })
      .option('untardir', { type: 'string', description: 'with --untar: folder name instead of the chart name' })
      .example('$0 pull kf/kubeflow --version "^1.10"', 'newest 1.x')
      .example('$0 pull dex --repo http://127.0.0.1:8080 --untar -d vendor', 'without adding the repository'),
  handler: async (argv) => {
    const { pullAction } = await import('../../actions/pull.js');
    const r = await pullAction(argv.chart, {
      version: argv.version,
      repo: argv.repo,
      destination: argv.destination,
      untar: argv.untar,
      untarDir: argv.untardir,
      verify: argv.verify,
      keyring: argv.keyring,
    });
    process.stdout.write(`Pulled ${r.name} ${r.version} to ${r.path} (sha256 ${r.digest}${r.verifiedBy ? `, signature OK, key ${r.verifiedBy}` : ''})\n`);
  },
});
