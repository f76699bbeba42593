// engine/kube/credentials.ts: the TLS options and static credentials built from the merged kubeconfig without
// client-node are the ones client-node's KubeConfig.applyToHTTPSOptions gives for the same kubeconfig (every form:
// CA/cert/key from data and from files, bearer token, token-file, basic auth, impersonation, insecure-skip-tls-verify,
// tls-server-name), the loader's checks say what client-node says, and what client-node does not know (kubectl's
// tokenFile, re-read on refresh) works as kubectl does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { checkKubeconfig, resolveContext, type HttpsOptions } from '../../../engine/kube/credentials.js';
import { loadKubeconfig, mergeKubeconfigs, type MergedKubeconfig } from '../../../engine/kube/kubeconfig.js';
import { parseYaml } from '../../../engine/yaml/index.js';
import { KfError } from '../../../engine/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kfchart-credentials-'));
const b64 = (s: string) => Buffer.from(s).toString('base64');
writeFileSync(path.join(dir, 'ca.crt'), 'CA FROM FILE');
writeFileSync(path.join(dir, 'c.crt'), 'CERT FROM FILE');
writeFileSync(path.join(dir, 'c.key'), 'KEY FROM FILE');
writeFileSync(path.join(dir, 'token'), 'token-from-file');

function config(cluster: Record<string, unknown>, user: Record<string, unknown> | undefined): MergedKubeconfig {
  return mergeKubeconfigs([{
    file: path.join(dir, 'config'),
    doc: {
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      clusters: [{ name: 'k', cluster: { server: 'https://127.0.0.1:6443/', ...cluster } }],
      contexts: [{ name: 'c', context: { cluster: 'k', ...(user ? { user: 'u' } : {}), namespace: 'ns1' } }],
      users: user ? [{ name: 'u', user }] : [],
    },
  }]);
}

const pick = (o: Partial<HttpsOptions> & { headers?: unknown }) => {
  const out: Record<string, unknown> = {};
  for (const k of ['ca', 'cert', 'key', 'rejectUnauthorized', 'servername', 'auth'] as const) {
    if (o[k] !== undefined && o[k] !== null) out[k] = Buffer.isBuffer(o[k]) ? `buf:${(o[k] as Buffer).toString('utf8')}` : o[k];
  }
  out.headers = { ...(o.headers as object) };
  return out;
};

async function clientNode(cfg: MergedKubeconfig): Promise<Record<string, unknown>> {
  const kc = new KubeConfig();
  kc.loadFromString(JSON.stringify(cfg));
  const o: Record<string, unknown> & { headers: Record<string, string> } = { headers: {} };
  await kc.applyToHTTPSOptions(o as never);
  return pick(o);
}

const forms: [string, Record<string, unknown>, Record<string, unknown>][] = [
  ['CA, client certificate and key as data', { 'certificate-authority-data': b64('CA DATA') },
    { 'client-certificate-data': b64('CERT DATA'), 'client-key-data': b64('KEY DATA') }],
  ['CA, client certificate and key as (relative) files', { 'certificate-authority': 'ca.crt' },
    { 'client-certificate': 'c.crt', 'client-key': 'c.key' }],
  ['a file wins over data', { 'certificate-authority': 'ca.crt', 'certificate-authority-data': b64('CA DATA') },
    { 'client-certificate': 'c.crt', 'client-certificate-data': b64('x'), 'client-key': 'c.key', 'client-key-data': b64('y') }],
  ['bearer token', { 'certificate-authority-data': b64('CA DATA') }, { token: 'abc.def' }],
  ['token-file (client-node\'s name)', {}, { 'token-file': path.join(dir, 'token') }],
  ['basic auth', {}, { username: 'admin', password: 's3cret' }],
  ['basic auth and a token: basic wins in the header', {}, { username: 'admin', password: 'p', token: 't' }],
  ['impersonation', {}, { token: 't', as: 'jane' }],
  ['insecure-skip-tls-verify and tls-server-name', { 'insecure-skip-tls-verify': true, 'tls-server-name': 'api.internal' }, { token: 't' }],
  ['insecure-skip-tls-verify: false', { 'insecure-skip-tls-verify': false }, {}],
];

for (const [name, cluster, user] of forms) {
  test(`same options as client-node: ${name}`, async () => {
    const cfg = config(cluster, user);
    checkKubeconfig(cfg);
    const r = resolveContext(cfg);
    assert.is(r.plugin, false);
    const ours = pick(r.options());
    assert.equal(ours, await clientNode(cfg));
    // and the header connect() sends for basic auth
    if (user.username) assert.is(ours.auth, `${user.username}:${user.password}`);
  });
}

test('context, namespace and server as client-node gives them (trailing slash dropped)', () => {
  const cfg = config({}, { token: 't' });
  const r = resolveContext(cfg);
  const kc = new KubeConfig();
  kc.loadFromString(JSON.stringify(cfg));
  assert.is(r.contextName, kc.getCurrentContext());
  assert.is(r.server, kc.getCurrentCluster()!.server);
  assert.is(r.server, 'https://127.0.0.1:6443');
  assert.is(r.namespace, 'ns1');
  const noNs = config({}, {});
  (noNs.contexts[0]!.context as Record<string, unknown>).namespace = undefined;
  assert.is(resolveContext(noNs).namespace, 'default');
});

test('a context without a user: the CA and skip-verify still apply (client-node drops them; kubectl does not)', () => {
  const r = resolveContext(config({ 'certificate-authority-data': b64('CA DATA'), 'insecure-skip-tls-verify': true }, undefined));
  const o = r.options();
  assert.is(o.ca?.toString(), 'CA DATA');
  assert.is(o.rejectUnauthorized, false);
  assert.equal(o.headers, {});
});

test('exec plugins and auth-providers are left to client-node', () => {
  assert.ok(resolveContext(config({}, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'get-token' } })).plugin);
  assert.ok(resolveContext(config({}, { 'auth-provider': { name: 'oidc', config: {} } })).plugin);
});

test('kubectl\'s tokenFile: read trimmed, relative to the kubeconfig, and read again for each options() (refresh)', () => {
  const file = path.join(dir, 'rotating');
  writeFileSync(file, 'first\n');
  const cfgFile = path.join(dir, 'tf-config');
  writeFileSync(cfgFile, 'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster: {server: https://127.0.0.1:1}\n' +
    'contexts:\n- name: c\n  context: {cluster: k, user: u}\nusers:\n- name: u\n  user: {tokenFile: rotating, token: fallback}\n');
  const r = resolveContext(loadKubeconfig(cfgFile)!.config);
  assert.is(r.options().headers.Authorization, 'Bearer first');
  writeFileSync(file, 'second');
  assert.is(r.options().headers.Authorization, 'Bearer second');
  const missing = config({}, { tokenFile: path.join(dir, 'nope') });
  assert.throws(() => resolveContext(missing).options(), /ENOENT.*nope/);
  assert.is(resolveContext(config({}, { tokenFile: path.join(dir, 'nope'), token: 'kept' })).options().headers.Authorization, 'Bearer kept');
});

test('missing CA file: the fs error names the file, as with client-node', async () => {
  const cfg = config({ 'certificate-authority': 'missing-ca.crt' }, {});
  let theirs = '';
  await clientNode(cfg).catch((e: Error) => { theirs = e.message; });
  assert.throws(() => resolveContext(cfg).options(), (e: Error) => e.message === theirs && /missing-ca\.crt/.test(e.message));
});

test('plain http without insecure-skip-tls-verify: client-node\'s message', async () => {
  const cfg = config({ server: 'http://127.0.0.1:1' }, {});
  let theirs = '';
  await clientNode(cfg).catch((e: Error) => { theirs = e.message; });
  assert.ok(theirs);
  assert.throws(() => resolveContext(cfg).options(), (e: Error) => e.message === theirs);
  assert.not.throws(() => resolveContext(config({ server: 'http://127.0.0.1:1', 'insecure-skip-tls-verify': true }, {})).options());
});

test('structural checks say what client-node\'s loader says', () => {
  const bad = [
    'clusters:\n- name: a\n',
    'clusters:\n- name: a\n  cluster: {insecure-skip-tls-verify: true}\n',
    'contexts:\n- name: a\n',
    'contexts:\n- name: a\n  context: {user: u}\n',
  ];
  for (const text of bad) {
    const cfg = mergeKubeconfigs([{ file: 'x', doc: parseYaml(text, 'x') }]);
    let theirs = '';
    try { new KubeConfig().loadFromString(JSON.stringify(cfg)); } catch (e) { theirs = (e as Error).message; }
    assert.ok(theirs, text);
    assert.throws(() => checkKubeconfig(cfg), (e: Error) => e.message === theirs);
  }
});

test('--kube-context that does not exist: a usage error; a context naming no cluster: the old message', () => {
  const cfg = config({}, {});
  assert.throws(() => resolveContext(cfg, 'other'), (e: unknown) => e instanceof KfError && e.exitCode === 2 && /kubeconfig has no context "other"/.test(e.message));
  cfg['current-context'] = 'gone';
  assert.throws(() => resolveContext(cfg), /kubeconfig names no cluster for the current context/);
  assert.is(resolveContext(cfg, 'c').contextName, 'c');
});

test.run();
