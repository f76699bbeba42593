// The lifecycle through the CLI as separate processes against the real control plane: two concurrent upgrades
// (exactly one proceeds), kill -9 mid-upgrade then recovery with `rollback` / `--recover`, Ctrl-C with --atomic,
// diff exit codes and -o json.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { coreApi, kubeconfigPath, newNamespace, cleanupNamespaces, waitFor } from '../helpers/cluster.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHART = fileURLToPath(new URL('./fixtures/lc', import.meta.url));

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

// CLI tests run the built CLI (npm test builds first, see docs/CONTRACTS.md); without a build, the sources via tsx.
const DIST = fileURLToPath(new URL('../../dist/bin/kfchart.js', import.meta.url));
const CLI = existsSync(DIST) ? [DIST] : ['--import', 'tsx', 'bin/kfchart.ts'];

function start(args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: ROOT, env: { ...process.env, KUBECONFIG: kubeconfigPath(), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const done = new Promise<Run>((r) => child.on('close', (code, signal) => r({ code, signal, stdout, stderr })));
  return { child, done };
}
const run = (args: string[]) => start(args).done;

async function recordStatuses(ns: string, name: string): Promise<Record<number, string>> {
  const core = await coreApi();
  const l = await core.listNamespacedSecret({ namespace: ns, labelSelector: `owner=kfchart,name=${name}` });
  return Object.fromEntries(l.items.map((s) => [Number(s.metadata!.labels!.version), s.metadata!.labels!.status!]));
}

async function cmValue(ns: string, name: string): Promise<string | undefined> {
  const core = await coreApi();
  return (await core.readNamespacedConfigMap({ name, namespace: ns }).catch(() => undefined))?.data?.value;
}

async function makePodsReady(ns: string, app: string): Promise<void> {
  const core = await coreApi();
  await waitFor(`pods of ${app}`, async () => {
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: `app=${app}` });
    if (!pods.items.length) return false;
    for (const pod of pods.items) {
      const now = new Date();
      await core.replaceNamespacedPodStatus({ name: pod.metadata!.name!, namespace: ns, body: { ...pod, status: {
        phase: 'Running', podIP: '10.1.0.11', startTime: now,
        conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
      } } });
    }
    return true;
  }, 30_000, 200);
}

test.after(async () => {
  await cleanupNamespaces();
});

test('two concurrent upgrades: exactly one proceeds, the other names the operation in progress', async () => {
  const ns = await newNamespace('lc-conc');
  const i = await run(['install', 'c', CHART, '-n', ns, '--set', 'deployment=true']);
  assert.is(i.code, 0, i.stderr);
  const up = (v: string) => start(['upgrade', 'c', CHART, '-n', ns, '--set', `deployment=true,data=${v}`, '--wait', '--timeout', '90s']);
  const a = up('alpha'), b = up('beta');
  // The loser fails fast; then the winner's Deployment is made ready so it can finish.
  const first = await Promise.race([a.done.then((r) => ({ who: 'a', r })), b.done.then((r) => ({ who: 'b', r }))]);
  assert.is(first.r.code, 1, first.r.stdout + first.r.stderr);
  assert.match(first.r.stderr, /another operation is in progress|has an operation in progress/);
  assert.match(first.r.stderr, /revision 2 is pending-upgrade/);
  await makePodsReady(ns, 'web');
  const winner = await (first.who === 'a' ? b : a).done;
  assert.is(winner.code, 0, winner.stderr);
  assert.equal(await recordStatuses(ns, 'c'), { 1: 'superseded', 2: 'deployed' });
  assert.is(await cmValue(ns, 'c-a'), first.who === 'a' ? 'beta' : 'alpha');
});

test('kill -9 mid-upgrade leaves pending-upgrade; every command says so; rollback restores; --recover goes on', async () => {
  // neverReady: the upgrade's --wait must still be waiting when it is killed (the fake nodes make pods Ready,
  // and an upgrade that changes only ConfigMaps would otherwise finish at once on the already-Ready pod)
  const ns = await newNamespace('lc-kill');
  assert.is((await run(['install', 'k', CHART, '-n', ns, '--set', 'deployment=true,neverReady=true'])).code, 0);
  const u = start(['upgrade', 'k', CHART, '-n', ns, '--set', 'deployment=true,neverReady=true,data=two,configs={a,c}', '--wait', '--timeout', '120s']);
  await waitFor('upgrade to apply', async () => (await cmValue(ns, 'k-c')) === 'two', 60_000, 100);
  u.child.kill('SIGKILL');
  const killed = await u.done;
  assert.is(killed.signal, 'SIGKILL');
  assert.equal(await recordStatuses(ns, 'k'), { 1: 'deployed', 2: 'pending-upgrade' });

  const st = await run(['status', 'k', '-n', ns]);
  assert.match(st.stderr, /revision 2 is pending-upgrade.*kfchart rollback k/);
  const hist = await run(['history', 'k', '-n', ns, '-o', 'json']);
  assert.equal(JSON.parse(hist.stdout).map((r: { status: string }) => r.status), ['deployed', 'pending-upgrade']);
  assert.match(hist.stderr, /pending-upgrade/);
  const again = await run(['upgrade', 'k', CHART, '-n', ns, '--set', 'deployment=true,neverReady=true,data=three']);
  assert.is(again.code, 1);
  assert.match(again.stderr, /an interrupted operation: revision 2 is pending-upgrade .*process \d+ no longer runs on this host.*kfchart rollback k -n .*--recover/);

  const rb = await run(['rollback', 'k', '-n', ns]);
  assert.is(rb.code, 0, rb.stderr);
  assert.match(rb.stdout, /to revision 1 done: revision 3 deployed/);
  assert.equal(await recordStatuses(ns, 'k'), { 1: 'superseded', 2: 'failed', 3: 'deployed' });
  assert.is(await cmValue(ns, 'k-a'), 'one');
  assert.is(await cmValue(ns, 'k-c'), undefined, 'object created by the killed upgrade is pruned');

  // Kill again, then --recover on the next upgrade.
  const u2 = start(['upgrade', 'k', CHART, '-n', ns, '--set', 'deployment=true,neverReady=true,data=four', '--wait', '--timeout', '120s']);
  await waitFor('second upgrade to apply', async () => (await cmValue(ns, 'k-a')) === 'four', 60_000, 100);
  u2.child.kill('SIGKILL');
  await u2.done;
  const rec = await run(['upgrade', 'k', CHART, '-n', ns, '--set', 'deployment=true,neverReady=true,data=five', '--recover']);
  assert.is(rec.code, 0, rec.stderr);
  assert.equal(await recordStatuses(ns, 'k'), { 1: 'superseded', 2: 'failed', 3: 'superseded', 4: 'failed', 5: 'deployed' });
  assert.is(await cmValue(ns, 'k-a'), 'five');
});

test('Ctrl-C (SIGINT) during an --atomic upgrade marks it failed and rolls back', async () => {
  const ns = await newNamespace('lc-int');
  assert.is((await run(['install', 's', CHART, '-n', ns, '--set', 'deployment=true'])).code, 0);
  const u = start(['upgrade', 's', CHART, '-n', ns, '--set', 'deployment=true,data=two', '--wait', '--timeout', '120s', '--atomic']);
  await waitFor('upgrade to apply', async () => (await cmValue(ns, 's-a')) === 'two', 60_000, 100);
  u.child.kill('SIGINT');
  const r = await u.done;
  assert.is(r.code, 1);
  assert.match(r.stderr, /interrupted by SIGINT.*--atomic rolled back to revision 1 \(now revision 3\)/);
  assert.equal(await recordStatuses(ns, 's'), { 1: 'superseded', 2: 'failed', 3: 'deployed' });
  assert.is(await cmValue(ns, 's-a'), 'one');
});

test("helm 4's --wait=watcher waits (a never-ready Deployment times out); --wait=hookOnly does not wait", async () => {
  const ns = await newNamespace('lc-waitw');
  const w = await run(['install', 'w', CHART, '-n', ns, '--set', 'deployment=true,neverReady=true', '--wait=watcher', '--timeout', '4s']);
  assert.is(w.code, 1, w.stdout + w.stderr);
  assert.match(w.stderr, /timed out after \d+s waiting for 1 of \d+ object/);
  const h = await run(['install', 'h', CHART, '-n', ns, '--set', 'deployment=true,neverReady=true', '--wait=hookOnly', '--timeout', '4s']);
  assert.is(h.code, 0, h.stderr);
});

test('diff exits 0 without changes and 2 with; -o json everywhere', async () => {
  const ns = await newNamespace('lc-diff');
  const i = await run(['install', 'd', CHART, '-n', ns, '-o', 'json']);
  assert.is(JSON.parse(i.stdout).status, 'deployed');
  const same = await run(['diff', 'upgrade', 'd', CHART, '-n', ns]);
  assert.is(same.code, 0, same.stderr);
  assert.match(same.stdout, /0 to add, 0 to change, 0 to remove, 2 unchanged/);
  const changed = await run(['diff', 'upgrade', 'd', CHART, '-n', ns, '--set', 'data=two']);
  assert.is(changed.code, 2);
  assert.match(changed.stdout, /-  value: one\n\+  value: two/);
  assert.not.match(changed.stdout, /\x1b\[/, 'no colour when not a terminal');
  const coloured = await run(['diff', 'upgrade', 'd', CHART, '-n', ns, '--set', 'data=two', '--color']);
  assert.match(coloured.stdout, /\x1b\[32m\+  value: two/);
  const l = await run(['list', '-A', '-o', 'json']);
  assert.ok(JSON.parse(l.stdout).some((r: { name: string; namespace: string }) => r.name === 'd' && r.namespace === ns));
  const y = await run(['status', 'd', '-n', ns, '-o', 'yaml']);
  assert.match(y.stdout, /status: deployed/);
  const gv = await run(['get', 'values', 'd', '-n', ns, '--all', '-o', 'json']);
  assert.is(JSON.parse(gv.stdout).data, 'one');
  const un = await run(['uninstall', 'd', '-n', ns, '--keep-history']);
  assert.is(un.code, 0);
  const l2 = await run(['list', '-n', ns, '--status', 'uninstalled', '-o', 'json']);
  assert.equal(JSON.parse(l2.stdout).map((r: { status: string }) => r.status), ['uninstalled']);
  const re = await run(['install', 'd', CHART, '-n', ns]);
  assert.is(re.code, 0, re.stderr);
  // The uninstall was revision 2 (the lock every writer takes), so numbering goes on at 3.
  assert.match(re.stdout, /revision 3, deployed/);
});

test.run();
