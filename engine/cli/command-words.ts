// Owns: the words that name a top-level command (names and aliases, as engine/cli/commands/ registers them, plus the
// hidden completion words), and picking the one a command line runs: bin/launch.ts keeps one code cache per command
// (engine/cache/code.ts), because each command compiles different functions of the bundle.
// Must not: import anything (the launcher loads this before the CLI; test/unit/cli/command-words.test.ts checks the
// list against the registered commands).

export const COMMAND_WORDS: readonly string[] = [
  'create', 'template', 'lint', 'show', 'package', 'repo', 'search', 'pull', 'dependency', 'dep', 'verify',
  'install', 'upgrade', 'rollback', 'uninstall', 'delete', 'test', 'history', 'status', 'list', 'ls', 'get', 'diff',
  'hash-password', 'push', 'registry', 'completion', 'env', 'version', '__complete', '__completeNoDesc',
];

/** The first argument that is a command word, else `other` (`--help` alone, a typo: one shared entry). */
export function commandWord(args: readonly string[]): string {
  for (const a of args) if (COMMAND_WORDS.includes(a)) return a;
  return 'other';
}
