// Helm hooks through the built CLI on the test control plane's fake nodes (kube-scheduler + kwok, docs/controlplane.md):
// kwok completes run-to-completion pods (a Job's, a test Pod's) with exit code 0, and fails those labelled
// kfchart.io/fail=true with exit code 1 (the pod-fail Stage of test/controlplane/kwok/stages.yaml: the kubelet's
// report of a container that exited 1), so hook Jobs complete or fail by real Job-controller status.
// The fixture chart test/cluster/fixtures/hooks has pre-install hooks of weights -5 (a ConfigMap, kfchart.io/
// spelling), 0 and 5 (Jobs), a post-install/post-upgrade Job (hook-succeeded), a pre-upgrade Job, a pre/post-rollback
// Job, a pre-delete Job and two test Pods (`test` and helm 2's `test-success`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { cleanupNamespaces, coreApi, crdsSettled, deleteNamespace, kubeconfigPath, newNamespace, objectApi, statusOf, uniqueName } from '../helpers/cluster.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHART = fileURLToPath(new URL('./fixtures/hooks', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/bin/kfchart.js', import.meta.url));
const CLI = existsSync(DIST) ? [DIST] : ['--import', 'tsx', 'bin/kfchart.ts'];

interface Run { code: number | null; stdout: string; stderr: string }
function kf(...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: kubeconfigPath(), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((r) => child.on('close', (code) => r({ code, stdout, stderr })));
}
const ok = (r: Run, what: string) => assert.is(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);

type Obj = { metadata: { uid: string; creationTimestamp?: Date | string; name: string }; status?: Record<string, unknown> };
async function get(apiVersion: string, kind: string, namespace: string, name: string): Promise<Obj | undefined> {
  try {
    return (await (await objectApi()).read({ apiVersion, kind, metadata: { name, namespace } })) as unknown as Obj;
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}
const job = (ns: string, n: string) => get('batch/v1', 'Job', ns, n);

interface HookRec { name: string; kind: string; path: string; manifest: string; events: string[]; weight: number; delete_policies: string[]; last_run: { started_at: string; completed_at: string; phase: string } }
interface Rec { status: string; description: string; manifest: string; inventory: { name: string }[]; hooks?: HookRec[] }
async function record(ns: string, name: string, rev: number): Promise<Rec> {
  const s = await (await coreApi()).readNamespacedSecret({ name: `kfchart.release.v1.${name}.v${rev}`, namespace: ns });
  return JSON.parse(gunzipSync(Buffer.from(s.data!.release!, 'base64')).toString('utf8')) as Rec;
}
const hook = (r: Rec, n: string) => r.hooks!.find((h) => h.name === n)!;
const secs = (t: Date | string | undefined) => new Date(t as string).getTime() / 1000;

test.after(async () => {
  await cleanupNamespaces();
});

test('install runs pre-install hooks in weight order and completes them before the release objects exist; hooks are recorded, not in the manifest', async () => {
  const ns = await newNamespace('hk-inst');
  const r = await kf('install', 'h', CHART, '-n', ns);
  ok(r, 'install');
  // Weight -5 (ConfigMap), 0 (Job pre-b), 5 (Job pre-a), then the objects, then post-install.
  const order = [...r.stderr.matchAll(/^(pre|post)-install hook (\S+):/gm)].map((m) => m[2]);
  assert.equal(order, ['h-pre-c', 'h-pre-b', 'h-pre-a', 'h-post']);
  const preA = await job(ns, 'h-pre-a');
  assert.ok(preA, 'the pre-install Job (before-hook-creation) stays after it ran');
  const completed = secs(preA!.status!.completionTime as string);
  const main = await get('v1', 'ConfigMap', ns, 'h-main');
  assert.ok(main, 'the release object was applied');
  assert.ok(secs(main!.metadata.creationTimestamp) >= completed, `h-main created ${main!.metadata.creationTimestamp} before the pre-install Job completed at ${String(preA!.status!.completionTime)}`);
  assert.ok(secs(main!.metadata.creationTimestamp) - secs(preA!.metadata.creationTimestamp) >= 2, 'the Job ran its 2 s first');
  assert.is(await job(ns, 'h-post'), undefined, 'hook-succeeded: the post-install Job is deleted once it succeeded');

  const rec = await record(ns, 'h', 1);
  assert.is(rec.status, 'deployed');
  assert.equal(rec.inventory.map((i) => i.name), ['h-main'], 'hooks are not in the inventory');
  assert.not.match(rec.manifest, /h-pre-a|h-test-ok/, 'hooks are not in the manifest');
  assert.equal(rec.hooks!.map((h) => h.name).sort(), ['h-del', 'h-post', 'h-pre-a', 'h-pre-b', 'h-pre-c', 'h-rb', 'h-test-bad', 'h-test-ok', 'h-up']);
  const a = hook(rec, 'h-pre-a');
  assert.equal({ kind: a.kind, events: a.events, weight: a.weight, policies: a.delete_policies, phase: a.last_run.phase }, { kind: 'Job', events: ['pre-install'], weight: 5, policies: ['before-hook-creation'], phase: 'Succeeded' });
  assert.is(a.path, 'hooks/templates/hooks.yaml');
  assert.ok(a.last_run.started_at <= a.last_run.completed_at && a.last_run.completed_at <= hook(rec, 'h-post').last_run.started_at);
  assert.equal(hook(rec, 'h-pre-c').events, ['pre-install', 'pre-upgrade'], 'kfchart.io/hook is read like helm.sh/hook');
  assert.equal(hook(rec, 'h-test-bad').events, ['test'], 'test-success is test');
  assert.is(hook(rec, 'h-up').last_run.phase, '', 'a pre-upgrade hook has not run on install');
  const manifest = await kf('get', 'manifest', 'h', '-n', ns);
  ok(manifest, 'get manifest');
  assert.match(manifest.stdout, /name: h-main/);
  assert.not.match(manifest.stdout, /h-pre-a/, 'get manifest shows no hooks');

  // kfchart test: both pass, each reported as helm's TEST SUITE lines, the runs recorded in revision 1.
  const t = await kf('test', 'h', '-n', ns, '--logs');
  ok(t, 'test');
  assert.match(t.stdout, /^NAME: h\nLAST DEPLOYED: .+\nNAMESPACE: .+\nSTATUS: deployed\nREVISION: 1\n/);
  assert.match(t.stdout, /TEST SUITE:     h-test-ok\nLast Started:   \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\nLast Completed: .+\nPhase:          Succeeded\nTEST SUITE:     h-test-bad\n/);
  assert.match(t.stdout, /POD LOGS: h-test-ok \(check\)\n/, '--logs names each test pod container (the fake nodes serve no logs)');
  const after = await record(ns, 'h', 1);
  assert.is(hook(after, 'h-test-ok').last_run.phase, 'Succeeded');
  assert.ok(hook(after, 'h-test-ok').last_run.completed_at, 'the run is recorded');
  assert.ok(await get('v1', 'Pod', ns, 'h-test-ok'), 'a test pod without hook-succeeded stays, as in helm');

  // diff ignores hooks: nothing changed in the release's objects, though hook objects exist and were deleted/recreated.
  const d = await kf('diff', 'upgrade', 'h', CHART, '-n', ns);
  assert.is(d.code, 0, d.stdout + d.stderr);
  assert.not.match(d.stdout, /h-pre-a|h-test-ok/);
  // Upgrade: pre-upgrade hooks (the ConfigMap hook is recreated: before-hook-creation), post-upgrade; hooks never pruned.
  const cm1 = await get('v1', 'ConfigMap', ns, 'h-pre-c');
  const up = await kf('upgrade', 'h', CHART, '-n', ns, '--set', 'data=two');
  ok(up, 'upgrade');
  assert.equal([...up.stderr.matchAll(/^(pre|post)-upgrade hook (\S+):/gm)].map((m) => m[2]), ['h-pre-c', 'h-up', 'h-post']);
  const cm2 = await get('v1', 'ConfigMap', ns, 'h-pre-c');
  assert.ok(cm2 && cm2.metadata.uid !== cm1!.metadata.uid, 'before-hook-creation deleted and recreated the hook');
  assert.is(await job(ns, 'h-up'), undefined, 'hook-succeeded deleted the pre-upgrade Job');
  assert.ok(await job(ns, 'h-pre-a'), 'an install hook is not pruned by the upgrade');
  assert.is(hook(await record(ns, 'h', 2), 'h-up').last_run.phase, 'Succeeded');

  // Rollback runs the target revision's pre/post-rollback hook (one Job for both events: run twice, recreated).
  const rb = await kf('rollback', 'h', '1', '-n', ns);
  ok(rb, 'rollback');
  assert.equal([...rb.stderr.matchAll(/^(pre|post)-rollback hook (\S+):/gm)].map((m) => `${m[1]} ${m[2]}`), ['pre h-rb', 'post h-rb']);
  assert.ok(await job(ns, 'h-rb'));
  const r3 = await record(ns, 'h', 3);
  assert.is(hook(r3, 'h-rb').last_run.phase, 'Succeeded');
  assert.is(hook(await record(ns, 'h', 1), 'h-rb').last_run.phase, '', 'the rollback records its runs in its own revision');

  // Uninstall runs pre-delete; hooks are left in place, as helm leaves them.
  const un = await kf('uninstall', 'h', '-n', ns);
  ok(un, 'uninstall');
  assert.equal([...un.stderr.matchAll(/^(pre|post)-delete hook (\S+):/gm)].map((m) => `${m[1]} ${m[2]}`), ['pre h-del', 'post h-del']);
  assert.ok(await job(ns, 'h-del'), 'the pre-delete/post-delete Job ran');
  assert.is(await get('v1', 'ConfigMap', ns, 'h-main'), undefined, 'the release object is deleted');
  assert.ok(await job(ns, 'h-pre-a'), 'hook objects are not deleted by uninstall');
});

test('a failing pre-install hook Job fails the install (one line naming the hook and the Job condition), recorded failed, nothing applied', async () => {
  const ns = await newNamespace('hk-fail');
  const r = await kf('install', 'f', CHART, '-n', ns, '--set', 'fail=pre-install', '--timeout', '60s');
  assert.is(r.code, 1, r.stderr);
  const err = r.stderr.split('\n').filter((l) => l.startsWith('Error:'));
  assert.equal(err.length, 1, r.stderr);
  assert.match(err[0]!, /^Error: install of release f \(revision 1\) failed: pre-install hook f-pre-a \(batch\/v1 Job .+\/f-pre-a\) failed: job failed: BackoffLimitExceeded/);
  const rec = await record(ns, 'f', 1);
  assert.is(rec.status, 'failed');
  assert.match(rec.description, /pre-install hook f-pre-a/);
  assert.is(hook(rec, 'f-pre-a').last_run.phase, 'Failed');
  assert.is(hook(rec, 'f-pre-b').last_run.phase, 'Succeeded');
  assert.is(await get('v1', 'ConfigMap', ns, 'f-main'), undefined, 'no release object was applied');
  const st = await kf('status', 'f', '-n', ns);
  assert.match(st.stdout, /STATUS: failed/);
});

test('hook-succeeded deletes only after the whole event succeeded; a failed post-install hook fails the install', async () => {
  const ns = await newNamespace('hk-pfail');
  const r = await kf('install', 'p', CHART, '-n', ns, '--set', 'fail=post-install,policy=hook-succeeded', '--timeout', '60s');
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /Error: install of release p \(revision 1\) failed: post-install hook p-post \(batch\/v1 Job .+\) failed: job failed: BackoffLimitExceeded/);
  assert.ok(await get('v1', 'ConfigMap', ns, 'p-main'), 'the objects were applied before post-install');
  assert.ok(await job(ns, 'p-post'), 'a failed hook without hook-failed stays, for its logs');
  assert.is(await job(ns, 'p-pre-a'), undefined, 'hook-succeeded pre-install Jobs were deleted');
  assert.is((await record(ns, 'p', 1)).status, 'failed');
  // The failed post-install Job is still there and has no before-hook-creation: creating it again is an error, as in helm.
  const again = await kf('install', 'p', CHART, '-n', ns, '--set', 'policy=hook-succeeded', '--timeout', '60s');
  assert.is(again.code, 1, again.stderr);
  assert.match(again.stderr, /post-install hook p-post \(batch\/v1 Job .+\) failed: batch\/v1 Job .+\/p-post already exists \(left by an earlier run; add before-hook-creation to its helm.sh\/hook-delete-policy\)/);
});

test('--no-hooks runs no hooks on install, upgrade, rollback and uninstall; the record still lists them', async () => {
  const ns = await newNamespace('hk-none');
  const dry = await kf('install', 'n', CHART, '-n', ns, '--dry-run');
  ok(dry, 'install --dry-run');
  assert.is(await job(ns, 'n-pre-a'), undefined, '--dry-run runs no hooks');
  ok(await kf('install', 'n', CHART, '-n', ns, '--no-hooks'), 'install --no-hooks');
  assert.is(await job(ns, 'n-pre-a'), undefined);
  assert.is(await get('v1', 'ConfigMap', ns, 'n-pre-c'), undefined);
  assert.ok(await get('v1', 'ConfigMap', ns, 'n-main'));
  const rec = await record(ns, 'n', 1);
  assert.is(rec.hooks!.length, 9);
  assert.ok(rec.hooks!.every((h) => h.last_run.phase === ''), 'nothing ran');
  ok(await kf('upgrade', 'n', CHART, '-n', ns, '--set', 'data=two', '--no-hooks'), 'upgrade --no-hooks');
  ok(await kf('rollback', 'n', '-n', ns, '--no-hooks'), 'rollback --no-hooks');
  ok(await kf('uninstall', 'n', '-n', ns, '--no-hooks'), 'uninstall --no-hooks');
  for (const j of ['n-up', 'n-rb', 'n-del', 'n-post']) assert.is(await job(ns, j), undefined, `${j} did not run`);
});

test('kfchart test: a failing test exits 1 naming the pod phase, is recorded Failed and deleted (hook-failed); --filter picks tests', async () => {
  const ns = await newNamespace('hk-test');
  ok(await kf('install', 't', CHART, '-n', ns, '--set', 'fail=test'), 'install');
  const only = await kf('test', 't', '-n', ns, '--filter', 'name=t-test-ok');
  ok(only, 'test --filter name=');
  assert.match(only.stdout, /TEST SUITE:     t-test-ok\n/);
  assert.not.match(only.stdout, /t-test-bad/, 'a test that has not run is not listed');
  const r = await kf('test', 't', '-n', ns);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /TEST SUITE:     t-test-bad\nLast Started: .+\nLast Completed: .+\nPhase:          Failed\n/);
  assert.match(r.stderr, /^Error: test hook t-test-bad \(v1 Pod .+\/t-test-bad\) failed: pod phase Failed: container check exited with code 1 \(Error\)$/m);
  assert.is(hook(await record(ns, 't', 1), 't-test-bad').last_run.phase, 'Failed');
  assert.is(await get('v1', 'Pod', ns, 't-test-bad'), undefined, 'hook-failed deleted the failed test pod');
  const skip = await kf('test', 't', '-n', ns, '--filter', '!name=t-test-bad');
  ok(skip, 'test --filter !name=');
  const bad = await kf('test', 't', '-n', ns, '--filter', 'name=nope');
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /has no test named nope \(tests: t-test-ok, t-test-bad\)/);
});

// The bundled charts' own tests (front door 302 to /dex/auth, Dex's discovery document, MetalLB's pool), run by the
// umbrella: kwok runs no container, so here each test Pod's exit code is kwok's (0); on a real cluster the Pods do
// the checks (docs/lifecycle.md). What this proves: they render into the release as test hooks, are created with the
// RBAC and Service they need in the right namespaces (admission accepts them), run in weight order, and are cleaned
// up by their hook-succeeded policy.
test("kfchart test runs the kubeflow umbrella's tests and its subcharts' (front door, Dex, MetalLB pool)", async () => {
  await crdsSettled();
  const n = { istio: uniqueName('kft-istio'), auth: uniqueName('kft-auth'), kubeflow: uniqueName('kft-main'), metallb: uniqueName('kft-mlb'), authservice: uniqueName('kft-o2p') };
  const provider = [{ name: 'oauth2-proxy', envoyExtAuthzHttp: {
    service: `oauth2-proxy.${n.authservice}.svc.cluster.local`, port: 80, includeRequestHeadersInCheck: ['authorization', 'cookie'],
    headersToUpstreamOnAllow: ['authorization', 'path', 'x-auth-request-email', 'x-auth-request-groups', 'x-auth-request-user'],
    headersToDownstreamOnDeny: ['content-type', 'set-cookie'] } }];
  const releaseNs = await newNamespace('kft-release');
  try {
    const r = await kf('install', 'kf', `${ROOT}charts/kubeflow`, '-n', releaseNs, '-f', `${ROOT}examples/values-minimal.yaml`, '-f', `${ROOT}examples/values-expose-https.yaml`,
      '--set', `global.namespaces.istio=${n.istio},global.namespaces.auth=${n.auth},global.namespaces.kubeflow=${n.kubeflow},global.namespaces.metallb=${n.metallb},global.namespaces.authservice=${n.authservice}`,
      '--set', `global.oidc.issuer=http://dex.${n.auth}.svc.cluster.local:5556/dex`,
      '--set-json', `istio.meshConfig.extensionProviders=${JSON.stringify(provider)}`,
      // No istiod answers the sidecar injector here (see wait.test.ts).
      '--set', 'kubeflowNamespace.istioInjection=false', '--timeout', '300s');
    ok(r, 'install kubeflow');
    const tests = (await record(releaseNs, 'kf', 1)).hooks!.filter((h) => h.events.includes('test'));
    assert.equal(tests.map((h) => `${h.kind} ${h.name}`).sort(), [
      'Pod kf-dex-test-discovery', 'Pod kf-metallb-test-pool', 'Pod kf-test-front-door',
      'Role kf-metallb-test', 'RoleBinding kf-metallb-test', 'Service kf-metallb-test', 'ServiceAccount kf-metallb-test',
    ]);
    assert.is(tests.find((h) => h.name === 'kf-test-front-door')!.path, 'kubeflow/templates/tests/front-door.yaml');
    assert.is(tests.find((h) => h.name === 'kf-dex-test-discovery')!.path, 'kubeflow/charts/dex/templates/tests/discovery.yaml');
    const t = await kf('test', 'kf', '-n', releaseNs, '--timeout', '180s');
    ok(t, 'kfchart test kf');
    for (const name of ['kf-test-front-door', 'kf-dex-test-discovery', 'kf-metallb-test-pool', 'kf-metallb-test']) {
      assert.match(t.stdout, new RegExp(`TEST SUITE:     ${name}\nLast Started: .+\nLast Completed: .+\nPhase:          Succeeded\n`), name);
    }
    // Weight -10 (RBAC), -5 (the LoadBalancer Service), then the checker Pods.
    const order = [...t.stderr.matchAll(/^test hook (\S+): \S+ (\w+)/gm)].map((m) => `${m[2]} ${m[1]}`);
    assert.ok(order.indexOf('Service kf-metallb-test') > order.indexOf('RoleBinding kf-metallb-test') && order.indexOf('Pod kf-metallb-test-pool') > order.indexOf('Service kf-metallb-test'), order.join(', '));
    assert.ok(order.includes('Pod kf-test-front-door') && order.includes('Pod kf-dex-test-discovery'));
    assert.is(await get('v1', 'Pod', n.istio, 'kf-test-front-door'), undefined, 'hook-succeeded removed the front-door test pod');
    assert.is(await get('v1', 'Service', n.metallb, 'kf-metallb-test'), undefined, 'and the test Service');
    const rec = await record(releaseNs, 'kf', 1);
    assert.ok(rec.hooks!.filter((h) => h.events.includes('test')).every((h) => h.last_run.phase === 'Succeeded'), 'every run recorded');
  } finally {
    await kf('uninstall', 'kf', '-n', releaseNs, '--delete-crds', '--wait', '--timeout', '120s');
    for (const x of Object.values(n)) await deleteNamespace(x);
  }
});

test.run();
