// The packaging and repository commands through the compiled CLI (dist/bin/kfchart.js; `npm test` builds first):
// package → repo index → repo add → search → pull --untar → verify → template from the repo, exit codes and
// one-line errors (digest mismatch, unknown chart, usage).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpDir, cleanTmp, serveDir, DEMO, type Served } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(ROOT, 'dist/bin/kfchart.js');

interface Ctx {
  env: Record<string, string>;
  dir: string;
  srv: Served;
}
const t = suite<Ctx>('repo CLI', {} as Ctx);

/** Async, so the in-process HTTP server can answer while the CLI runs. */
function kf(ctx: Ctx, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...ctx.env } });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => resolve({ code, out, err }));
  });
}

t.before(async (ctx) => {
  // `npm test` builds first; run alone on a fresh clone, build the whole CLI (tsc alone would leave dist/bin unbundled)
  if (!existsSync(BIN)) spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT });
  ctx.dir = await tmpDir();
  ctx.env = { KFCHART_CONFIG_HOME: path.join(ctx.dir, 'config'), KFCHART_CACHE_HOME: path.join(ctx.dir, 'cache') };
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(path.join(ctx.dir, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  writeFileSync(path.join(ctx.dir, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }) as string);
  ctx.srv = await serveDir(path.join(ctx.dir, 'repo'));
});
t.after(async (ctx) => {
  await ctx.srv.close();
  await cleanTmp();
});

t('package (signed) → repo index → repo add --key → search → pull --untar --verify → verify → template', async (ctx) => {
  const repo = path.join(ctx.dir, 'repo');
  let r = await kf(ctx, ['package', DEMO, '-d', repo, '--sign', '--key', path.join(ctx.dir, 'k.pem')]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^Packaged demo 0\.1\.0 to .*demo-0\.1\.0\.tgz \(\d+ bytes, sha256 [0-9a-f]{64}\)/);
  r = await kf(ctx, ['package', DEMO, '-d', repo, '--version', '0.2.0', '--skip-lint']);
  assert.is(r.code, 0, r.err);
  r = await kf(ctx, ['repo', 'index', repo, '--url', ctx.srv.url]);
  assert.match(r.out, /1 chart\(s\), 2 version\(s\) from 2 archive\(s\)/);
  r = await kf(ctx, ['repo', 'add', 'kf', ctx.srv.url, '--key', path.join(ctx.dir, 'pub.pem')]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /"kf" has been added/);
  r = await kf(ctx, ['repo', 'list', '-o', 'yaml']);
  assert.is(r.code, 0, r.err);
  assert.is(r.out, `- name: kf\n  url: ${ctx.srv.url}\n  verified: true\n`, 'real YAML (engine/yaml), not JSON-quoted strings');
  r = await kf(ctx, ['search', 'repo', 'kf/demo', '--versions', '-o', 'json']);
  assert.equal(JSON.parse(r.out).map((h: { version: string }) => h.version), ['0.2.0', '0.1.0']);
  r = await kf(ctx, ['pull', 'kf/demo', '--version', '<0.2', '--untar', '-d', path.join(ctx.dir, 'pulled'), '--verify']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /Pulled demo 0\.1\.0 .*signature OK/);
  assert.ok(existsSync(path.join(ctx.dir, 'pulled', 'demo', 'templates', 'configmap.yaml')));
  r = await kf(ctx, ['verify', path.join(repo, 'demo-0.1.0.tgz'), '--keyring', path.join(ctx.dir, 'pub.pem')]);
  assert.is(r.code, 0, r.err);
  r = await kf(ctx, ['template', 'x', 'kf/demo', '--version', '0.1.0']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /chartVersion: 0\.1\.0/);
  r = await kf(ctx, ['template', 'x', 'demo', '--repo', ctx.srv.url]);
  assert.match(r.out, /chartVersion: 0\.2\.0/);
});

t('errors: one line, exit 1 (digest mismatch, unknown chart, unsigned --verify); usage errors exit 2', async (ctx) => {
  const repo = path.join(ctx.dir, 'repo');
  const good = readFileSync(path.join(repo, 'demo-0.2.0.tgz'));
  ctx.env.KFCHART_CACHE_HOME = path.join(ctx.dir, 'cache2'); // the genuine 0.2.0 is cached (by digest) already
  ctx.srv.override.set('/demo-0.2.0.tgz', Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good[good.length - 1]! ^ 1])]));
  let r = await kf(ctx, ['pull', 'kf/demo', '-d', path.join(ctx.dir, 'evil')]);
  assert.is(r.code, 1);
  assert.match(r.err, /^Error: http:\/\/127\.0\.0\.1:\d+\/demo-0\.2\.0\.tgz: digest mismatch/);
  assert.not.ok(existsSync(path.join(ctx.dir, 'evil', 'demo-0.2.0.tgz')));
  ctx.srv.override.clear();
  r = await kf(ctx, ['pull', 'kf/nope']);
  assert.is(r.code, 1);
  assert.match(r.err, /no chart named "nope"/);
  r = await kf(ctx, ['pull', 'kf/demo', '--version', '0.2.0', '--verify', '-d', path.join(ctx.dir, 'v')]);
  assert.is(r.code, 1);
  assert.match(r.err, /demo-0\.2\.0\.tgz\.sig: signature not found \(HTTP 404\)/);
  r = await kf(ctx, ['repo', 'frobnicate']);
  assert.is(r.code, 2);
});

t.run();
