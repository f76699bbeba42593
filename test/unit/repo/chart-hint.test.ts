// kfchart's own charts say they are Handlebars charts (issue 14): every charts/*/Chart.yaml carries the annotation
// kfchart.io/template-engine: handlebars and a description hint, `repo index` carries both into the index, and a helm
// user who adds the repository sees the hint in `helm search repo` and the annotation in `helm show chart`.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { tmpDir, cleanTmp, serveDir } from './helpers.js';
import { ROOT, kfRun, runProg } from './kfcli.js';
import { helmBinary, isolatedHomes } from './registry-helpers.js';

const t = suite('kfchart charts say Handlebars');
const HINT = '(kfchart chart, Handlebars templates; install with kfchart)';
t.after(cleanTmp);

t('every chart, the index kfchart writes, and what helm shows of it', async () => {
  const dir = await tmpDir('kfchart-hint-');
  const { env, henv } = isolatedHomes(dir);
  const names = (await readdir(path.join(ROOT, 'charts'))).sort();
  assert.is(names.length, 7);
  for (const n of names) {
    const meta = yaml.load(await readFile(path.join(ROOT, 'charts', n, 'Chart.yaml'), 'utf8')) as any;
    assert.is(meta.annotations?.['kfchart.io/template-engine'], 'handlebars', n);
    assert.ok(meta.description.endsWith(` ${HINT}`), n);
  }
  const repo = path.join(dir, 'repo');
  const p = await kfRun(env, ['package', ...names.map((n) => path.join('charts', n)), '-d', repo, '--skip-lint']);
  assert.is(p.code, 0, p.err);
  assert.is((await kfRun(env, ['repo', 'index', repo])).code, 0);
  const index = yaml.load(await readFile(path.join(repo, 'index.yaml'), 'utf8')) as any;
  for (const n of names) {
    assert.is(index.entries[n][0].annotations['kfchart.io/template-engine'], 'handlebars', n);
    assert.ok(index.entries[n][0].description.endsWith(HINT), n);
  }
  const srv = await serveDir(repo);
  try {
    const helm = helmBinary();
    assert.is((await runProg(helm, ['repo', 'add', 'kf', srv.url], { env: henv })).code, 0);
    const s = await runProg(helm, ['search', 'repo', 'kf/', '-o', 'json'], { env: henv });
    const hits = JSON.parse(s.out) as { name: string; description: string }[];
    assert.equal(hits.map((h) => h.name).sort(), names.map((n) => `kf/${n}`));
    for (const h of hits) assert.ok(h.description.endsWith(HINT), h.name);
    const show = await runProg(helm, ['show', 'chart', 'kf/dex'], { env: henv });
    assert.is(show.code, 0, show.err);
    assert.match(show.out, /annotations:\n {2}kfchart\.io\/template-engine: handlebars/);
  } finally {
    await srv.close();
  }
});

t.run();
