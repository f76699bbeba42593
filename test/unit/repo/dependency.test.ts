// `kfchart dependency update|build`: local (`file://`) and repository dependencies resolved into charts/ as .tgz,
// Chart.lock with exact versions and digests, restore from the lock with digests checked, out-of-date locks, and a
// digest mismatch during update refused with charts/ untouched.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { packageChart } from '../../../engine/actions/package.js';
import { repoIndexAction, repoAddAction } from '../../../engine/actions/repo.js';
import { dependencyBuildAction, dependencyUpdateAction } from '../../../engine/actions/dependency.js';
import { templateAction } from '../../../engine/actions/template.js';
import { sha256 } from '../../../engine/repo/repoindex.js';
import { tmpDir, cleanTmp, isolateHomes, serveDir, DEMO, type Served } from './helpers.js';
import { rejects } from '../../helpers/assert.js';

const t = suite<{ srv: Served; repoDir: string }>('dependency', {} as any);

t.before(async (ctx) => {
  ctx.repoDir = await tmpDir();
  for (const v of ['0.1.0', '0.1.5', '0.2.0']) await packageChart(DEMO, { destination: ctx.repoDir, version: v, skipLint: true });
  await repoIndexAction(ctx.repoDir);
  ctx.srv = await serveDir(ctx.repoDir);
});
t.before.each(async (ctx) => {
  await isolateHomes();
  ctx.srv.override.clear();
});
t.after(async (ctx) => {
  await ctx.srv.close();
  await cleanTmp();
});

/** parent/ with a local dependency ../child (file://) and `demo` from the served repository. */
async function parent(url: string, demoRepo = url): Promise<string> {
  const root = await tmpDir();
  const child = path.join(root, 'child');
  await mkdir(path.join(child, 'templates'), { recursive: true });
  await writeFile(path.join(child, 'Chart.yaml'), 'apiVersion: v2\nname: child\nversion: 1.2.3\n');
  await writeFile(path.join(child, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: child-cm\n');
  const p = path.join(root, 'parent');
  await mkdir(path.join(p, 'templates'), { recursive: true });
  await writeFile(
    path.join(p, 'Chart.yaml'),
    [
      'apiVersion: v2',
      'name: parent',
      'version: 1.0.0',
      'dependencies:',
      '  - name: demo',
      '    version: ~0.1.0',
      `    repository: ${JSON.stringify(demoRepo)}`,
      '  - name: child',
      '    version: 1.x',
      '    repository: file://../child',
      '',
    ].join('\n'),
  );
  await writeFile(path.join(p, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: parent-cm\n');
  return p;
}

t('update: repo + file:// dependencies into charts/*.tgz and Chart.lock (exact versions, digests)', async (ctx) => {
  const p = await parent(ctx.srv.url);
  const r = await dependencyUpdateAction(p);
  assert.equal((await readdir(path.join(p, 'charts'))).sort(), ['child-1.2.3.tgz', 'demo-0.1.5.tgz']);
  const lock = yaml.load(await readFile(path.join(p, 'Chart.lock'), 'utf8')) as any;
  assert.equal(
    lock.dependencies.map((d: any) => [d.name, d.version, d.repository]),
    [['demo', '0.1.5', ctx.srv.url], ['child', '1.2.3', 'file://../child']],
  );
  const demoBytes = await readFile(path.join(p, 'charts', 'demo-0.1.5.tgz'));
  assert.ok(demoBytes.equals(await readFile(path.join(ctx.repoDir, 'demo-0.1.5.tgz'))));
  assert.is(lock.dependencies[0].digest, `sha256:${sha256(demoBytes)}`);
  assert.match(lock.digest, /^sha256:[0-9a-f]{64}$/);
  assert.is(r.written.length, 2);
  // the parent renders with both subcharts from charts/
  const out = (await templateAction({ chartRef: p, name: 'x', namespace: 'default' })).yaml;
  assert.match(out, /# Source: parent\/charts\/demo\/templates\/configmap\.yaml/);
  assert.match(out, /name: child-cm/);
});

t('build: restores byte-identical charts/ from Chart.lock, even when newer matching versions exist', async (ctx) => {
  const p = await parent(ctx.srv.url);
  await dependencyUpdateAction(p);
  const before = await readFile(path.join(p, 'charts', 'demo-0.1.5.tgz'));
  // a newer 0.1.x appears in the repository: build must still take the locked 0.1.5
  await packageChart(DEMO, { destination: ctx.repoDir, version: '0.1.9', skipLint: true });
  await repoIndexAction(ctx.repoDir);
  await rm(path.join(p, 'charts'), { recursive: true });
  await dependencyBuildAction(p);
  assert.equal((await readdir(path.join(p, 'charts'))).sort(), ['child-1.2.3.tgz', 'demo-0.1.5.tgz']);
  assert.ok((await readFile(path.join(p, 'charts', 'demo-0.1.5.tgz'))).equals(before));
  await rm(path.join(ctx.repoDir, 'demo-0.1.9.tgz'));
  await repoIndexAction(ctx.repoDir);
});

t('build: a digest different from the lock is refused (local chart changed, or lock tampered)', async (ctx) => {
  const p = await parent(ctx.srv.url);
  await dependencyUpdateAction(p);
  await writeFile(path.join(p, '..', 'child', 'templates', 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sneaky\n');
  await rm(path.join(p, 'charts'), { recursive: true });
  await rejects(dependencyBuildAction(p), /Chart\.lock: dependency "child" 1\.2\.3 from file:\/\/\.\.\/child has digest sha256:.*the lock says/);
  assert.equal(await readdir(path.join(p, 'charts')).catch(() => []), [], 'nothing placed');

  const lockFile = path.join(p, 'Chart.lock');
  await rm(path.join(p, '..', 'child', 'templates', 'extra.yaml'));
  const lock = await readFile(lockFile, 'utf8');
  await writeFile(lockFile, lock.replace(/(name: demo[\s\S]*?digest: sha256:)[0-9a-f]{4}/, '$1ffff'));
  await rejects(dependencyBuildAction(p), /dependency "demo" 0\.1\.5 .* has digest sha256:.*the lock says sha256:ffff/);
});

t('build: a lock out of date with Chart.yaml, or a missing lock, is refused', async (ctx) => {
  const p = await parent(ctx.srv.url);
  await rejects(dependencyBuildAction(p), /Chart\.lock: no lock file; run `kfchart dependency update/);
  await dependencyUpdateAction(p);
  const cy = path.join(p, 'Chart.yaml');
  await writeFile(cy, (await readFile(cy, 'utf8')).replace('~0.1.0', '^0.2.0'));
  await rejects(dependencyBuildAction(p), /Chart\.lock: out of date with Chart\.yaml dependencies/);
});

t('update: a digest mismatch is refused and charts/ is left as it was', async (ctx) => {
  const p = await parent(ctx.srv.url);
  const evil = await tmpDir();
  const e = await packageChart(DEMO, { destination: evil, version: '0.1.5', appVersion: 'evil', skipLint: true });
  ctx.srv.override.set('/demo-0.1.5.tgz', await readFile(e.file));
  await rejects(dependencyUpdateAction(p), /demo-0\.1\.5\.tgz: digest mismatch/);
  assert.equal(await readdir(path.join(p, 'charts')).catch(() => []), []);
  assert.not.ok(await readFile(path.join(p, 'Chart.lock')).catch(() => undefined));
});

t('update: @name of a configured repository; older archives of the same chart are replaced', async (ctx) => {
  await repoAddAction('kf', ctx.srv.url);
  const p = await parent(ctx.srv.url, '@kf');
  await mkdir(path.join(p, 'charts'));
  await cp(path.join(ctx.repoDir, 'demo-0.1.0.tgz'), path.join(p, 'charts', 'demo-0.1.0.tgz'));
  await writeFile(path.join(p, 'charts', 'README.txt'), 'kept\n');
  await dependencyUpdateAction(p);
  assert.equal((await readdir(path.join(p, 'charts'))).sort(), ['README.txt', 'child-1.2.3.tgz', 'demo-0.1.5.tgz']);
});

t('update: a file:// dependency of the wrong version or name is refused', async (ctx) => {
  const p = await parent(ctx.srv.url);
  const cy = path.join(p, 'Chart.yaml');
  await writeFile(cy, (await readFile(cy, 'utf8')).replace('version: 1.x', 'version: 2.x'));
  await rejects(dependencyUpdateAction(p), /dependency "child" must match 2\.x, but file:\/\/\.\.\/child is 1\.2\.3/);
  await writeFile(cy, (await readFile(cy, 'utf8')).replace('name: child', 'name: kid').replace('version: 2.x', 'version: 1.x'));
  await rejects(dependencyUpdateAction(p), /dependency "kid" points at file:\/\/\.\.\/child, which holds chart "child"/);
});


t.run();
