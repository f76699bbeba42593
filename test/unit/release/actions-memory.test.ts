// The release actions against engine/kube's Objects interface implemented in memory (test/unit/helpers) and
// engine/release's MemoryStorage: install → upgrade (unchanged objects not sent, stale ones pruned) → history →
// rollback → uninstall, with no cluster. The cluster suites prove the same against a real API server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStorage } from '../../../engine/release/index.js';
import { installAction, upgradeAction } from '../../../engine/actions/upgrade.js';
import { rollbackAction } from '../../../engine/actions/rollback.js';
import { uninstallAction } from '../../../engine/actions/uninstall.js';
import { historyAction } from '../../../engine/actions/history.js';
import { getAction } from '../../../engine/actions/get.js';
import type { Session } from '../../../engine/actions/lifecycle/session.js';
import { MemoryObjects } from '../helpers/memory-objects.js';

const chart = mkdtempSync(path.join(tmpdir(), 'kfchart-mem-'));
mkdirSync(path.join(chart, 'templates'));
writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: mem\nversion: 1.0.0\n');
writeFileSync(path.join(chart, 'values.yaml'), 'configs: [a, b]\ndata: one\n');
writeFileSync(path.join(chart, 'templates', 'cm.yaml'),
  '{{#each values.configs}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{@root.release.name}}-{{this}}\ndata:\n  value: {{@root.values.data}}\n{{/each}}\n');

function session(): Session & { objects: MemoryObjects } {
  return { client: { close: () => { throw new Error('a passed session is never closed by the action'); } }, objects: new MemoryObjects(), storage: new MemoryStorage(), namespace: 'apps' };
}
async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof Error, 'expected a rejection');
  assert.match((e as Error).message, re);
}
const cm = (s: { objects: MemoryObjects }, n: string) => s.objects.store.get(`/ConfigMap/apps/${n}`)?.data as { value: string } | undefined;

test('install, upgrade, rollback and uninstall run against an in-memory Objects', async () => {
  const s = session();
  const base = { session: s, name: 'm', chartRef: chart };

  const i = await installAction(base);
  assert.is(i.record.revision, 1);
  assert.is(i.record.status, 'deployed');
  assert.is(i.applied, 2);
  assert.is(cm(s, 'm-a')?.value, 'one');
  assert.is(s.objects.store.get('/ConfigMap/apps/m-a')!.metadata.annotations!['kfchart.io/release-name'], 'm');

  await rejects(installAction(base), /release m already exists in namespace apps/);

  // data changes for both; config b is dropped: one apply each for a and c, b pruned.
  s.objects.calls.length = 0;
  const u = await upgradeAction({ ...base, sets: [{ kind: 'set', expr: 'data=two,configs={a,c}' }] });
  assert.is(u.record.revision, 2);
  assert.equal(u.pruned, ['v1 ConfigMap apps/m-b']);
  assert.equal(s.objects.calls, ['apply ConfigMap apps/m-a', 'apply ConfigMap apps/m-c', 'delete ConfigMap apps/m-b']);
  assert.is(cm(s, 'm-b'), undefined);

  // The same values again: nothing changed on either side, so nothing is sent.
  s.objects.calls.length = 0;
  const same = await upgradeAction({ ...base });
  assert.is(same.applied, 0);
  assert.is(same.unchanged, 2);
  assert.equal(s.objects.calls, []);
  assert.equal((await getAction({ session: s, name: 'm', what: 'values' })).values, { data: 'two', configs: ['a', 'c'] }, 'reused values');

  const h = await historyAction({ session: s, name: 'm' });
  assert.equal(h.rows.map((r) => [r.revision, r.status]), [[1, 'superseded'], [2, 'superseded'], [3, 'deployed']]);

  const rb = await rollbackAction({ session: s, name: 'm', revision: 1 });
  assert.is(rb.record.revision, 4);
  assert.is(rb.record.applied.rollbackTo, 1);
  assert.is(cm(s, 'm-a')?.value, 'one');
  assert.ok(cm(s, 'm-b'));
  assert.is(cm(s, 'm-c'), undefined);

  const un = await uninstallAction({ session: s, name: 'm' });
  assert.equal(un.deleted.sort(), ['v1 ConfigMap apps/m-a', 'v1 ConfigMap apps/m-b']);
  assert.equal([...s.objects.store.keys()], []);
  assert.equal((await s.storage.history('apps', 'm')).revisions, []);
});

test('an object of another release is refused without --take-ownership', async () => {
  const s = session();
  await s.objects.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o-a', namespace: 'apps', annotations: { 'kfchart.io/release-name': 'other', 'kfchart.io/release-namespace': 'apps' } } });
  await rejects(installAction({ session: s, name: 'o', chartRef: chart }), /1 object\(s\) already exist and are not part of this release/);
  const r = await installAction({ session: s, name: 'o', chartRef: chart, takeOwnership: true });
  assert.is(r.record.status, 'deployed');
  assert.is(s.objects.store.get('/ConfigMap/apps/o-a')!.metadata.annotations!['kfchart.io/release-name'], 'o');
});

test.run();
