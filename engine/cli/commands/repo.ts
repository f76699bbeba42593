// Owns: the `repo index|add|update|list|remove` command definitions (the command line of engine/actions/repo.ts;
// the repository code itself is engine/repo/): flags, the action calls, their output.
// Must not: import engine code at module load (the actions are imported when run).

import type { Argv } from 'yargs';
import { KfError } from '../../errors.js';
import { command, connectionOptions, outputOption, type GlobalArgs } from '../flags.js';
import { formatTable, print } from '../output.js';

/** The connection flags that make sense for an HTTP(S) repository (not --plain-http or --registry-config). */
const { 'plain-http': _p, 'registry-config': _r, ...repoAuthOptions } = connectionOptions;

const repoIndex = command({
  command: 'index <dir>',
  describe: 'write <dir>/index.yaml for every .tgz under <dir> (sub-folders too)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('dir', { type: 'string', demandOption: true })
      .option('url', { type: 'string', description: 'URL the folder will be served at (prefixes each archive path)' })
      .option('merge', { type: 'string', description: 'an existing index.yaml whose entries not present locally are kept' })
      .example('$0 repo index dist/repo --url https://charts.example.org', 'publish a folder'),
  handler: async (argv) => {
    const { repoIndexAction } = await import('../../actions/repo.js');
    const r = await repoIndexAction(argv.dir, { url: argv.url, merge: argv.merge });
    process.stdout.write(`Wrote ${r.file}: ${r.charts} chart(s), ${r.versions} version(s) from ${r.archives} archive(s)\n`);
  },
});

const repoAdd = command({
  command: 'add <name> <url>',
  describe: 'add a chart repository (its index is fetched and checked first)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .positional('url', { type: 'string', demandOption: true, description: 'http://, https:// or file:// URL of the folder holding index.yaml' })
      .option('key', { type: 'string', description: 'Ed25519 public key (PEM) to verify charts from this repository (--verify)' })
      .option('force-update', { type: 'boolean', default: false, description: 'replace an existing repository of that name' })
      .options(repoAuthOptions)
      .example('$0 repo add kf https://charts.example.org/kubeflow', 'add a static repository')
      .example('$0 repo add kf https://charts.example.org/kubeflow --key kf-pub.pem', 'and verify its charts with --verify'),
  handler: async (argv) => {
    const { repoAddAction } = await import('../../actions/repo.js');
    const r = await repoAddAction(argv.name, argv.url, { key: argv.key, forceUpdate: argv.forceUpdate });
    process.stdout.write(`"${r.name}" has been added (${r.url}, ${r.charts} chart(s)${r.keyId ? `, key ${r.keyId}` : ''})\n`);
  },
});

const repoUpdate = command({
  command: 'update [names..]',
  describe: 'fetch the latest index of every (or the named) repository',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('names', { type: 'string', array: true })
      .example('$0 repo update', 'refresh every repository index')
      .example('$0 repo update kf', 'only "kf"'),
  handler: async (argv) => {
    const { repoUpdateAction } = await import('../../actions/repo.js');
    const res = await repoUpdateAction(argv.names ?? []);
    for (const r of res) process.stdout.write(r.ok ? `...updated "${r.name}": ${r.message}\n` : `...FAILED "${r.name}": ${r.message}\n`);
    if (res.some((r) => !r.ok)) throw new KfError(`${res.filter((r) => !r.ok).length} repository update(s) failed`);
    process.stdout.write('Update complete.\n');
  },
});

const repoList = command({
  command: 'list',
  aliases: ['ls'],
  describe: 'list the configured repositories',
  builder: (y: Argv<GlobalArgs>) => y.options(outputOption).example('$0 repo list -o yaml', 'the configured repositories'),
  handler: async (argv) => {
    const { repoListAction } = await import('../../actions/repo.js');
    const list = await repoListAction();
    if (!list.length && argv.output === 'table') {
      process.stdout.write('no repositories configured\n');
      return;
    }
    await print(argv.output, list, () => formatTable(['NAME', 'URL', 'KEY'], list.map((r) => [r.name, r.url, r.verified ? 'yes' : ''])));
  },
});

const repoRemove = command({
  command: 'remove <names..>',
  aliases: ['rm'],
  describe: 'remove repositories (and their cached indexes)',
  builder: (y: Argv<GlobalArgs>) =>
    y.positional('names', { type: 'string', array: true, demandOption: true }).example('$0 repo remove kf', 'forget "kf" and its cached index'),
  handler: async (argv) => {
    const { repoRemoveAction } = await import('../../actions/repo.js');
    for (const n of await repoRemoveAction(argv.names)) process.stdout.write(`"${n}" has been removed\n`);
  },
});

export const repo = command({
  command: 'repo <command>',
  describe: 'chart repositories: index a folder, add, update, list, remove',
  builder: (y: Argv<GlobalArgs>) => y.command(repoIndex).command(repoAdd).command(repoUpdate).command(repoList).command(repoRemove).demandCommand(1),
  handler: () => {},
});
