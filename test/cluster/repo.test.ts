// Install from a static repository served on 127.0.0.1 (against the real control plane): `install <repo>/<chart>
// --version RANGE`, `--repo URL`, `upgrade` to a newer version from the repo, `--verify` with the repository key, and a
// digest mismatch that installs nothing (no objects, no release record).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { packageChart } from '../../engine/actions/package.js';
import { repoAddAction, repoIndexAction } from '../../engine/actions/repo.js';
import { tmpDir, cleanTmp, isolateHomes, serveDir, DEMO, type Served } from '../unit/repo/helpers.js';

const t = suite<{ srv: Served; repoDir: string; pub: string }>('install from a repository', {} as any);

t.before(async (ctx) => {
  await isolateHomes();
  ctx.repoDir = await tmpDir();
  const kd = await tmpDir();
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const priv = path.join(kd, 'k.pem');
  ctx.pub = path.join(kd, 'pub.pem');
  await writeFile(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  await writeFile(ctx.pub, publicKey.export({ type: 'spki', format: 'pem' }) as string);
  for (const v of ['0.1.0', '0.2.0']) await packageChart(DEMO, { destination: ctx.repoDir, version: v, sign: true, key: priv, skipLint: true });
  await repoIndexAction(ctx.repoDir);
  ctx.srv = await serveDir(ctx.repoDir);
});
t.after(async (ctx) => {
  await ctx.srv.close();
  const { cleanupNamespaces } = await import('../helpers/cluster.js');
  await cleanupNamespaces();
  await cleanTmp();
});

async function cm(ns: string, name: string) {
  const { coreApi, statusOf } = await import('../helpers/cluster.js');
  try {
    return await (await coreApi()).readNamespacedConfigMap({ name, namespace: ns });
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}

t('install kf/demo --version ~0.1 then upgrade from the repo to the newest, --verify with the repo key', async (ctx) => {
  const { kubeconfigPath, newNamespace } = await import('../helpers/cluster.js');
  const { installAction, upgradeAction } = await import('../../engine/actions/upgrade.js');
  const ns = await newNamespace('repo-install');
  await repoAddAction('kf', ctx.srv.url, { key: ctx.pub });
  const r1 = await installAction({ kubeconfig: kubeconfigPath(), namespace: ns, name: 'web', chartRef: 'kf/demo', version: '~0.1' } as any);
  assert.is(r1.record.chart.version, '0.1.0');
  assert.is((await cm(ns, 'web-demo'))!.data!.chartVersion, '0.1.0');
  const r2 = await upgradeAction({ kubeconfig: kubeconfigPath(), namespace: ns, name: 'web', chartRef: 'kf/demo', verify: true } as any);
  assert.is(r2.record.chart.version, '0.2.0');
  assert.is((await cm(ns, 'web-demo'))!.data!.chartVersion, '0.2.0');
});

t('install demo --repo URL (no add)', async (ctx) => {
  const { kubeconfigPath, newNamespace } = await import('../helpers/cluster.js');
  const { installAction } = await import('../../engine/actions/upgrade.js');
  const ns = await newNamespace('repo-url');
  const r = await installAction({ kubeconfig: kubeconfigPath(), namespace: ns, name: 'x', chartRef: 'demo', repo: ctx.srv.url, version: '0.1.0' } as any);
  assert.is(r.record.chart.version, '0.1.0');
  assert.ok(await cm(ns, 'x-demo'));
});

t('digest mismatch: nothing installed (no objects, no release record)', async (ctx) => {
  const { kubeconfigPath, newNamespace, coreApi } = await import('../helpers/cluster.js');
  const { installAction } = await import('../../engine/actions/upgrade.js');
  const ns = await newNamespace('repo-evil');
  await isolateHomes(); // an empty archive cache: the genuine 0.2.0 was cached (by digest) by the first test
  const evil = await tmpDir();
  const e = await packageChart(DEMO, { destination: evil, version: '0.2.0', appVersion: 'evil', skipLint: true });
  ctx.srv.override.set('/demo-0.2.0.tgz', await readFile(e.file));
  try {
    await installAction({ kubeconfig: kubeconfigPath(), namespace: ns, name: 'evil', chartRef: 'demo', repo: ctx.srv.url } as any);
    assert.unreachable('installed a tampered archive');
  } catch (err) {
    if ((err as Error).message.includes('installed a tampered')) throw err;
    assert.match((err as Error).message, /digest mismatch/);
  } finally {
    ctx.srv.override.clear();
  }
  assert.not.ok(await cm(ns, 'evil-demo'));
  const secrets = await (await coreApi()).listNamespacedSecret({ namespace: ns, labelSelector: 'owner=kfchart' });
  assert.is(secrets.items.length, 0);
});

t('install --verify refuses a chart whose signature does not verify with the repository key', async (ctx) => {
  const { kubeconfigPath, newNamespace } = await import('../helpers/cluster.js');
  const { installAction } = await import('../../engine/actions/upgrade.js');
  const ns = await newNamespace('repo-verify');
  const other = await tmpDir();
  const { publicKey } = generateKeyPairSync('ed25519');
  await writeFile(path.join(other, 'other.pem'), publicKey.export({ type: 'spki', format: 'pem' }) as string);
  await repoAddAction('kf', ctx.srv.url, { key: path.join(other, 'other.pem'), forceUpdate: true });
  try {
    await installAction({ kubeconfig: kubeconfigPath(), namespace: ns, name: 'v', chartRef: 'kf/demo', verify: true } as any);
    assert.unreachable('install --verify accepted a foreign signature');
  } catch (err) {
    assert.match((err as Error).message, /signature does not verify/);
  }
  assert.not.ok(await cm(ns, 'v-demo'));
});

t.run();
