// Owns: the `list` (alias `ls`) command definition: helm's flags (state filters, -q, --filter, -l, sorting, paging,
// --no-headers, --time-format), the action call, and helm's output: its table, or -o json|yaml rows with helm's field
// names and types (revision a string, updated as Go prints a time, app_version).
// Must not: import engine code at module load (the action is imported when run).

import type { Argv } from 'yargs';
import { command, intArg, kubeFlags, outputOption, usageError, type GlobalArgs } from '../flags.js';
import { helmTable, paintStatus, painter, print, useColor } from '../output.js';
import { goFormat, goTimeString } from '../gotime.js';

/** Release statuses (engine/release's STATUSES; repeated here so the parser needs no engine import at start-up). */
export const RELEASE_STATUSES = ['pending-install', 'pending-upgrade', 'pending-rollback', 'deployed', 'superseded', 'failed', 'uninstalling', 'uninstalled'] as const;

const statusOption = (v: unknown): string[] | undefined => {
  if (v === undefined) return undefined;
  const list = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).filter(Boolean);
  for (const s of list) {
    if (!(RELEASE_STATUSES as readonly string[]).includes(s)) throw usageError(`--status "${s}" is not a release status; use one of: ${RELEASE_STATUSES.join(', ')}`);
  }
  return list;
};

export const list = command({
  command: 'list',
  aliases: ['ls'],
  describe: 'releases in the namespace (or all with -A): deployed and failed ones unless a state flag says otherwise',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, description: 'list releases across all namespaces' })
      .option('all', { alias: 'a', type: 'boolean', default: false, description: 'releases in every state (helm 3\'s -a; helm 4 has no such flag)' })
      .option('deployed', { type: 'boolean', default: false, description: 'show deployed releases' })
      .option('failed', { type: 'boolean', default: false, description: 'show failed releases' })
      .option('pending', { type: 'boolean', default: false, description: 'show pending releases (pending-install, -upgrade, -rollback)' })
      .option('superseded', { type: 'boolean', default: false, description: 'show superseded releases (alone: every superseded revision)' })
      .option('uninstalled', { type: 'boolean', default: false, description: "show uninstalled releases (if 'uninstall --keep-history' was used)" })
      .option('uninstalling', { type: 'boolean', default: false, description: 'show releases that are being uninstalled' })
      .option('status', { type: 'string', array: true, coerce: statusOption, description: `show releases in these states (repeatable or comma-separated): ${RELEASE_STATUSES.join(', ')}` })
      .option('short', { alias: 'q', type: 'boolean', default: false, description: 'only the release names' })
      .option('filter', { alias: 'f', type: 'string', description: 'a regular expression; only releases whose name matches' })
      .option('selector', { alias: 'l', type: 'string', description: "label query on the release's labels: key=value, key==value, key!=value, key in (a,b), key, !key; comma = and" })
      .option('date', { alias: 'd', type: 'boolean', default: false, description: 'sort by release date (oldest first)' })
      .option('reverse', { alias: 'r', type: 'boolean', default: false, description: 'reverse the sort order' })
      .option('max', { alias: 'm', type: 'string', default: '256', coerce: intArg('--max', 0), description: 'maximum number of releases (0: all)' })
      .option('offset', { type: 'string', default: '0', coerce: intArg('--offset', 0), description: 'skip this many releases first (paging with --max)' })
      .option('headers', { type: 'boolean', default: true, description: "--no-headers: don't print the table's header row" })
      .option('time-format', { type: 'string', description: 'format UPDATED with a Go time layout, e.g. "2006-01-02 15:04:05Z0700"' })
      .options(outputOption)
      .example('$0 list -A', 'releases in every namespace')
      .example('$0 list --failed --pending', 'releases that need attention')
      .example('$0 list -l team=ml -q', 'names of the releases labelled team=ml'),
  handler: async (argv) => {
    const { listAction } = await import('../../actions/list.js');
    const statuses = argv.all ? [...RELEASE_STATUSES] : [
      ...(argv.deployed ? ['deployed'] : []), ...(argv.failed ? ['failed'] : []),
      ...(argv.pending ? ['pending-install', 'pending-upgrade', 'pending-rollback'] : []),
      ...(argv.superseded ? ['superseded'] : []), ...(argv.uninstalled ? ['uninstalled'] : []), ...(argv.uninstalling ? ['uninstalling'] : []),
      ...(argv.status ?? []),
    ];
    const r = await listAction({
      ...kubeFlags(argv), allNamespaces: argv.allNamespaces, statuses: [...new Set(statuses)], filter: argv.filter, selector: argv.selector,
      byDate: argv.date, reverse: argv.reverse, max: argv.max, offset: argv.offset,
    });
    for (const w of r.warnings) process.stderr.write(`${w}\n`);
    if (argv.short) {
      const names = r.rows.map((x) => x.name);
      await print(argv.output, names, () => names.map((n) => `${n}\n`).join(''));
      return;
    }
    const fmt = argv.timeFormat;
    const updated = (iso: string) => (fmt ? (iso ? goFormat(new Date(iso), fmt) : '-') : goTimeString(iso));
    const rows = r.rows.map((x) => ({
      name: x.name, namespace: x.namespace, revision: String(x.revision), updated: updated(x.updated), status: x.status, chart: x.chart, app_version: x.appVersion,
    }));
    const paint = painter(useColor(process.stdout));
    await print(argv.output, rows, () =>
      helmTable(['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'],
        rows.map((x) => [x.name, x.namespace, x.revision, x.updated, x.status, x.chart, x.app_version]),
        { noHeaders: !argv.headers, paint, cell: (col, t) => (col === 1 ? paint('cyan', t) : col === 4 ? paintStatus(paint, t) : t) }));
  },
});
