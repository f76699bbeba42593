// Owns: the `package` command definition: flags, packaging each chart folder, one line per archive (and signature).
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, type GlobalArgs } from '../flags.js';

export const packageCommand = command({
  command: 'package <charts..>',
  describe: 'lint chart folders and package each as a reproducible <name>-<version>.tgz',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('charts', { type: 'string', array: true, demandOption: true, description: 'chart folders' })
      .option('destination', { alias: 'd', type: 'string', default: '.', description: 'folder to write the archives to' })
      .option('version', { type: 'string', description: 'set the chart version in the archived Chart.yaml' })
      .option('app-version', { type: 'string', description: 'set appVersion in the archived Chart.yaml' })
      .option('skip-lint', { type: 'boolean', default: false, description: 'do not lint first (the chart must still load)' })
      .option('sign', { type: 'boolean', default: false, description: 'write a detached Ed25519 signature <tgz>.sig' })
      .option('key', { type: 'string', description: 'with --keyring: the PGP key name (as helm --key); else an Ed25519 private key (PEM) for a .sig' })
      .option('keyring', { type: 'string', description: "PGP secret keyring for --sign: writes Helm's <tgz>.prov" })
      .option('passphrase-file', { type: 'string', description: 'file holding the PGP key passphrase' })
      .example('$0 package charts/* -d dist/repo', 'package every chart')
      .example('$0 package charts/dex --version 1.2.3 --sign --key ed25519.pem', 'release a signed version'),
  handler: async (argv) => {
    const { packageChart } = await import('../../actions/package.js');
    for (const dir of argv.charts) {
      const r = await packageChart(dir, {
        destination: argv.destination,
        version: argv.version,
        appVersion: argv.appVersion,
        skipLint: argv.skipLint,
        sign: argv.sign,
        key: argv.key,
        keyring: argv.keyring,
        passphraseFile: argv.passphraseFile,
      });
      const warnings = r.findings.filter((f) => f.severity === 'warning').length;
      process.stdout.write(
        `Packaged ${r.name} ${r.version} to ${r.file} (${r.bytes} bytes, sha256 ${r.digest})${warnings ? `, ${warnings} lint warning(s)` : ''}\n`,
      );
      if (r.signature) process.stdout.write(`Signed: ${r.signature}\n`);
    }
  },
});
