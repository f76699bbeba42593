// The lease of the lock (engine/actions/lifecycle/lock.ts): renewed while held, released by the record update,
// and judged by holderOf — alive while renewed, gone once expired or when its process no longer runs here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import os from 'node:os';
import { MemoryStorage, type ReleaseRecord } from '../../../engine/release/index.js';
import { Lock } from '../../../engine/actions/lifecycle/lock.js';
import { holderOf } from '../../../engine/actions/lifecycle/state.js';
import type { Session } from '../../../engine/actions/lifecycle/session.js';
import { MemoryObjects } from '../helpers/memory-objects.js';

const rec = (revision: number, status: ReleaseRecord['status']): ReleaseRecord => ({
  apiVersion: 'kfchart.io/v1', kind: 'Release', name: 'l', namespace: 'ns', revision, status, description: '',
  firstDeployed: new Date().toISOString(), lastDeployed: new Date().toISOString(), chart: { name: 'c', version: '1.0.0' },
  config: {}, values: {}, manifest: '', inventory: [], notes: '', persisted: {}, applied: { operation: 'upgrade', fieldManager: 'kfchart' },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a held lock is renewed every duration/3, released by the update; expiry and a gone process free it', async () => {
  process.env.KFCHART_LEASE_SECONDS = '0.3';
  try {
    const storage = new MemoryStorage();
    const s: Session = { client: { close() {} }, objects: new MemoryObjects(), storage, namespace: 'ns' };
    const lock = await Lock.acquire(s, rec(1, 'pending-upgrade'), 'upgrade');
    const first = lock.stored.lease!.renewedAt;
    assert.is(lock.stored.lease!.host, os.hostname());
    assert.is(lock.stored.lease!.pid, process.pid);
    await sleep(450);
    const [held] = (await storage.history('ns', 'l')).revisions;
    assert.ok(Date.parse(held!.lease!.renewedAt) > Date.parse(first), 'renewed');
    assert.ok(holderOf(held!).alive);
    assert.match(await Lock.acquire(s, rec(1, 'pending-upgrade'), 'upgrade').then(() => '', (e: Error) => e.message), /another operation is in progress: revision 1 is pending-upgrade, held by kfchart upgrade/);

    await lock.stop();
    await sleep(400);
    const [stopped] = (await storage.history('ns', 'l')).revisions;
    const h = holderOf(stopped!);
    assert.not.ok(h.alive);
    assert.match(h.why, /lease expired \d+ s ago/);

    await lock.update({ ...rec(1, 'deployed') });
    assert.is((await storage.history('ns', 'l')).revisions[0]!.lease, undefined, 'the update released the lease');

    const gone = holderOf({ record: rec(2, 'pending-upgrade'), token: '1', size: 1, lease: { host: os.hostname(), pid: 2 ** 22 + 12345, startedAt: '', operation: 'upgrade', renewedAt: new Date().toISOString(), durationSeconds: 30 } });
    assert.not.ok(gone.alive);
    assert.match(gone.why, /no longer runs on this host/);
  } finally {
    delete process.env.KFCHART_LEASE_SECONDS;
  }
});

test('a lock taken over (its revision changed by someone else) is lost: the signal aborts with the reason', async () => {
  process.env.KFCHART_LEASE_SECONDS = '0.3';
  try {
    const storage = new MemoryStorage();
    const s: Session = { client: { close() {} }, objects: new MemoryObjects(), storage, namespace: 'ns' };
    const lock = await Lock.acquire(s, rec(1, 'pending-upgrade'), 'upgrade');
    const [cur] = (await storage.history('ns', 'l')).revisions;
    await storage.update({ ...cur!.record, status: 'failed' }, cur!.token);
    await sleep(300);
    assert.ok(lock.signal.aborted);
    assert.match(lock.lost!.message, /lost the lock: revision 1 was taken over by another command/);
    assert.match(await lock.update(rec(1, 'deployed')).then(() => '', (e: Error) => e.message), /lost the lock/);
  } finally {
    delete process.env.KFCHART_LEASE_SECONDS;
  }
});

test.run();
