// Owns: the `completion bash|zsh|fish|powershell` command definition (prints the script of completion-scripts.ts;
// the candidates come from the hidden `__complete`, which bin/kfchart.ts hands to ../complete.ts before yargs runs).
// Must not: import engine code at module load.

import type { Argv } from 'yargs';
import { command, type GlobalArgs } from '../flags.js';
import { SHELLS } from '../completion-scripts.js';

export const completion = command({
  command: 'completion <shell>',
  describe: 'print the shell completion script (verbs, flags, flag values, release names, charts)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('shell', { choices: SHELLS, demandOption: true })
      .option('descriptions', { type: 'boolean', default: true, description: 'show a description next to each candidate (--no-descriptions: bare candidates)' })
      .example('source <($0 completion bash)', 'bash, this shell only (add it to ~/.bashrc to keep it)')
      .example('$0 completion zsh > "${fpath[1]}/_kfchart"', 'zsh')
      .example('$0 completion fish > ~/.config/fish/completions/kfchart.fish', 'fish')
      .example('$0 completion powershell | Out-String | Invoke-Expression', 'PowerShell'),
  handler: async (argv) => {
    const { completionScript } = await import('../completion-scripts.js');
    process.stdout.write(completionScript(argv.shell, argv.descriptions));
  },
});
