#!/usr/bin/env node
// Owns: the CLI root — global flags, registering the commands engine/cli/commands/index.ts lists, and mapping errors
// to exit codes (0 ok, 1 user error with a one-line message, 2 usage error; --debug adds the stack).
// Must not: do any command's work (handlers in engine/cli import their action lazily).

import { setFlagsFromString } from 'node:v8';
import { VERSION } from '../engine/version.js';
import { skipHelpCache } from '../engine/cli/help-cache.js';

class UsageError extends Error {}

// Keep V8's young generation at its initial size instead of letting it double up to 16 MiB per semi-space: a CLI
// run allocates many short-lived objects (YAML events and trees), and the doubling is what made `template` of 2,000
// objects peak at ~115 MiB RSS (~87 MiB with this, and no slower; bench/render.mjs). Measured per Node, set here at
// start-up (bench/RESULTS.md "render"): Node 20 (V8 11.3) as above; Node 24 and 26, peak RSS of `template` of
// 2,000 / 10,000 objects 93 / 157 MiB → 81 / 116 MiB, no wall cost above the noise. (`--max-semi-space-size=1`,
// which cut as much when given on the node command line, does nothing once the heap exists.) Only on the Nodes it was
// measured on: an unknown flag would make V8 print an error line on stderr.
if (/^(?:20|24|26)\./.test(process.versions.node)) setFlagsFromString('--semi-space-growth-factor=1');

const versionLine = () => `kfchart ${VERSION} (node ${process.version})\n`;

await main();

async function main(): Promise<void> {
  const { default: yargs } = await import('yargs');
  const { hideBin } = await import('yargs/helpers');
  const { commands } = await import('../engine/cli/commands/index.js');
  // `-f -` (values from stdin): yargs takes a lone `-` for a positional, not for an array option's value
  const argv = hideBin(process.argv).flatMap((a, i, all) =>
    (a === '-f' || a === '--values') && all[i + 1] === '-' ? ['--values=-'] : a === '-' && (all[i - 1] === '-f' || all[i - 1] === '--values') ? [] : [a]);
  const debug = argv.includes('--debug');

  const cli = yargs(argv)
    .scriptName('kfchart')
    .usage('$0 <command> [options]\n\nDeploy and manage charts (the auth-enabled Kubeflow front door) on Kubernetes.')
    .option('namespace', { alias: 'n', type: 'string', description: 'namespace of the release (default: from kubeconfig, else "default")' })
    .option('kubeconfig', { type: 'string', description: 'path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' })
    .option('kube-context', { type: 'string', description: 'kubeconfig context to use' })
    .option('debug', { type: 'boolean', description: 'print stack traces and extra detail' })
    .strict()
    .demandCommand(1, 'Name a command; see kfchart --help')
    .recommendCommands()
    .wrap(Math.min(120, process.stdout.columns || 100))
    .epilog('Docs: README.md. Exit codes: 0 ok, 1 error, 2 usage error (diff: 2 = changes).')
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    })
    .help()
    .alias('help', 'h')
    // `--version` belongs to commands (chart version, as in Helm); kfchart's own version is `kfchart version`.
    .version(false)
    .command('version', 'print the kfchart version', () => {}, () => {
      process.stdout.write(versionLine());
    });

  for (const c of commands) cli.command(c);
  skipHelpCache(cli);

  try {
    await cli.parseAsync();
  } catch (e) {
    process.exitCode = report(e, debug);
  }
}

function report(e: unknown, debug: boolean): number {
  if (e instanceof UsageError) {
    process.stderr.write(`Error: ${e.message}\nRun with --help for usage.\n`);
    return 2;
  }
  const err = e as { name?: string; message?: string; details?: string[]; exitCode?: number; stack?: string };
  if (err && err.name === 'KfError') {
    process.stderr.write(`Error: ${err.message}\n`);
    for (const d of err.details ?? []) process.stderr.write(`${d}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode ?? 1;
  }
  const msg = err?.message ?? String(e);
  process.stderr.write(`Error: ${msg}\n`);
  if (debug && err?.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('(unexpected error: rerun with --debug for the stack trace, and please report it)\n');
  return 1;
}
