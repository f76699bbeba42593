// Owns: the OCI registry commands — `push CHART.tgz oci://…`, `registry login HOST`, `registry logout HOST` — as
// light yargs definitions (the connection flags they take are in ./flags.ts). Must not: import engine code at module
// load (start-up time is a feature).

import type { CommandModule, Argv } from 'yargs';
import { connectionOptions, type GlobalArgs } from './flags.js';

type Args = GlobalArgs & Record<string, unknown>;

const push: CommandModule<GlobalArgs, Args> = {
  command: 'push <chart> <remote>',
  describe: 'upload a chart archive to an OCI registry (Helm layout; the .prov next to it too)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('chart', { type: 'string', demandOption: true, description: 'chart archive (.tgz)' })
      .positional('remote', { type: 'string', demandOption: true, description: 'oci://REGISTRY/PATH (the chart name and version tag are added)' })
      .options(connectionOptions)
      .example('$0 push dex-1.2.3.tgz oci://registry.example.org/charts', 'pushed as oci://registry.example.org/charts/dex:1.2.3') as Argv<Args>,
  handler: async (argv) => {
    const { pushAction } = await import('../actions/registry.js');
    const r = await pushAction(argv.chart as string, argv.remote as string);
    process.stdout.write(`Pushed: ${r.ref.replace(/^oci:\/\//, '')}\nDigest: ${r.digest}\n`);
  },
};

const login: CommandModule<Args, Args> = {
  command: 'login <host>',
  describe: 'check credentials against a registry and store them (0600, the docker-style file Helm reads)',
  builder: (y: Argv<Args>) =>
    y
      .positional('host', { type: 'string', demandOption: true, description: 'registry host[:port]' })
      .options(connectionOptions)
      .example('echo "$TOKEN" | $0 registry login registry.example.org --username me --password-stdin', 'log in') as Argv<Args>,
  handler: async (argv) => {
    const { loginAction } = await import('../actions/registry.js');
    const { connectionDefaults } = await import('../repo/session.js');
    const d = connectionDefaults();
    const r = await loginAction(argv.host as string, { username: d.username ?? '', password: d.password ?? '' });
    process.stdout.write(`Login Succeeded (${r.host}; credentials in ${r.file})\n`);
  },
};

const logout: CommandModule<Args, Args> = {
  command: 'logout <host>',
  describe: "remove a registry's stored credentials",
  builder: (y: Argv<Args>) =>
    y
      .positional('host', { type: 'string', demandOption: true })
      .option('registry-config', connectionOptions['registry-config'])
      .example('$0 registry logout registry.example.org', 'forget the credentials') as Argv<Args>,
  handler: async (argv) => {
    const { logoutAction } = await import('../actions/registry.js');
    const r = await logoutAction(argv.host as string);
    process.stdout.write(`Removed login credentials for ${r.host}\n`);
  },
};

const registry: CommandModule<GlobalArgs, Args> = {
  command: 'registry <command>',
  describe: 'OCI registries: login, logout',
  builder: (y: Argv<GlobalArgs>) => (y as unknown as Argv<Args>).command(login).command(logout).demandCommand(1) as Argv<Args>,
  handler: () => {},
};

export const commands = [push, registry] as CommandModule<any, any>[];
