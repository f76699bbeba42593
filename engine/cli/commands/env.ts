// Owns: the `env` command definition: `kfchart env` prints every setting as KEY="value" lines, `kfchart env KEY`
// the one value (helm env's output); -o json|yaml adds descriptions.
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, usageError, type GlobalArgs } from '../flags.js';
import { print } from '../output.js';

export const env = command({
  command: 'env [name]',
  describe: "kfchart's KFCHART_* settings and their effective values",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', description: 'print only this setting\'s value' })
      .option('output', { alias: 'o', choices: ['text', 'json', 'yaml'] as const, default: 'text' as const, description: 'output format (json/yaml add each setting\'s description)' })
      .example('$0 env', 'every setting as KEY="value"')
      .example('$0 env KFCHART_CACHE_HOME', 'one value'),
  handler: async (argv) => {
    const { envSettings } = await import('../../actions/env.js');
    const all = envSettings();
    if (argv.name !== undefined) {
      const s = all.find((x) => x.name === argv.name);
      if (!s) throw usageError(`env: no setting "${argv.name}" (one of ${all.map((x) => x.name).join(', ')})`);
      process.stdout.write(`${s.value}\n`);
      return;
    }
    if (argv.output === 'text') {
      process.stdout.write(all.map((s) => `${s.name}=${JSON.stringify(s.value)}\n`).join(''));
      return;
    }
    await print(argv.output, all, () => '');
  },
});
