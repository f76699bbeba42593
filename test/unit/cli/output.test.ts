// Output helpers of the listing commands: Go's time layouts (what helm prints), helm's tab-separated tables and
// their fitting to a terminal's width, colour decisions (--color, NO_COLOR, FORCE_COLOR), label selectors, and helm
// 4's release object / metadata shapes made from a record; plus the usage errors of list's flags through the CLI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { goFormat, rfc3339Nano, rfc3339 } from '../../../engine/cli/gotime.js';
import { fitColumns, helmTable, painter, paintStatus, useColor } from '../../../engine/cli/output.js';
import { helmHook, helmMetadata, helmRelease, hooksText, testSuiteText } from '../../../engine/cli/release-view.js';
import { parseSelector } from '../../../engine/actions/list.js';
import { STATUSES, type ReleaseRecord } from '../../../engine/release/index.js';
import { RELEASE_STATUSES } from '../../../engine/cli/commands/list.js';

const D = new Date('2026-03-04T05:06:07.890Z');

test('goFormat: Go reference-time layouts, fractions trimmed or fixed', () => {
  assert.is(goFormat(D, '2006-01-02 15:04:05.999999999 -0700 MST', true), '2026-03-04 05:06:07.89 +0000 UTC');
  assert.is(goFormat(D, 'Mon Jan _2 15:04:05 2006', true), 'Wed Mar  4 05:06:07 2026');
  assert.is(goFormat(D, '2006-01-02 15:04:05Z0700', true), '2026-03-04 05:06:07Z');
  assert.is(goFormat(D, '02/01/06 3:04PM .000 -07:00 Monday January 002', true), '04/03/26 5:06AM .890 +00:00 Wednesday March 063');
  assert.is(goFormat(new Date('2026-03-04T05:06:07.000Z'), '15:04:05.999', true), '05:06:07', 'an all-zero .999 fraction disappears');
  assert.is(rfc3339Nano('2026-03-04T05:06:07.500Z'), '2026-03-04T05:06:07.5Z');
  assert.is(rfc3339('2026-03-04T05:06:07.500Z'), '2026-03-04T05:06:07Z');
});

test('helmTable: cells padded to the column, joined by tabs; --no-headers widths from the rows', () => {
  const t = helmTable(['NAME', 'STATUS'], [['a', 'deployed'], ['long-name', 'failed']]);
  assert.is(t, 'NAME     \tSTATUS  \na        \tdeployed\nlong-name\tfailed  \n');
  assert.is(helmTable(['NAME', 'STATUS'], [['a', 'deployed']], { noHeaders: true }), 'a\tdeployed\n');
  const p = painter(true);
  assert.is(paintStatus(p, 'deployed'), '\x1b[32mdeployed\x1b[0m');
  assert.is(paintStatus(p, 'failed'), '\x1b[31mfailed\x1b[0m');
  assert.is(paintStatus(p, 'pending-upgrade'), '\x1b[33mpending-upgrade\x1b[0m');
  assert.is(paintStatus(p, 'superseded'), 'superseded');
  assert.is(paintStatus(painter(false), 'deployed'), 'deployed');
});

test('fitColumns: the widest columns are cut with "..." until a row fits; nothing changes without a width', () => {
  const cells = [['NAME', 'DESCRIPTION'], ['web', 'x'.repeat(100)]];
  assert.equal(fitColumns(cells, undefined, 2), cells);
  const fitted = fitColumns(cells, 40, 2);
  assert.ok(fitted.every((r) => r.join('  ').length <= 39), JSON.stringify(fitted));
  assert.match(fitted[1]![1]!, /^x+\.\.\.$/);
  const three = fitColumns([['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(30)]], 50, 2);
  assert.ok(three[0]!.join('  ').length <= 49 && three[0]!.every((c) => c.endsWith('...')), JSON.stringify(three));
});

test('useColor: --color beats NO_COLOR / FORCE_COLOR; auto follows the terminal', () => {
  const env = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
  try {
    delete process.env.NO_COLOR; delete process.env.FORCE_COLOR;
    assert.is(useColor({ isTTY: true }, []), true);
    assert.is(useColor({ isTTY: false }, []), false);
    process.env.NO_COLOR = '1';
    assert.is(useColor({ isTTY: true }, []), false);
    assert.is(useColor({ isTTY: false }, ['--color', 'always']), true);
    assert.is(useColor({ isTTY: false }, ['diff', '--color']), true, 'a bare --color is always');
    delete process.env.NO_COLOR;
    process.env.FORCE_COLOR = '1';
    assert.is(useColor({ isTTY: false }, []), true);
    assert.is(useColor({ isTTY: true }, ['--colour=never']), false);
    assert.is(useColor({ isTTY: true }, ['--no-color']), false);
  } finally {
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
});

test('parseSelector: equality, inequality, set-based and existence requirements', () => {
  const m = (sel: string, l: Record<string, string>) => parseSelector(sel).every((r) => r(l));
  const l = { team: 'ml', tier: 'front', owner: 'kfchart' };
  assert.ok(m('team=ml', l));
  assert.ok(m('team==ml,owner=kfchart', l));
  assert.not.ok(m('team!=ml', l));
  assert.ok(m('tier in (front, back)', l));
  assert.not.ok(m('tier notin (front)', l));
  assert.ok(m('team,!missing', l));
  assert.not.ok(m('missing', l));
  assert.throws(() => parseSelector('a b'), /--selector "a b": cannot parse "a b"/);
});

const rec: ReleaseRecord = {
  apiVersion: 'kfchart.io/v1', kind: 'Release', name: 'web', namespace: 'apps', revision: 3, status: 'deployed',
  description: 'Upgrade complete', firstDeployed: '2026-03-04T05:06:07.890Z', lastDeployed: '2026-03-05T05:06:07.000Z',
  chart: { name: 'web', version: '1.2.3', appVersion: '4.5' }, config: {}, values: { a: 1 }, manifest: '---\n# Source: web/templates/cm.yaml\nkind: ConfigMap\n',
  inventory: [], notes: '', persisted: {}, applied: { operation: 'upgrade', fieldManager: 'kfchart' },
  hooks: [
    { name: 'web-test', kind: 'Pod', path: 'web/templates/tests/t.yaml', manifest: 'kind: Pod', events: ['test'], weight: 0, delete_policies: [],
      last_run: { started_at: '2026-03-05T06:00:00.000Z', completed_at: '2026-03-05T06:00:01.250Z', phase: 'Succeeded' } },
    { name: 'web-pre', kind: 'Job', path: 'web/templates/pre.yaml', manifest: 'kind: Job', events: ['pre-install'], weight: -5, delete_policies: ['hook-succeeded'],
      last_run: { started_at: '', completed_at: '', phase: '' } },
  ],
};

test('helmRelease / helmHook / helmMetadata: helm 4 names, Go omitempty, RFC 3339 times', () => {
  const r = helmRelease(rec, []);
  assert.equal(Object.keys(r), ['name', 'info', 'manifest', 'hooks', 'version', 'namespace', 'apply_method'], 'empty config and notes left out');
  assert.equal(r.info, { first_deployed: '2026-03-04T05:06:07.89Z', last_deployed: '2026-03-05T05:06:07Z', description: 'Upgrade complete', status: 'deployed' }, 'no live objects: no resources (omitempty)');
  assert.equal(helmHook(rec.hooks![0]!), {
    name: 'web-test', kind: 'Pod', path: 'web/templates/tests/t.yaml', manifest: 'kind: Pod', events: ['test'],
    last_run: { started_at: '2026-03-05T06:00:00Z', completed_at: '2026-03-05T06:00:01.25Z', phase: 'Succeeded' },
  });
  assert.equal(helmHook(rec.hooks![1]!).weight, -5);
  assert.equal(helmMetadata(rec, { owner: 'kfchart', name: 'web' }), {
    name: 'web', chart: 'web', version: '1.2.3', appVersion: '4.5', labels: { name: 'web', owner: 'kfchart' }, namespace: 'apps',
    revision: 3, status: 'deployed', deployedAt: '2026-03-05T05:06:07Z', applyMethod: 'ssa',
  });
  assert.is(hooksText(rec), '---\n# Source: web/templates/tests/t.yaml\nkind: Pod\n---\n# Source: web/templates/pre.yaml\nkind: Job\n');
  assert.match(testSuiteText(rec), /^TEST SUITE: {5}web-test\nLast Started: {3}\w{3} Mar  5 \d\d:00:00 2026\nLast Completed: \w{3} Mar  5 \d\d:00:01 2026\nPhase: {10}Succeeded\n$/);
  assert.is(testSuiteText({ ...rec, hooks: [] }), 'TEST SUITE: None\n');
});

test('list --status checks against the release statuses engine/release defines', () => {
  assert.equal([...RELEASE_STATUSES], [...STATUSES]);
});

test('the CLI: list flag values are checked by the parser (exit 2, one line naming the valid values)', () => {
  const dist = fileURLToPath(new URL('../../../dist/bin/kfchart.js', import.meta.url));
  const cli = existsSync(dist) ? [dist] : ['--import', 'tsx', fileURLToPath(new URL('../../../bin/kfchart.ts', import.meta.url))];
  const run = (...a: string[]) => spawnSync(process.execPath, [...cli, ...a, '--kubeconfig', '/nonexistent'], { encoding: 'utf8' });
  let r = run('list', '--status', 'bogus');
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /^Error: --status "bogus" is not a release status; use one of: pending-install, pending-upgrade, pending-rollback, deployed, superseded, failed, uninstalling, uninstalled \(see --help\)\n/);
  r = run('list', '--max', '-1');
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--max "-1": must be a whole number ≥ 0/);
  r = run('list', '--filter', '(');
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--filter "\(" is not a regular expression/);
  r = run('list', '-l', 'a b');
  assert.is(r.status, 2, r.stderr);
  r = run('list', '--color', 'bogus');
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--color must be never, auto or always, not "bogus"/);
  r = run('status', 'web', '--revision', '0');
  assert.is(r.status, 2, r.stderr);
});

test.run();
