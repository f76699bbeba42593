// engine/kube/kubeconfig.ts: KUBECONFIG lists merged as kubectl merges them (first definition of a name wins,
// current-context from the first file that sets one, missing files skipped, duplicates read once, relative file
// references resolved against the file they appear in), and the merged config read by client-node's KubeConfig.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { kubeconfigPaths, loadKubeconfig, mergeKubeconfigs } from '../../../engine/kube/kubeconfig.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kfchart-kubeconfig-'));
mkdirSync(path.join(dir, 'a'));
mkdirSync(path.join(dir, 'b'));

const fileA = path.join(dir, 'a', 'config');
const fileB = path.join(dir, 'b', 'config');
writeFileSync(fileA, `apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster: { server: https://127.0.0.1:6443, certificate-authority: ca.crt }
contexts:
- name: ctx-a
  context: { cluster: shared, user: user-a, namespace: from-a }
users:
- name: user-a
  user: { client-certificate: certs/a.crt, client-key: /abs/a.key, tokenFile: token }
`);
writeFileSync(fileB, `apiVersion: v1
kind: Config
current-context: ctx-b
clusters:
- name: shared
  cluster: { server: https://10.0.0.1:6443, certificate-authority: other-ca.crt }
- name: only-b
  cluster: { server: https://127.0.0.2:6443 }
contexts:
- name: ctx-a
  context: { cluster: only-b, user: user-b }
- name: ctx-b
  context: { cluster: only-b, user: user-b }
users:
- name: user-b
  user:
    exec: { apiVersion: client.authentication.k8s.io/v1, command: ./bin/get-token }
- name: user-c
  user:
    exec: { apiVersion: client.authentication.k8s.io/v1, command: kubelogin }
`);

function withEnv<T>(value: string | undefined, fn: () => T): T {
  const old = process.env.KUBECONFIG;
  if (value === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = value;
  try {
    return fn();
  } finally {
    if (old === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = old;
  }
}

test('paths: --kubeconfig alone; else $KUBECONFIG split on the platform delimiter, empties and duplicates dropped', () => {
  assert.equal(kubeconfigPaths('/x', 'a:b'), ['/x']);
  assert.equal(kubeconfigPaths(undefined, `a${path.delimiter}${path.delimiter}b${path.delimiter}a`), ['a', 'b']);
  assert.ok(kubeconfigPaths(undefined, '')[0]!.endsWith(path.join('.kube', 'config')));
});

test('merge: the first file that defines a cluster, user or context name wins it; the rest are added', () => {
  const missing = path.join(dir, 'missing');
  const r = withEnv([missing, fileA, fileB].join(path.delimiter), () => loadKubeconfig())!;
  assert.equal(r.files, [fileA, fileB]);
  const c = r.config;
  assert.equal(c.clusters.map((x) => x.name), ['shared', 'only-b']);
  assert.is((c.clusters[0]!.cluster as { server: string }).server, 'https://127.0.0.1:6443');
  assert.equal(c.contexts.map((x) => x.name), ['ctx-a', 'ctx-b']);
  assert.is((c.contexts[0]!.context as { cluster: string }).cluster, 'shared', 'ctx-a of the first file wins');
  assert.equal(c.users.map((x) => x.name), ['user-a', 'user-b', 'user-c']);
  assert.is(c['current-context'], 'ctx-b', 'current-context from the first file that sets one');
});

test('merge: relative file references resolve against the file they appear in (absolute ones and PATH commands kept)', () => {
  const c = withEnv([fileA, fileB].join(path.delimiter), () => loadKubeconfig())!.config;
  const shared = c.clusters[0]!.cluster as Record<string, string>;
  assert.is(shared['certificate-authority'], path.join(dir, 'a', 'ca.crt'));
  const ua = c.users[0]!.user as Record<string, string>;
  assert.is(ua['client-certificate'], path.join(dir, 'a', 'certs', 'a.crt'));
  assert.is(ua['client-key'], '/abs/a.key');
  assert.is(ua.tokenFile, path.join(dir, 'a', 'token'));
  assert.is((c.users[1]!.user as { exec: { command: string } }).exec.command, path.join(dir, 'b', 'bin', 'get-token'));
  assert.is((c.users[2]!.user as { exec: { command: string } }).exec.command, 'kubelogin');
});

test('current-context: an earlier file that sets one wins over later ones', () => {
  const c = mergeKubeconfigs([
    { file: '/k/one', doc: { 'current-context': 'first', contexts: [{ name: 'first', context: {} }] } },
    { file: '/k/two', doc: { 'current-context': 'second' } },
  ]);
  assert.is(c['current-context'], 'first');
});

test('missing files: skipped in $KUBECONFIG; none at all gives undefined; a missing --kubeconfig is an error naming it', () => {
  assert.is(withEnv(path.join(dir, 'nope'), () => loadKubeconfig()), undefined);
  assert.throws(() => loadKubeconfig(path.join(dir, 'nope')), /--kubeconfig .*nope: no such file/);
});

test('bad files: a section that is not a list, an entry without a name, YAML errors name the file', () => {
  const bad = path.join(dir, 'bad');
  writeFileSync(bad, 'clusters: {a: 1}\n');
  assert.throws(() => loadKubeconfig(bad), new RegExp(`${bad}: kubeconfig "clusters" must be a list`));
  writeFileSync(bad, 'users:\n- user: {}\n');
  assert.throws(() => loadKubeconfig(bad), /users\[0\] has no name/);
  writeFileSync(bad, 'clusters: [\n');
  assert.throws(() => loadKubeconfig(bad), new RegExp(bad));
  writeFileSync(bad, '');
  assert.equal(loadKubeconfig(bad)!.config.clusters, [], 'an empty file is an empty config');
});

test("client-node's KubeConfig reads the merged config: cluster, user and context of the merged current-context", async () => {
  const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
  const kc = new KubeConfig();
  kc.loadFromString(JSON.stringify(withEnv([fileA, fileB].join(path.delimiter), () => loadKubeconfig())!.config));
  assert.is(kc.getCurrentContext(), 'ctx-b');
  assert.is(kc.getCurrentCluster()!.server, 'https://127.0.0.2:6443');
  kc.setCurrentContext('ctx-a');
  assert.is(kc.getCurrentCluster()!.server, 'https://127.0.0.1:6443');
  assert.is(kc.getCurrentCluster()!.caFile, path.join(dir, 'a', 'ca.crt'));
  assert.is(kc.getCurrentUser()!.certFile, path.join(dir, 'a', 'certs', 'a.crt'));
});

test.run();
