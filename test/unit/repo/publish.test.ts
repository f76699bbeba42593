// Publishing: `npm run repo:build` (engine/actions/repo.ts repoBuildAction + scripts/repo-build.mjs) packages every chart of a charts
// folder into a repository folder with index.yaml; serving it on 127.0.0.1 lets `template` take a chart by
// `--repo` + `--version`. Uses fixture charts; the real charts/kubeflow is exercised too when it exists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoBuildAction as buildRepo } from '../../../engine/actions/repo.js';
import { parseIndex } from '../../../engine/repo/repoindex.js';
import { templateAction } from '../../../engine/actions/template.js';
import { tmpDir, cleanTmp, isolateHomes, serveDir, DEMO } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
test.before(async () => { await isolateHomes(); });
test.after(cleanTmp);

async function chartsFolder(): Promise<string> {
  const d = await tmpDir();
  await cp(DEMO, path.join(d, 'demo'), { recursive: true });
  await mkdir(path.join(d, 'other', 'templates'), { recursive: true });
  await writeFile(path.join(d, 'other', 'Chart.yaml'), 'apiVersion: v2\nname: other\nversion: 2.1.0\ndescription: another\n');
  await writeFile(path.join(d, 'other', 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n');
  await mkdir(path.join(d, 'not-a-chart'));
  return d;
}

test('buildRepo packages every chart, writes index.yaml with --url, serves and renders by --repo/--version', async () => {
  const charts = await chartsFolder();
  const out = path.join(await tmpDir(), 'dist', 'repo');
  const srvDir = path.dirname(out);
  const srv = await serveDir(srvDir);
  try {
    const url = `${srv.url}/repo`;
    const r = await buildRepo({ chartsDir: charts, outDir: out, url });
    assert.equal(r.packaged.map((p) => `${p.name}-${p.version}`), ['demo-0.1.0', 'other-2.1.0']);
    const idx = parseIndex(await readFile(path.join(out, 'index.yaml'), 'utf8'), 'index.yaml');
    assert.equal(Object.keys(idx.entries).sort(), ['demo', 'other']);
    assert.equal(idx.entries.demo![0]!.urls, [`${url}/demo-0.1.0.tgz`]);
    const y = (await templateAction({ chartRef: 'demo', repo: url, version: '0.1.x', name: 'pub', namespace: 'default' })).yaml;
    assert.match(y, /name: pub-demo/);
    assert.match(y, /chartVersion: 0\.1\.0/);

    // Rebuilding unchanged charts keeps `created` (merge) and the digests (reproducible).
    const again = await buildRepo({ chartsDir: charts, outDir: out, url });
    const idx2 = parseIndex(await readFile(again.index, 'utf8'), 'index.yaml');
    assert.is(idx2.entries.demo![0]!.created, idx.entries.demo![0]!.created);
    assert.is(idx2.entries.demo![0]!.digest, idx.entries.demo![0]!.digest);

    // A changed chart under the same version is refused (published versions are immutable) unless --fresh.
    await writeFile(path.join(charts, 'other', 'templates', 'cm2.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other2\n');
    try {
      await buildRepo({ chartsDir: charts, outDir: out, url });
      assert.unreachable();
    } catch (e) {
      assert.match((e as Error).message, /other 2\.1\.0 is already published .* immutable/);
    }
    await buildRepo({ chartsDir: charts, outDir: out, url, fresh: true });
  } finally {
    await srv.close();
  }
});

test('scripts/repo-build.mjs: --charts/--out flags and KFCHART_REPO_URL', async () => {
  const charts = await chartsFolder();
  const out = path.join(await tmpDir(), 'repo');
  // the script runs the compiled engine: build it when missing or stale is the runner's job (npm test builds first)
  const built = await readFile(path.join(ROOT, 'dist', 'engine', 'actions', 'repo.js'), 'utf8').catch(() => '');
  if (!built.includes('repoBuildAction')) spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT }); // tsc + the bundle, never tsc alone
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'repo-build.mjs'), '--charts', charts, '--out', out], {
    env: { ...process.env, KFCHART_REPO_URL: 'https://charts.example.org/kf' },
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /packaged demo 0\.1\.0 -> /);
  const idx = parseIndex(await readFile(path.join(out, 'index.yaml'), 'utf8'), 'index.yaml');
  assert.equal(idx.entries.other![0]!.urls, ['https://charts.example.org/kf/other-2.1.0.tgz']);
});

test('the shipped kubeflow chart publishes and renders from the repository', async () => {
  const out = await tmpDir();
  const srv = await serveDir(out);
  try {
    const r = await buildRepo({ chartsDir: path.join(ROOT, 'charts'), outDir: out, url: srv.url });
    const kfPkg = r.packaged.find((p) => p.name === 'kubeflow')!;
    assert.ok(kfPkg);
    const y = (await templateAction({ chartRef: 'kubeflow', repo: srv.url, version: kfPkg.version, name: 'kf', namespace: 'kubeflow' })).yaml;
    assert.match(y, /# Source: kubeflow\//);
  } finally {
    await srv.close();
  }
});

test.run();
