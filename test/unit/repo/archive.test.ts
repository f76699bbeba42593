// Safe archive reading and extraction: every refusal the issue lists, the caps (entries, bytes, gzip bombs) and
// "a refused archive leaves nothing behind".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { readChartArchive, extractChartArchive, writeChartArchive, ARCHIVE_LIMITS } from '../../../engine/repo/archive.js';
import { KfError } from '../../../engine/errors.js';
import zlib from 'node:zlib';
import { Header } from 'tar';
import { rawTar, gz, tmpDir, cleanTmp, CHART_YAML, type RawEntry } from './helpers.js';
import { rejects } from '../../helpers/assert.js';

test.after(cleanTmp);

const ok: RawEntry[] = [
  { path: 'evil/', type: 'Directory' },
  { path: 'evil/Chart.yaml', data: CHART_YAML },
  { path: 'evil/templates/cm.yaml', data: 'kind: ConfigMap\n' },
];

function refused(entries: RawEntry[], match: RegExp, label = 'bad.tgz') {
  try {
    readChartArchive(gz(rawTar(entries)), label);
  } catch (e) {
    assert.instance(e, KfError);
    assert.match((e as Error).message, match);
    assert.match((e as Error).message, new RegExp(`^${label.replace('.', '\\.')}: `));
    return;
  }
  assert.unreachable(`archive was accepted, expected ${match}`);
}

test('reads an archive in memory and strips the top-level folder', () => {
  const files = readChartArchive(gz(rawTar(ok)), 'ok.tgz');
  assert.equal([...files.keys()].sort(), ['Chart.yaml', 'templates/cm.yaml']);
  assert.is(files.get('Chart.yaml')!.toString(), CHART_YAML);
});

test('round trip: writeChartArchive output reads back identically, long paths included (PAX)', () => {
  const long = `templates/${'d'.repeat(120)}/${'f'.repeat(120)}.yaml`;
  const files = new Map([
    ['Chart.yaml', Buffer.from(CHART_YAML)],
    [long, Buffer.from('x: 1\n')],
  ]);
  const back = readChartArchive(writeChartArchive('evil', files), 'w.tgz');
  assert.equal([...back.keys()].sort(), ['Chart.yaml', long].sort());
  assert.is(back.get(long)!.toString(), 'x: 1\n');
});

test('refuses absolute paths', () => refused([...ok, { path: '/etc/evil', data: 'x' }], /entry "\/etc\/evil": absolute paths/));
test('refuses ".." segments', () => refused([...ok, { path: 'evil/../../escape.txt', data: 'x' }], /"\.\." path segments/));
test('refuses symlinks', () =>
  refused([...ok, { path: 'evil/link', type: 'SymbolicLink', linkpath: '/etc/passwd' }], /entry "evil\/link": symbolic links/));
test('refuses hardlinks', () =>
  refused([...ok, { path: 'evil/hard', type: 'Link', linkpath: 'evil/Chart.yaml' }], /entry "evil\/hard": hard links/));
test('refuses device files', () => refused([...ok, { path: 'evil/dev', type: 'CharacterDevice' }], /entry type CharacterDevice is not allowed/));
test('refuses fifos', () => refused([...ok, { path: 'evil/fifo', type: 'FIFO' }], /entry type FIFO is not allowed/));
test('refuses entries outside the chart folder (second top folder)', () =>
  refused([...ok, { path: 'other/x.yaml', data: 'x' }], /entry "other\/x\.yaml": is outside the chart folder "evil\/"/));
test('refuses files at the top level', () => refused([{ path: 'Chart.yaml', data: CHART_YAML }], /outside the chart folder/));
test('refuses corrupt gzip', () => {
  const bad = gz(rawTar(ok));
  bad.fill(7, 20, 60);
  try {
    readChartArchive(bad, 'corrupt.tgz');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /^corrupt\.tgz: corrupt gzip data/);
  }
});
test('refuses a compressed stream inside the gzip (the tar parser would inflate it past the cap)', () => {
  assert.throws(() => readChartArchive(gz(gz(rawTar(ok))), 'double.tgz'), /double\.tgz: compressed twice/);
});
test('refuses data that is not gzip', () => {
  assert.throws(() => readChartArchive(Buffer.from('hello'), 'plain.tgz'), /plain\.tgz: not a gzip-compressed chart archive/);
});
test('refuses corrupt tar inside valid gzip', () => {
  const t = rawTar(ok);
  t.fill(0x41, 100, 200); // break the first header (checksum no longer matches)
  assert.throws(() => readChartArchive(gz(t), 'badtar.tgz'), /badtar\.tgz: .*corrupt tar|badtar\.tgz: archive is empty/);
});

test(`refuses more than ${ARCHIVE_LIMITS.maxEntries} entries`, () => {
  const many: RawEntry[] = [...ok];
  for (let i = 0; i < ARCHIVE_LIMITS.maxEntries; i++) many.push({ path: `evil/files/f${i}.txt`, data: 'x' });
  refused(many, /more than 5000 entries/);
});

test('gzip bomb: 1 GiB of zeros declared in one entry is refused, and decompression stops at the cap', async () => {
  // A tar whose second file claims 1 GiB, gzipped as a stream so the test never holds the 1 GiB itself.
  const head = rawTar([{ path: 'evil/Chart.yaml', data: CHART_YAML }]).subarray(0, 1024);
  const hb = Buffer.alloc(512);
  new Header({ path: 'evil/zeros', type: 'File', mode: 0o644, size: 1024 ** 3, mtime: new Date(0), uid: 0, gid: 0 }).encode(hb, 0);
  const gzs = zlib.createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzs.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => gzs.on('end', r));
  gzs.write(Buffer.concat([head, hb]));
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  for (let i = 0; i < 256; i++) if (!gzs.write(zeros)) await new Promise((r) => gzs.once('drain', r));
  gzs.end();
  await done;
  const bomb = Buffer.concat(out);
  assert.ok(bomb.length < 2 * 1024 * 1024, `bomb is small (${bomb.length} bytes)`);
  const t0 = performance.now();
  const rss0 = process.memoryUsage().rss;
  assert.throws(() => readChartArchive(bomb, 'bomb.tgz'), /bomb\.tgz: uncompressed size is over the limit of 50 MiB/);
  const ms = performance.now() - t0;
  const grew = (process.memoryUsage().rss - rss0) / 1024 / 1024;
  assert.ok(grew < 400, `memory stayed bounded (+${grew.toFixed(0)} MiB)`);
  console.log(`    gzip bomb: ${bomb.length} bytes -> 1 GiB declared; refused in ${ms.toFixed(0)} ms, rss +${grew.toFixed(0)} MiB`);
});

test('refuses more than 50 MiB of file content even when the stream is under the stream cap', () => {
  // 51 files of 1 MiB + 1 byte: content 51 MiB+, tar stream just above it.
  const entries: RawEntry[] = [...ok];
  for (let i = 0; i < 51; i++) entries.push({ path: `evil/big${i}`, data: Buffer.alloc(1024 * 1024 + 1) });
  refused(entries, /uncompressed size is over the limit of 50 MiB/);
});

test('extractChartArchive: writes via a temp folder and renames into place', async () => {
  const d = await tmpDir();
  const dest = path.join(d, 'out', 'evil');
  await extractChartArchive(gz(rawTar(ok)), dest);
  assert.is(await readFile(path.join(dest, 'Chart.yaml'), 'utf8'), CHART_YAML);
  assert.equal((await readdir(path.join(d, 'out'))).sort(), ['evil']);
});

test('extractChartArchive: a refused archive leaves nothing behind (no dest, no temp folder)', async () => {
  const d = await tmpDir();
  const dest = path.join(d, 'evil');
  const hostile = gz(rawTar([...ok, { path: 'evil/templates/zz', type: 'SymbolicLink', linkpath: '/etc/passwd' }]));
  try {
    await extractChartArchive(hostile, dest, { source: 'hostile.tgz' });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /hostile\.tgz: entry "evil\/templates\/zz": symbolic links/);
  }
  assert.equal(await readdir(d), []);
  assert.not.ok(await stat(dest).catch(() => undefined));
});

test('extractChartArchive: refuses to overwrite an existing folder', async () => {
  const d = await tmpDir();
  await extractChartArchive(gz(rawTar(ok)), path.join(d, 'evil'));
  await rejects(extractChartArchive(gz(rawTar(ok)), path.join(d, 'evil')), /already exists/);
});



test.run();
