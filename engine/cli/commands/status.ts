// Owns: the `status` command definition: flags, the action call, the release and object-readiness view.
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, kubeFlags, revisionArg, outputOption, type GlobalArgs } from '../flags.js';
import { formatTable, print } from '../output.js';

export const status = command({
  command: 'status <name>',
  describe: 'a release: its revision, status, and every object with its readiness',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('revision', { type: 'string', coerce: revisionArg('--revision') })
      .options(outputOption)
      .example('$0 status kubeflow -n kubeflow', 'the release and the readiness of each object')
      .example('$0 status kubeflow --revision 2 -o yaml', 'an older revision'),
  handler: async (argv) => {
    const { statusAction } = await import('../../actions/status.js');
    const r = await statusAction({ ...kubeFlags(argv), name: argv.name, revision: argv.revision });
    for (const w of r.warnings) process.stderr.write(`${w}\n`);
    await print(argv.output, r, () => {
      let out = `NAME: ${r.name}\nNAMESPACE: ${r.namespace}\nREVISION: ${r.revision}\nSTATUS: ${r.status}\nCHART: ${r.chart}\nLAST DEPLOYED: ${r.lastDeployed}\nDESCRIPTION: ${r.description}\n`;
      if (r.objects.length) {
        out += `\nOBJECTS (${r.objects.filter((o) => o.ready).length}/${r.objects.length} ready):\n`;
        out += formatTable(['OBJECT', 'READY', 'REASON'], r.objects.map((o) => [o.id, o.ready ? 'yes' : 'no', o.reason ?? '']));
      }
      if (r.notes.trim()) out += `\nNOTES:\n${r.notes.trimEnd()}\n`;
      return out;
    });
  },
});
