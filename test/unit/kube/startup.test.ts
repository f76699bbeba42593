// The start-up path of a cluster command through the built CLI (dist/bin/kfchart.js) against a stand-in API server
// on 127.0.0.1: a kubeconfig with static credentials connects without loading @kubernetes/client-node (its bundle
// chunk is refused by a resolve hook) and sends the token; node:http is loaded without its ESM facade, which on
// Node 22+ would pull in undici (checked under this Node and under bench/.tools' Node 24/26 when they are there).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../../../engine/kube/client.js';
import { denyClientNodeHook } from '../../helpers/deny-client-node.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = path.join(root, 'dist/bin/kfchart.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'kfchart-startup-'));

function run(node: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(node, [bin, ...args], { env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...env }, encoding: 'utf8', timeout: 20_000 }, (e, out, err) => {
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 99) : 0, out, err });
    });
  });
}

let server: http.Server;
let port = 0;
const seen: { url: string; auth?: string }[] = [];

test.before(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ kind: 'SecretList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
test.after(() => {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
});

function kubeconfig(user: string): string {
  const file = path.join(tmp, `kubeconfig-${seen.length}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}\n` +
    `contexts:\n- name: c\n  context: {cluster: k, user: u, namespace: ns1}\nusers:\n- name: u\n  user: ${user}\n`);
  return file;
}

test('static credentials: list works without loading client-node, and sends the token', async () => {
  assert.ok(existsSync(bin), 'dist/bin/kfchart.js is built');
  const hook = denyClientNodeHook(root, tmp);
  const env = { NODE_OPTIONS: `--import ${hook}`, KUBECONFIG: '' };
  seen.length = 0;
  const r = await run(process.execPath, ['list', '--kubeconfig', kubeconfig('{token: static-token}')], env);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^NAME\s+NAMESPACE\s+REVISION/, JSON.stringify(r));
  assert.ok(seen.length >= 1);
  assert.ok(seen.every((s) => s.auth === 'Bearer static-token'), JSON.stringify(seen));
  assert.match(seen[0]!.url, /^\/api\/v1\/namespaces\/ns1\/secrets\?/); // the context's namespace
  // basic auth the same way
  seen.length = 0;
  const b = await run(process.execPath, ['list', '-A', '--kubeconfig', kubeconfig('{username: admin, password: pw}')], env);
  assert.is(b.code, 0, b.err);
  assert.is(seen[0]!.auth, `Basic ${Buffer.from('admin:pw').toString('base64')}`);
  // and the hook does refuse client-node: an exec plugin needs it
  const e = await run(process.execPath, ['list', '--kubeconfig', kubeconfig('{exec: {apiVersion: client.authentication.k8s.io/v1, command: get-token}}')], env);
  assert.is(e.code, 1);
  assert.match(e.err, /client-node loaded/);
});

test('a cluster command, and a repository download, do not load undici (node:http is required, not imported)', async () => {
  const probe = path.join(tmp, 'undici-probe.mjs');
  writeFileSync(probe, "process.on('exit', () => process.stderr.write('undici:' + process.moduleLoadList.some((m) => /undici/.test(m)) + '\\n'));\n");
  const nodes = [process.execPath, ...[24, 26].map((v) => path.join(root, `bench/.tools/node${v}/bin/node`)).filter((f) => existsSync(f))];
  const file = kubeconfig('{token: t}');
  for (const node of nodes) {
    const r = await run(node, ['list', '-A', '--kubeconfig', file], { NODE_OPTIONS: `--import ${probe}`, KUBECONFIG: '' });
    assert.is(r.code, 0, `${node}: ${r.err}`);
    assert.match(r.err, /undici:false\n$/, `${node} loaded undici: ${r.err}`);
    // engine/repo/transport.ts: a download that fails (nothing listens on port 9) still went through node:http
    const home = { KFCHART_CONFIG_HOME: path.join(tmp, 'repo-config'), KFCHART_CACHE_HOME: path.join(tmp, 'repo-cache') };
    const d = await run(node, ['repo', 'add', 'x', 'http://127.0.0.1:9'], { NODE_OPTIONS: `--import ${probe}`, ...home });
    assert.is(d.code, 1, `${node}: ${d.err}`);
    assert.match(d.err, /cannot reach host 127\.0\.0\.1:9[^\n]*\nundici:false\n$/, `${node} loaded undici for a download: ${d.err}`);
  }
});

test('an exec plugin goes through client-node\'s side bundle: its token is sent, and nothing is printed on stderr (no punycode deprecation on Node 22+)', async () => {
  // a shell plugin: a Node one would print Node's own NO_COLOR/FORCE_COLOR warning under this test's environment
  const plugin = path.join(tmp, 'get-token.sh');
  writeFileSync(plugin, `printf '%s' '${JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'plugin-token' } })}'\n`);
  const nodes = [process.execPath, ...[24, 26].map((v) => path.join(root, `bench/.tools/node${v}/bin/node`)).filter((f) => existsSync(f))];
  for (const node of nodes) {
    const file = kubeconfig(`{exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: [${JSON.stringify(plugin)}], interactiveMode: Never}}`);
    seen.length = 0;
    // without run()'s NO_COLOR + FORCE_COLOR pair, about which Node 24+ warns once something asks for colours
    const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: '' };
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    const r = await new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(node, [bin, 'list', '--kubeconfig', file], { env, encoding: 'utf8', timeout: 20_000 }, (e, out, err) => resolve({ code: e ? 1 : 0, out, err }));
    });
    assert.is(r.code, 0, `${node}: ${r.err}`);
    assert.is(r.err, '', `${node} printed on stderr`);
    assert.match(r.out, /^NAME\s+NAMESPACE/);
    assert.ok(seen.length >= 1 && seen.every((x) => x.auth === 'Bearer plugin-token'), `${node}: ${JSON.stringify(seen)}`);
  }
});

test('kubectl\'s tokenFile is read again when the server answers 401 (a rotated token)', async () => {
  const tokenFile = path.join(tmp, 'rotating-token');
  writeFileSync(tokenFile, 'old-token\n');
  const auths: (string | undefined)[] = [];
  const srv = http.createServer((req, res) => {
    auths.push(req.headers.authorization);
    if (req.headers.authorization !== 'Bearer new-token') {
      writeFileSync(tokenFile, 'new-token\n'); // rotated while the request was on its way
      res.statusCode = 401;
      res.setHeader('Content-Type', 'application/json');
      return res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Unauthorized","code":401}');
    }
    res.setHeader('Content-Type', 'application/json');
    res.end('{"kind":"SecretList","apiVersion":"v1","items":[]}');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const p = (srv.address() as AddressInfo).port;
  const file = path.join(tmp, 'kubeconfig-tokenfile');
  writeFileSync(file, `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster: {server: "http://127.0.0.1:${p}", insecure-skip-tls-verify: true}\n` +
    'contexts:\n- name: c\n  context: {cluster: k, user: u}\nusers:\n- name: u\n  user: {tokenFile: rotating-token}\n');
  const c = await connect({ kubeconfig: file });
  try {
    const list = await c.request<{ kind: string }>('GET', '/api/v1/secrets');
    assert.is(list.kind, 'SecretList');
    assert.equal(auths, ['Bearer old-token', 'Bearer new-token']);
  } finally {
    c.close();
    srv.close();
  }
});

test.run();
