// `kfchart package`: reproducible archives (byte-identical whatever the files' mtimes, modes or location), the
// normalised tar headers and gzip header, .kfchartignore, --version/--app-version, vendored subcharts, lint first,
// and Ed25519 signing + `kfchart verify`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, mkdir, readFile, readdir, utimes, writeFile, cp } from 'node:fs/promises';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import zlib from 'node:zlib';
import { Parser } from 'tar';
import { packageChart, buildPackage } from '../../../engine/actions/package.js';
import { verifyAction } from '../../../engine/actions/verify.js';
import { readChartArchive, writeChartArchive } from '../../../engine/repo/archive.js';
import { sha256 } from '../../../engine/repo/repoindex.js';
import { copyChart, tmpDir, cleanTmp, DEMO } from './helpers.js';
import { rejects } from '../../helpers/assert.js';

test.after(cleanTmp);

/** Golden digest of fixtures/demo packaged: any change of tar layout, timestamps or gzip settings changes it. */
const DEMO_DIGEST = '4e80eb4f7d4ceee0a548793463043deff4fb6b6d17cc9f74d67ce9527f20ac97';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    out.push(path.join(e.parentPath ?? (e as any).path, e.name));
  }
  return out;
}

test('same chart gives byte-identical archives regardless of mtimes, modes and location (golden digest)', async () => {
  const a = await copyChart();
  const b = await copyChart();
  // Make b look like another machine on another day: different mtimes and permission bits everywhere.
  for (const f of await walk(b)) {
    await utimes(f, new Date('2031-05-06T07:08:09Z'), new Date('2031-05-06T07:08:09Z'));
    if (!f.endsWith('templates') && !f.endsWith('scratch')) await chmod(f, f.endsWith('.yaml') ? 0o600 : 0o755).catch(() => {});
  }
  const outA = await tmpDir();
  const outB = await tmpDir();
  const ra = await packageChart(a, { destination: outA });
  const rb = await packageChart(b, { destination: outB });
  const da = await readFile(ra.file);
  const db = await readFile(rb.file);
  assert.ok(da.equals(db), 'archives differ');
  assert.is(ra.digest, sha256(da));
  assert.is(path.basename(ra.file), 'demo-0.1.0.tgz');
  assert.is(ra.digest, DEMO_DIGEST, 'golden digest changed: archive layout is no longer reproducible across versions');
});

test('tar headers are normalised (mtime, uid/gid, names, modes) and the gzip header is fixed', async () => {
  const { data } = await buildPackage(DEMO);
  assert.is(data.readUInt32LE(4), 0, 'gzip mtime is 0');
  assert.is(data[9], 0xff, 'gzip OS byte is "unknown"');
  assert.is(data[3] & 0x08, 0, 'no file name in the gzip header');
  const seen: { path: string; mode: number; uid: number; gid: number; uname: string; gname: string; mtime: number; type: string }[] = [];
  const p = new Parser({
    onReadEntry: (e) => {
      seen.push({ path: e.path, mode: e.mode!, uid: e.uid!, gid: e.gid!, uname: e.uname ?? '', gname: e.gname ?? '', mtime: e.mtime!.getTime(), type: e.type });
      e.resume();
    },
  });
  p.end(zlib.gunzipSync(data));
  assert.equal(seen.map((s) => s.path), ['demo/', 'demo/.kfchartignore', 'demo/Chart.yaml', 'demo/README.md', 'demo/templates/', 'demo/templates/configmap.yaml', 'demo/values.yaml']);
  for (const s of seen) {
    assert.is(s.uid, 0);
    assert.is(s.gid, 0);
    assert.is(s.uname, '');
    assert.is(s.gname, '');
    assert.is(s.mtime, Date.UTC(1980, 0, 1));
    assert.is(s.mode & 0o7777, s.type === 'Directory' ? 0o755 : 0o644, s.path);
  }
});

test('.kfchartignore leaves files out (scratch/, *.bak)', async () => {
  const files = readChartArchive((await buildPackage(DEMO)).data, 'demo.tgz');
  assert.ok(files.has('templates/configmap.yaml'));
  assert.not.ok(files.has('scratch/notes.txt'));
  assert.not.ok(files.has('values.yaml.bak'));
});

test('--version and --app-version are written into the archived Chart.yaml (comments kept) and the file name', async () => {
  const out = await tmpDir();
  const r = await packageChart(DEMO, { destination: out, version: '2.0.0-rc.1', appVersion: 'v9' });
  assert.is(path.basename(r.file), 'demo-2.0.0-rc.1.tgz');
  const cy = readChartArchive(await readFile(r.file), r.file).get('Chart.yaml')!.toString();
  assert.match(cy, /^version: "2\.0\.0-rc\.1"$/m);
  assert.match(cy, /^appVersion: "v9"$/m);
  assert.match(cy, /^# A tiny chart/);
  // the source folder is untouched
  assert.match(await readFile(path.join(DEMO, 'Chart.yaml'), 'utf8'), /^version: 0\.1\.0$/m);
  await rejects(packageChart(DEMO, { destination: out, version: 'banana' }), /--version "banana" is not a SemVer 2 version/);
});

test('vendored subcharts under charts/ (folders and .tgz) are included', async () => {
  const c = await copyChart();
  await cp(DEMO, path.join(c, 'charts', 'inner'), { recursive: true });
  await writeFile(path.join(c, 'charts', 'inner', 'Chart.yaml'), 'apiVersion: v2\nname: inner\nversion: 1.0.0\n');
  await writeFile(path.join(c, 'charts', 'inner', 'templates', 'configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inner\n');
  const sub = writeChartArchive('packed', new Map([['Chart.yaml', Buffer.from('apiVersion: v2\nname: packed\nversion: 3.0.0\n')]]));
  await writeFile(path.join(c, 'charts', 'packed-3.0.0.tgz'), sub);
  const files = readChartArchive((await buildPackage(c)).data, 'x.tgz');
  assert.ok(files.has('charts/inner/Chart.yaml'));
  assert.ok(files.has('charts/inner/templates/configmap.yaml'));
  assert.ok(files.get('charts/packed-3.0.0.tgz')!.equals(sub));
});

test('lint runs first: a chart with a broken template is not packaged and nothing is written', async () => {
  const c = await copyChart();
  await writeFile(path.join(c, 'templates', 'broken.yaml'), 'kind: ConfigMap\nmetadata:\n  name: {{ values.nope.deeper }}\n');
  const out = await tmpDir();
  await rejects(packageChart(c, { destination: out }), /lint found 1 error\(s\); not packaging/);
  assert.equal(await readdir(out), []);
});

test('a dependency that is not vendored is refused (run dependency update first)', async () => {
  const c = await copyChart();
  await writeFile(
    path.join(c, 'Chart.yaml'),
    'apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n  - name: dex\n    version: ^1.0.0\n    repository: https://example.org/charts\n',
  );
  await rejects(packageChart(c, { destination: await tmpDir() }), /dependency "dex" \(https:\/\/example\.org\/charts\) is not in charts\/; run `kfchart dependency update/);
});

function keys(dir: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    priv: path.join(dir, 'ed25519.pem'),
    pub: path.join(dir, 'pub.pem'),
    privPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    pubPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

test('package --sign writes <tgz>.sig; verify accepts it and rejects a tampered archive or another key', async () => {
  const d = await tmpDir();
  const k = keys(d);
  await writeFile(k.priv, k.privPem);
  await writeFile(k.pub, k.pubPem);
  const r = await packageChart(DEMO, { destination: d, sign: true, key: k.priv });
  const sig = await readFile(`${r.file}.sig`, 'utf8');
  assert.match(sig, /^kfchart-signature: v1\n/);
  assert.match(sig, new RegExp(`sha256: ${r.digest}`));
  const ok = await verifyAction(r.file, { keyring: k.pub });
  assert.is(ok.digest, r.digest);

  const other = keys(d);
  const otherPub = path.join(d, 'other.pem');
  await writeFile(otherPub, other.pubPem);
  await rejects(verifyAction(r.file, { keyring: otherPub }), /signature does not verify with key/);

  const tampered = path.join(d, 'tampered.tgz');
  const data = await readFile(r.file);
  await writeFile(tampered, Buffer.concat([data.subarray(0, data.length - 8), Buffer.alloc(8)]));
  await writeFile(`${tampered}.sig`, sig);
  await rejects(verifyAction(tampered, { keyring: k.pub }), /tampered\.tgz: (signature is for another archive|corrupt gzip)/);
  // a valid, different archive with the stolen signature
  const other2 = await packageChart(DEMO, { destination: await tmpDir(), appVersion: 'x' });
  await writeFile(`${other2.file}.sig`, sig);
  await rejects(verifyAction(other2.file, { keyring: k.pub }), /signature is for another archive/);
  // forged signature bytes for the right digest
  await writeFile(`${r.file}.sig`, sig.replace(/ed25519: .*/, `ed25519: ${Buffer.alloc(64, 1).toString('base64')}`));
  await rejects(verifyAction(r.file, { keyring: k.pub }), /signature does not verify/);
});

test('--sign refuses a non-Ed25519 key', async () => {
  const d = await tmpDir();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const f = path.join(d, 'ec.pem');
  await writeFile(f, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  await rejects(packageChart(DEMO, { destination: d, sign: true, key: f }), /must be Ed25519 \(got ec\)/);
});

void mkdir;

test.run();
