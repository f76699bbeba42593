// Owns: the `verify` command definition: flags, the detached-signature check (engine/actions/verify.ts), the result line.
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, type GlobalArgs } from '../flags.js';

export const verify = command({
  command: 'verify <archive>',
  describe: "check a chart archive's detached Ed25519 signature (<archive>.sig)",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('archive', { type: 'string', demandOption: true })
      .option('keyring', { type: 'string', demandOption: true, description: 'Ed25519 public key (PEM)' })
      .option('signature', { type: 'string', description: 'signature file (default <archive>.sig)' })
      .example('$0 verify kubeflow-0.1.0.tgz --keyring kf-pub.pem', 'check the detached Ed25519 signature'),
  handler: async (argv) => {
    const { verifyAction } = await import('../../actions/verify.js');
    const r = await verifyAction(argv.archive, { keyring: argv.keyring, signature: argv.signature });
    process.stdout.write(`Verified ${r.archive}: sha256 ${r.digest}, signed by key ${r.keyId}\n`);
  },
});
