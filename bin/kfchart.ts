#!/usr/bin/env node
// Owns: the CLI root — global flags, registering the commands engine/cli/commands/index.ts lists, and mapping errors
// to exit codes (0 ok, 1 user error with a one-line message, 2 usage error; --debug adds the stack); a reader that
// closes the pipe early (`kfchart template … | head`) ends the run quietly with exit 0; the hidden `__complete`
// (shell completion) goes to engine/cli/complete.ts, and a plain command line to its handler through
// engine/cli/fast-parse.ts, without yargs.
// Installed, this file is bundled into dist/bin/chunks/kfchart.cjs and started by bin/launch.ts (scripts/bundle.mjs);
// built by tsc alone, dist/bin/kfchart.js is this file and runs as it is.
// Must not: do any command's work (handlers in engine/cli import their action lazily).

import { tuneHeap } from './heap.js';
import { skipHelpCache } from '../engine/cli/help-cache.js';
import { enableCompileCache } from '../engine/cache/code.js';

class UsageError extends Error {}

tuneHeap();
// before any command's modules are imported (they all load lazily below)
enableCompileCache();

// EPIPE: whoever reads our output (or errors) has gone; there is no one to tell, and nothing left to do (the exit
// code stays an error's, if one was being reported; else 0, as `cmd | head` expects).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

// Not a top-level await: the installed bundle is a CommonJS script (scripts/bundle.mjs).
void main();

async function main(): Promise<void> {
  const raw = process.argv.slice(2);
  if (raw[0] === '__complete' || raw[0] === '__completeNoDesc') return completeWords(raw[0] === '__complete', raw.slice(1));
  const { commands } = await import('../engine/cli/commands/index.js');
  const { globalOptions, colorOptions, envFlag } = await import('../engine/cli/flags.js');
  // `-f -` (values from stdin): yargs takes a lone `-` for a positional, not for an array option's value
  // A bare `--dry-run` (helm: a flag whose value is optional) must not swallow the positional after it
  // (`install --dry-run kubeflow`): it becomes `--dry-run=client` unless a mode follows. Only where --dry-run takes a mode.
  const verb = raw.find((a) => !a.startsWith('-'));
  const modal = verb === 'install' || verb === 'upgrade' || verb === 'rollback';
  const argv = raw.flatMap((a, i, all) =>
    (a === '-f' || a === '--values') && all[i + 1] === '-' ? ['--values=-'] : a === '-' && (all[i - 1] === '-f' || all[i - 1] === '--values') ? []
      : modal && a === '--dry-run' && !/^(client|server|none|true|false)$/.test(all[i + 1] ?? '') ? ['--dry-run=client'] : [a]);
  const debug = argv.includes('--debug') || (envFlag('KFCHART_DEBUG') && !argv.includes('--no-debug'));

  // A plain command line runs its handler with the argv yargs would give it, without loading yargs
  // (engine/cli/fast-parse.ts); help, usage errors and every other form go to yargs below.
  const { fastParse } = await import('../engine/cli/fast-parse.js');
  const fast = fastParse(commands, { ...globalOptions, ...colorOptions }, argv);
  if (fast) {
    try {
      await fast.handler(fast.argv);
    } catch (e) {
      process.exitCode = report(e, debug);
    }
    return;
  }

  const { default: yargs } = await import('yargs');
  const cli = yargs(argv)
    .scriptName('kfchart')
    .usage('$0 <command> [options]\n\nDeploy and manage charts (the auth-enabled Kubeflow front door) on Kubernetes.')
    .options(globalOptions)
    .options(colorOptions)
    .strict()
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .wrap(Math.min(120, process.stdout.columns || 100))
    .epilog('Docs: README.md. Exit codes: 0 ok, 1 error, 2 usage error (diff: 2 = changes).')
    .fail((msg, err) => {
      // YError: yargs' own (a coerce step's usage error arrives wrapped in one, its message kept)
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(oneLine(msg ?? err?.message ?? 'usage error'));
    })
    .help()
    .alias('help', 'h')
    // `--version` belongs to commands (chart version, as in Helm); kfchart's own version is `kfchart version`.
    .version(false);

  for (const c of commands) cli.command(c);
  skipHelpCache(cli);

  try {
    await cli.parseAsync();
  } catch (e) {
    process.exitCode = report(e, debug);
  }
}

/** yargs' multi-line messages (`Invalid values:\n  Argument: output, Given: "xml", Choices: …`) as one line. */
function oneLine(msg: string): string {
  const m = /^Invalid values:\s*Argument: (\S+), Given: (.*), Choices: (.*)$/s.exec(msg);
  if (m) return `invalid value ${m[2]!.trim()} for ${m[1]}: choose one of ${m[3]!.trim()}`;
  return msg.split('\n').map((l) => l.trim()).filter(Boolean).join('; ');
}

/** `kfchart __complete WORD...`: completion candidates for the shell scripts (never an error on the terminal). */
async function completeWords(descriptions: boolean, words: string[]): Promise<void> {
  try {
    const { complete, formatCompletion } = await import('../engine/cli/complete.js');
    const { commands } = await import('../engine/cli/commands/index.js');
    const text = formatCompletion(await complete(commands, words), descriptions);
    process.stdout.write(text, () => process.exit(0));
  } catch (e) {
    if (process.env.KFCHART_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    process.stdout.write(':4\n', () => process.exit(0));
  }
}

function report(e: unknown, debug: boolean): number {
  // A flag's coerce step that rejects its value (e.g. `list --max -1`) reaches here as yargs' YError: a usage error.
  if (e instanceof UsageError || (e as Error)?.name === 'YError') {
    process.stderr.write(`Error: ${(e as Error).message} (see --help)\n`);
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
