// `search repo` as helm 4 searches (issue 14), through the built CLI with helm 4 reading the same repository: the
// same hits in the same order for keywords, --versions, --devel, --version and --regexp (name matches first, then
// repo/name, description, keywords; by name, then newest version); prereleases hidden without --devel, under
// --versions too; a version listed twice shown once; a deprecated chart warned about (one line) on pull.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { tmpDir, cleanTmp, serveDir, type Served } from './helpers.js';
import { kfRun, runProg } from './kfcli.js';
import { helmBinary, isolatedHomes, type PeerCtx } from './registry-helpers.js';

interface Ctx extends PeerCtx {
  srv: Served;
}
const t = suite<Ctx>('search repo', {} as Ctx);
const FAKE = 'a'.repeat(64);

function entry(name: string, version: string, extra: string[] = [], digest = FAKE): string {
  return [`  - name: ${name}`, `    version: ${version}`, '    apiVersion: v2', `    digest: ${digest}`, '    urls:', `      - ${name}-${version}.tgz`, ...extra.map((l) => `    ${l}`)].join('\n');
}

t.before(async (ctx) => {
  ctx.dir = await tmpDir('kfchart-search-');
  ctx.helm = helmBinary();
  ({ env: ctx.env, henv: ctx.henv } = isolatedHomes(ctx.dir));
  const repo = path.join(ctx.dir, 'repo');
  const old = path.join(ctx.dir, 'old');
  await mkdir(path.join(old, 'templates'), { recursive: true });
  await writeFile(path.join(old, 'Chart.yaml'), 'apiVersion: v2\nname: old\nversion: 1.0.0\ndescription: Superseded by dex\ndeprecated: true\n');
  assert.is((await kfRun(ctx.env, ['package', old, '-d', repo])).code, 0);
  const oldDigest = createHash('sha256').update(await readFile(path.join(repo, 'old-1.0.0.tgz'))).digest('hex');
  const d = (s: string) => `description: ${s}`;
  const index = [
    'apiVersion: v1',
    'entries:',
    '  alpha:',
    entry('alpha', '1.1.0-rc.1', [d('Alpha tool for dex users')]),
    entry('alpha', '1.0.0', [d('Alpha tool for dex users')]),
    entry('alpha', '0.9.0', [d('Alpha tool')]),
    '  dex:',
    entry('dex', '2.1.0-beta.1', [d('OpenID Connect provider')]),
    entry('dex', '2.0.0', [d('OpenID Connect provider'), 'appVersion: v2.41.0']),
    entry('dex', '1.0.0', [d('OpenID Connect provider')]),
    entry('dex', '1.0.0', [d('OpenID Connect provider (listed twice)')]),
    '  dexter:',
    entry('dexter', '0.1.0', [d('Unrelated'), 'keywords: [dex, sso]']),
    '  zeta:',
    entry('zeta', '1.0.0', [d('Works with Dex and LDAP')]),
    entry('zeta', '0.1.0-alpha.1', [d('Works with Dex and LDAP')]),
    '  old:',
    entry('old', '1.0.0', [d('Superseded by dex'), 'deprecated: true'], oldDigest),
    "generated: '2026-01-01T00:00:00Z'",
    '',
  ].join('\n');
  await writeFile(path.join(repo, 'index.yaml'), index);
  ctx.srv = await serveDir(repo);
  const a = await kfRun(ctx.env, ['repo', 'add', 't', ctx.srv.url]);
  assert.is(a.code, 0, a.err);
  assert.match(a.err, /skipping chart dex version "1\.0\.0": listed twice/);
  const h = await runProg(ctx.helm, ['repo', 'add', 't', ctx.srv.url], { env: ctx.henv });
  assert.is(h.code, 0, h.err);
});
t.after(async (ctx) => {
  await ctx.srv?.close();
  await cleanTmp();
});

// kfchart's built-in repository (the bundled charts, kfchart/<chart>) is the one thing helm has not: left out here.
const hits = (json: string) => (JSON.parse(json) as { name: string; version: string }[]).filter((h) => !h.name.startsWith('kfchart/')).map((h) => `${h.name}@${h.version}`);

const cases: string[][] = [
  ['dex'],
  ['dex', '--versions'],
  ['dex', '--versions', '--devel'],
  ['dex', '--devel'],
  [],
  ['--versions'],
  ['--devel', '--versions'],
  ['DEX'],
  ['connect'],
  ['sso'],
  ['-r', '^t/de'],
  ['-r', 'Dex|Connect', '--versions'],
  ['--regexp', 'dex$', '--devel'],
  ['dex', '--version', '>=1.0.0', '--versions'],
  ['dex', '--version', '>=2.1.0-0', '--versions'],
  ['alpha', '--version', '<1.0.0'],
];

t('the same hits in the same order as helm search repo, for every flag combination', async ({ env, henv, helm }) => {
  for (const c of cases) {
    const k = await kfRun(env, ['search', 'repo', ...c, '-o', 'json']);
    assert.is(k.code, 0, `kfchart search repo ${c.join(' ')}: ${k.err}`);
    const h = await runProg(helm, ['search', 'repo', ...c, '-o', 'json'], { env: henv });
    assert.is(h.code, 0, `helm search repo ${c.join(' ')}: ${h.err}`);
    assert.equal(hits(k.out), hits(h.out), `search repo ${c.join(' ')}`);
  }
  // chart-name matches first (dex, dexter), then description matches (alpha, old, zeta), each group by name
  const k = await kfRun(env, ['search', 'repo', 'dex', '-o', 'json']);
  assert.equal(hits(k.out), ['t/dex@2.0.0', 't/dexter@0.1.0', 't/alpha@1.0.0', 't/old@1.0.0', 't/zeta@1.0.0']);
  const all = await kfRun(env, ['search', 'repo', 'dex', '--versions', '-o', 'json']);
  assert.not.ok(hits(all.out).some((h) => h.includes('-')), 'no prerelease without --devel, even under --versions');
  assert.is(hits(all.out).filter((h) => h === 't/dex@1.0.0').length, 1, 'a version listed twice is shown once');
  const bad = await kfRun(env, ['search', 'repo', '-r', '(']);
  assert.is(bad.code, 2);
  assert.match(bad.err, /--regexp "\(": not a regular expression/);
});

t('the parsed cache (<name>-index.json) is used only for the YAML it was made from', async ({ env }) => {
  const cacheDir = path.join(env.KFCHART_CACHE_HOME, 'repository');
  const before = await kfRun(env, ['search', 'repo', 'dex', '-o', 'json']);
  const json = JSON.parse(await readFile(path.join(cacheDir, 't-index.json'), 'utf8'));
  assert.is(typeof json.sha256, 'string');
  // a cache for other YAML (stale) or a damaged one is ignored and rewritten
  json.index.entries = {};
  json.sha256 = 'f'.repeat(64);
  await writeFile(path.join(cacheDir, 't-index.json'), JSON.stringify(json));
  assert.equal(hits((await kfRun(env, ['search', 'repo', 'dex', '-o', 'json'])).out), hits(before.out));
  await writeFile(path.join(cacheDir, 't-index.json'), '{not json');
  assert.equal(hits((await kfRun(env, ['search', 'repo', 'dex', '-o', 'json'])).out), hits(before.out));
  assert.match(JSON.parse(await readFile(path.join(cacheDir, 't-index.json'), 'utf8')).sha256, /^[0-9a-f]{64}$/, 'rewritten');
});

t('table output, and a deprecated chart is warned about on pull (one line on stderr)', async ({ env, dir }) => {
  const k = await kfRun(env, ['search', 'repo', 'connect provider']); // (not the built-in kfchart/dex: "OpenID Connect identity provider")
  assert.match(k.out, /^NAME\s+CHART VERSION\s+APP VERSION\s+DESCRIPTION\nt\/dex\s+2\.0\.0\s+v2\.41\.0\s+OpenID Connect provider\n$/);
  const p = await kfRun(env, ['pull', 't/old', '-d', dir]);
  assert.is(p.code, 0, p.err);
  assert.match(p.err, /^Warning: chart old 1\.0\.0 is deprecated \(http:\/\/127\.0\.0\.1:\d+\/old-1\.0\.0\.tgz\)\n$/);
  const q = await kfRun(env, ['template', 'x', 't/old']);
  assert.is(q.code, 0, q.err);
  assert.is(q.err.split('\n').filter((l) => /deprecated/.test(l)).length, 1);
});

t.run();
