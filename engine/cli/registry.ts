// Owns: the list of command modules the CLI offers. Each module exports `commands`: light yargs definitions whose
// handlers `await import()` their action, so start-up loads no engine code. Add one line per module.
// Must not: import anything heavy.

import type { CommandModule } from 'yargs';
import { commands as chartCommands } from './chart.js';
import { commands as repoCommands } from './repo.js';
import { commands as releaseCommands } from './release.js';
import { commands as hashPasswordCommands } from './hash-password.js';
import { commands as ociCommands } from './oci.js';

export const commandGroups: CommandModule<any, any>[][] = [
  chartCommands,
  repoCommands,
  releaseCommands,
  hashPasswordCommands,
  ociCommands,
];
