// Owns: the OCI registry commands — `push CHART.tgz oci://…`, `registry login HOST`, `registry logout HOST` — and
// the connection flags (Helm's names) shared by every command that downloads a chart: --plain-http,
// --insecure-skip-tls-verify, --ca-file, --cert-file, --key-file, --username, --password, --password-stdin,
// --pass-credentials, --registry-config. Each flag's coerce step records it in engine/repo/session.ts, so the
// downloads of that command use it without each action passing it on.
// Must not: import engine code at module load beyond the tiny session module (start-up time is a feature).

import { readFileSync } from 'node:fs';
import type { CommandModule, Argv } from 'yargs';
import { setConnectionDefault, type ConnectionDefaults } from '../repo/session.js';
import type { GlobalArgs } from './common.js';

type Args = GlobalArgs & Record<string, unknown>;

const record =
  <K extends keyof ConnectionDefaults>(key: K, map: (v: never) => ConnectionDefaults[K] = (v) => v) =>
  (v: unknown) => {
    setConnectionDefault(key, map(v as never));
    return v;
  };

/** Read a password from standard input (one line; the trailing newline dropped). */
function stdinPassword(v: unknown): unknown {
  if (v) setConnectionDefault('password', readFileSync(0, 'utf8').replace(/\r?\n$/, ''));
  return v;
}

/** Connection flags for chart downloads (repositories and registries). */
export const connectionOptions = {
  'plain-http': { type: 'boolean', description: 'oci:// registries: use http instead of https', coerce: record('plainHttp') },
  'insecure-skip-tls-verify': { type: 'boolean', description: "skip the TLS certificate check of the repository or registry", coerce: record('insecureSkipTlsVerify') },
  'ca-file': { type: 'string', description: 'verify the server certificate with this CA bundle (PEM)', coerce: record('caFile') },
  'cert-file': { type: 'string', description: 'client certificate (PEM) for repositories and registries that require one', coerce: record('certFile') },
  'key-file': { type: 'string', description: 'key (PEM) of --cert-file', coerce: record('keyFile') },
  username: { type: 'string', description: 'user name for the repository or registry', coerce: record('username') },
  password: { type: 'string', description: 'password (prefer --password-stdin: command lines are visible to other users)', coerce: record('password') },
  'password-stdin': { type: 'boolean', description: 'read the password from standard input', coerce: stdinPassword },
  'pass-credentials': { type: 'boolean', description: 'send the credentials to every host the repository points at, not only its own', coerce: record('passCredentials') },
  'registry-config': { type: 'string', description: 'registry credentials file (default: <config home>/registry/config.json)', coerce: record('registryConfig') },
} as const;

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
