// The requests issue 15's lifecycle work saves, through the built CLI against the real control plane, and the
// guarantees kept while saving them: a CRD an uninstall kept is left exactly as it is and a reinstall sends nothing
// for it while it is provably as rendered (content digest, only kfchart's applies in managedFields) — but applies it
// again after any other writer touched it or when the chart changed it; a CRD naming a release that is gone is taken
// without --take-ownership, one naming a live release is not; uninstall's one-request deletes (resourceVersion
// precondition) never delete an object that changed owner since, and still delete one only edited.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { kubeconfigPath, newNamespace, cleanupNamespaces, crdsSettled } from '../helpers/cluster.js';
import { connect, type KubeClient } from '../../engine/kube/index.js';
import { apiServer, httpProxy, kubeconfigVia } from '../helpers/faults.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHART = fileURLToPath(new URL('./fixtures/lc', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/bin/kfchart.js', import.meta.url));
const CLI = existsSync(DIST) ? [DIST] : ['--import', 'tsx', 'bin/kfchart.ts'];

function kf(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: kubeconfigPath(), NO_COLOR: '1' }, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

let client: KubeClient;
const crdPath = (rel: string) => `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.${rel}.lc.kfchart.io`;
const crd = (rel: string) => client.request('GET', crdPath(rel));

test.before(async () => {
  client = await connect({ kubeconfig: kubeconfigPath() });
  await crdsSettled();
});

test.after(async () => {
  client.close();
  await cleanupNamespaces();
});

test('a kept CRD is left as it is; a reinstall sends nothing for it until someone else writes it or the chart changes it', async () => {
  const ns = await newNamespace('lc-crdkeep');
  const rel = `k${Date.now().toString(36)}`;
  const install = (...extra: string[]) => kf('install', rel, CHART, '-n', ns, '--set', 'crd=true', ...extra);
  let r = install();
  assert.is(r.code, 0, r.out);
  const first = await crd(rel);
  assert.match(first.metadata.annotations['kfchart.io/content-digest'], /^[0-9a-f]{64}$/);

  r = kf('uninstall', rel, '-n', ns);
  assert.is(r.code, 0, r.out);
  const kept = await crd(rel);
  assert.is(kept.metadata.resourceVersion, first.metadata.resourceVersion, 'uninstall wrote nothing to the kept CRD');
  assert.is(kept.metadata.annotations['kfchart.io/release-name'], rel);

  // Reinstall: provably as rendered → not sent (its resourceVersion stays), and its custom resources still work.
  r = install('--set', 'cr=true');
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /1 object\(s\) unchanged \(CRDs as rendered\): not sent/);
  assert.is((await crd(rel)).metadata.resourceVersion, first.metadata.resourceVersion);
  const gadget = await client.request('GET', `/apis/${rel}.lc.kfchart.io/v1/namespaces/${ns}/gadgets/${rel}-gadget`);
  assert.is(gadget.spec.size, 3);
  assert.is(kf('uninstall', rel, '-n', ns).code, 0);

  // Someone else changes the CRD (another field manager takes a field): the next install does not skip it — it
  // applies, and server-side apply reports the conflict; --force-conflicts restores the rendered content.
  await client.request('PATCH', crdPath(rel), {
    body: [{ op: 'replace', path: '/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/size/type', value: 'string' }],
    contentType: 'application/json-patch+json', query: { fieldManager: 'someone-else' },
  });
  const sizeType = async () => (await crd(rel)).spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.type;
  assert.is(await sizeType(), 'string');
  r = install();
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /conflicts with field manager "someone-else"/);
  r = kf('upgrade', rel, CHART, '-n', ns, '--install', '--set', 'crd=true', '--force-conflicts');
  assert.is(r.code, 0, r.out);
  assert.is(await sizeType(), 'integer');
  assert.is(kf('uninstall', rel, '-n', ns).code, 0);

  // The chart changes the CRD (a new version): applied, and the new version served.
  r = install('--set', 'crdVersions={v1,v2}');
  assert.is(r.code, 0, r.out);
  assert.equal((await crd(rel)).spec.versions.map((v: { name: string }) => v.name), ['v1', 'v2']);
  r = kf('uninstall', rel, '-n', ns, '--delete-crds', '--wait', '--timeout', '60s');
  assert.is(r.code, 0, r.out);
});

test('a CRD naming a live release is refused to another release; once that release is gone it is taken without --take-ownership', async () => {
  // The lc chart names its CRD after the release: the same release name in two namespaces renders the same CRD.
  const [a, b] = [await newNamespace('lc-crdown-a'), await newNamespace('lc-crdown-b')];
  const rel = `o${Date.now().toString(36)}`;
  assert.is(kf('install', rel, CHART, '-n', a, '--set', 'crd=true').code, 0);
  let r = kf('install', rel, CHART, '-n', b, '--set', 'crd=true');
  assert.is(r.code, 1, r.out);
  assert.match(r.out, new RegExp(`CustomResourceDefinition gadgets\\.${rel}\\.lc\\.kfchart\\.io exists and belongs to release ${a}/${rel}`));
  assert.is(kf('uninstall', rel, '-n', a).code, 0);
  r = kf('install', rel, CHART, '-n', b, '--set', 'crd=true');
  assert.is(r.code, 0, r.out);
  assert.is((await crd(rel)).metadata.annotations['kfchart.io/release-namespace'], b);
  r = kf('uninstall', rel, '-n', b, '--delete-crds', '--wait', '--timeout', '60s');
  assert.is(r.code, 0, r.out);
});

test('uninstall deletes in one request only what is untouched: an object adopted meanwhile stays, one only edited goes', async () => {
  const ns = await newNamespace('lc-direct');
  const rel = 'd';
  assert.is(kf('install', rel, CHART, '-n', ns, '--set', 'configs={a,b,c}').code, 0);
  const cm = (n: string) => `/api/v1/namespaces/${ns}/configmaps/${rel}-${n}`;
  // d-a: adopted by another release (annotations rewritten, so its resourceVersion moved on).
  await client.request('PATCH', cm('a'), {
    body: { metadata: { annotations: { 'kfchart.io/release-name': 'other', 'kfchart.io/release-namespace': ns } } },
    contentType: 'application/merge-patch+json', query: { fieldManager: 'other-tool' },
  });
  // d-b: edited by someone, still this release's.
  await client.request('PATCH', cm('b'), { body: { metadata: { labels: { edited: 'yes' } } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'other-tool' } });
  const r = kf('uninstall', rel, '-n', ns);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /left .*d-a: owned by release .*\/other/);
  const left = await client.request('GET', `/api/v1/namespaces/${ns}/configmaps`);
  const names = (left.items as { metadata: { name: string } }[]).map((i) => i.metadata.name).filter((n) => n.startsWith('d-'));
  assert.equal(names, ['d-a']);
});

test('kubeflow (values-minimal) uninstall, counted through a recording proxy: 48 requests, the records listed once', async () => {
  const ns = await newNamespace('lc-count');
  const rel = 'kf-count';
  const kubeflow = fileURLToPath(new URL('../../charts/kubeflow', import.meta.url));
  const values = fileURLToPath(new URL('../../examples/values-minimal.yaml', import.meta.url));
  await crdsSettled();
  const i = kf('install', rel, kubeflow, '-f', values, '-n', ns);
  assert.is(i.code, 0, i.out);
  const seen: string[] = [];
  const proxy = await httpProxy(apiServer(), { errorRate: 0, tooManyRate: 0, fail: (method, url) => { seen.push(`${method} ${url}`); return false; } });
  try {
    // asynchronously: the proxy answers from this process
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile(process.execPath, [...CLI, 'uninstall', rel, '-n', ns, '--kubeconfig', kubeconfigVia(proxy.port, true)], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' },
        (e, out, err) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: `${out}${err}` }));
    });
    assert.is(r.code, 0, r.out);
    const deleted = Number(/(\d+) object\(s\) deleted/.exec(r.out)?.[1]);
    assert.ok(deleted >= 38, r.out);
    const lists = seen.filter((x) => x.startsWith(`GET /api/v1/namespaces/${ns}/secrets?`));
    assert.is(lists.length, 1, `the records are listed once: ${lists.join(', ')}`);
    assert.is(seen.filter((x) => x === 'GET /api' || x === 'GET /apis').length, 2, 'discovery: two requests');
    // one request per deleted object, the four STATUS_WRITTEN workloads read first, the lock written, the two records deleted
    assert.is(seen.length, 48, seen.join('\n'));
  } finally {
    await proxy.close();
    kf('uninstall', rel, '-n', ns, '--ignore-not-found'); // whatever a failure above left (kubeflow's objects are in other namespaces)
  }
});

test.run();
