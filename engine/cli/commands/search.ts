// Owns: the `search repo` command definition: flags, the search over the configured repositories' indexes
// (engine/actions/repo.ts), the hit table (or -o json|yaml). Must not: import engine code at module load.

import type { Argv } from 'yargs';
import { command, outputOption, type GlobalArgs } from '../flags.js';
import { formatTable, print } from '../output.js';

const searchRepo = command({
  command: 'repo [keyword]',
  describe: 'search the configured repositories (name, description, keywords)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('keyword', { type: 'string' })
      .option('versions', { alias: 'l', type: 'boolean', default: false, description: 'list every version, not just the newest' })
      .option('version', { type: 'string', description: 'only versions matching this SemVer range' })
      .option('devel', { type: 'boolean', default: false, description: 'include prereleases (>0.0.0-0); ignored with --version' })
      .option('regexp', { alias: 'r', type: 'boolean', default: false, description: 'the keyword is a regular expression (case-sensitive)' })
      .options(outputOption)
      .example('$0 search repo dex', 'charts whose name, description or keywords mention dex')
      .example('$0 search repo kubeflow --versions', 'every version of it')
      .example("$0 search repo -r '^kf/(dex|istio)$' --devel", 'by regular expression, prereleases too'),
  handler: async (argv) => {
    const { searchRepoAction } = await import('../../actions/repo.js');
    const hits = await searchRepoAction(argv.keyword, { versions: argv.versions, version: argv.version, devel: argv.devel, regexp: argv.regexp });
    if (!hits.length && argv.output === 'table') {
      process.stdout.write('No results found\n');
      return;
    }
    await print(argv.output, hits, () =>
      formatTable(['NAME', 'CHART VERSION', 'APP VERSION', 'DESCRIPTION'], hits.map((h) => [h.name, h.version, h.appVersion, h.description])));
  },
});

export const search = command({
  command: 'search <command>',
  describe: 'search for charts',
  builder: (y: Argv<GlobalArgs>) => y.command(searchRepo).demandCommand(1),
  handler: () => {},
});
