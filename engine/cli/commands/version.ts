// Owns: the `version` command (kfchart's own version; `--version` of other commands is the chart version, as in Helm).
// Must not: import anything heavy.

import type { Argv } from 'yargs';
import { VERSION } from '../../version.js';
import { command, type GlobalArgs } from '../flags.js';

export const versionCommand = command({
  command: 'version',
  describe: 'print the kfchart version',
  builder: (y: Argv<GlobalArgs>) => y,
  handler: () => {
    process.stdout.write(`kfchart ${VERSION} (node ${process.version})\n`);
  },
});
