// Owns: the `get all|hooks|manifest|notes|values|metadata` command definitions: flags, the action call, and what
// each prints, as helm does (text, or -o json|yaml where helm has it: values and metadata).
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, kubeFlags, outputOption, revisionArg, type GlobalArgs } from '../flags.js';
import { print } from '../output.js';
import { allText, helmMetadata, hooksText, manifestText, metadataText, notesText, valuesText } from '../release-view.js';

const revisionOption = { revision: { type: 'string', coerce: revisionArg('--revision'), description: 'this revision (default: the latest)' } } as const;

async function load(argv: Parameters<typeof kubeFlags>[0] & { name: string; revision?: number }) {
  const { getAction } = await import('../../actions/get.js');
  const r = await getAction({ ...kubeFlags(argv), name: argv.name, revision: argv.revision });
  for (const w of r.warnings) process.stderr.write(`${w}\n`);
  return r;
}

/** A `get` subcommand that prints text only (helm has no -o for it). */
const textCommand = (what: string, describe: string, text: (r: Awaited<ReturnType<typeof load>>) => string | Promise<string>) => command({
  command: `${what} <name>`,
  describe,
  builder: (y: Argv<GlobalArgs>) =>
    y.positional('name', { type: 'string', demandOption: true }).options(revisionOption).example(`$0 get ${what} kubeflow --revision 2`, `the ${what} of revision 2`),
  handler: async (argv) => {
    process.stdout.write(await text(await load(argv)));
  },
});

const getAll = textCommand('all', 'everything stored of a release: summary, test results, values, hooks, manifest, notes', (r) => allText(r.record));
const getHooks = textCommand('hooks', "the release's hooks, each under its # Source: line", (r) => hooksText(r.record));
const getManifest = textCommand('manifest', 'the objects of the release as applied', (r) => manifestText(r.record));
const getNotes = textCommand('notes', "the chart's rendered NOTES.txt", (r) => notesText(r.record));

const getValues = command({
  command: 'values <name>',
  describe: 'the values you supplied (or with --all, the merged values templates saw)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .options(revisionOption)
      .option('all', { alias: 'a', type: 'boolean', default: false, description: 'the computed (merged) values, not only the ones supplied' })
      .options(outputOption)
      .example('$0 get values kubeflow', 'the values you supplied')
      .example('$0 get values kubeflow --all --revision 1 -o json', 'the merged values of revision 1'),
  handler: async (argv) => {
    const { record } = await load(argv);
    const values = argv.all ? record.values : record.config;
    if (argv.output === 'table') process.stdout.write(await valuesText(record, argv.all));
    else await print(argv.output, values, () => '');
  },
});

const getMetadata = command({
  command: 'metadata <name>',
  describe: "the release's metadata: chart, version, labels, namespace, revision, status, deploy time",
  builder: (y: Argv<GlobalArgs>) =>
    y.positional('name', { type: 'string', demandOption: true }).options(revisionOption).options(outputOption)
      .example('$0 get metadata kubeflow -o json', 'for scripts'),
  handler: async (argv) => {
    const r = await load(argv);
    await print(argv.output, helmMetadata(r.record, r.labels), () => metadataText(r.record, r.labels));
  },
});

export const get = command({
  command: 'get <what>',
  describe: "a stored release's values, manifest, notes, hooks, metadata, or all of them",
  builder: (y: Argv<GlobalArgs>) =>
    y.command(getAll).command(getHooks).command(getManifest).command(getNotes).command(getValues).command(getMetadata).demandCommand(1)
      .example('$0 get all kubeflow -n kubeflow', 'everything stored of the newest revision')
      .example('$0 get values kubeflow --all -o json', 'the merged values, for scripts'),
  handler: () => {},
});
