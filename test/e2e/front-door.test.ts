// The front door for real: the release is installed with the built CLI on the test control plane, then the REAL
// Dex, oauth2-proxy and (for the LDAP demo) slapd run from what the cluster holds, behind the emulated ingress
// gateway (test/auth/stack.ts), and a browser-like client (cookie jar, redirects by hand) logs in through it.
// One release goes through the examples in turn: values-minimal.yaml (install), an upgrade adding a static user,
// values-ldap.yaml, values-expose-https.yaml, and a rollback to revision 1. A real headless Chromium logs in too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { parseYaml } from '../../engine/yaml/index.js';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crdsSettled, kubeconfigPath } from '../helpers/cluster.js';
import { connect, type KubeClient } from '../../engine/kube/index.js';
import { startAuthStack, type AuthStack } from '../auth/stack.js';
import { BrowserClient, links, type Answer } from './_client.js';
import { browserLogin } from './_browser.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = `${ROOT}dist/bin/kfchart.js`;
const ex = (n: string) => `${ROOT}examples/values-${n}.yaml`;
const RELEASE = 'kubeflow';
const NS = 'kubeflow';
const USER = { email: 'user@example.com', password: 'kubeflow-demo-Pa55' }; // examples/values-minimal.yaml
const SECOND = { email: 'second@example.com', password: 'second-user-Pa55word' };
const IN_CLUSTER = /svc\.cluster\.local|\.svc[:/]|^https?:\/\/(?!127\.0\.0\.1)/;

const E = suite('front door (real Dex, oauth2-proxy, slapd; emulated Envoy)');
let stack: AuthStack;
let api: KubeClient;
let revision1Secrets: Record<string, string>;

function kfchart(args: string[], input?: string): string {
  const r = spawnSync(process.execPath, [CLI, ...args, '--kubeconfig', kubeconfigPath()], { encoding: 'utf8', input, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`kfchart ${args.join(' ')} exited ${r.status}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function secretData(ns: string, name: string): Promise<Record<string, string>> {
  const s = await api.request('GET', `/api/v1/namespaces/${ns}/secrets/${name}`);
  return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')]));
}

/** GET / until Dex's page for `connector` (local or ldap) is reached: the connector list is followed when shown. */
async function toLoginForm(c: BrowserClient, connector = 'local'): Promise<Answer> {
  const first = await c.get('/');
  assert.is(first.status, 302, `GET / without a session: ${first.status} ${first.body.slice(0, 200)}`);
  let page = await c.follow(first);
  if (!/<form/i.test(page.body)) {
    const l = links(page, new RegExp(`/dex/auth/${connector}\\b`));
    assert.ok(l.length, `Dex's connector list has no ${connector} link: ${page.body.slice(0, 400)}`);
    page = await c.follow(await c.get(l[0]));
  }
  assert.is(page.status, 200);
  assert.match(page.url, new RegExp(`/dex/auth/${connector}/login`));
  return page;
}

async function login(c: BrowserClient, user: string, password: string, connector = 'local'): Promise<Answer> {
  const form = await toLoginForm(c, connector);
  return c.follow(await c.submit(form, { login: user, password }));
}

const seen = (a: Answer) => JSON.parse(a.body) as Record<string, string>;

function noInClusterLocations(c: BrowserClient): void {
  for (const l of c.locations) assert.not.match(l, IN_CLUSTER, `a redirect sent the browser to ${l}`);
}

E.before(async () => {
  try { await setUp(); } catch (err) {
    // uvu does not print a failing hook's error: say it, then fail every test of the suite.
    process.stderr.write(`\nfront door set-up failed: ${(err as Error).stack}\n`);
    throw err;
  }
});

async function setUp(): Promise<void> {
  api = await connect({ kubeconfig: kubeconfigPath() });
  await crdsSettled();
  // --take-ownership: CRDs kept by the cluster suites' uninstalls may still name their releases.
  kfchart(['install', RELEASE, `${ROOT}charts/kubeflow`, '-n', NS, '--create-namespace', '--take-ownership', '-f', ex('minimal')]);
  stack = await startAuthStack({ kubeconfig: kubeconfigPath(), release: RELEASE, namespace: NS, log: (s) => { if (process.env.KFCHART_E2E_LOG) process.stderr.write(`${s}\n`); } });
  revision1Secrets = await secretData('oauth2-proxy', 'oauth2-proxy');
}

E.after(async () => {
  await stack?.stop();
  try { kfchart(['uninstall', RELEASE, '-n', NS]); } catch (err) { process.stderr.write(`${(err as Error).message}\n`); }
});

E('the harness changed only addresses, listen addresses, file paths and in-cluster credentials', () => {
  assert.ok(stack.substitutions.length >= 4, JSON.stringify(stack.substitutions));
  for (const s of stack.substitutions) {
    assert.ok(/127\.0\.0\.1|kubeConfigFile|^\/|kubeconfig/.test(s.to), `unexpected substitution ${JSON.stringify(s)}`);
  }
  const names = stack.components.map((c) => c.name);
  assert.equal(names, ['dex', 'oauth2-proxy']);
  // what went wrong before: Dex crashing on storage that was not there yet, deprecated LDAP settings
  const dexLog = fs.readFileSync(stack.components[0].proc!.logFile, 'utf8');
  assert.not.match(dexLog, /storage is \(re\)initializing|failed to create|deprecated/i);
  assert.match(dexLog, /the custom resource already available, skipping create/, 'the chart ships Dex\'s CRDs');
});

E('a browser without a session gets a relative 302 to /dex/auth on the gateway\'s origin', async () => {
  const c = new BrowserClient(stack.gatewayUrl);
  const a = await c.get('/notebooks/?x=1');
  assert.is(a.status, 302);
  const loc = String(a.headers.location);
  assert.ok(loc.startsWith('/dex/auth?client_id=kubeflow-authservice-oidc&'), loc);
  assert.match(loc, /redirect_uri=%2Foauth2%2Fcallback/);
  assert.ok(c.cookies.has('oauth2_proxy_kubeflow_csrf'), 'the CSRF cookie reaches the browser (headersToDownstreamOnDeny: set-cookie)');
});

/** The deployed record's test hook `name`: its container's shell script and environment (the chart's test Pod). */
async function testCommand(name: string): Promise<{ script: string; env: Record<string, string> }> {
  const list = await api.request('GET', `/api/v1/namespaces/${NS}/secrets?labelSelector=${encodeURIComponent(`owner=kfchart,name=${RELEASE},status=deployed`)}`);
  const rec = JSON.parse(gunzipSync(Buffer.from(list.items[0].data.release, 'base64')).toString('utf8'));
  const hook = rec.hooks.find((h: { name: string }) => h.name === name);
  assert.ok(hook, `the release has a test hook ${name}`);
  const c = (parseYaml(hook.manifest, name) as any).spec.containers[0];
  assert.equal(c.command, ['/bin/sh', '-c']);
  return { script: c.args[0], env: Object.fromEntries((c.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value])) };
}

/** Run a test Pod's script here with sh and curl (asynchronously: the emulated gateway answers in this process). */
function sh(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn('sh', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((r) => child.on('close', (code) => { clearTimeout(timer); r({ code, out }); }));
}

E("the charts' own test commands (kfchart test) pass against the working stack, and fail against a wrong answer", async () => {
  const gw = stack.gatewayUrl.replace(/\/$/, '');
  // The front door test, pointed at the gateway instead of the in-cluster Service name.
  const door = await testCommand(`${RELEASE}-test-front-door`);
  const okDoor = await sh(door.script, { ...door.env, URL: `${gw}/`, CONNECT_TO: '' });
  assert.is(okDoor.code, 0, okDoor.out);
  assert.match(okDoor.out, /^ok: GET .+ answered 302 to \/dex\/auth\?client_id=/m);
  // Dex's discovery test, through the gateway's /dex route to the real Dex; the issuer it checks is the chart's.
  const dex = await testCommand(`${RELEASE}-dex-test-discovery`);
  assert.match(dex.env.URL!, /^http:\/\/dex\..+\.svc\.cluster\.local:5556\/dex\/\.well-known\/openid-configuration$/);
  const okDex = await sh(dex.script, { ...dex.env, URL: `${gw}/dex/.well-known/openid-configuration` });
  assert.is(okDex.code, 0, okDex.out);
  assert.match(okDex.out, new RegExp(`^ok: .+ names issuer ${dex.env.ISSUER!.replace(/[.]/g, '\\.')}$`, 'm'));
  // The checks can fail: Dex's discovery URL answers 200, not the 302 to /dex/auth; a wrong issuer is caught.
  const badDoor = await sh(door.script, { ...door.env, URL: `${gw}/dex/.well-known/openid-configuration`, CONNECT_TO: '', RETRY_SECONDS: '1' });
  assert.is(badDoor.code, 1, badDoor.out);
  assert.match(badDoor.out, /FAIL: GET .+ never answered 302 to \/dex\/auth/);
  const badDex = await sh(dex.script, { ...dex.env, URL: `${gw}/dex/.well-known/openid-configuration`, ISSUER: 'https://elsewhere.example.com/dex' });
  assert.is(badDex.code, 1, badDex.out);
  assert.match(badDex.out, /FAIL: .+ names issuer 'http.+', expected 'https:\/\/elsewhere.example.com\/dex'/);
});

E('the static user of values-minimal.yaml logs in and every app behind the gateway sees kubeflow-userid', async () => {
  const c = new BrowserClient(stack.gatewayUrl);
  const a = await login(c, USER.email, USER.password);
  assert.is(a.status, 200, a.body.slice(0, 300));
  assert.is(a.headers['content-type'], 'application/json');
  assert.is(seen(a)['kubeflow-userid'], USER.email);
  assert.ok(c.cookies.has('oauth2_proxy_kubeflow'));
  noInClusterLocations(c);
  const other = await c.get('/pipelines/api/v1/runs', { 'kubeflow-userid': 'attacker@example.com' });
  assert.is(other.status, 200);
  assert.is(seen(other)['kubeflow-userid'], USER.email, 'a forged kubeflow-userid header is replaced by the token\'s claim');
  assert.match(seen(other).authorization ?? '', /^Bearer ey/, 'forwardOriginalToken: the app gets the Dex ID token');
});

E('a wrong password gives no session', async () => {
  const c = new BrowserClient(stack.gatewayUrl);
  const a = await login(c, USER.email, 'not-the-password');
  assert.is(a.status, 401, 'Dex answers a failed login with 401 and the form again');
  assert.match(a.body, /Invalid (Email Address|username) and password/i);
  assert.not.ok(c.cookies.has('oauth2_proxy_kubeflow'));
  assert.is((await c.get('/')).status, 302);
});

E('a forged header without a session is not let through', async () => {
  const c = new BrowserClient(stack.gatewayUrl);
  const a = await c.get('/', { 'kubeflow-userid': USER.email });
  assert.is(a.status, 302);
});

E('logout: the next request is redirected to Dex again', async () => {
  const c = new BrowserClient(stack.gatewayUrl);
  assert.is(seen(await login(c, USER.email, USER.password))['kubeflow-userid'], USER.email);
  const out = await c.get('/oauth2/sign_out');
  assert.is(out.status, 302);
  assert.not.ok(c.cookies.has('oauth2_proxy_kubeflow'), 'sign_out clears the session cookie');
  const again = await c.get('/');
  assert.is(again.status, 302);
  assert.ok(String(again.headers.location).startsWith('/dex/auth?'));
});

E('a ServiceAccount token authenticates without Dex (machine clients); a forged one is refused', async () => {
  await api.request('POST', `/api/v1/namespaces/${NS}/serviceaccounts`, { body: { metadata: { name: 'e2e-robot' } } }).catch((e) => { if (e.status !== 409) throw e; });
  const tr = await api.request('POST', `/api/v1/namespaces/${NS}/serviceaccounts/e2e-robot/token`, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } } });
  const token = tr.status.token as string;
  const c = new BrowserClient(stack.gatewayUrl);
  const a = await c.get('/api/v1/whoami', { authorization: `Bearer ${token}` });
  assert.is(a.status, 200, a.body);
  assert.is(seen(a)['kubeflow-userid'], `system:serviceaccount:${NS}:e2e-robot`);
  const [h, p] = token.split('.');
  const forged = `${h}.${p}.${Buffer.from('not a signature').toString('base64url')}`;
  const bad = await c.get('/api/v1/whoami', { authorization: `Bearer ${forged}` });
  assert.is(bad.status, 401, bad.body);
});

E('a real browser (headless Chromium) logs in through Dex\'s page and lands on the app', async () => {
  const r = await browserLogin(stack.gatewayUrl, USER.email, USER.password);
  assert.ok(r.dexPage.includes('/dex/auth/local/login'), `the browser was shown ${r.dexPage}`);
  assert.is(r.finalUrl, `${stack.gatewayUrl}/`);
  assert.is(r.headers['kubeflow-userid'], USER.email);
  assert.ok(r.cookies.includes('oauth2_proxy_kubeflow'), r.cookies.join(','));
});

E('an upgrade adding a static user: the user logs in once Dex restarts from the new config', async () => {
  const hash = kfchart(['hash-password', '--cost', '10'], SECOND.password).trim();
  assert.match(hash, /^\$2[aby]\$10\$/);
  const set = `dex.staticPasswords[1].email=${SECOND.email},dex.staticPasswords[1].username=second,dex.staticPasswords[1].hash=${hash}`;
  kfchart(['upgrade', RELEASE, `${ROOT}charts/kubeflow`, '-n', NS, '-f', ex('minimal'), '--set', set]);
  const before = await login(new BrowserClient(stack.gatewayUrl), SECOND.email, SECOND.password);
  assert.is(before.status, 401);
  assert.match(before.body, /Invalid (Email Address|username) and password/i, 'the running Dex still has the old user list');
  await stack.reload();
  const c = new BrowserClient(stack.gatewayUrl);
  assert.is(seen(await login(c, SECOND.email, SECOND.password))['kubeflow-userid'], SECOND.email);
  assert.equal(await secretData('oauth2-proxy', 'oauth2-proxy'), revision1Secrets, 'client and cookie secrets are kept by the upgrade');
});

E('values-ldap.yaml: a person of the demo directory logs in through the LDAP connector, with groups', async () => {
  kfchart(['upgrade', RELEASE, `${ROOT}charts/kubeflow`, '-n', NS, '-f', ex('minimal'), '-f', ex('ldap')]);
  await stack.reload();
  assert.equal(stack.components.map((c) => c.name), ['slapd', 'dex', 'oauth2-proxy']);
  const seed = (await secretData(NS, 'ldap-seed'))['50-seed.ldif'];
  const pw = /dn: uid=nkili,[^\n]*\n(?:[^\n]+\n)*?userPassword: (\S+)/.exec(seed)?.[1];
  assert.ok(pw, 'the seed holds nkili\'s password');
  const c = new BrowserClient(stack.gatewayUrl);
  const a = await login(c, 'nkili', pw!, 'ldap');
  assert.is(a.status, 200, a.body.slice(0, 300));
  assert.is(seen(a)['kubeflow-userid'], 'nkili@example.com');
  assert.equal(seen(a)['kubeflow-groups'].split(',').sort(), ['admins', 'developers']);
  const wrong = await login(new BrowserClient(stack.gatewayUrl), 'nkili', 'wrong', 'ldap');
  assert.match(wrong.body, /Invalid (Email Address|username) and password/i);
  // the static user still logs in next to LDAP
  assert.is(seen(await login(new BrowserClient(stack.gatewayUrl), USER.email, USER.password))['kubeflow-userid'], USER.email);
});

E('values-expose-https.yaml: plain HTTP on port 80 is redirected to https', async () => {
  kfchart(['upgrade', RELEASE, `${ROOT}charts/kubeflow`, '-n', NS, '-f', ex('minimal'), '-f', ex('expose-https')]);
  await stack.reload();
  const a = await new BrowserClient(stack.gatewayUrl).get('/x?y=1', { host: 'kubeflow.local' });
  assert.is(a.status, 301);
  assert.is(a.headers.location, 'https://kubeflow.local/x?y=1');
});

E('rollback to revision 1: the generated secrets are the same and the static user logs in again', async () => {
  kfchart(['rollback', RELEASE, '1', '-n', NS]);
  await stack.reload();
  assert.equal(await secretData('oauth2-proxy', 'oauth2-proxy'), revision1Secrets);
  assert.is(seen(await login(new BrowserClient(stack.gatewayUrl), USER.email, USER.password))['kubeflow-userid'], USER.email);
  const gone = await login(new BrowserClient(stack.gatewayUrl), SECOND.email, SECOND.password);
  assert.match(gone.body, /Invalid (Email Address|username) and password/i, 'the user added by the upgrade is gone again');
});

E('npm run auth:up prints an eval-able export for the installed release; auth:down stops it', async () => {
  const env = { ...process.env, KUBECONFIG: kubeconfigPath(), KFCHART_AUTH_STATE: fs.mkdtempSync(`${ROOT}.auth-state-`) };
  const npm = (args: string[]) => spawnSync('npm', ['run', '-s', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 180_000 });
  try {
    const up = npm(['auth:up', '--', '--release', RELEASE, '--namespace', NS]);
    assert.is(up.status, 0, up.stderr);
    const m = /^export KFCHART_GATEWAY_URL=(http:\/\/127\.0\.0\.1:\d+)\n$/.exec(up.stdout);
    assert.ok(m, `stdout is one export line: ${JSON.stringify(up.stdout)}`);
    assert.match(up.stderr, /dex storage\.config: inCluster: true → kubeConfigFile/);
    const a = await new BrowserClient(m![1]).get('/');
    assert.is(a.status, 302);
    assert.ok(String(a.headers.location).startsWith('/dex/auth?'));
    const again = npm(['auth:up', '--', '--release', RELEASE, '--namespace', NS]);
    assert.is(again.status, 1);
    assert.match(again.stderr, /already running/);
    const bad = npm(['auth:up', '--', '--release', RELEASE]);
    assert.is(bad.status, 2, bad.stderr);
  } finally {
    const down = npm(['auth:down']);
    assert.is(down.status, 0, down.stderr);
    assert.match(down.stderr, /stopped/);
    fs.rmSync(env.KFCHART_AUTH_STATE, { recursive: true, force: true });
  }
});

E.run();
