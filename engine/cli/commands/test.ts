// Owns: the `test` command definition (helm test): flags, the action call, helm's status header and `TEST SUITE:`
// lines, the test pods' logs (--logs), exit 1 when a test failed. Must not: import engine code at module load.

import type { Argv } from 'yargs';
import { command, kubeFlags, parseDuration, type GlobalArgs } from '../flags.js';
import { progress } from '../output.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.ANSIC layout (`Mon Jan _2 15:04:05 2006`), as helm prints a test's times. */
export function ansic(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}

export const test = command({
  command: 'test <name>',
  describe: "run a release's tests (its helm.sh/hook: test objects) and report each",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('timeout', { type: 'string', default: '5m', description: 'how long the tests may take (e.g. 300s, 5m)' })
      .option('logs', { type: 'boolean', default: false, description: 'print the logs of the test pods (after the tests, before any cleanup)' })
      .option('filter', { type: 'string', array: true, description: "only tests named so (name=X), or all but (!name=X); repeatable or comma-separated" })
      .example('$0 test kubeflow -n kubeflow', "run every test of the release (the charts' own checks)")
      .example("$0 test kubeflow --filter name=dex-test-discovery --logs", 'one test, with its output'),
  handler: async (argv) => {
    const p = progress();
    const { testAction } = await import('../../actions/test.js');
    const r = await testAction({
      ...kubeFlags(argv), name: argv.name, timeoutSeconds: parseDuration(argv.timeout), filter: argv.filter, logs: argv.logs, onLine: p.onLine,
    }).finally(() => p.done());
    const rec = r.record;
    let out = `NAME: ${rec.name}\nLAST DEPLOYED: ${ansic(rec.lastDeployed)}\nNAMESPACE: ${rec.namespace}\nSTATUS: ${rec.status}\nREVISION: ${rec.revision}\n`;
    if (!r.tests.length) out += 'TEST SUITE: None\n';
    for (const h of r.tests) {
      if (!h.last_run.started_at) continue;
      out += `TEST SUITE:     ${h.name}\nLast Started:   ${ansic(h.last_run.started_at)}\nLast Completed: ${ansic(h.last_run.completed_at)}\nPhase:          ${h.last_run.phase}\n`;
    }
    if (argv.logs) {
      out += '\n';
      for (const l of r.logs) out += `POD LOGS: ${l.pod}${l.container ? ` (${l.container})` : ''}\n${l.text}${l.text.endsWith('\n') ? '' : '\n'}\n`;
    }
    process.stdout.write(out);
    if (r.error) throw r.error;
  },
});
