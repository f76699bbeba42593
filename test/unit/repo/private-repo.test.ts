// Private chart repositories (issue 14) through the CLI: a local HTTPS server on 127.0.0.1 requiring basic auth
// (repo add --username/--password-stdin/--ca-file), one requiring a client certificate (--cert-file/--key-file),
// --insecure-skip-tls-verify, credentials stored 0600 and never printed, credentials only to the repository's host
// unless --pass-credentials, credentials in the URL refused with a clear message, HTTP_PROXY / NO_PROXY honoured.
// Certificates are made here with openssl.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile, stat } from 'node:fs/promises';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { tmpDir, cleanTmp, DEMO } from './helpers.js';
import { kfRun, runProg } from './kfcli.js';

interface Ctx {
  dir: string;
  repo: string;
  env: Record<string, string>;
}
const t = suite<Ctx>('private repositories', {} as Ctx);

async function certs(dir: string): Promise<void> {
  const o = (args: string[]) => runProg('openssl', args, { cwd: dir });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  for (const args of [
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=kfchart test CA'],
    ['req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1'],
    ['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '1', '-extfile', 'ext.cnf'],
    ['req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=kfchart client'],
    ['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '1'],
  ]) {
    if (args[0] === 'x509' && args.includes('ext.cnf')) await writeFile(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    const r = await o(args);
    assert.is(r.code, 0, r.err);
  }
}

function serve(dir: string, opts: { basic?: string; clientCert?: boolean }): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  return new Promise(async (resolve) => {
    const seen: string[] = [];
    const srv = https.createServer(
      {
        key: await readFile(path.join(dir, 'srv.key')),
        cert: await readFile(path.join(dir, 'srv.pem')),
        ca: await readFile(path.join(dir, 'ca.pem')),
        requestCert: Boolean(opts.clientCert),
        rejectUnauthorized: Boolean(opts.clientCert),
      },
      async (req, res) => {
        seen.push(`${req.url} ${req.headers.authorization ?? '-'}`);
        if (opts.basic && req.headers.authorization !== `Basic ${Buffer.from(opts.basic).toString('base64')}`) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end();
          return;
        }
        const f = path.join(dir, 'repo', path.basename(req.url ?? '/'));
        const data = await readFile(f).catch(() => undefined);
        if (!data) return void res.writeHead(404).end();
        res.writeHead(200).end(data);
      },
    );
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      resolve({
        url: `https://127.0.0.1:${port}`,
        seen,
        close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); }),
      });
    });
  });
}

t.before(async (ctx) => {
  ctx.dir = await tmpDir('kfchart-private-');
  await certs(ctx.dir);
  ctx.repo = path.join(ctx.dir, 'repo');
  ctx.env = { KFCHART_CONFIG_HOME: path.join(ctx.dir, 'kc'), KFCHART_CACHE_HOME: path.join(ctx.dir, 'kk'), HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '', NO_PROXY: '', no_proxy: '' };
  let r = await kfRun(ctx.env, ['package', DEMO, '-d', ctx.repo]);
  assert.is(r.code, 0, r.err);
  r = await kfRun(ctx.env, ['repo', 'index', ctx.repo]);
  assert.is(r.code, 0, r.err);
});
t.after(cleanTmp);

t('basic auth over HTTPS: --username/--password-stdin/--ca-file; stored 0600, never printed; clear refusals', async ({ dir, env }) => {
  const srv = await serve(dir, { basic: 'alice:pa55-word' });
  try {
    let r = await kfRun(env, ['repo', 'add', 'priv', srv.url, '--ca-file', path.join(dir, 'ca.pem')]);
    assert.is(r.code, 1);
    assert.match(r.err, /HTTP 401 .*needs credentials/);
    r = await kfRun(env, ['repo', 'add', 'priv', srv.url]);
    assert.is(r.code, 1);
    assert.match(r.err, /TLS certificate of 127\.0\.0\.1:\d+ not trusted .*--ca-file/);
    r = await kfRun(env, ['repo', 'add', 'priv', srv.url, '--username', 'alice', '--password-stdin', '--ca-file', path.join(dir, 'ca.pem')], { input: 'wrong\n' });
    assert.is(r.code, 1);
    assert.match(r.err, /the credentials were refused/);
    assert.not.match(r.err, /wrong/);
    r = await kfRun(env, ['repo', 'add', 'priv', srv.url, '--username', 'alice', '--password-stdin', '--ca-file', path.join(dir, 'ca.pem')], { input: 'pa55-word\n' });
    assert.is(r.code, 0, r.err);
    assert.not.match(r.out + r.err, /pa55-word/);
    const file = path.join(env.KFCHART_CONFIG_HOME!, 'repositories.yaml');
    assert.is((await stat(file)).mode & 0o777, 0o600);
    assert.match(await readFile(file, 'utf8'), /username: alice/);
    r = await kfRun(env, ['repo', 'list', '-o', 'json']);
    assert.not.match(r.out, /pa55-word/);
    r = await kfRun(env, ['pull', 'priv/demo', '-d', path.join(dir, 'out')]);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /Pulled demo 0\.1\.0/);
    r = await kfRun(env, ['repo', 'update', 'priv']);
    assert.is(r.code, 0, r.err);
    // --insecure-skip-tls-verify instead of the CA
    r = await kfRun(env, ['pull', 'demo', '--repo', srv.url, '--username', 'alice', '--password', 'pa55-word', '--insecure-skip-tls-verify', '-d', path.join(dir, 'out2')]);
    assert.is(r.code, 0, r.err);
    // credentials in the URL: a clear message, the password not echoed
    const u = new URL(srv.url);
    u.username = 'alice';
    u.password = 'pa55-word';
    r = await kfRun(env, ['repo', 'add', 'inurl', u.toString()]);
    assert.is(r.code, 2);
    assert.match(r.err, /credentials in the URL are not accepted .*--username and --password-stdin/);
    assert.not.match(r.err, /pa55-word/);
  } finally {
    await srv.close();
  }
});

t('client certificate required: refused without, works with --cert-file/--key-file', async ({ dir, env }) => {
  const srv = await serve(dir, { clientCert: true });
  try {
    let r = await kfRun(env, ['repo', 'add', 'mtls', srv.url, '--ca-file', path.join(dir, 'ca.pem')]);
    assert.is(r.code, 1);
    assert.ok(/index\.yaml: (TLS handshake with 127\.0\.0\.1:\d+ failed|cannot reach host)/.test(r.err), r.err);
    r = await kfRun(env, ['repo', 'add', 'mtls', srv.url, '--ca-file', path.join(dir, 'ca.pem'), '--cert-file', path.join(dir, 'client.pem'), '--key-file', path.join(dir, 'client.key')]);
    assert.is(r.code, 0, r.err);
    r = await kfRun(env, ['pull', 'mtls/demo', '-d', path.join(dir, 'm')]);
    assert.is(r.code, 0, r.err);
    r = await kfRun(env, ['repo', 'add', 'half', srv.url, '--cert-file', path.join(dir, 'client.pem')]);
    assert.is(r.code, 2);
    assert.match(r.err, /--cert-file and --key-file go together/);
  } finally {
    await srv.close();
  }
});

t('HTTP_PROXY is used (HTTPS through CONNECT), NO_PROXY bypasses it', async ({ dir, env }) => {
  const target = await serve(dir, {});
  const asked: string[] = [];
  const proxy = http.createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  proxy.on('connect', (req, client, head) => {
    asked.push(`CONNECT ${req.url}`);
    const [h, p] = (req.url ?? '').split(':');
    const up = net.connect(Number(p), h!, () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
  try {
    const port = new URL(target.url).port;
    let r = await kfRun({ ...env, HTTPS_PROXY: proxyUrl }, ['pull', 'demo', '--repo', target.url, '--ca-file', path.join(dir, 'ca.pem'), '-d', path.join(dir, 'px')], { timeoutMs: 20_000 });
    assert.is(r.code, 0, `${r.err} ${asked.join(',')}`);
    assert.ok(asked.includes(`CONNECT 127.0.0.1:${port}`), asked.join(','));
    asked.length = 0;
    r = await kfRun({ ...env, HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' }, ['pull', 'demo', '--repo', target.url, '--ca-file', path.join(dir, 'ca.pem'), '-d', path.join(dir, 'px2')]);
    assert.is(r.code, 0, r.err);
    assert.equal(asked, []);
    // a dead proxy is named in the error
    r = await kfRun({ ...env, HTTPS_PROXY: 'http://127.0.0.1:9' }, ['pull', 'demo', '--repo', target.url, '--ca-file', path.join(dir, 'ca.pem'), '-d', path.join(dir, 'px3')]);
    assert.is(r.code, 1);
    assert.match(r.err, /cannot reach host 127\.0\.0\.1:9 \(proxy for 127\.0\.0\.1:\d+\)/);
  } finally {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await target.close();
  }
});

t.run();
