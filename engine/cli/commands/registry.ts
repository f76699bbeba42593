// Owns: the `registry login|logout HOST` command definitions (OCI registries; engine/actions/registry.ts): flags, the
// action calls, the result lines. The credentials come from the connection flags (recorded in engine/repo/session.ts).
// Must not: import engine code at module load (the actions are imported when run); print a password.

import type { Argv } from 'yargs';
import { command, connectionOptions, type GlobalArgs } from '../flags.js';

const login = command({
  command: 'login <host>',
  describe: 'check credentials against a registry and store them (0600, the docker-style file Helm reads)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('host', { type: 'string', demandOption: true, description: 'registry host[:port]' })
      .options(connectionOptions)
      .example('echo "$TOKEN" | $0 registry login registry.example.org --username me --password-stdin', 'log in'),
  handler: async (argv) => {
    const { loginAction } = await import('../../actions/registry.js');
    const { connectionDefaults } = await import('../../repo/session.js');
    const d = connectionDefaults();
    const r = await loginAction(argv.host, { username: d.username ?? '', password: d.password ?? '' });
    process.stdout.write(`Login Succeeded (${r.host}; credentials in ${r.file})\n`);
  },
});

const logout = command({
  command: 'logout <host>',
  describe: "remove a registry's stored credentials",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('host', { type: 'string', demandOption: true })
      .option('registry-config', connectionOptions['registry-config'])
      .example('$0 registry logout registry.example.org', 'forget the credentials'),
  handler: async (argv) => {
    const { logoutAction } = await import('../../actions/registry.js');
    const r = await logoutAction(argv.host);
    process.stdout.write(`Removed login credentials for ${r.host}\n`);
  },
});

export const registry = command({
  command: 'registry <command>',
  describe: 'OCI registries: login, logout',
  builder: (y: Argv<GlobalArgs>) => y.command(login).command(logout).demandCommand(1),
  handler: () => {},
});
