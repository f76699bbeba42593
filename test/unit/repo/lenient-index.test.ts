// Lenient, safe index loading (issue 14): an index with invalid entries loads with one warning per skipped entry
// (chart, version, reason) and the rest usable; Helm-permissive versions are read and ordered; digests normalised;
// no digest, no download; the index cap is raisable with a clear message; through the built CLI too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadIndex, formatIndexWarning } from '../../../engine/repo/lenient-index.js';
import { pickVersion, sha256, parseIndex } from '../../../engine/repo/repoindex.js';
import { looseSemver } from '../../../engine/repo/version.js';
import { tmpDir, cleanTmp, serveDir, rawTar, gz } from './helpers.js';
import { kfRun } from './kfcli.js';

const t = suite('lenient index');
t.after(cleanTmp);

const D = 'a'.repeat(64);
const e = (name: string, version: string, extra = '') => `  - name: ${name}\n    version: ${JSON.stringify(version)}\n    digest: ${D}\n    urls: [${name}-${version}.tgz]\n${extra}`;

t('Helm-permissive versions: 0.46.00, 1.2, v1.3.0 read; latest and 1.2.3.4 not', () => {
  assert.is(looseSemver('0.46.00'), '0.46.0');
  assert.is(looseSemver('1.2'), '1.2.0');
  assert.is(looseSemver('v1.3.0'), '1.3.0');
  assert.is(looseSemver('1.0.0-rc.1+b'), '1.0.0-rc.1+b');
  assert.is(looseSemver('latest'), undefined);
  assert.is(looseSemver('1.2.3.4'), undefined);
  assert.is(looseSemver('1.0.0-01'), undefined); // leading zero in a numeric prerelease: Helm refuses it too
});

t('invalid entries skipped, one warning each naming chart, version and reason; the rest usable', () => {
  const text = [
    'apiVersion: v1',
    'entries:',
    '  argo-workflows:',
    e('argo-workflows', '0.46.00').trimEnd(),
    e('argo-workflows', '0.45.1').trimEnd(),
    e('argo-workflows', 'latest').trimEnd(),
    '  - null',
    '  - name: other',
    '    version: 1.0.0',
    `    digest: ${D}`,
    '    urls: [x.tgz]',
    '  nodigest:',
    '  - name: nodigest',
    '    version: 1.0.0',
    '    urls: [x.tgz]',
    '  prefixed:',
    '  - name: prefixed',
    '    version: 1.2',
    `    digest: sha256:${D.toUpperCase()}`,
    '    urls: [p.tgz]',
    '  - name: prefixed',
    '    version: v1.3.0',
    `    digest: ${D}`,
    '    urls: [p2.tgz]',
    '  - name: prefixed',
    '    version: 1.3.0',
    `    digest: ${D}`,
    '    urls: [p3.tgz]',
    '  badtype:',
    '  - name: badtype',
    '    version: 1.0.0',
    `    digest: ${D}`,
    '    urls: x.tgz',
    'generated: "2026-01-01T00:00:00Z"',
    '',
  ].join('\n');
  const { index, warnings } = loadIndex(text, 'idx');
  const lines = warnings.map((w) => formatIndexWarning(w, 'idx'));
  assert.equal(lines, [
    'idx: skipping chart argo-workflows version "latest": version "latest" is not a SemVer version',
    'idx: skipping chart argo-workflows: empty entry',
    'idx: skipping chart argo-workflows version "1.0.0": the entry names chart "other"',
    'idx: skipping chart nodigest version "1.0.0": no digest (kfchart downloads only archives it can check)',
    'idx: skipping chart prefixed version "1.3.0": listed twice; the first entry is kept',
    'idx: skipping chart badtype version "1.0.0": urls must be array',
  ]);
  assert.equal(index.entries['argo-workflows']!.map((v) => v.version), ['0.46.00', '0.45.1']);
  assert.equal(index.entries.prefixed!.map((v) => v.version), ['v1.3.0', '1.2']);
  assert.is(index.entries.prefixed![1]!.digest, D, 'sha256: prefix and upper case normalised');
  assert.not.ok('nodigest' in index.entries, 'no digest, no download: the entry is not offered');
  assert.is(index.generated, '2026-01-01T00:00:00Z');
  assert.is(pickVersion(index, 'argo-workflows', '^0.46.0', 'x').version, '0.46.00');
  assert.is(pickVersion(index, 'argo-workflows', '0.46.00', 'x').version, '0.46.00', 'the exact published string');
  assert.is(pickVersion(index, 'prefixed', undefined, 'x').version, 'v1.3.0');
  // what kfchart publishes stays strict (repo index --merge reads with parseIndex)
  assert.throws(() => parseIndex(text, 'idx'), /not SemVer 2|not a valid/);
});

t('block parse equals a whole parse, and an index with anchors or unusual layout still loads', () => {
  const text = `apiVersion: v1\nentries:\n  a:\n${e('a', '1.0.0', '    description: &d "x"\n')}  b:\n${e('b', '2.0.0', '    description: *d\n')}`;
  const { index } = loadIndex(text, 'idx');
  assert.is(index.entries.b![0]!.description, 'x');
  const json = JSON.stringify({ apiVersion: 'v1', entries: { c: [{ name: 'c', version: '1.0', digest: D, urls: ['c.tgz'] }] } });
  assert.is(loadIndex(json, 'j').index.entries.c![0]!.version, '1.0');
  assert.throws(() => loadIndex('entries: {}\n', 'n'), /no apiVersion/);
  assert.throws(() => loadIndex('apiVersion: v1\nentries: [1]\n', 'n'), /entries must be a mapping/);
});

t('CLI: repo add of an index with bad entries warns once per entry and pulls a permissive version, digest-checked', async () => {
  const dir = await tmpDir();
  const repo = path.join(dir, 'repo');
  await mkdir(repo, { recursive: true });
  const tgz = gz(rawTar([
    { path: 'argo/', type: 'Directory' },
    { path: 'argo/Chart.yaml', data: 'apiVersion: v2\nname: argo\nversion: 0.46.00\n' },
  ]));
  await writeFile(path.join(repo, 'argo-0.46.00.tgz'), tgz);
  await writeFile(
    path.join(repo, 'index.yaml'),
    `apiVersion: v1\nentries:\n  argo:\n  - name: argo\n    version: 0.46.00\n    digest: sha256:${sha256(tgz)}\n    urls: [argo-0.46.00.tgz]\n  - name: argo\n    version: latest\n    digest: ${D}\n    urls: [x.tgz]\n  broken:\n  - null\n`,
  );
  const srv = await serveDir(repo);
  try {
    const env = { KFCHART_CONFIG_HOME: path.join(dir, 'c'), KFCHART_CACHE_HOME: path.join(dir, 'k') };
    let r = await kfRun(env, ['repo', 'add', 'argo', srv.url]);
    assert.is(r.code, 0, r.err);
    assert.match(r.err, /Warning: .*index\.yaml: skipping chart argo version "latest": version "latest" is not a SemVer version/);
    assert.match(r.err, /Warning: .*skipping chart broken: empty entry/);
    assert.is(r.err.match(/Warning:/g)!.length, 2);
    r = await kfRun(env, ['pull', 'argo/argo', '-d', dir]);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /Pulled argo 0\.46\.00 to .*argo-0\.46\.00\.tgz/);
    // the cap: a clear message naming the variable that raises it
    r = await kfRun({ ...env, KFCHART_MAX_INDEX_MB: '0.0001' }, ['repo', 'update', 'argo']);
    assert.is(r.code, 1);
    assert.match(r.out + r.err, /larger than .* MiB; raise the limit with KFCHART_MAX_INDEX_MB/);
  } finally {
    await srv.close();
  }
});

t.run();
