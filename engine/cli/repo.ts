// Owns: the packaging and repository commands — package, repo index/add/update/list/remove, search repo, pull,
// dependency update/build/list, verify — as light yargs definitions; each handler imports its action when run.
// Must not: import engine code at module load (start-up time is a feature).

import type { CommandModule, Argv } from 'yargs';
import { chartSourceOptions, connectionOptions, outputOption, type GlobalArgs } from './flags.js';
import { formatTable } from './output.js';

const { 'plain-http': _p, 'registry-config': _r, ...repoAuthOptions } = connectionOptions;

type Args = GlobalArgs & Record<string, unknown>;

async function printList(format: string, headers: string[], rows: (string | number)[][], objects: unknown[]): Promise<void> {
  if (format === 'json') process.stdout.write(`${JSON.stringify(objects, null, 2)}\n`);
  else if (format === 'yaml') process.stdout.write((await import('../yaml/index.js')).dumpYaml(objects));
  else process.stdout.write(formatTable(headers, rows));
}

const pkg: CommandModule<GlobalArgs, Args> = {
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
      .example('$0 package charts/dex --version 1.2.3 --sign --key ed25519.pem', 'release a signed version') as Argv<Args>,
  handler: async (argv) => {
    const { packageChart } = await import('../actions/package.js');
    for (const dir of argv.charts as string[]) {
      const r = await packageChart(dir, {
        destination: argv.destination as string,
        version: argv.version as string | undefined,
        appVersion: argv['app-version'] as string | undefined,
        skipLint: argv['skip-lint'] as boolean,
        sign: argv.sign as boolean,
        key: argv.key as string | undefined,
        keyring: argv.keyring as string | undefined,
        passphraseFile: argv['passphrase-file'] as string | undefined,
      });
      const warnings = r.findings.filter((f) => f.severity === 'warning').length;
      process.stdout.write(
        `Packaged ${r.name} ${r.version} to ${r.file} (${r.bytes} bytes, sha256 ${r.digest})${warnings ? `, ${warnings} lint warning(s)` : ''}\n`,
      );
      if (r.signature) process.stdout.write(`Signed: ${r.signature}\n`);
    }
  },
};

const repoIndex: CommandModule<Args, Args> = {
  command: 'index <dir>',
  describe: 'write <dir>/index.yaml for every .tgz under <dir> (sub-folders too)',
  builder: (y: Argv<Args>) =>
    y
      .positional('dir', { type: 'string', demandOption: true })
      .option('url', { type: 'string', description: 'URL the folder will be served at (prefixes each archive path)' })
      .option('merge', { type: 'string', description: 'an existing index.yaml whose entries not present locally are kept' })
      .example('$0 repo index dist/repo --url https://charts.example.org', 'publish a folder') as Argv<Args>,
  handler: async (argv) => {
    const { repoIndexAction } = await import('../actions/repo.js');
    const r = await repoIndexAction(argv.dir as string, { url: argv.url as string | undefined, merge: argv.merge as string | undefined });
    process.stdout.write(`Wrote ${r.file}: ${r.charts} chart(s), ${r.versions} version(s) from ${r.archives} archive(s)\n`);
  },
};

const repoAdd: CommandModule<Args, Args> = {
  command: 'add <name> <url>',
  describe: 'add a chart repository (its index is fetched and checked first)',
  builder: (y: Argv<Args>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .positional('url', { type: 'string', demandOption: true, description: 'http://, https:// or file:// URL of the folder holding index.yaml' })
      .option('key', { type: 'string', description: 'Ed25519 public key (PEM) to verify charts from this repository (--verify)' })
      .option('force-update', { type: 'boolean', default: false, description: 'replace an existing repository of that name' })
      .options(repoAuthOptions)
      .example('$0 repo add kf https://charts.example.org/kubeflow', 'add a static repository')
      .example('$0 repo add kf https://charts.example.org/kubeflow --key kf-pub.pem', 'and verify its charts with --verify') as Argv<Args>,
  handler: async (argv) => {
    const { repoAddAction } = await import('../actions/repo.js');
    const r = await repoAddAction(argv.name as string, argv.url as string, {
      key: argv.key as string | undefined,
      forceUpdate: argv['force-update'] as boolean,
    });
    process.stdout.write(`"${r.name}" has been added (${r.url}, ${r.charts} chart(s)${r.keyId ? `, key ${r.keyId}` : ''})\n`);
  },
};

const repoUpdate: CommandModule<Args, Args> = {
  command: 'update [names..]',
  describe: 'fetch the latest index of every (or the named) repository',
  builder: (y: Argv<Args>) =>
    y
      .positional('names', { type: 'string', array: true })
      .example('$0 repo update', 'refresh every repository index')
      .example('$0 repo update kf', 'only "kf"') as Argv<Args>,
  handler: async (argv) => {
    const { repoUpdateAction } = await import('../actions/repo.js');
    const res = await repoUpdateAction((argv.names as string[] | undefined) ?? []);
    for (const r of res) process.stdout.write(r.ok ? `...updated "${r.name}": ${r.message}\n` : `...FAILED "${r.name}": ${r.message}\n`);
    if (res.some((r) => !r.ok)) {
      const { KfError } = await import('../errors.js');
      throw new KfError(`${res.filter((r) => !r.ok).length} repository update(s) failed`);
    }
    process.stdout.write('Update complete.\n');
  },
};

const repoList: CommandModule<Args, Args> = {
  command: 'list',
  aliases: ['ls'],
  describe: 'list the configured repositories',
  builder: (y: Argv<Args>) => y.options(outputOption).example('$0 repo list -o yaml', 'the configured repositories') as Argv<Args>,
  handler: async (argv) => {
    const { repoListAction } = await import('../actions/repo.js');
    const list = await repoListAction();
    if (!list.length && argv.output === 'table') {
      process.stdout.write('no repositories configured\n');
      return;
    }
    await printList(argv.output as string, ['NAME', 'URL', 'KEY'], list.map((r) => [r.name, r.url, r.verified ? 'yes' : '']), list);
  },
};

const repoRemove: CommandModule<Args, Args> = {
  command: 'remove <names..>',
  aliases: ['rm'],
  describe: 'remove repositories (and their cached indexes)',
  builder: (y: Argv<Args>) =>
    y.positional('names', { type: 'string', array: true, demandOption: true }).example('$0 repo remove kf', 'forget "kf" and its cached index') as Argv<Args>,
  handler: async (argv) => {
    const { repoRemoveAction } = await import('../actions/repo.js');
    for (const n of await repoRemoveAction(argv.names as string[])) process.stdout.write(`"${n}" has been removed\n`);
  },
};

const repo: CommandModule<GlobalArgs, Args> = {
  command: 'repo <command>',
  describe: 'chart repositories: index a folder, add, update, list, remove',
  builder: (y: Argv<GlobalArgs>) =>
    (y as unknown as Argv<Args>).command(repoIndex).command(repoAdd).command(repoUpdate).command(repoList).command(repoRemove).demandCommand(1) as Argv<Args>,
  handler: () => {},
};

const searchRepo: CommandModule<Args, Args> = {
  command: 'repo [keyword]',
  describe: 'search the configured repositories (name, description, keywords)',
  builder: (y: Argv<Args>) =>
    y
      .positional('keyword', { type: 'string' })
      .option('versions', { alias: 'l', type: 'boolean', default: false, description: 'list every version, not just the newest' })
      .option('version', { type: 'string', description: 'only versions matching this SemVer range' })
      .options(outputOption)
      .example('$0 search repo dex', 'charts whose name, description or keywords mention dex')
      .example('$0 search repo kubeflow --versions', 'every version of it') as Argv<Args>,
  handler: async (argv) => {
    const { searchRepoAction } = await import('../actions/repo.js');
    const hits = await searchRepoAction(argv.keyword as string | undefined, {
      versions: argv.versions as boolean,
      version: argv.version as string | undefined,
    });
    if (!hits.length && argv.output === 'table') {
      process.stdout.write('No results found\n');
      return;
    }
    await printList(argv.output as string, ['NAME', 'CHART VERSION', 'APP VERSION', 'DESCRIPTION'], hits.map((h) => [h.name, h.version, h.appVersion, h.description]), hits);
  },
};

const search: CommandModule<GlobalArgs, Args> = {
  command: 'search <command>',
  describe: 'search for charts',
  builder: (y: Argv<GlobalArgs>) => (y as unknown as Argv<Args>).command(searchRepo).demandCommand(1) as Argv<Args>,
  handler: () => {},
};

const pull: CommandModule<GlobalArgs, Args> = {
  command: 'pull <chart>',
  describe: 'download a chart from a repository (digest-checked)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('chart', { type: 'string', demandOption: true, description: '<repo>/<chart>, or a chart name with --repo' })
      .options(chartSourceOptions)
      .option('destination', { alias: 'd', type: 'string', default: '.', description: 'folder to write to' })
      .option('untar', { type: 'boolean', default: false, description: 'extract the chart into <destination>/<name>/' })
      .option('untardir', { type: 'string', description: 'with --untar: folder name instead of the chart name' })
      .example('$0 pull kf/kubeflow --version "^1.10"', 'newest 1.x')
      .example('$0 pull dex --repo http://127.0.0.1:8080 --untar -d vendor', 'without adding the repository') as Argv<Args>,
  handler: async (argv) => {
    const { pullAction } = await import('../actions/pull.js');
    const r = await pullAction(argv.chart as string, {
      version: argv.version as string | undefined,
      repo: argv.repo as string | undefined,
      destination: argv.destination as string,
      untar: argv.untar as boolean,
      untarDir: argv.untardir as string | undefined,
      verify: argv.verify as boolean,
      keyring: argv.keyring as string | undefined,
    });
    process.stdout.write(`Pulled ${r.name} ${r.version} to ${r.path} (sha256 ${r.digest}${r.verifiedBy ? `, signature OK, key ${r.verifiedBy}` : ''})\n`);
  },
};

const depUpdate: CommandModule<Args, Args> = {
  command: 'update <chart>',
  aliases: ['up'],
  describe: 'resolve Chart.yaml dependencies into charts/ and write Chart.lock',
  builder: (y: Argv<Args>) =>
    y
      .positional('chart', { type: 'string', demandOption: true, description: 'chart folder' })
      .options(connectionOptions)
      .example('$0 dependency update charts/kubeflow', 'vendor dependencies into charts/ and write Chart.lock') as Argv<Args>,
  handler: async (argv) => {
    const { dependencyUpdateAction } = await import('../actions/dependency.js');
    const r = await dependencyUpdateAction(argv.chart as string);
    for (const d of r.lock.dependencies) process.stdout.write(`${d.name} ${d.version} from ${d.repository} (${d.digest})\n`);
    process.stdout.write(`Saved ${r.written.length} chart(s) to charts/ and wrote Chart.lock\n`);
  },
};

const depBuild: CommandModule<Args, Args> = {
  command: 'build <chart>',
  describe: 'restore charts/ exactly as Chart.lock says (digests checked)',
  builder: (y: Argv<Args>) =>
    y
      .positional('chart', { type: 'string', demandOption: true, description: 'chart folder' })
      .options(connectionOptions)
      .example('$0 dependency build charts/kubeflow', 'restore charts/ exactly as Chart.lock says (digests checked)') as Argv<Args>,
  handler: async (argv) => {
    const { dependencyBuildAction } = await import('../actions/dependency.js');
    const r = await dependencyBuildAction(argv.chart as string);
    process.stdout.write(`Restored ${r.written.length} chart(s) from Chart.lock\n`);
  },
};

const depList: CommandModule<Args, Args> = {
  command: 'list <chart>',
  aliases: ['ls'],
  describe: 'list the dependencies and the locked versions',
  builder: (y: Argv<Args>) =>
    y.positional('chart', { type: 'string', demandOption: true }).example('$0 dependency list charts/kubeflow', 'each dependency and whether it is vendored') as Argv<Args>,
  handler: async (argv) => {
    const { readLock } = await import('../actions/dependency.js');
    const { loadChart } = await import('../chart/load.js');
    const chart = await loadChart(argv.chart as string);
    const lock = await readLock(argv.chart as string).catch(() => undefined);
    const rows = (chart.meta.dependencies ?? []).map((d) => {
      const l = lock?.dependencies.find((x) => x.name === d.name);
      const present = chart.subcharts.find((s) => s.meta.name === d.name);
      return [d.name, d.version, d.repository ?? '', l?.version ?? '', present ? `ok (${present.meta.version})` : 'missing'];
    });
    process.stdout.write(formatTable(['NAME', 'VERSION', 'REPOSITORY', 'LOCKED', 'STATUS'], rows));
  },
};

const dependency: CommandModule<GlobalArgs, Args> = {
  command: 'dependency <command>',
  aliases: ['dep'],
  describe: "manage a chart's dependencies (charts/ and Chart.lock)",
  builder: (y: Argv<GlobalArgs>) => (y as unknown as Argv<Args>).command(depUpdate).command(depBuild).command(depList).demandCommand(1) as Argv<Args>,
  handler: () => {},
};

const verify: CommandModule<GlobalArgs, Args> = {
  command: 'verify <archive>',
  describe: "check a chart archive's detached Ed25519 signature (<archive>.sig)",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('archive', { type: 'string', demandOption: true })
      .option('keyring', { type: 'string', demandOption: true, description: 'Ed25519 public key (PEM)' })
      .option('signature', { type: 'string', description: 'signature file (default <archive>.sig)' })
      .example('$0 verify kubeflow-0.1.0.tgz --keyring kf-pub.pem', 'check the detached Ed25519 signature') as Argv<Args>,
  handler: async (argv) => {
    const { verifyAction } = await import('../actions/verify.js');
    const r = await verifyAction(argv.archive as string, { keyring: argv.keyring as string, signature: argv.signature as string | undefined });
    process.stdout.write(`Verified ${r.archive}: sha256 ${r.digest}, signed by key ${r.keyId}\n`);
  },
};

export const commands = [pkg, repo, search, pull, dependency, verify] as CommandModule<any, any>[];
