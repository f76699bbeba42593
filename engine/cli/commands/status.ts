// Owns: the `status` command definition: flags, the action call, helm's status text (with each object's readiness
// under RESOURCES) or helm 4's release object for -o json|yaml.
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, kubeFlags, outputOption, revisionArg, type GlobalArgs } from '../flags.js';
import { painter, print, useColor } from '../output.js';
import { helmRelease, statusText } from '../release-view.js';

export const status = command({
  command: 'status <name>',
  describe: 'a release: its revision, status, description, every object with its readiness, test results and notes',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('revision', { type: 'string', coerce: revisionArg('--revision'), description: 'the status of this revision (default: the latest)' })
      .option('show-desc', { type: 'boolean', hidden: true, description: "helm 3's flag; the description is always shown (as in helm 4)" })
      .option('show-resources', { type: 'boolean', hidden: true, description: "helm 3's flag; the resources are always shown (as in helm 4)" })
      .options(outputOption)
      .example('$0 status kubeflow -n kubeflow', 'the release and the readiness of each object')
      .example('$0 status kubeflow --revision 2 -o yaml', 'an older revision'),
  handler: async (argv) => {
    const { statusAction } = await import('../../actions/status.js');
    const r = await statusAction({ ...kubeFlags(argv), name: argv.name, revision: argv.revision });
    for (const w of r.warnings) process.stderr.write(`${w}\n`);
    await print(argv.output, helmRelease(r.record, r.objects), () => statusText(r.record, r.objects, painter(useColor(process.stdout))));
  },
});
