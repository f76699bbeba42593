// Consuming a repository over HTTP (a server on 127.0.0.1 started here): repo add/list/update/remove with the
// config and cache under the env-overridden XDG dirs, search, pull (--untar), template from `<repo>/<chart>` and
// `--repo URL` with SemVer ranges, the archive cache, and every safety rule: digest mismatch (nothing cached or
// written), only http/https/file, 404, bad index, unreachable host, timeouts, signatures with the repo key.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { generateKeyPairSync } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageChart } from '../../../engine/actions/package.js';
import { repoIndexAction, repoAddAction, repoListAction, repoRemoveAction, repoUpdateAction, searchRepoAction } from '../../../engine/actions/repo.js';
import { pullAction } from '../../../engine/actions/pull.js';
import { templateAction } from '../../../engine/actions/template.js';
import { resolveChart } from '../../../engine/repo/resolve.js';
import { configHome, cacheHome, repoConfigFile, indexCacheFile } from '../../../engine/repo/config.js';
import { parseIndex } from '../../../engine/repo/repoindex.js';
import { tmpDir, cleanTmp, isolateHomes, serveDir, DEMO, type Served } from './helpers.js';
import { rejects } from '../../helpers/assert.js';

interface Ctx {
  repoDir: string;
  srv: Served;
  homes: { config: string; cache: string };
  keys: { pub: string; priv: string };
}
const t = suite<Ctx>('repository over HTTP', {} as Ctx);

t.before(async (ctx) => {
  ctx.repoDir = await tmpDir();
  const kd = await tmpDir();
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  ctx.keys = { pub: path.join(kd, 'pub.pem'), priv: path.join(kd, 'ed25519.pem') };
  await writeFile(ctx.keys.pub, publicKey.export({ type: 'spki', format: 'pem' }) as string);
  await writeFile(ctx.keys.priv, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  for (const v of ['0.1.0', '0.2.0', '1.0.0-rc.1']) {
    await packageChart(DEMO, { destination: ctx.repoDir, version: v, sign: true, key: ctx.keys.priv, skipLint: true });
  }
  await repoIndexAction(ctx.repoDir);
  ctx.srv = await serveDir(ctx.repoDir);
});
t.before.each(async (ctx) => {
  ctx.homes = await isolateHomes();
  ctx.srv.override.clear();
  delete process.env.KFCHART_HTTP_TIMEOUT_MS;
});
t.after(async (ctx) => {
  await ctx.srv.close();
  await cleanTmp();
});


const render = (chartRef: string, o: { version?: string; repo?: string; verify?: boolean } = {}) =>
  templateAction({ chartRef, name: 'r', namespace: 'default', ...o }).then((x) => x.yaml);

t('repo add/list/update/remove keep config and cache under KFCHART_CONFIG_HOME / KFCHART_CACHE_HOME', async (ctx) => {
  const r = await repoAddAction('kf', `${ctx.srv.url}/`);
  assert.is(r.charts, 1);
  assert.is(repoConfigFile(), path.join(ctx.homes.config, 'repositories.yaml'));
  assert.match(await readFile(repoConfigFile(), 'utf8'), new RegExp(`name: kf\\n\\s+url: ${ctx.srv.url}\\n`));
  assert.ok(await stat(path.join(ctx.homes.cache, 'repository', 'kf-index.yaml')));
  assert.equal(await repoListAction(), [{ name: 'kf', url: ctx.srv.url, verified: false }]);
  await rejects(repoAddAction('kf', 'http://127.0.0.1:1/other'), /repository "kf" already exists/);
  const up = await repoUpdateAction();
  assert.equal(up, [{ name: 'kf', ok: true, message: '1 chart(s)' }]);
  await repoRemoveAction(['kf']);
  assert.equal(await repoListAction(), []);
  assert.not.ok(await stat(indexCacheFile('kf')).catch(() => undefined));
  await rejects(repoRemoveAction(['kf']), /no repository named "kf"/);
});

t('a hand-edited repositories.yaml with a path-like repository name is refused', async (ctx) => {
  await mkdir(ctx.homes.config, { recursive: true });
  await writeFile(repoConfigFile(), `apiVersion: v1\nrepositories:\n  - name: ../../etc\n    url: ${ctx.srv.url}\n`);
  await rejects(repoListAction(), /repositories\.yaml: repository name "\.\.\/\.\.\/etc" must be/);
});

t('XDG_CONFIG_HOME / XDG_CACHE_HOME are used when the KFCHART_ overrides are unset', async () => {
  const save = { ...process.env };
  delete process.env.KFCHART_CONFIG_HOME;
  delete process.env.KFCHART_CACHE_HOME;
  process.env.XDG_CONFIG_HOME = '/x/config';
  process.env.XDG_CACHE_HOME = '/x/cache';
  try {
    assert.is(configHome(), '/x/config/kfchart');
    assert.is(cacheHome(), '/x/cache/kfchart');
  } finally {
    process.env = save;
  }
});

t('search repo: newest stable per chart; --versions lists all stable, --devel prereleases too; --version filters', async (ctx) => {
  await repoAddAction('kf', ctx.srv.url);
  assert.equal((await searchRepoAction('kf/demo')).map((h) => [h.name, h.version]), [['kf/demo', '0.2.0']]);
  // prereleases only with --devel, under --versions too, as helm (test/unit/repo/search.test.ts compares with helm)
  assert.equal((await searchRepoAction('fixture', { versions: true })).map((h) => h.version), ['0.2.0', '0.1.0']);
  assert.equal((await searchRepoAction('fixture', { versions: true, devel: true })).map((h) => h.version), ['1.0.0-rc.1', '0.2.0', '0.1.0']);
  assert.equal((await searchRepoAction(undefined, { version: '<0.2.0' })).filter((h) => h.name.startsWith('kf/')).map((h) => h.version), ['0.1.0']);
  assert.equal(await searchRepoAction('nothing-like-this'), []);
});

t('template from <repo>/<chart> with --version range, and with --repo URL (no add)', async (ctx) => {
  // --repo: nothing is added to the config
  const out = await render('demo', { repo: ctx.srv.url, version: '0.1.x' });
  assert.match(out, /# Source: demo\/templates\/configmap\.yaml/);
  assert.match(out, /chartVersion: 0\.1\.0/);
  assert.equal(await repoListAction(), []);

  await repoAddAction('kf', ctx.srv.url);
  assert.match(await render('kf/demo', { version: '~0.1' }), /chartVersion: 0\.1\.0/);
  assert.match(await render('kf/demo'), /chartVersion: 0\.2\.0/);
  assert.match(await render('kf/demo', { version: '>=1.0.0-0' }), /chartVersion: 1\.0\.0-rc\.1/);
  await rejects(render('kf/demo', { version: '^5' }), /chart "demo" has no version matching \^5/);
  await rejects(render('kf/nope'), /no chart named "nope"/);
  await rejects(render('other/demo'), /no repository named "other"/);
});

t('file:// repositories work like http ones', async (ctx) => {
  const url = pathToFileURL(ctx.repoDir).toString();
  assert.match(await render('demo', { repo: url, version: '0.2.0' }), /chartVersion: 0\.2\.0/);
});

t('pull writes <name>-<version>.tgz; --untar extracts a folder', async (ctx) => {
  await repoAddAction('kf', ctx.srv.url);
  const d = await tmpDir();
  const p = await pullAction('kf/demo', { version: '^0.1', destination: d });
  assert.is(p.path, path.join(d, 'demo-0.1.0.tgz'));
  assert.ok((await readFile(p.path)).equals(await readFile(path.join(ctx.repoDir, 'demo-0.1.0.tgz'))));
  const u = await pullAction('demo', { repo: ctx.srv.url, destination: d, untar: true });
  assert.is(u.path, path.join(d, 'demo'));
  assert.match(await readFile(path.join(d, 'demo', 'Chart.yaml'), 'utf8'), /version: "0\.2\.0"/);
  assert.equal((await readdir(d)).sort(), ['demo', 'demo-0.1.0.tgz']);
});

t('verified archives are cached by digest: a second use makes no archive request', async (ctx) => {
  await repoAddAction('kf', ctx.srv.url);
  await resolveChart('kf/demo', { version: '0.1.0' });
  const before = ctx.srv.requests.filter((r) => r.endsWith('.tgz')).length;
  await resolveChart('kf/demo', { version: '0.1.0' });
  assert.is(ctx.srv.requests.filter((r) => r.endsWith('.tgz')).length, before);
});

t('digest mismatch: refused, nothing rendered, cached or written', async (ctx) => {
  await repoAddAction('kf', ctx.srv.url);
  // A different but perfectly valid chart archive served under the published name.
  const evil = await tmpDir();
  const r = await packageChart(DEMO, { destination: evil, version: '0.2.0', appVersion: 'evil', skipLint: true });
  ctx.srv.override.set('/demo-0.2.0.tgz', await readFile(r.file));
  await rejects(render('kf/demo', { version: '0.2.0' }), /demo-0\.2\.0\.tgz: digest mismatch: the index says sha256 [0-9a-f]{64}, the download is [0-9a-f]{64}; refusing it/);
  const d = await tmpDir();
  await rejects(pullAction('kf/demo', { version: '0.2.0', destination: d, untar: true }), /digest mismatch/);
  assert.equal(await readdir(d), []);
  const cached = await readdir(path.join(ctx.homes.cache, 'repository', 'archives')).catch(() => [] as string[]);
  assert.equal(cached, []);
});

t('404s name the URL: missing index, missing archive', async (ctx) => {
  await rejects(repoAddAction('kf', `${ctx.srv.url}/nowhere`), new RegExp(`${ctx.srv.url}/nowhere/index\\.yaml: repository index not found \\(HTTP 404\\)`));
  assert.not.ok(await stat(repoConfigFile()).catch(() => undefined), 'nothing saved');
  await repoAddAction('kf', ctx.srv.url);
  ctx.srv.override.set('/demo-0.1.0.tgz', 404);
  await rejects(render('kf/demo', { version: '0.1.0' }), /demo-0\.1\.0\.tgz: chart archive demo 0\.1\.0 not found \(HTTP 404\)/);
  ctx.srv.override.set('/demo-0.1.0.tgz', 500);
  await rejects(render('kf/demo', { version: '0.1.0' }), /demo-0\.1\.0\.tgz: fetching chart archive demo 0\.1\.0 failed: HTTP 500/);
});

t('a bad index is refused with its URL, and neither config nor cache is written', async (ctx) => {
  ctx.srv.override.set('/index.yaml', Buffer.from('<html>maintenance</html>\n'));
  await rejects(repoAddAction('kf', ctx.srv.url), /index\.yaml: not a chart repository index/);
  // (an invalid ENTRY is skipped with a warning since issue 14: lenient-index.test.ts; an invalid index is refused)
  ctx.srv.override.set('/index.yaml', Buffer.from('apiVersion: v1\nentries:\n  - name: demo\n    version: 1.0.0\n'));
  await rejects(repoAddAction('kf', ctx.srv.url), /index\.yaml: not a valid chart repository index/);
  ctx.srv.override.set('/index.yaml', Buffer.from('a: &a [*a, *a]\nb: [: oops'));
  await rejects(repoAddAction('kf', ctx.srv.url), /index\.yaml(:\d+)?: invalid YAML/);
  assert.not.ok(await stat(repoConfigFile()).catch(() => undefined));
  assert.not.ok(await stat(indexCacheFile('kf')).catch(() => undefined));
});

t('unreachable host: a clear error naming the host', async () => {
  const port = await new Promise<number>((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
  });
  await rejects(render('demo', { repo: `http://127.0.0.1:${port}` }), new RegExp(`cannot reach host 127\\.0\\.0\\.1:${port} to fetch repository index \\(ECONNREFUSED\\)`));
});

t('every request has a timeout (KFCHART_HTTP_TIMEOUT_MS)', async (ctx) => {
  process.env.KFCHART_HTTP_TIMEOUT_MS = '300';
  ctx.srv.override.set('/index.yaml', 'hang');
  const t0 = Date.now();
  await rejects(render('demo', { repo: ctx.srv.url }), /index\.yaml: no answer within 0\.3s while fetching repository index \(timeout\)/);
  assert.ok(Date.now() - t0 < 3000);
  ctx.srv.override.delete('/index.yaml');
  ctx.srv.override.set('/demo-0.2.0.tgz', 'hang');
  await rejects(render('demo', { repo: ctx.srv.url }), /demo-0\.2\.0\.tgz: no answer within 0\.3s/);
});

t('only http, https and file URLs', async (ctx) => {
  await rejects(repoAddAction('kf', 'ftp://127.0.0.1/charts'), /ftp URLs are not supported \(only http, https and file\)/);
  await rejects(render('demo', { repo: 'gopher://x' }), /gopher URLs are not supported/);
  // an index pointing archives at another scheme
  const idx = parseIndex(await readFile(path.join(ctx.repoDir, 'index.yaml'), 'utf8'), 'i');
  idx.entries.demo![0]!.urls = ['ftp://127.0.0.1/demo.tgz'];
  const { dumpIndex } = await import('../../../engine/repo/repoindex.js');
  ctx.srv.override.set('/index.yaml', Buffer.from(dumpIndex(idx)));
  await rejects(render('demo', { repo: ctx.srv.url, version: idx.entries.demo![0]!.version }), /ftp URLs are not supported/);
  // a web repository pointing an archive at a local file
  idx.entries.demo![0]!.urls = [pathToFileURL(path.join(ctx.repoDir, 'demo-0.2.0.tgz')).toString()];
  ctx.srv.override.set('/index.yaml', Buffer.from(dumpIndex(idx)));
  await rejects(render('demo', { repo: ctx.srv.url, version: idx.entries.demo![0]!.version }), /points demo .* at a local file \(file:\/\/.*\); refused/);
});

t('--verify: signature checked with the key from `repo add --key`; bad signature or no key refused', async (ctx) => {
  const added = await repoAddAction('kf', ctx.srv.url, { key: ctx.keys.pub });
  assert.match(added.keyId!, /^[0-9a-f]{16}$/);
  assert.equal(await repoListAction(), [{ name: 'kf', url: ctx.srv.url, verified: true }]);
  const chart = await resolveChart('kf/demo', { version: '0.1.0', verify: true });
  assert.is(chart.meta.version, '0.1.0');
  assert.match(await render('kf/demo', { version: '0.1.0', verify: true }), /chartVersion: 0\.1\.0/);
  // signature of another version served for 0.1.0
  ctx.srv.override.set('/demo-0.1.0.tgz.sig', await readFile(path.join(ctx.repoDir, 'demo-0.2.0.tgz.sig')));
  await rejects(resolveChart('kf/demo', { version: '0.1.0', verify: true }), /signature is for another archive/);
  ctx.srv.override.set('/demo-0.1.0.tgz.sig', 404);
  await rejects(resolveChart('kf/demo', { version: '0.1.0', verify: true }), /demo-0\.1\.0\.tgz\.sig: signature not found \(HTTP 404\)/);
  // a key that did not sign it
  const other = await tmpDir();
  const { publicKey } = generateKeyPairSync('ed25519');
  await writeFile(path.join(other, 'other.pem'), publicKey.export({ type: 'spki', format: 'pem' }) as string);
  await repoAddAction('kf', ctx.srv.url, { key: path.join(other, 'other.pem'), forceUpdate: true });
  ctx.srv.override.clear();
  await rejects(resolveChart('kf/demo', { version: '0.1.0', verify: true }), /signature does not verify with key/);
  // --repo without a configured key
  await rejects(resolveChart('demo', { repo: `${ctx.srv.url}/`.replace('127.0.0.1', 'localhost'), verify: true }), /--verify needs a public key/);
  // local archive + keyring
  const local = path.join(ctx.repoDir, 'demo-0.1.0.tgz');
  assert.is((await resolveChart(local, { verify: true, keyring: ctx.keys.pub })).meta.version, '0.1.0');
});

t('a local .tgz path works for template (and a wrong --version is refused)', async (ctx) => {
  const local = path.join(ctx.repoDir, 'demo-0.2.0.tgz');
  assert.match(await render(local), /chartVersion: 0\.2\.0/);
  await rejects(resolveChart(local, { version: '^1' }), /chart version 0\.2\.0 does not match --version \^1/);
});

void mkdir;
t.run();
