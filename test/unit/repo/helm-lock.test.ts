// Helm-compatible lock files (issue 14), through the built CLI with helm 4 as the peer: for the same chart and
// repository, `helm dependency update` and `kfchart dependency update` write the same Chart.lock (same `digest:`,
// same lines apart from `generated` and kfchart's per-archive `digest`); kfchart builds from helm's lock, helm builds
// from kfchart's without calling it out of sync; `@repo` dependencies, vendored folders, condition/tags/alias and
// an apiVersion v1 chart (requirements.yaml → requirements.lock) included.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tmpDir, cleanTmp, serveDir, DEMO, type Served } from './helpers.js';
import { kfRun, runProg } from './kfcli.js';
import { helmBinary, isolatedHomes, type PeerCtx } from './registry-helpers.js';

interface Ctx extends PeerCtx {
  srv: Served;
}
const t = suite<Ctx>('Helm Chart.lock', {} as Ctx);

t.before(async (ctx) => {
  ctx.dir = await tmpDir('kfchart-lock-');
  ctx.helm = helmBinary();
  ({ env: ctx.env, henv: ctx.henv } = isolatedHomes(ctx.dir));
  const repo = path.join(ctx.dir, 'repo');
  for (const v of ['0.1.0', '0.1.5', '0.2.0']) {
    const r = await kfRun(ctx.env, ['package', DEMO, '-d', repo, '--version', v, '--skip-lint']);
    assert.is(r.code, 0, r.err);
  }
  assert.is((await kfRun(ctx.env, ['repo', 'index', repo])).code, 0);
  ctx.srv = await serveDir(repo);
  assert.is((await kfRun(ctx.env, ['repo', 'add', 'kf', ctx.srv.url])).code, 0);
  const h = await runProg(ctx.helm, ['repo', 'add', 'kf', ctx.srv.url], { env: ctx.henv });
  assert.is(h.code, 0, h.err);
});
t.after(async (ctx) => {
  await ctx.srv?.close();
  await cleanTmp();
});

/** <root>/child (a local chart) and <root>/<name> depending on it and on demo; the same layout twice. */
async function charts(root: string, name: string, chartYaml: (url: string) => string, url: string, extra?: Record<string, string>): Promise<string> {
  const child = path.join(root, 'child');
  await mkdir(path.join(child, 'templates'), { recursive: true });
  await writeFile(path.join(child, 'Chart.yaml'), 'apiVersion: v2\nname: child\nversion: 1.2.3\n');
  await writeFile(path.join(child, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: child-cm\n');
  const p = path.join(root, name);
  await mkdir(path.join(p, 'templates'), { recursive: true });
  await writeFile(path.join(p, 'Chart.yaml'), chartYaml(url));
  for (const [f, text] of Object.entries(extra ?? {})) {
    await mkdir(path.dirname(path.join(p, f)), { recursive: true });
    await writeFile(path.join(p, f), text);
  }
  return p;
}

/** The lock without the lines that may differ: `generated`, and kfchart's per-archive digests. */
const comparable = (text: string) => text.split('\n').filter((l) => !/^generated:|^ {2}digest:/.test(l)).join('\n');

async function both(ctx: Ctx, name: string, chartYaml: (url: string) => string, extra?: Record<string, string>, lockName = 'Chart.lock') {
  const hp = await charts(await tmpDir(), name, chartYaml, ctx.srv.url, extra);
  const kp = await charts(await tmpDir(), name, chartYaml, ctx.srv.url, extra);
  const h = await runProg(ctx.helm, ['dependency', 'update', hp], { env: ctx.henv });
  assert.is(h.code, 0, `helm dependency update: ${h.out}${h.err}`);
  const k = await kfRun(ctx.env, ['dependency', 'update', kp]);
  assert.is(k.code, 0, `kfchart dependency update: ${k.out}${k.err}`);
  const helmLock = await readFile(path.join(hp, lockName), 'utf8');
  const kfLock = await readFile(path.join(kp, lockName), 'utf8');
  return { hp, kp, helmLock, kfLock, k };
}

const digestOf = (lock: string) => /^digest: (sha256:[0-9a-f]{64})$/m.exec(lock)?.[1];

t('same Chart.lock as helm for file:// and repository dependencies (condition, tags, alias, a range with < >); each builds from the other', async (ctx) => {
  const yaml = (url: string) =>
    [
      'apiVersion: v2',
      'name: parent',
      'version: 1.0.0',
      'dependencies:',
      '  - name: demo',
      "    version: '>=0.1.0 <0.2.0'",
      `    repository: ${url}`,
      '    condition: demo.enabled',
      '    tags: [front, back]',
      '  - name: child',
      '    version: 1.x',
      '    repository: file://../child',
      '    alias: kid',
      '',
    ].join('\n');
  const { hp, kp, helmLock, kfLock } = await both(ctx, 'parent', yaml);
  assert.ok(digestOf(helmLock), helmLock);
  assert.is(digestOf(kfLock), digestOf(helmLock), `kfchart:\n${kfLock}\nhelm:\n${helmLock}`);
  assert.is(comparable(kfLock), comparable(helmLock));
  assert.match(kfLock, /^generated: "\d{4}-\d\d-\d\dT[\d:.]+Z"$/m);
  assert.match(kfLock, /^ {2}digest: sha256:[0-9a-f]{64}$/m, 'kfchart keeps each archive digest');
  assert.equal((await readdir(path.join(kp, 'charts'))).sort(), ['child-1.2.3.tgz', 'demo-0.1.5.tgz']);

  // helm accepts kfchart's lock: build without "out of sync", and a later update leaves it as it is
  const hb = await runProg(ctx.helm, ['dependency', 'build', kp], { env: ctx.henv });
  assert.is(hb.code, 0, `helm dependency build of kfchart's lock: ${hb.out}${hb.err}`);
  assert.not.match(hb.out + hb.err, /out of sync/);
  assert.equal((await readdir(path.join(kp, 'charts'))).sort(), ['child-1.2.3.tgz', 'demo-0.1.5.tgz']);
  const hl = await runProg(ctx.helm, ['dependency', 'list', kp], { env: ctx.henv });
  assert.match(hl.out, /demo\s+>=0.1.0 <0.2.0\s+\S+\s+ok/);

  // kfchart reads helm's lock (no archive digests): build restores charts/, then renders
  const kb = await kfRun(ctx.env, ['dependency', 'build', hp]);
  assert.is(kb.code, 0, `kfchart dependency build of helm's lock: ${kb.out}${kb.err}`);
  const demo = await readFile(path.join(hp, 'charts', 'demo-0.1.5.tgz'));
  assert.ok(demo.equals(await readFile(path.join(ctx.dir, 'repo', 'demo-0.1.5.tgz'))));
  const tpl = await kfRun(ctx.env, ['template', 'x', hp]);
  assert.is(tpl.code, 0, tpl.err);
  assert.match(tpl.out, /name: child-cm/);

  // a changed dependency list makes helm's lock out of date for kfchart too
  await writeFile(path.join(hp, 'Chart.yaml'), yaml(ctx.srv.url).replace('<0.2.0', '<0.3.0'));
  const stale = await kfRun(ctx.env, ['dependency', 'build', hp]);
  assert.is(stale.code, 1);
  assert.match(stale.err, /out of date/);
});

t('@repo dependencies lock the repository URL and a vendored folder is locked with its range, as helm does', async (ctx) => {
  const yaml = () =>
    ['apiVersion: v2', 'name: aliased', 'version: 0.1.0', 'dependencies:', '  - name: vend', '    version: ^1.0.0', '  - name: demo', "    version: '*'", "    repository: '@kf'", ''].join('\n');
  const vend = { 'charts/vend/Chart.yaml': 'apiVersion: v2\nname: vend\nversion: 1.0.1\n' };
  const { kp, helmLock, kfLock } = await both(ctx, 'aliased', yaml, vend);
  assert.is(digestOf(kfLock), digestOf(helmLock), `kfchart:\n${kfLock}\nhelm:\n${helmLock}`);
  assert.is(comparable(kfLock), comparable(helmLock));
  assert.match(kfLock, /- name: vend\n {2}repository: ""\n {2}version: \^1\.0\.0\n/);
  assert.match(kfLock, new RegExp(`repository: ${ctx.srv.url.replace(/[.:/]/g, '\\$&')}\n {2}version: 0\\.2\\.0`));
  const hb = await runProg(ctx.helm, ['dependency', 'build', kp], { env: ctx.henv });
  assert.is(hb.code, 0, `${hb.out}${hb.err}`);
  const kb = await kfRun(ctx.env, ['dependency', 'build', kp]);
  assert.is(kb.code, 0, kb.err);
});

t('apiVersion v1: requirements.yaml dependencies, requirements.lock as helm writes it; show and repo index read the chart', async (ctx) => {
  const chartYaml = () => 'apiVersion: v1\nname: legacy\nversion: 1.0.0\ndescription: A Helm 2 chart\nengine: gotpl\n';
  const req = {
    'requirements.yaml': [
      'dependencies:',
      '  - name: child',
      '    version: 1.x',
      '    repository: file://../child',
      '    import-values:',
      '      - child: data',
      '        parent: fromChild',
      '  - name: demo',
      '    version: ~0.1.0',
      `    repository: ${ctx.srv.url}`,
      '',
    ].join('\n'),
  };
  const { hp, kp, helmLock, kfLock } = await both(ctx, 'legacy', chartYaml, req, 'requirements.lock');
  assert.is(digestOf(kfLock), digestOf(helmLock), `kfchart:\n${kfLock}\nhelm:\n${helmLock}`);
  assert.is(comparable(kfLock), comparable(helmLock));
  const hb = await runProg(ctx.helm, ['dependency', 'build', kp], { env: ctx.henv });
  assert.is(hb.code, 0, `${hb.out}${hb.err}`);
  assert.not.match(hb.out + hb.err, /out of sync/);
  assert.is((await kfRun(ctx.env, ['dependency', 'build', hp])).code, 0);

  const show = await kfRun(ctx.env, ['show', 'chart', kp]);
  assert.is(show.code, 0, show.err);
  assert.match(show.out, /^apiVersion: v1$/m);
  assert.match(show.out, /name: demo/);
  assert.not.match(show.out, /engine:/);

  // repo index over helm's archive of the v1 chart (and kfchart's own repository folder)
  const pub = await tmpDir();
  const hpkg = await runProg(ctx.helm, ['package', hp, '-d', pub], { env: ctx.henv });
  assert.is(hpkg.code, 0, hpkg.err);
  const idx = await kfRun(ctx.env, ['repo', 'index', pub]);
  assert.is(idx.code, 0, idx.err);
  const index = await readFile(path.join(pub, 'index.yaml'), 'utf8');
  assert.match(index, /apiVersion: v1\n\s+created:/);
  assert.match(index, /name: legacy/);
  const showTgz = await kfRun(ctx.env, ['show', 'chart', path.join(pub, 'legacy-1.0.0.tgz')]);
  assert.is(showTgz.code, 0, showTgz.err);
  assert.match(showTgz.out, /^apiVersion: v1$/m);
});

t.run();
