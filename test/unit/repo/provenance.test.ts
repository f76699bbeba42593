// Helm provenance (issue 14): `kfchart package --sign --keyring` writes Helm's .prov, helm 4 verifies it (also from
// an OCI registry, the .prov pushed as Helm's provenance layer); kfchart verifies helm's .prov; pull/template
// --verify accept a .prov with a PGP keyring; a foreign key, a changed archive or a damaged .prov is refused, and
// `verify --signature x.prov` never talks about .sig. The throwaway key is made here with openpgp and exported as
// the legacy binary keyrings (`gpg --export` format) helm's --keyring reads.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile, mkdir, cp } from 'node:fs/promises';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { tmpDir, cleanTmp, serveDir, DEMO } from './helpers.js';
import { kfRun, runProg } from './kfcli.js';
import { helmBinary, startRegistry, isolatedHomes, type PeerCtx } from './registry-helpers.js';

type Ctx = PeerCtx;
const t = suite<Ctx>('Helm provenance', {} as Ctx);

async function keyrings(dir: string, name: string): Promise<{ sec: string; pub: string }> {
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name, email: 'test@example.invalid' }], format: 'object' });
  const sec = path.join(dir, `${name.replace(/\W/g, '')}-secring.gpg`);
  const pub = path.join(dir, `${name.replace(/\W/g, '')}-pubring.gpg`);
  await writeFile(sec, privateKey.write());
  await writeFile(pub, publicKey.write());
  return { sec, pub };
}

t.before(async (ctx) => {
  ctx.dir = await tmpDir('kfchart-prov-');
  ({ env: ctx.env, henv: ctx.henv } = isolatedHomes(ctx.dir));
  ctx.helm = helmBinary();
});
t.after(cleanTmp);

t('kfchart signs → helm verifies; helm signs → kfchart verifies; refusals name the .prov', async ({ dir, env, helm, henv }) => {
  const k = await keyrings(dir, 'kfchart test');
  const other = await keyrings(dir, 'someone else');
  const out = path.join(dir, 'k');
  let r = await kfRun(env, ['package', DEMO, '-d', out, '--sign', '--keyring', k.sec, '--key', 'kfchart test']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /Signed: .*demo-0\.1\.0\.tgz\.prov \(kfchart test <test@example\.invalid> \([0-9A-F]{16}\)\)/);
  const prov = await readFile(path.join(out, 'demo-0.1.0.tgz.prov'), 'utf8');
  assert.match(prov, /^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA\d+\n\n/);
  assert.match(prov, /\nname: demo\n/);
  assert.match(prov, /\n\.\.\.\nfiles:\n {2}demo-0\.1\.0\.tgz: sha256:[0-9a-f]{64}\n/);
  // helm 4 verifies kfchart's provenance
  r = await runProg(helm, ['verify', path.join(out, 'demo-0.1.0.tgz'), '--keyring', k.pub], { env: henv });
  assert.is(r.code, 0, r.err);
  assert.match(r.out + r.err, /Chart Hash Verified: sha256:/);
  r = await runProg(helm, ['verify', path.join(out, 'demo-0.1.0.tgz'), '--keyring', other.pub], { env: henv });
  assert.is.not(r.code, 0, 'helm refuses it with a foreign keyring');
  // kfchart verifies its own and helm's
  r = await kfRun(env, ['verify', path.join(out, 'demo-0.1.0.tgz'), '--keyring', k.pub]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /Verified .*demo-0\.1\.0\.tgz: sha256 [0-9a-f]{64}, signed by key kfchart test/);
  const hout = path.join(dir, 'h');
  await mkdir(hout, { recursive: true });
  r = await runProg(helm, ['package', DEMO, '-d', hout, '--sign', '--key', 'kfchart test', '--keyring', k.sec], { env: henv });
  assert.is(r.code, 0, r.err);
  r = await kfRun(env, ['verify', path.join(hout, 'demo-0.1.0.tgz'), '--keyring', k.pub]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /signed by key kfchart test/);
  // refusals
  r = await kfRun(env, ['verify', path.join(hout, 'demo-0.1.0.tgz'), '--keyring', other.pub]);
  assert.is(r.code, 1);
  assert.match(r.err, /provenance signed by key [0-9A-F]{16}, which is not in .*someoneelse-pubring\.gpg/);
  const changed = path.join(dir, 'changed.tgz');
  await cp(path.join(out, 'demo-0.1.0.tgz'), changed);
  await cp(path.join(hout, 'demo-0.1.0.tgz.prov'), `${changed}.prov`);
  const ours = await readFile(path.join(out, 'demo-0.1.0.tgz'));
  const theirs = await readFile(path.join(hout, 'demo-0.1.0.tgz'));
  assert.not.ok(ours.equals(theirs), 'helm and kfchart archives differ, so helm\'s .prov does not fit ours');
  r = await kfRun(env, ['verify', changed, '--keyring', k.pub, '--signature', `${changed}.prov`]);
  assert.is(r.code, 1);
  assert.match(r.err, /provenance (is for another archive|does not list)/);
  const forged = prov.replace('name: demo', 'name: dem0');
  await writeFile(path.join(dir, 'forged.prov'), forged);
  r = await kfRun(env, ['verify', path.join(out, 'demo-0.1.0.tgz'), '--keyring', k.pub, '--signature', path.join(dir, 'forged.prov')]);
  assert.is(r.code, 1);
  assert.match(r.err, /signature does not verify/);
  await writeFile(path.join(dir, 'x.prov'), 'not a signature\n');
  r = await kfRun(env, ['verify', path.join(out, 'demo-0.1.0.tgz'), '--keyring', k.pub, '--signature', path.join(dir, 'x.prov')]);
  assert.is(r.code, 1);
  assert.match(r.err, /x\.prov: not a Helm provenance file/);
  assert.not.match(r.err, /\.sig/);
});

t('pull/template --verify with a PGP keyring: from an HTTP repository (.prov next to the archive) and from OCI (helm too)', async ({ dir, env, helm, henv }) => {
  const k = await keyrings(dir, 'repo signer');
  const repo = path.join(dir, 'repo');
  let r = await kfRun(env, ['package', DEMO, '-d', repo, '--sign', '--keyring', k.sec, '--key', 'repo signer']);
  assert.is(r.code, 0, r.err);
  const srv = await serveDir(repo);
  try {
    r = await kfRun(env, ['repo', 'index', repo, '--url', srv.url]);
    assert.is(r.code, 0, r.err);
    r = await kfRun(env, ['repo', 'add', 'signed', srv.url]);
    assert.is(r.code, 0, r.err);
    r = await kfRun(env, ['pull', 'signed/demo', '--verify', '--keyring', k.pub, '-d', path.join(dir, 'p')]);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /signature OK, key repo signer/);
    assert.ok(srv.requests.includes('/demo-0.1.0.tgz.prov'));
    r = await kfRun(env, ['template', 'x', path.join(repo, 'demo-0.1.0.tgz'), '--verify', '--keyring', k.pub]);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /kind: ConfigMap/);
  } finally {
    await srv.close();
  }
  const reg = await startRegistry();
  try {
    r = await kfRun(env, ['push', path.join(repo, 'demo-0.1.0.tgz'), `oci://${reg.host}/signed`, '--plain-http']);
    assert.is(r.code, 0, r.err);
    await mkdir(path.join(dir, 'hp'), { recursive: true });
    r = await runProg(helm, ['pull', `oci://${reg.host}/signed/demo`, '--version', '0.1.0', '--plain-http', '--verify', '--keyring', k.pub, '-d', path.join(dir, 'hp')], { env: henv });
    assert.is(r.code, 0, `helm pull --verify of kfchart's OCI push: ${r.out}${r.err}`);
    r = await kfRun(env, ['pull', `oci://${reg.host}/signed/demo`, '--plain-http', '--verify', '--keyring', k.pub, '-d', path.join(dir, 'kp')]);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /signature OK, key repo signer/);
  } finally {
    await reg.stop();
  }
});

t.run();
