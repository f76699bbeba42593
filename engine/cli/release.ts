// Owns: the cluster commands — install, upgrade, rollback, uninstall, history, status, list, get, diff — as light
// yargs definitions; each handler imports its action only when run, and renders the result (table/json/yaml, wait
// progress on a terminal or as plain lines). Must not: import engine code at module load.

import type { CommandModule, Argv } from 'yargs';
import { KfError } from '../errors.js';
import { valuesOptions, chartSourceOptions, collectSetFlags, outputOption, formatTable, type GlobalArgs } from './common.js';

type Args = GlobalArgs & Record<string, any>;

const globals = (a: Args) => ({ kubeconfig: a.kubeconfig, kubeContext: a['kube-context'], namespace: a.namespace });

/** `300`, `300s`, `5m`, `1m30s`, `1h` → seconds. */
export function parseDuration(v: unknown, flag = '--timeout'): number {
  if (typeof v === 'number') return v;
  const s = String(v ?? '').trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let total = 0, seen = '', m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * { h: 3600, m: 60, s: 1, ms: 0.001 }[m[2] as 'h'];
    seen += m[0];
  }
  if (!s || seen !== s) throw new KfError(`${flag} "${s}" is not a duration (e.g. 300s, 5m, 1m30s)`, { exitCode: 2 });
  return total;
}

const deployOptions = {
  ...chartSourceOptions,
  'create-namespace': { type: 'boolean', default: false, description: 'create the release namespace if missing' },
  wait: { type: 'boolean', default: false, description: 'wait until every object is ready (see docs/lifecycle.md for the rules)' },
  timeout: { type: 'string', default: '5m', description: 'how long --wait waits (e.g. 300s, 5m)' },
  atomic: { alias: 'rollback-on-failure', type: 'boolean', default: false, description: 'on failure (or Ctrl-C): uninstall a failed install, roll back a failed upgrade' },
  'dry-run': { type: 'string', description: 'client (default): render and diff, no writes; server: server-side dry run of every object' },
  'take-ownership': { type: 'boolean', default: false, description: 'adopt existing objects that belong to no release or to another release' },
  'force-conflicts': { type: 'boolean', default: false, description: 'take fields owned by other field managers (server-side apply force)' },
  'allow-crd-removal': { type: 'boolean', default: false, description: 'allow an upgrade to delete a CRD or stop serving one of its versions' },
  description: { type: 'string', description: 'description stored in the release record' },
  'history-max': { type: 'number', default: 10, description: 'revisions kept per release (0 = unlimited); the deployed one is never pruned' },
  recover: { type: 'boolean', default: false, description: 'mark a pending revision left by a killed operation failed, and go on' },
  ...outputOption,
} as const;

function dryRunMode(v: unknown): 'none' | 'client' | 'server' {
  if (v === undefined || v === false) return 'none';
  if (v === '' || v === true || v === 'client' || v === 'true') return 'client';
  if (v === 'server') return 'server';
  if (v === 'none' || v === 'false') return 'none';
  throw new KfError(`--dry-run must be client or server, not "${String(v)}"`, { exitCode: 2 });
}

function progress(): { onLine: (l: string) => void; onWait: (p: { total: number; notReady: { id: string; reason: string }[]; elapsedMs: number }) => void; done: () => void } {
  const tty = !!process.stderr.isTTY;
  let last = '';
  let lastAt = 0;
  let drawn = false;
  return {
    onLine: (l) => {
      if (drawn) { process.stderr.write('\r\x1b[K'); drawn = false; }
      process.stderr.write(`${l}\n`);
    },
    onWait: (p) => {
      const secs = Math.round(p.elapsedMs / 1000);
      if (tty) {
        const first = p.notReady[0];
        const line = p.notReady.length
          ? `waiting ${secs}s: ${p.total - p.notReady.length}/${p.total} ready; ${first!.id}: ${first!.reason}${p.notReady.length > 1 ? ` (+${p.notReady.length - 1} more)` : ''}`
          : `all ${p.total} objects ready after ${secs}s`;
        process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns || 120) - 1)}`);
        drawn = true;
        if (!p.notReady.length) { process.stderr.write('\n'); drawn = false; }
        return;
      }
      const key = p.notReady.map((n) => `${n.id}: ${n.reason}`).join('; ');
      if (key === last && Date.now() - lastAt < 10_000) return;
      last = key;
      lastAt = Date.now();
      process.stderr.write(p.notReady.length ? `waiting (${secs}s): ${p.notReady.length}/${p.total} not ready: ${key}\n` : `all ${p.total} objects ready after ${secs}s\n`);
    },
    done: () => { if (drawn) process.stderr.write('\n'); },
  };
}

async function print(format: string, data: unknown, table: () => string): Promise<void> {
  if (format === 'json') process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (format === 'yaml') process.stdout.write((await import('../yaml/index.js')).dumpYaml(data));
  else process.stdout.write(table());
}

async function runDeploy(argv: Args, verb: 'install' | 'upgrade'): Promise<void> {
  const mode = dryRunMode(argv['dry-run']);
  const p = progress();
  const opts = {
    ...globals(argv),
    name: argv.name as string,
    chartRef: argv.chart as string,
    valueFiles: argv.values as string[] | undefined,
    sets: collectSetFlags(),
    version: argv.version,
    repo: argv.repo,
    verify: argv.verify as boolean | undefined,
    keyring: argv.keyring as string | undefined,
    install: argv.install as boolean | undefined,
    reuseValues: argv['reuse-values'] as boolean | undefined,
    resetValues: argv['reset-values'] as boolean | undefined,
    createNamespace: argv['create-namespace'],
    wait: argv.wait,
    timeoutSeconds: parseDuration(argv.timeout),
    atomic: argv.atomic,
    dryRun: mode,
    takeOwnership: argv['take-ownership'],
    forceConflicts: argv['force-conflicts'],
    allowCrdRemoval: argv['allow-crd-removal'],
    description: argv.description,
    historyMax: argv['history-max'],
    recover: argv.recover,
    color: !!process.stdout.isTTY,
    onLine: p.onLine,
    onWait: p.onWait,
  };
  const act = await import('../actions/upgrade.js');
  let r;
  try {
    r = await (verb === 'install' ? act.installAction(opts) : act.upgradeAction(opts));
  } finally {
    p.done(); // end the progress line before the result or the error
  }
  const rec = r.record;
  const summary = {
    name: rec.name, namespace: rec.namespace, revision: rec.revision, status: rec.status, description: rec.description,
    chart: `${rec.chart.name}-${rec.chart.version}`, dryRun: r.dryRun ?? null, applied: r.applied, unchanged: r.unchanged ?? 0, pruned: r.pruned,
    recordBytes: r.size, notes: rec.notes, ...(r.changes ? { changes: r.changes.map((c) => ({ id: c.id, change: c.change })) } : {}),
  };
  await print(argv.output, summary, () => {
    let out = '';
    if (r.dryRun === 'client') out += `${r.diff}\n`;
    const what = r.dryRun ? `would be ${rec.applied.operation === 'install' ? 'installed' : 'upgraded'} (dry run: ${r.dryRun})` : `${rec.applied.operation === 'install' ? 'installed' : 'upgraded'}`;
    out += `Release "${rec.name}" ${what} in namespace ${rec.namespace}: revision ${rec.revision}, ${r.dryRun ? 'not stored' : rec.status}\n`;
    out += `${r.applied} object(s) ${r.dryRun === 'client' ? 'compared' : r.dryRun ? 'checked' : 'applied'}${r.unchanged ? `, ${r.unchanged} unchanged (not sent)` : ''}, ` +
      `${r.pruned.length} ${r.dryRun ? 'to delete' : 'deleted'}; release record ${r.size} bytes\n`;
    if (rec.notes.trim() && !r.dryRun) out += `\nNOTES:\n${rec.notes.trimEnd()}\n`;
    return out;
  });
}

const install: CommandModule<GlobalArgs, Args> = {
  command: 'install <name> <chart>',
  describe: 'install a chart as a new release',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true, description: 'release name' })
      .positional('chart', { type: 'string', demandOption: true, description: 'chart folder, .tgz, or repo/chart' })
      .options(valuesOptions)
      .options(deployOptions)
      .example('$0 install kf charts/kubeflow -n kubeflow --create-namespace -f my.yaml --wait', 'install the stack')
      .example('$0 install kf charts/kubeflow --dry-run=server', 'check every object with the API server, change nothing') as Argv<Args>,
  handler: (argv) => runDeploy(argv, 'install'),
};

const upgrade: CommandModule<GlobalArgs, Args> = {
  command: 'upgrade <name> <chart>',
  describe: 'upgrade a release to a new chart version or new values',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .positional('chart', { type: 'string', demandOption: true })
      .options(valuesOptions)
      .options(deployOptions)
      .option('install', { alias: 'i', type: 'boolean', default: false, description: 'install when the release does not exist' })
      .option('reuse-values', { type: 'boolean', default: false, description: "start from the last revision's values (default when no -f/--set is given)" })
      .option('reset-values', { type: 'boolean', default: false, description: 'start from the chart defaults only' })
      .example('$0 upgrade kf charts/kubeflow --reuse-values --set dex.replicas=2 --atomic', 'change one value, roll back on failure') as Argv<Args>,
  handler: (argv) => runDeploy(argv, 'upgrade'),
};

const rollback: CommandModule<GlobalArgs, Args> = {
  command: 'rollback <name> [revision]',
  describe: 'roll a release back to an earlier revision (default: the previous deployed one); also recovers a killed operation',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .positional('revision', { type: 'number', description: 'revision to go back to' })
      .option('wait', deployOptions.wait)
      .option('timeout', deployOptions.timeout)
      .option('force-conflicts', deployOptions['force-conflicts'])
      .option('history-max', deployOptions['history-max'])
      .option('description', deployOptions.description)
      .options(outputOption)
      .example('$0 rollback kubeflow', 'back to the previous deployed revision')
      .example('$0 rollback kubeflow 1 --wait', 'back to revision 1 and wait until ready')
      .example('$0 rollback kubeflow -n kubeflow', 'also repairs a pending revision left by a killed operation') as Argv<Args>,
  handler: async (argv) => {
    const p = progress();
    const { rollbackAction } = await import('../actions/rollback.js');
    const r = await rollbackAction({
      ...globals(argv), name: argv.name, revision: argv.revision, wait: argv.wait, timeoutSeconds: parseDuration(argv.timeout),
      forceConflicts: argv['force-conflicts'], historyMax: argv['history-max'], description: argv.description,
      allowCrdRemoval: true, takeOwnership: false, onLine: p.onLine, onWait: p.onWait,
    }).finally(() => p.done());
    const rec = r.record;
    await print(argv.output, { name: rec.name, namespace: rec.namespace, revision: rec.revision, status: rec.status, rollbackTo: rec.applied.rollbackTo, applied: r.applied, pruned: r.pruned },
      () => `Rollback of "${rec.name}" to revision ${rec.applied.rollbackTo} done: revision ${rec.revision} ${rec.status}; ${r.applied} applied, ${r.pruned.length} deleted\n`);
  },
};

const uninstall: CommandModule<GlobalArgs, Args> = {
  command: 'uninstall <name>',
  aliases: ['delete'],
  describe: 'delete every object of a release (reverse order; CRDs kept unless --delete-crds) and its records',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('keep-history', { type: 'boolean', default: false, description: 'keep the records, marking the release uninstalled' })
      .option('wait', { type: 'boolean', default: false, description: 'wait until every deleted object is gone' })
      .option('timeout', deployOptions.timeout)
      .option('delete-crds', { type: 'boolean', default: false, description: 'also delete the CRDs of the release (and all their custom resources)' })
      .option('dry-run', { type: 'boolean', default: false, description: 'list what would be deleted' })
      .options(outputOption)
      .example('$0 uninstall kubeflow -n kubeflow --wait', 'delete every object of the release (CRDs are kept)')
      .example('$0 uninstall kubeflow --keep-history', 'keep the records, so history still shows the release') as Argv<Args>,
  handler: async (argv) => {
    const p = progress();
    const { uninstallAction } = await import('../actions/uninstall.js');
    const r = await uninstallAction({
      ...globals(argv), name: argv.name, keepHistory: argv['keep-history'], wait: argv.wait, timeoutSeconds: parseDuration(argv.timeout),
      deleteCrds: argv['delete-crds'], dryRun: argv['dry-run'], onLine: p.onLine,
    });
    await print(argv.output, r, () =>
      `${argv['dry-run'] ? 'Would uninstall' : 'Uninstalled'} release "${r.release}": ${r.deleted.length} object(s) ${argv['dry-run'] ? 'to delete' : 'deleted'}` +
      `${r.kept.length ? `, ${r.kept.length} kept (${r.kept.join(', ')})` : ''}${r.keptHistory ? '; history kept' : ''}\n`);
  },
};

const history: CommandModule<GlobalArgs, Args> = {
  command: 'history <name>',
  describe: 'revisions of a release',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('max', { type: 'number', description: 'show at most this many (newest)' })
      .options(outputOption)
      .example('$0 history kubeflow -n kubeflow', 'every kept revision with its status')
      .example('$0 history kubeflow -o json', 'for scripts') as Argv<Args>,
  handler: async (argv) => {
    const { historyAction } = await import('../actions/history.js');
    const r = await historyAction({ ...globals(argv), name: argv.name, max: argv.max });
    for (const w of r.warnings) process.stderr.write(`${w}\n`);
    await print(argv.output, r.rows, () =>
      formatTable(['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'], r.rows.map((x) => [x.revision, x.updated, x.status, x.chart, x.appVersion, x.description])));
  },
};

const status: CommandModule<GlobalArgs, Args> = {
  command: 'status <name>',
  describe: 'a release: its revision, status, and every object with its readiness',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('revision', { type: 'number' })
      .options(outputOption)
      .example('$0 status kubeflow -n kubeflow', 'the release and the readiness of each object')
      .example('$0 status kubeflow --revision 2 -o yaml', 'an older revision') as Argv<Args>,
  handler: async (argv) => {
    const { statusAction } = await import('../actions/status.js');
    const r = await statusAction({ ...globals(argv), name: argv.name, revision: argv.revision });
    for (const w of r.warnings) process.stderr.write(`${w}\n`);
    await print(argv.output, r, () => {
      let out = `NAME: ${r.name}\nNAMESPACE: ${r.namespace}\nREVISION: ${r.revision}\nSTATUS: ${r.status}\nCHART: ${r.chart}\nLAST DEPLOYED: ${r.lastDeployed}\nDESCRIPTION: ${r.description}\n`;
      if (r.objects.length) {
        out += `\nOBJECTS (${r.objects.filter((o) => o.ready).length}/${r.objects.length} ready):\n`;
        out += formatTable(['OBJECT', 'READY', 'REASON'], r.objects.map((o) => [o.id, o.ready ? 'yes' : 'no', o.reason ?? '']));
      }
      if (r.notes.trim()) out += `\nNOTES:\n${r.notes.trimEnd()}\n`;
      return out;
    });
  },
};

const list: CommandModule<GlobalArgs, Args> = {
  command: 'list',
  aliases: ['ls'],
  describe: 'releases in the namespace (or all with -A)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('all-namespaces', { alias: 'A', type: 'boolean', default: false })
      .option('status', { type: 'string', array: true, description: 'only releases whose latest revision has this status (e.g. failed, pending-upgrade, uninstalled)' })
      .options(outputOption)
      .example('$0 list -A', 'releases in every namespace')
      .example('$0 list --status failed --status pending-upgrade', 'releases that need attention') as Argv<Args>,
  handler: async (argv) => {
    const { listAction } = await import('../actions/list.js');
    const r = await listAction({ ...globals(argv), allNamespaces: argv['all-namespaces'], statuses: argv.status });
    for (const w of r.warnings) process.stderr.write(`${w}\n`);
    await print(argv.output, r.rows, () =>
      formatTable(['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'], r.rows.map((x) => [x.name, x.namespace, x.revision, x.updated, x.status, x.chart, x.appVersion])));
  },
};

const get: CommandModule<GlobalArgs, Args> = {
  command: 'get <what> <name>',
  describe: "a stored release's values, manifest or notes",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('what', { choices: ['values', 'manifest', 'notes'] as const, demandOption: true })
      .positional('name', { type: 'string', demandOption: true })
      .option('revision', { type: 'number' })
      .option('all', { alias: 'a', type: 'boolean', default: false, description: 'values: the merged values, not only the ones supplied' })
      .option('output', { alias: 'o', choices: ['table', 'json', 'yaml'] as const, default: 'yaml' as const })
      .example('$0 get values kubeflow', 'the values you supplied')
      .example('$0 get values kubeflow --all --revision 1', 'the merged values of revision 1')
      .example('$0 get manifest kubeflow', 'the objects of the deployed revision') as Argv<Args>,
  handler: async (argv) => {
    const { getAction } = await import('../actions/get.js');
    const r = await getAction({ ...globals(argv), what: argv.what, name: argv.name, revision: argv.revision, all: argv.all });
    if (r.values !== undefined) await print(argv.output === 'table' ? 'yaml' : argv.output, r.values, () => '');
    else if (argv.output === 'json') process.stdout.write(`${JSON.stringify({ revision: r.revision, [argv.what]: r.text }, null, 2)}\n`);
    else process.stdout.write(r.text!.endsWith('\n') || !r.text ? r.text! : `${r.text}\n`);
  },
};

const diff: CommandModule<GlobalArgs, Args> = {
  command: 'diff <operation> <name> [target]',
  describe: 'what an upgrade (target = chart) or rollback (target = revision) would change; exit 0 = nothing, 2 = changes',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('operation', { choices: ['upgrade', 'rollback'] as const, demandOption: true })
      .positional('name', { type: 'string', demandOption: true })
      .positional('target', { type: 'string', description: 'upgrade: the chart; rollback: the revision (default: the previous one)' })
      .options(valuesOptions)
      .option('version', deployOptions.version)
      .option('reuse-values', { type: 'boolean', default: false })
      .option('reset-values', { type: 'boolean', default: false })
      .option('color', { type: 'boolean', description: 'colour the diff (default: when stdout is a terminal)' })
      .options(outputOption)
      .example('$0 diff upgrade kf charts/kubeflow -f my.yaml', 'review an upgrade')
      .example('$0 diff rollback kf 3', 'what going back to revision 3 changes') as Argv<Args>,
  handler: async (argv) => {
    const color = argv.color ?? !!process.stdout.isTTY;
    const act = await import('../actions/diff.js');
    let r;
    if (argv.operation === 'upgrade') {
      if (!argv.target) throw new KfError('diff upgrade needs a chart: kfchart diff upgrade NAME CHART', { exitCode: 2 });
      r = await act.diffUpgradeAction({
        ...globals(argv), name: argv.name, chartRef: argv.target, valueFiles: argv.values, sets: collectSetFlags(), version: argv.version,
        reuseValues: argv['reuse-values'], resetValues: argv['reset-values'], color,
      });
    } else {
      const rev = argv.target === undefined ? undefined : Number(argv.target);
      if (rev !== undefined && !Number.isInteger(rev)) throw new KfError(`revision "${argv.target}" is not a number`, { exitCode: 2 });
      r = await act.diffRollbackAction({ ...globals(argv), name: argv.name, revision: rev, color });
    }
    const changes = (r.result.changes ?? []).map((c) => ({ id: c.id, change: c.change, diff: c.diff }));
    await print(argv.output, { changed: r.changed, changes }, () => r.text);
    if (r.changed) process.exitCode = 2;
  },
};

export const commands = [install, upgrade, rollback, uninstall, history, status, list, get, diff] as CommandModule<any, any>[];
