// The launcher's command words (engine/cli/command-words.ts, one V8 code cache entry each) are exactly the top-level
// commands' names and aliases as registered, plus the hidden completion words.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMAND_WORDS, commandWord } from '../../../engine/cli/command-words.js';
import { commands } from '../../../engine/cli/commands/index.js';

test('COMMAND_WORDS = every registered top-level name and alias, and __complete / __completeNoDesc', () => {
  const registered = commands.flatMap((c) => {
    const cmd = c.command as string;
    const aliases = (c as { aliases?: string | string[] }).aliases;
    return [cmd.split(' ')[0]!, ...(aliases === undefined ? [] : Array.isArray(aliases) ? aliases : [aliases])];
  });
  assert.equal([...COMMAND_WORDS].sort(), [...registered, '__complete', '__completeNoDesc'].sort());
});

test('commandWord: the first argument that is a command word, past flags and their values; else other', () => {
  assert.is(commandWord(['template', 'x', 'charts/dex']), 'template');
  assert.is(commandWord(['-n', 'kubeflow', 'uninstall', 'kubeflow']), 'uninstall');
  assert.is(commandWord(['--kubeconfig', '/tmp/k', 'ls']), 'ls');
  assert.is(commandWord(['install', 'list', 'charts/x']), 'install'); // a release named like a command
  assert.is(commandWord(['--help']), 'other');
  assert.is(commandWord(['instal', 'x']), 'other');
  assert.is(commandWord([]), 'other');
});

test.run();
