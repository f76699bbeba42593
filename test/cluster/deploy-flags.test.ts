// Helm 4's deploy flags through the built CLI on the real control plane: --labels (record and release Secret,
// merged on upgrade), --dry-run=server / upgrade --dry-run (manifest printed, nothing stored), --reuse-values /
// --reset-then-reuse-values / --reset-values, --force-replace (immutable field, new uid), --cleanup-on-fail,
// rollback --dry-run, template --validate, uninstall --ignore-not-found / --description / --cascade=orphan.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { coreApi, kubeconfigPath, newNamespace, cleanupNamespaces, waitFor, loadKubeConfig, uniqueName, deleteNamespace } from '../helpers/cluster.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHART = fileURLToPath(new URL('./fixtures/lc', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/bin/kfchart.js', import.meta.url));
const CLI = existsSync(DIST) ? [DIST] : ['--import', 'tsx', 'bin/kfchart.ts'];
const tmp = mkdtempSync(path.join(tmpdir(), 'kfchart-deploy-flags-'));

function kf(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: kubeconfigPath(), NO_COLOR: '1' } });
    let out = '', err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => resolve({ code, out, err }));
  });
}

interface Rec { revision: number; status: string; description: string; labels?: Record<string, string>; config: Record<string, unknown> }

async function secrets(ns: string, name: string) {
  const core = await coreApi();
  const l = await core.listNamespacedSecret({ namespace: ns, labelSelector: `owner=kfchart,name=${name}` });
  return l.items
    .map((s) => ({ labels: s.metadata!.labels!, record: JSON.parse(gunzipSync(Buffer.from(s.data!.release!, 'base64')).toString('utf8')) as Rec }))
    .sort((a, b) => a.record.revision - b.record.revision);
}

async function cm(ns: string, name: string) {
  const core = await coreApi();
  return core.readNamespacedConfigMap({ name, namespace: ns }).catch(() => undefined);
}

/** A copy of the fixture chart with another default for `data` (a new chart version). */
function chartWithData(data: string, version: string): string {
  const dir = path.join(tmp, `lc-${version}`);
  cpSync(CHART, dir, { recursive: true });
  writeFileSync(path.join(dir, 'values.yaml'), readFileSync(path.join(dir, 'values.yaml'), 'utf8').replace(/^data: .*$/m, `data: ${data}`));
  writeFileSync(path.join(dir, 'Chart.yaml'), readFileSync(path.join(dir, 'Chart.yaml'), 'utf8').replace(/^version: .*$/m, `version: ${version}`));
  return dir;
}

test('--labels: on the record and the release Secret; upgrade merges them, k=null removes one; reserved names refused', async () => {
  const ns = await newNamespace('df-labels');
  const i = await kf(['install', 'lab', CHART, '-n', ns, '-l', 'team=ml,tier=web']);
  assert.is(i.code, 0, i.err);
  let s = await secrets(ns, 'lab');
  assert.equal(s[0]!.record.labels, { team: 'ml', tier: 'web' });
  assert.is(s[0]!.labels.team, 'ml');
  assert.is(s[0]!.labels.owner, 'kfchart');
  const u = await kf(['upgrade', 'lab', CHART, '-n', ns, '--labels', 'env=prod,team=null']);
  assert.is(u.code, 0, u.err);
  s = await secrets(ns, 'lab');
  assert.equal(s[1]!.record.labels, { tier: 'web', env: 'prod' });
  assert.equal([s[1]!.labels.env, s[1]!.labels.tier, s[1]!.labels.team, s[1]!.labels.status], ['prod', 'web', undefined, 'deployed']);
  // a label selector finds the release's Secrets (what `list --selector` builds on)
  const core = await coreApi();
  assert.is((await core.listNamespacedSecret({ namespace: ns, labelSelector: 'owner=kfchart,env=prod' })).items.length, 1);
  const bad = await kf(['upgrade', 'lab', CHART, '-n', ns, '-l', 'status=x']);
  assert.is(bad.code, 2);
  assert.match(bad.err, /reserved label name/);
});

test('--dry-run=server prints the release and manifest, stores nothing, and the server rejects a bad object; upgrade --dry-run', async () => {
  const ns = await newNamespace('df-dry');
  const d = await kf(['install', 'dr', CHART, '-n', ns, '--dry-run=server']);
  assert.is(d.code, 0, d.err);
  assert.match(d.out, /^NAME: dr\n.*\nNAMESPACE: /m);
  assert.match(d.out, /^STATUS: pending-install$/m);
  assert.match(d.out, /^MANIFEST:\n---\n# Source: lc\/templates\/configmaps\.yaml$/m);
  assert.match(d.err, /2 object\(s\) accepted by the API server/);
  assert.equal(await secrets(ns, 'dr'), []);
  assert.is(await cm(ns, 'dr-a'), undefined);
  const bad = await kf(['install', 'dr', CHART, '-n', ns, '--dry-run=server', '--set', 'configs={Bad_Name}']);
  assert.is(bad.code, 1);
  assert.match(bad.err, /dr-Bad_Name/);
  // upgrade --dry-run reads the previous release from the cluster (helm needs it too): revision 2, nothing stored
  assert.is((await kf(['install', 'dr', CHART, '-n', ns])).code, 0);
  const u = await kf(['upgrade', 'dr', CHART, '-n', ns, '--dry-run', '--set', 'data=two']);
  assert.is(u.code, 0, u.err);
  assert.match(u.out, /^STATUS: pending-upgrade\nREVISION: 2\nDESCRIPTION: Dry run complete\nMANIFEST:\n/m);
  assert.match(u.out, /value: two/);
  assert.equal((await secrets(ns, 'dr')).map((x) => x.record.revision), [1]);
  assert.is((await cm(ns, 'dr-a'))?.data?.value, 'one');
  // the server diff stays in `kfchart diff`
  const df = await kf(['diff', 'upgrade', 'dr', CHART, '-n', ns, '--set', 'data=two']);
  assert.is(df.code, 2, df.err);
  assert.match(df.out, /0 to add, 2 to change/);
});

test('--reuse-values (old merged values) vs --reset-then-reuse-values (new defaults + old user values) vs --reset-values', async () => {
  const ns = await newNamespace('df-reuse');
  const v1 = chartWithData('one', '0.1.0');
  const v2 = chartWithData('two', '0.2.0');
  assert.is((await kf(['install', 'rv', v1, '-n', ns, '--set', 'configs={a}'])).code, 0);
  const reuse = await kf(['upgrade', 'rv', v2, '-n', ns, '--reuse-values', '--set', 'keep=false']);
  assert.is(reuse.code, 0, reuse.err);
  assert.is((await cm(ns, 'rv-a'))?.data?.value, 'one'); // the old chart's default, as helm --reuse-values
  assert.is(await cm(ns, 'rv-b'), undefined);
  const rtr = await kf(['upgrade', 'rv', v2, '-n', ns, '--reset-then-reuse-values', '--set', 'keep=false']);
  assert.is(rtr.code, 0, rtr.err);
  assert.is((await cm(ns, 'rv-a'))?.data?.value, 'two'); // the new default, the old --set configs={a} kept
  assert.is(await cm(ns, 'rv-b'), undefined);
  const reset = await kf(['upgrade', 'rv', v2, '-n', ns, '--reset-values']);
  assert.is(reset.code, 0, reset.err);
  assert.ok(await cm(ns, 'rv-b')); // back to the chart's configs [a, b]
  const s = await secrets(ns, 'rv');
  assert.equal(s[s.length - 1]!.record.config, {});
});

test('--force-replace: an immutable field changes (delete + create, new uid); without it the upgrade fails', async () => {
  const ns = await newNamespace('df-force');
  assert.is((await kf(['install', 'fr', CHART, '-n', ns, '--set', 'deployment=true'])).code, 0);
  const apps = await (await import('@kubernetes/client-node')).AppsV1Api;
  const api = (await loadKubeConfig()).makeApiClient(apps);
  const uid0 = (await api.readNamespacedDeployment({ name: 'fr-web', namespace: ns })).metadata!.uid;
  const cmUid0 = (await cm(ns, 'fr-a'))!.metadata!.uid;
  const plain = await kf(['upgrade', 'fr', CHART, '-n', ns, '--set', 'deployment=true,selector=api']);
  assert.is(plain.code, 1);
  assert.match(plain.err, /fr-web/);
  assert.match(plain.err, /immutable/);
  const forced = await kf(['upgrade', 'fr', CHART, '-n', ns, '--set', 'deployment=true,selector=api', '--force-replace']);
  assert.is(forced.code, 0, forced.err);
  const d = await api.readNamespacedDeployment({ name: 'fr-web', namespace: ns });
  assert.is(d.spec!.selector.matchLabels!.app, 'api');
  assert.is.not(d.metadata!.uid, uid0);
  assert.is.not((await cm(ns, 'fr-a'))!.metadata!.uid, cmUid0);
  // --force is helm 4's deprecated name of it; rollback takes it too
  const rb = await kf(['rollback', 'fr', '3', '-n', ns, '--force']);
  assert.is(rb.code, 0, rb.err);
  assert.is((await api.readNamespacedDeployment({ name: 'fr-web', namespace: ns })).spec!.selector.matchLabels!.app, 'api');
});

test('--cleanup-on-fail: a failed upgrade deletes the objects it created; without it they stay', async () => {
  const ns = await newNamespace('df-cleanup');
  assert.is((await kf(['install', 'cf', CHART, '-n', ns, '--set', 'deployment=true'])).code, 0);
  // ConfigMaps are applied before Deployments: cf-c is created, then the selector change fails
  const kept = await kf(['upgrade', 'cf', CHART, '-n', ns, '--set', 'deployment=true,selector=x,configs={a,b,c}']);
  assert.is(kept.code, 1);
  assert.ok(await cm(ns, 'cf-c'));
  const core = await coreApi();
  await core.deleteNamespacedConfigMap({ name: 'cf-c', namespace: ns });
  await waitFor('cf-c gone', async () => !(await cm(ns, 'cf-c')));
  const cleaned = await kf(['upgrade', 'cf', CHART, '-n', ns, '--set', 'deployment=true,selector=x,configs={a,b,c}', '--cleanup-on-fail']);
  assert.is(cleaned.code, 1);
  assert.match(cleaned.err, /--cleanup-on-fail deleted 1 object\(s\)/);
  assert.is(await cm(ns, 'cf-c'), undefined);
  assert.ok(await cm(ns, 'cf-a')); // what was there before stays
});

test('rollback --dry-run writes nothing; template --validate asks the cluster (free name, server-side checks)', async () => {
  const ns = await newNamespace('df-rbv');
  assert.is((await kf(['install', 'rb', CHART, '-n', ns])).code, 0);
  assert.is((await kf(['upgrade', 'rb', CHART, '-n', ns, '--set', 'data=two'])).code, 0);
  const dry = await kf(['rollback', 'rb', '1', '-n', ns, '--dry-run']);
  assert.is(dry.code, 0, dry.err);
  assert.match(dry.out, /would write revision 3 \(dry run: client\); nothing changed/);
  assert.equal((await secrets(ns, 'rb')).map((x) => x.record.revision), [1, 2]);
  assert.is((await cm(ns, 'rb-a'))?.data?.value, 'two');
  const v = await kf(['template', 'fresh', CHART, '-n', ns, '--validate']);
  assert.is(v.code, 0, v.err);
  assert.match(v.out, /# Source: lc\/templates\/configmaps\.yaml/);
  assert.is(await cm(ns, 'fresh-a'), undefined);
  const taken = await kf(['template', 'rb', CHART, '-n', ns, '--validate']);
  assert.is(taken.code, 1);
  assert.match(taken.err, /release rb already exists/);
  const bad = await kf(['template', 'fresh', CHART, '-n', ns, '--validate', '--set', 'configs={Bad_Name}']);
  assert.is(bad.code, 1);
  assert.match(bad.err, /fresh-Bad_Name/);
});

test('uninstall: --ignore-not-found, --keep-history --description, --cascade=orphan keeps the dependents', async () => {
  const ns = await newNamespace('df-un');
  const nf = await kf(['uninstall', 'nobody', '-n', ns]);
  assert.is(nf.code, 1);
  const ig = await kf(['uninstall', 'nobody', '-n', ns, '--ignore-not-found']);
  assert.is(ig.code, 0, ig.err);
  assert.match(ig.out, /not found; nothing to uninstall/);
  assert.is((await kf(['install', 'kh', CHART, '-n', ns])).code, 0);
  const kh = await kf(['uninstall', 'kh', '-n', ns, '--keep-history', '--description', 'retired by test']);
  assert.is(kh.code, 0, kh.err);
  const s = await secrets(ns, 'kh');
  assert.equal([s[s.length - 1]!.record.status, s[s.length - 1]!.record.description], ['uninstalled', 'retired by test']);
  // --cascade=orphan: the Deployment goes, its ReplicaSet (made by kube-controller-manager) stays
  assert.is((await kf(['install', 'or', CHART, '-n', ns, '--set', 'deployment=true'])).code, 0);
  const k8s = await import('@kubernetes/client-node');
  const apps = (await loadKubeConfig()).makeApiClient(k8s.AppsV1Api);
  await waitFor('the ReplicaSet of or-web', async () => (await apps.listNamespacedReplicaSet({ namespace: ns })).items.length > 0, 60_000, 500);
  const o = await kf(['uninstall', 'or', '-n', ns, '--cascade', 'orphan', '--wait']);
  assert.is(o.code, 0, o.err);
  await new Promise((r) => setTimeout(r, 2000)); // the garbage collector would have deleted it by now (background)
  const rs = (await apps.listNamespacedReplicaSet({ namespace: ns })).items;
  assert.is(rs.length, 1);
  assert.equal(rs[0]!.metadata!.ownerReferences ?? [], []);
  const badCascade = await kf(['uninstall', 'or', '-n', ns, '--cascade', 'sideways']);
  assert.is(badCascade.code, 2);
});

test('upgrade --install takes install\'s flags: --create-namespace, --labels, --wait-for-jobs (waits), --description', async () => {
  const ns = uniqueName('df-ui');
  try {
    const r = await kf(['upgrade', 'ui', CHART, '--install', '-n', ns, '--create-namespace', '-l', 'team=ml', '--wait-for-jobs', '--description', 'first', '-o', 'json']);
    assert.is(r.code, 0, r.err);
    const s = await secrets(ns, 'ui');
    assert.equal([s[0]!.record.status, s[0]!.record.description, s[0]!.labels.team], ['deployed', 'first', 'ml']);
    assert.is((s[0]!.record as unknown as { applied: { wait: boolean } }).applied.wait, true);
    const g = await kf(['upgrade', 'ui', CHART, '--install', '--generate-name', '-n', ns]);
    assert.is(g.code, 2); // upgrade has no --generate-name (as helm): unknown argument
  } finally {
    await deleteNamespace(ns);
  }
});

test.after(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await cleanupNamespaces();
});
test.run();
