// The lock protocol and the records of issue 12, against the in-memory Objects and MemoryStorage: a pending revision
// whose holder is alive is never taken over (uninstall F1, rollback F2, --recover), a concurrent-install loser is told
// to wait (F14), an interrupted uninstall names the command that finishes it (F12), --history-max keeps a failed
// upgrade's record (F3), an over-large final record is refused before anything is applied (F4), two deployed
// revisions are warned about and rolled back from correctly (F6), and objects uninstall keeps are released.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KfError } from '../../../engine/errors.js';
import { MemoryStorage, MAX_RECORD_BYTES, type LeaseInfo } from '../../../engine/release/index.js';
import { installAction, upgradeAction } from '../../../engine/actions/upgrade.js';
import { rollbackAction } from '../../../engine/actions/rollback.js';
import { uninstallAction } from '../../../engine/actions/uninstall.js';
import { statusAction } from '../../../engine/actions/status.js';
import { historyAction } from '../../../engine/actions/history.js';
import type { Session } from '../../../engine/actions/lifecycle/session.js';
import type { KObject } from '../../../engine/manifest/index.js';
import { MemoryObjects } from '../helpers/memory-objects.js';

const chart = mkdtempSync(path.join(tmpdir(), 'kfchart-lock-'));
mkdirSync(path.join(chart, 'templates'));
writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: lock\nversion: 1.0.0\n');
writeFileSync(path.join(chart, 'values.yaml'), 'configs: [a, b]\ndata: one\nkeep: false\npad: ""\n');
writeFileSync(path.join(chart, 'templates', 'cm.yaml'),
  '{{#each values.configs}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{@root.release.name}}-{{this}}\ndata:\n  value: {{@root.values.data}}\n{{/each}}\n' +
  '{{#if values.keep}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  annotations:\n    kfchart.io/resource-policy: keep\ndata:\n  value: kept\n{{/if}}\n' +
  '{{#if values.pad}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{release.name}}-pad\ndata:\n  pad: "{{values.pad}}"\n{{/if}}\n');

type S = Session & { objects: MemoryObjects; storage: MemoryStorage };
function session(): S {
  return { client: { close: () => {} }, objects: new MemoryObjects(), storage: new MemoryStorage(), namespace: 'apps' };
}
async function failure(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof Error, 'expected a rejection');
  return (e as Error).message;
}
const liveLease = (operation = 'upgrade'): LeaseInfo => ({ host: os.hostname(), pid: process.pid, startedAt: new Date().toISOString(), operation, renewedAt: new Date().toISOString(), durationSeconds: 30 });
const deadLease = (operation = 'upgrade'): LeaseInfo => ({ host: 'another-host', pid: 4242, startedAt: new Date(Date.now() - 120_000).toISOString(), operation, renewedAt: new Date(Date.now() - 60_000).toISOString(), durationSeconds: 30 });
const statuses = async (s: S, name: string) => Object.fromEntries((await s.storage.history('apps', name)).revisions.map((r) => [r.record.revision, r.record.status]));
const cms = (s: S) => [...s.objects.store.keys()].filter((k) => k.startsWith('/ConfigMap/')).map((k) => k.split('/').pop()).sort();

/** Revision 2 of release `name` pending-<op>, held by `lease`, as a running (or killed) upgrade would leave it. */
async function pending(s: S, name: string, lease: LeaseInfo | undefined, status: 'pending-upgrade' | 'pending-install' | 'uninstalling' = 'pending-upgrade') {
  const h = await s.storage.history('apps', name);
  const last = h.revisions[h.revisions.length - 1]!.record;
  const rev = status === 'pending-install' ? 1 : last.revision + 1;
  await s.storage.create({ ...last, revision: rev, status, description: 'in progress' }, lease);
}

test('F1: uninstall refuses while another kfchart holds the release, and names the case', async () => {
  const s = session();
  await installAction({ session: s, name: 'u', chartRef: chart });
  await pending(s, 'u', liveLease());
  const m = await failure(uninstallAction({ session: s, name: 'u' }));
  assert.match(m, /another operation is in progress: revision 2 is pending-upgrade, held by kfchart upgrade \(pid \d+ on host/);
  assert.match(m, /Wait until it finishes/);
  assert.equal(await statuses(s, 'u'), { 1: 'deployed', 2: 'pending-upgrade' }, 'no record touched');
  assert.equal(cms(s), ['u-a', 'u-b'], 'no object deleted');
});

test('uninstall takes the lock: an upgrade started meanwhile is refused, and the uninstall leaves nothing', async () => {
  const s = session();
  await installAction({ session: s, name: 'w', chartRef: chart });
  let during: string | undefined;
  const orig = s.objects.delete.bind(s.objects);
  s.objects.delete = async (o, opts) => {
    during ??= await failure(upgradeAction({ session: s, name: 'w', chartRef: chart, sets: [{ kind: 'set', expr: 'data=x' }] }));
    return orig(o, opts);
  };
  await uninstallAction({ session: s, name: 'w' });
  assert.match(during!, /another operation is in progress: revision 2 is uninstalling, held by kfchart uninstall/);
  assert.equal(cms(s), []);
  assert.equal(await statuses(s, 'w'), {});
});

test('F2: rollback (and --recover) never take over a live pending revision; a dead one is recovered', async () => {
  const s = session();
  await installAction({ session: s, name: 'r', chartRef: chart });
  await pending(s, 'r', liveLease());
  assert.match(await failure(rollbackAction({ session: s, name: 'r' })), /another operation is in progress: revision 2 is pending-upgrade/);
  assert.match(await failure(upgradeAction({ session: s, name: 'r', chartRef: chart, recover: true })), /another operation is in progress/);
  assert.equal(await statuses(s, 'r'), { 1: 'deployed', 2: 'pending-upgrade' });

  const s2 = session();
  await installAction({ session: s2, name: 'r', chartRef: chart });
  await pending(s2, 'r', deadLease());
  const st = await statusAction({ session: s2, name: 'r' });
  assert.match(st.warnings.join('\n'), /an interrupted operation: revision 2 is pending-upgrade .*its lease expired \d+ s ago.*Run `kfchart rollback r -n apps` to return to revision 1/);
  const rb = await rollbackAction({ session: s2, name: 'r' });
  assert.is(rb.record.revision, 3);
  assert.equal(await statuses(s2, 'r'), { 1: 'superseded', 2: 'failed', 3: 'deployed' });
});

test('F14: the loser of two concurrent installs is told to wait, not to recover', async () => {
  const s = session();
  const both = await Promise.allSettled([installAction({ session: s, name: 'c', chartRef: chart }), installAction({ session: s, name: 'c', chartRef: chart })]);
  assert.equal(both.map((b) => b.status).sort(), ['fulfilled', 'rejected']);
  // The loser while the winner still holds revision 1:
  const s2 = session();
  await s2.storage.create({ ...(await installAction({ session: session(), name: 'c', chartRef: chart })).record, status: 'pending-install' }, liveLease('install'));
  const m = await failure(installAction({ session: s2, name: 'c', chartRef: chart }));
  assert.match(m, /another operation is in progress: revision 1 is pending-install, held by kfchart install .*Wait until it finishes/);
});

test('F12: an interrupted uninstall names `kfchart uninstall`, which finishes it (new and old record layouts)', async () => {
  for (const layout of ['lock revision', 'in place'] as const) {
    const s = session();
    await installAction({ session: s, name: 'i', chartRef: chart });
    if (layout === 'lock revision') await pending(s, 'i', deadLease('uninstall'), 'uninstalling');
    else {
      const h = await s.storage.history('apps', 'i');
      await s.storage.update({ ...h.revisions[0]!.record, status: 'uninstalling' }, h.revisions[0]!.token);
    }
    await s.objects.delete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'i-a', namespace: 'apps' } });
    const st = await statusAction({ session: s, name: 'i' });
    assert.match(st.warnings.join('\n'), /is uninstalling .*Run `kfchart uninstall i -n apps` to finish the uninstall/, layout);
    const up = await failure(upgradeAction({ session: s, name: 'i', chartRef: chart }));
    assert.match(up, /kfchart uninstall i -n apps/, layout);
    await uninstallAction({ session: s, name: 'i' });
    assert.equal(cms(s), [], layout);
    assert.equal(await statuses(s, 'i'), {}, layout);
  }
});

test('F3: --history-max keeps a failed upgrade\'s record; the next upgrade numbers past it and prunes what it made', async () => {
  const s = session();
  await installAction({ session: s, name: 'h', chartRef: chart, historyMax: 1 });
  const apply = s.objects.apply.bind(s.objects);
  s.objects.apply = async (o, opts) => {
    if (o.metadata.name === 'h-d') throw new KfError('apply of v1 ConfigMap apps/h-d was rejected: injected');
    return apply(o, opts);
  };
  await failure(upgradeAction({ session: s, name: 'h', chartRef: chart, sets: [{ kind: 'set', expr: 'configs={a,b,c,d}' }], historyMax: 1 }));
  assert.equal(await statuses(s, 'h'), { 1: 'deployed', 2: 'failed' }, 'the failed record (naming h-c) is kept');
  assert.ok(cms(s).includes('h-c'));
  s.objects.apply = apply;
  const u = await upgradeAction({ session: s, name: 'h', chartRef: chart, sets: [{ kind: 'set', expr: 'configs={a}' }], historyMax: 1 });
  assert.is(u.record.revision, 3, 'revision 2 is not reused');
  assert.equal(cms(s), ['h-a'], 'no orphan of the failed upgrade');
  assert.equal(await statuses(s, 'h'), { 3: 'deployed' });
});

test('F4: a final record over the limit is refused before the first object is applied', async () => {
  const s = session();
  const many = Array.from({ length: 3000 }, (_, i) => `n${i}`).join(',');
  const hex = randomBytes(400_000).toString('hex');
  const size = async (len: number) => (await installAction({ session: session(), name: 'big', chartRef: chart, dryRun: 'client', sets: [{ kind: 'set', expr: `configs={${many}}` }, { kind: 'set', expr: `pad=${hex.slice(0, len)}` }] })).size;
  // Calibrate the padding so that the pending record fits but the deployed one (with a resourceVersion per object) does not.
  const want = MAX_RECORD_BYTES - 4000;
  let a = 1000, sa = await size(a), b = 201_000, sb = await size(b), len = b, pendingSize = sb;
  for (let i = 0; i < 6 && Math.abs(pendingSize - want) > 1500; i++) {
    len = Math.min(hex.length, Math.round(b + ((want - sb) * (b - a)) / (sb - sa)));
    pendingSize = await size(len);
    [a, sa, b, sb] = [b, sb, len, pendingSize];
  }
  assert.ok(pendingSize < MAX_RECORD_BYTES && pendingSize > MAX_RECORD_BYTES - 8000, `calibrated pending record ${pendingSize}`);
  const m = await failure(installAction({ session: s, name: 'big', chartRef: chart, sets: [{ kind: 'set', expr: `configs={${many}}` }, { kind: 'set', expr: `pad=${hex.slice(0, len)}` }] }));
  assert.match(m, /the release record would be ~\d+ bytes compressed \(3001 objects\), over the 1000000-byte limit of a Secret; nothing was applied or written/);
  assert.equal(s.objects.calls.filter((c) => c.startsWith('apply ')), [], 'nothing applied');
  assert.equal(await statuses(s, 'big'), {}, 'no record');
});

test('F6: a supersede that fails leaves the newest deployed in effect; status warns, rollback goes to the older one', async () => {
  const s = session();
  await installAction({ session: s, name: 'd', chartRef: chart });
  s.storage.beforeWrite = (op, rev, rec) => {
    if (op === 'update' && rev === 1 && rec?.status === 'superseded') throw new KfError('PUT /api/v1/namespaces/apps/secrets/kfchart.release.v1.d.v1: HTTP 500');
  };
  const u = await upgradeAction({ session: s, name: 'd', chartRef: chart, sets: [{ kind: 'set', expr: 'data=two' }] });
  assert.is(u.record.status, 'deployed');
  assert.match((u.warnings ?? []).join('\n'), /revision 1 could not be marked superseded/);
  s.storage.beforeWrite = undefined;
  assert.equal(await statuses(s, 'd'), { 1: 'deployed', 2: 'deployed' });
  const st = await statusAction({ session: s, name: 'd' });
  assert.is(st.revision, 2);
  assert.match(st.warnings.join('\n'), /revision\(s\) 1 still marked deployed besides revision 2 .*revision 2, the newest, is the one in effect/);
  assert.match((await historyAction({ session: s, name: 'd' })).warnings.join('\n'), /still marked deployed/);
  const rb = await rollbackAction({ session: s, name: 'd' });
  assert.is(rb.record.applied.rollbackTo, 1, 'the default rollback does not skip revision 1');
  assert.equal(await statuses(s, 'd'), { 1: 'superseded', 2: 'superseded', 3: 'deployed' }, 'repaired by the next operation');
  assert.is((s.objects.store.get('/ConfigMap/apps/d-a') as KObject & { data: { value: string } }).data.value, 'one');
});

test('objects uninstall keeps are released from the release: another release adopts them without --take-ownership', async () => {
  const s = session();
  await installAction({ session: s, name: 'k1', chartRef: chart, sets: [{ kind: 'set', expr: 'keep=true' }] });
  const un = await uninstallAction({ session: s, name: 'k1' });
  assert.equal(un.kept, ['v1 ConfigMap apps/shared']);
  const ann = s.objects.store.get('/ConfigMap/apps/shared')!.metadata.annotations!;
  assert.is(ann['kfchart.io/release-name'], undefined);
  assert.is(ann['kfchart.io/release-namespace'], undefined);
  assert.is(ann['kfchart.io/released-from'], 'apps/k1');
  assert.is(ann['kfchart.io/resource-policy'], 'keep');
  const r = await installAction({ session: s, name: 'k2', chartRef: chart, sets: [{ kind: 'set', expr: 'keep=true' }] });
  assert.is(r.record.status, 'deployed');
  assert.is(s.objects.store.get('/ConfigMap/apps/shared')!.metadata.annotations!['kfchart.io/release-name'], 'k2');
});

test.run();
