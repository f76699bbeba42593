// Owns: the `hash-password` command definition: flags, the action call (password asked without echo, or read from
// stdin), printing the hash. Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, intArg, type GlobalArgs } from '../flags.js';

export const hashPassword = command({
  command: 'hash-password',
  describe: 'print the bcrypt hash of a password (asked without echo, or read from stdin) for Dex static users',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('cost', { type: 'string', default: '12', coerce: intArg('--cost', 0), description: 'bcrypt cost (work factor), at least 10' })
      .example('$0 hash-password', 'asks for the password twice, prints $2b$12$...')
      .example("printf '%s' \"$PW\" | $0 hash-password --cost 13", 'from standard input (one trailing newline is ignored)'),
  handler: async (argv) => {
    const { hashPasswordAction } = await import('../../actions/hash-password.js');
    const hash = await hashPasswordAction({ cost: argv.cost, input: process.stdin, prompt: process.stderr });
    process.stdout.write(`${hash}\n`);
  },
});
