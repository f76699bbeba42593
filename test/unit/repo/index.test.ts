// `kfchart repo index`: Helm's layout (apiVersion v1, generated, entries, digest, urls, created), versions newest
// first by SemVer, sub-folders, --url, --merge (remote entries kept, `created` kept, immutable versions), the
// duplicate rule, the index schema on every read, and version picking with ranges and prereleases.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { packageChart } from '../../../engine/actions/package.js';
import { repoIndexAction } from '../../../engine/actions/repo.js';
import { parseIndex, pickVersion, sha256 } from '../../../engine/repo/repoindex.js';
import { tmpDir, cleanTmp, DEMO } from './helpers.js';
import { rejects } from '../../helpers/assert.js';

test.after(cleanTmp);

async function repoWith(versions: string[], sub: Record<string, string> = {}): Promise<string> {
  const d = await tmpDir();
  for (const v of versions) {
    const dest = sub[v] ? path.join(d, sub[v]!) : d;
    await packageChart(DEMO, { destination: dest, version: v, skipLint: true });
  }
  return d;
}

test('writes Helm-layout index.yaml: entries, digest = sha256 of the archive, urls, created, newest first', async () => {
  const d = await repoWith(['0.1.0', '0.10.0', '0.2.0', '1.0.0-rc.1'], { '0.2.0': 'old/sub' });
  const r = await repoIndexAction(d, { now: new Date('2026-01-02T03:04:05Z') });
  assert.is(r.versions, 4);
  const idx = yaml.load(await readFile(path.join(d, 'index.yaml'), 'utf8')) as any;
  assert.equal(Object.keys(idx), ['apiVersion', 'entries', 'generated']);
  assert.is(idx.apiVersion, 'v1');
  assert.is(idx.generated, '2026-01-02T03:04:05.000Z');
  assert.equal(idx.entries.demo.map((v: any) => v.version), ['1.0.0-rc.1', '0.10.0', '0.2.0', '0.1.0']);
  const v2 = idx.entries.demo.find((v: any) => v.version === '0.2.0');
  assert.equal(v2.urls, ['old/sub/demo-0.2.0.tgz']);
  assert.is(v2.digest, sha256(await readFile(path.join(d, 'old/sub/demo-0.2.0.tgz'))));
  assert.is(v2.created, '2026-01-02T03:04:05.000Z');
  assert.is(v2.apiVersion, 'v2');
  assert.is(v2.name, 'demo');
  assert.is(v2.description, 'Demo chart for packaging and repository tests');
  assert.equal(v2.keywords, ['demo', 'fixture']);
});

test('--url makes absolute urls (trailing slash tolerated)', async () => {
  const d = await repoWith(['0.1.0']);
  await repoIndexAction(d, { url: 'https://charts.example.org/kf/' });
  const idx = parseIndex(await readFile(path.join(d, 'index.yaml'), 'utf8'), 'index.yaml');
  assert.equal(idx.entries.demo![0]!.urls, ['https://charts.example.org/kf/demo-0.1.0.tgz']);
  await rejects(repoIndexAction(d, { url: 'ftp://x' }), /ftp URLs are not supported/);
});

test('the same name+version with different content in one folder is an error', async () => {
  const d = await repoWith(['0.1.0']);
  await mkdir(path.join(d, 'other'));
  await packageChart(DEMO, { destination: path.join(d, 'other'), appVersion: 'changed', skipLint: true });
  await rejects(repoIndexAction(d), /chart demo 0\.1\.0 is also in .* with different content \(a version is immutable\)/);
});

test('the same archive twice is one entry', async () => {
  const d = await repoWith(['0.1.0']);
  await mkdir(path.join(d, 'mirror'));
  await copyFile(path.join(d, 'demo-0.1.0.tgz'), path.join(d, 'mirror', 'demo-0.1.0.tgz'));
  const r = await repoIndexAction(d);
  assert.is(r.versions, 1);
});

test('--merge keeps entries not present locally and their created time; a changed published version is refused', async () => {
  const pub = await repoWith(['0.1.0', '0.2.0']);
  await repoIndexAction(pub, { url: 'https://charts.example.org', now: new Date('2025-01-01T00:00:00Z') });
  const published = path.join(pub, 'index.yaml');

  // Local folder: only 0.2.0 (same bytes: reproducible) and a new 0.3.0.
  const local = await repoWith(['0.2.0', '0.3.0']);
  await repoIndexAction(local, { url: 'https://charts.example.org', merge: published, now: new Date('2026-06-01T00:00:00Z') });
  const idx = parseIndex(await readFile(path.join(local, 'index.yaml'), 'utf8'), 'merged');
  assert.equal(idx.entries.demo!.map((v) => [v.version, v.created]), [
    ['0.3.0', '2026-06-01T00:00:00.000Z'],
    ['0.2.0', '2025-01-01T00:00:00.000Z'],
    ['0.1.0', '2025-01-01T00:00:00.000Z'],
  ]);
  assert.equal(idx.entries.demo![2]!.urls, ['https://charts.example.org/demo-0.1.0.tgz']);

  const changed = await tmpDir();
  await packageChart(DEMO, { destination: changed, version: '0.2.0', appVersion: 'different', skipLint: true });
  await rejects(repoIndexAction(changed, { merge: published }), /demo 0\.2\.0 is already published in .* \(a published version is immutable; bump the version\)/);
});

test('every index read is validated against schemas/index.schema.json', () => {
  const bad = [
    ['apiVersion: v2\nentries: {}\n', /apiVersion|must be equal to constant/],
    ['apiVersion: v1\nentries:\n  demo:\n    - name: demo\n      version: 1.0.0\n      urls: [a.tgz]\n', /digest/],
    ['apiVersion: v1\nentries:\n  demo:\n    - name: demo\n      version: 1.0.0\n      urls: []\n      digest: ' + 'a'.repeat(64) + '\n', /urls/],
    ['apiVersion: v1\nentries:\n  demo:\n    - name: demo\n      version: banana\n      urls: [x]\n      digest: ' + 'a'.repeat(64) + '\n', /not SemVer/],
    ['apiVersion: v1\nentries:\n  demo:\n    - name: other\n      version: 1.0.0\n      urls: [x]\n      digest: ' + 'a'.repeat(64) + '\n', /holds a version of chart "other"/],
    ['<html>oops</html>\n', /not a chart repository index/],
  ] as const;
  for (const [text, re] of bad) {
    assert.throws(() => parseIndex(text, 'https://x/index.yaml'), (e: Error) => re.test(e.message) && e.message.startsWith('https://x/index.yaml'));
  }
});

test('pickVersion: newest match, prereleases only when the range asks, clear error listing versions', () => {
  const digest = 'a'.repeat(64);
  const v = (version: string) => ({ name: 'demo', version, urls: ['x'], digest });
  const idx = parseIndex(
    yaml.dump({ apiVersion: 'v1', entries: { demo: ['1.0.0', '1.2.0', '1.10.0', '2.0.0-rc.1', '0.9.0'].map(v) } }),
    'idx',
  );
  assert.is(pickVersion(idx, 'demo', undefined, 'r').version, '1.10.0');
  assert.is(pickVersion(idx, 'demo', '~1.2', 'r').version, '1.2.0');
  assert.is(pickVersion(idx, 'demo', '^1.0.0', 'r').version, '1.10.0');
  assert.is(pickVersion(idx, 'demo', '>=1.0.0', 'r').version, '1.10.0');
  assert.is(pickVersion(idx, 'demo', '>=2.0.0-0', 'r').version, '2.0.0-rc.1');
  assert.is(pickVersion(idx, 'demo', '2.0.0-rc.1', 'r').version, '2.0.0-rc.1');
  assert.throws(() => pickVersion(idx, 'demo', '^3', 'r'), /no version matching \^3 \(available: 2\.0\.0-rc\.1, 1\.10\.0/);
  assert.throws(() => pickVersion(idx, 'nope', undefined, 'r'), /no chart named "nope" \(the repository has: demo\)/);
});

void writeFile;

test.run();
