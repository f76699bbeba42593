// OCI registries (issue 14), against a REAL registry (go-containerregistry v0.22.1 pkg/registry, test/registry) on
// 127.0.0.1 with helm 4 as the other client: helm pushes → kfchart pulls and renders; kfchart pushes → helm pulls the
// same bytes; version ranges from the tag list; digests; dependencies from oci://; registry login/logout with the
// docker-style file helm reads (bearer-token challenge), and a clear message without credentials; https with
// --ca-file and --insecure-skip-tls-verify.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile, mkdir, cp, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { tmpDir, cleanTmp, DEMO } from './helpers.js';
import { kfRun, runProg } from './kfcli.js';
import { helmBinary, startRegistry, type Registry, isolatedHomes, type PeerCtx } from './registry-helpers.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
interface Ctx extends PeerCtx {
  reg: Registry;
}
const t = suite<Ctx>('OCI registries', {} as Ctx);

t.before(async (ctx) => {
  ctx.dir = await tmpDir('kfchart-oci-');
  ({ env: ctx.env, henv: ctx.henv } = isolatedHomes(ctx.dir));
  ctx.helm = helmBinary();
  ctx.reg = await startRegistry();
});
t.after(async (ctx) => {
  await ctx.reg?.stop();
  await cleanTmp();
});

t('helm pushes → kfchart pulls (tag, range, digest) and renders; kfchart pushes → helm pulls the same bytes', async (ctx) => {
  const { dir, env, helm, henv, reg } = ctx;
  // helm packages and pushes our (Handlebars) demo chart
  let r = await runProg(helm, ['package', DEMO, '-d', dir], { env: henv });
  assert.is(r.code, 0, r.err);
  const helmTgz = await readFile(path.join(dir, 'demo-0.1.0.tgz'));
  r = await runProg(helm, ['push', path.join(dir, 'demo-0.1.0.tgz'), `oci://${reg.host}/charts`, '--plain-http'], { env: henv });
  assert.is(r.code, 0, r.err);
  // kfchart pulls it: the bytes helm pushed
  r = await kfRun(env, ['pull', `oci://${reg.host}/charts/demo`, '--version', '0.1.0', '--plain-http', '-d', path.join(dir, 'k1')]);
  assert.is(r.code, 0, r.err);
  assert.is(sha(await readFile(path.join(dir, 'k1/demo-0.1.0.tgz'))), sha(helmTgz));
  // and renders it straight from the registry
  r = await kfRun(env, ['template', 'rel', `oci://${reg.host}/charts/demo`, '--plain-http']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /# Source: demo\/templates\/configmap\.yaml/);
  assert.match(r.out, /kind: ConfigMap/);

  // kfchart packages 0.2.0 and 0.3.0-rc.1 and pushes them
  for (const v of ['0.2.0', '0.3.0-rc.1']) {
    r = await kfRun(env, ['package', DEMO, '--version', v, '-d', path.join(dir, 'kpkg')]);
    assert.is(r.code, 0, r.err);
    r = await kfRun(env, ['push', path.join(dir, `kpkg/demo-${v}.tgz`), `oci://${reg.host}/charts`, '--plain-http']);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`Pushed: ${reg.host.replace(/\./g, '\\.')}/charts/demo:${v.replace(/\./g, '\\.')}\\nDigest: sha256:[0-9a-f]{64}`));
  }
  const kfTgz = await readFile(path.join(dir, 'kpkg/demo-0.2.0.tgz'));
  // helm pulls the same bytes
  await mkdir(path.join(dir, 'h2'), { recursive: true });
  r = await runProg(helm, ['pull', `oci://${reg.host}/charts/demo`, '--version', '0.2.0', '--plain-http', '-d', path.join(dir, 'h2')], { env: henv });
  assert.is(r.code, 0, r.err);
  assert.is(sha(await readFile(path.join(dir, 'h2/demo-0.2.0.tgz'))), sha(kfTgz), 'helm pulled the bytes kfchart pushed');
  r = await runProg(helm, ['show', 'chart', `oci://${reg.host}/charts/demo`, '--version', '0.2.0', '--plain-http'], { env: henv });
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /name: demo/);
  // the manifest is Helm's layout
  const m = await fetch(`${reg.url}/v2/charts/demo/manifests/0.2.0`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  const manifest = (await m.json()) as { config: { mediaType: string }; layers: { mediaType: string; digest: string }[]; annotations: Record<string, string> };
  assert.is(manifest.config.mediaType, 'application/vnd.cncf.helm.config.v1+json');
  assert.equal(manifest.layers.map((l) => l.mediaType), ['application/vnd.cncf.helm.chart.content.v1.tar+gzip']);
  assert.is(manifest.layers[0]!.digest, `sha256:${sha(kfTgz)}`);
  assert.is(manifest.annotations['org.opencontainers.image.title'], 'demo');
  assert.is(manifest.annotations['org.opencontainers.image.version'], '0.2.0');

  // ranges through the tag list: newest stable without --version, prereleases only when the range names one
  r = await kfRun(env, ['pull', `oci://${reg.host}/charts/demo`, '--plain-http', '-d', path.join(dir, 'k3')]);
  assert.match(r.out, /Pulled demo 0\.2\.0/, r.err);
  r = await kfRun(env, ['pull', `oci://${reg.host}/charts/demo`, '--version', '>=0.3.0-0', '--plain-http', '-d', path.join(dir, 'k3')]);
  assert.match(r.out, /Pulled demo 0\.3\.0-rc\.1/, r.err);
  r = await kfRun(env, ['pull', `oci://${reg.host}/charts/demo`, '--version', '~0.1', '--plain-http', '-d', path.join(dir, 'k3')]);
  assert.match(r.out, /Pulled demo 0\.1\.0/, r.err);
  // by digest (of the manifest)
  const digest = `sha256:${sha(Buffer.from(await (await fetch(`${reg.url}/v2/charts/demo/manifests/0.1.0`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).arrayBuffer()))}`;
  r = await kfRun(env, ['show', 'chart', `oci://${reg.host}/charts/demo@${digest}`, '--plain-http']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /version: 0\.1\.0/);
  // a missing chart and https against a plain-http registry: one clear line each
  r = await kfRun(env, ['pull', `oci://${reg.host}/charts/nope`, '--plain-http', '-d', dir]);
  assert.is(r.code, 1);
  assert.match(r.err, /oci:\/\/127\.0\.0\.1:\d+\/charts\/nope: no such chart in the registry \(HTTP 404\)/);

  // dependencies from oci://
  const parent = path.join(dir, 'parent');
  await mkdir(path.join(parent, 'templates'), { recursive: true });
  await writeFile(path.join(parent, 'Chart.yaml'), `apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n  - name: demo\n    version: "^0.2.0"\n    repository: oci://${reg.host}/charts\n`);
  await writeFile(path.join(parent, 'values.yaml'), '{}\n');
  r = await kfRun(env, ['dependency', 'update', parent, '--plain-http']);
  assert.is(r.code, 0, r.err);
  assert.is(sha(await readFile(path.join(parent, 'charts/demo-0.2.0.tgz'))), sha(kfTgz));
  assert.match(await readFile(path.join(parent, 'Chart.lock'), 'utf8'), new RegExp(`repository: oci://${reg.host.replace(/\./g, '\\.')}/charts`));
});

t('bearer-token registry: kfchart registry login stores docker-style credentials helm uses; logout; clear error without them', async (ctx) => {
  const { dir, env, helm, henv } = ctx;
  const reg = await startRegistry(['-auth', 'bearer', '-user', 'kf', '-pass', 's3cret']);
  try {
    const cfg = path.join(dir, 'registry-config.json');
    const e = { ...env, KFCHART_REGISTRY_CONFIG: cfg };
    let r = await kfRun(e, ['package', DEMO, '-d', path.join(dir, 'b')]);
    r = await kfRun(e, ['push', path.join(dir, 'b/demo-0.1.0.tgz'), `oci://${reg.host}/private`, '--plain-http']);
    assert.is(r.code, 1);
    assert.match(r.err, /needs credentials .*kfchart registry login 127\.0\.0\.1:\d+ --username/);
    r = await kfRun(e, ['registry', 'login', reg.host, '--username', 'kf', '--password-stdin', '--plain-http'], { input: 'wrong\n' });
    assert.is(r.code, 1);
    assert.match(r.err, /refused the credentials/);
    assert.not.match(r.err, /wrong/);
    r = await kfRun(e, ['registry', 'login', reg.host, '--username', 'kf', '--password-stdin', '--plain-http'], { input: 's3cret\n' });
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /Login Succeeded/);
    assert.is((await stat(cfg)).mode & 0o777, 0o600);
    const stored = JSON.parse(await readFile(cfg, 'utf8'));
    assert.is(stored.auths[reg.host].auth, Buffer.from('kf:s3cret').toString('base64'));
    r = await kfRun(e, ['push', path.join(dir, 'b/demo-0.1.0.tgz'), `oci://${reg.host}/private`, '--plain-http']);
    assert.is(r.code, 0, r.err);
    // helm reads the same credentials file
    await mkdir(path.join(dir, 'hb'), { recursive: true });
    r = await runProg(helm, ['pull', `oci://${reg.host}/private/demo`, '--version', '0.1.0', '--plain-http', '--registry-config', cfg, '-d', path.join(dir, 'hb')], { env: henv });
    assert.is(r.code, 0, r.err);
    assert.is(sha(await readFile(path.join(dir, 'hb/demo-0.1.0.tgz'))), sha(await readFile(path.join(dir, 'b/demo-0.1.0.tgz'))));
    r = await kfRun(e, ['registry', 'logout', reg.host]);
    assert.is(r.code, 0, r.err);
    assert.not.ok(JSON.parse(await readFile(cfg, 'utf8')).auths[reg.host]);
    r = await kfRun(e, ['pull', `oci://${reg.host}/private/demo`, '--plain-http', '-d', dir]);
    assert.is(r.code, 1);
    assert.match(r.err, /needs credentials/);
  } finally {
    await reg.stop();
  }
});

t('https registry: refused without its CA, works with --ca-file and with --insecure-skip-tls-verify', async (ctx) => {
  const { dir, env } = ctx;
  const d = path.join(dir, 'tls');
  await mkdir(d, { recursive: true });
  const ossl = (args: string[]) => runProg('openssl', args, { cwd: d });
  let o = await ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=kfchart test CA']);
  assert.is(o.code, 0, o.err);
  o = await ossl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
  await writeFile(path.join(d, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  o = await ossl(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '1', '-extfile', 'ext.cnf']);
  assert.is(o.code, 0, o.err);
  const reg = await startRegistry(['-cert', path.join(d, 'srv.pem'), '-key', path.join(d, 'srv.key')]);
  try {
    await cp(path.join(dir, 'kpkg/demo-0.2.0.tgz'), path.join(d, 'demo-0.2.0.tgz'));
    let r = await kfRun(env, ['push', path.join(d, 'demo-0.2.0.tgz'), `oci://${reg.host}/charts`]);
    assert.is(r.code, 1);
    assert.match(r.err, /TLS certificate of 127\.0\.0\.1:\d+ not trusted .*--ca-file/);
    r = await kfRun(env, ['push', path.join(d, 'demo-0.2.0.tgz'), `oci://${reg.host}/charts`, '--ca-file', path.join(d, 'ca.pem')]);
    assert.is(r.code, 0, r.err);
    r = await kfRun(env, ['pull', `oci://${reg.host}/charts/demo`, '--insecure-skip-tls-verify', '-d', path.join(d, 'out')]);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /Pulled demo 0\.2\.0/);
  } finally {
    await reg.stop();
  }
});

t.run();
