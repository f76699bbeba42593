// Issue 12 F5 through the compiled CLI: fresh bcrypt hashes of well-known weak passwords are refused at render time
// with one line naming the values path, verdicts are cached on disk by hash, Dex's bcrypt prefixes only ($2$ refused),
// allowInsecureDefaults opts out, and hash-password wants at least 8 characters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import { weakCheckStats, weakPasswordOf } from '../../../engine/render/weak-passwords.js';
import type { CodeCache } from '../../../engine/cache/code.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'dist/bin/kfchart.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'kfchart-weak-'));
const cacheHome = path.join(tmp, 'cache');

function kf(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root, encoding: 'utf8', input, timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: cacheHome },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function userFile(name: string, hash: string, extra = ''): string {
  const f = path.join(tmp, `${name}.yaml`);
  writeFileSync(f, `dex:\n${extra}  staticPasswords:\n    - email: u@example.com\n      username: u\n      hash: "${hash}"\n`);
  return f;
}

const verdicts = () => { try { return readdirSync(path.join(cacheHome, 'kfchart', 'weak-passwords')); } catch { return []; } };

test('F5: fresh bcrypt hashes of weak passwords are refused, naming dex.staticPasswords[0].hash in one line', () => {
  for (const pw of ['12341234', 'password', 'a']) {
    const f = userFile(`weak-${pw}`, bcrypt.hashSync(pw, 10));
    const r = kf(['template', 'k', 'charts/kubeflow', '-f', f]);
    assert.is(r.code, 1, `${pw}: ${r.err}`);
    assert.match(r.err, /^Error: dex\.staticPasswords\[0\]\.hash: is the bcrypt hash of the well-known weak password/);
    assert.match(r.err, /kfchart hash-password/);
    assert.is(r.err.trim().split('\n').length, 1, r.err);
  }
});

test('F5: the verdict is cached on disk (keyed by hash and list version); the cached run refuses too', () => {
  const before = verdicts().length;
  const hash = bcrypt.hashSync('kubeflow', 10);
  const f = userFile('weak-cached', hash);
  const first = kf(['template', 'k', 'charts/kubeflow', '-f', f]);
  assert.is(first.code, 1, first.err);
  assert.is(verdicts().length, before + 1);
  const dir = path.join(cacheHome, 'kfchart', 'weak-passwords');
  const entry = verdicts().map((n) => readFileSync(path.join(dir, n), 'utf8'));
  // the entry holds its text (list version and hash: engine/cache/code.ts textKeyed), then the verdict
  assert.ok(entry.some((e) => /^\d+\nweak-passwords-\d+\0/.test(e) && e.endsWith(`${hash.slice(4)}weak:5`)), entry.join(','));
  const again = kf(['template', 'k', 'charts/kubeflow', '-f', f]);
  assert.is(again.code, 1);
  assert.match(again.err, /weak password "kubeflow"/);
});

test('F5: a cached verdict costs no bcrypt compare', () => {
  const store = new Map<string, string>();
  const cache: CodeCache = { get: (k) => store.get(k), set: (k, v) => void store.set(k, v) };
  const h = bcrypt.hashSync('not-on-any-list-9f', 4);
  weakCheckStats.compares = 0;
  assert.is(weakPasswordOf(h, cache), undefined);
  assert.ok(weakCheckStats.compares >= 8);
  assert.is(store.size, 1);
  weakCheckStats.compares = 0;
  assert.is(weakPasswordOf(h, cache), undefined);
  assert.is(weakCheckStats.compares, 0);
});

test('F5: a strong hash renders; allowInsecureDefaults: true accepts a weak one', () => {
  const ok = kf(['template', 'k', 'charts/kubeflow', '-f', 'examples/values-minimal.yaml']);
  assert.is(ok.code, 0, ok.err);
  const weak = userFile('weak-allowed', bcrypt.hashSync('password', 10), '  allowInsecureDefaults: true\n');
  const r = kf(['template', 'k', 'charts/kubeflow', '-f', weak]);
  assert.is(r.code, 0, r.err);
});

test('F5: only the bcrypt prefixes Dex supports: $2$ (and $2x$) refused, $2a$/$2b$/$2y$ accepted by the schema', () => {
  for (const prefix of ['$2$', '$2x$']) {
    const f = userFile('prefix', `${prefix}12$D0vwJO9GtkMjRfUNqEE3U.j7kn6m2cyhRR1ufq.zUArlZLzsQcZ1u`);
    const r = kf(['template', 'k', 'charts/kubeflow', '-f', f]);
    assert.is(r.code, 1, prefix);
    assert.match(r.err, /dex\.staticPasswords\[0\]\.hash: must be a bcrypt hash/);
  }
  const famous = userFile('famous', '$2$12$4K/VkmDd1q1Orb3xAt82zu8gk7Ad6ReFR4LCP9UeYE90NLiN9Df72');
  assert.is(kf(['template', 'k', 'charts/kubeflow', '-f', famous]).code, 1);
  const y = userFile('y', '$2y$12$D0vwJO9GtkMjRfUNqEE3U.j7kn6m2cyhRR1ufq.zUArlZLzsQcZ1u');
  const r = kf(['template', 'k', 'charts/kubeflow', '-f', y]);
  assert.is(r.code, 0, r.err);
});

test('F5: hash-password wants at least 8 characters and refuses a listed weak password', () => {
  const short = kf(['hash-password', '--cost', '10'], 'a\n');
  assert.is(short.code, 1);
  assert.match(short.err, /^Error: the password is 1 character long; use at least 8/);
  assert.is(short.out, '');
  const listed = kf(['hash-password', '--cost', '10'], '12341234\n');
  assert.is(listed.code, 1);
  assert.match(listed.err, /well-known weak password/);
  const good = kf(['hash-password', '--cost', '10'], 'correct horse battery\n');
  assert.is(good.code, 0, good.err);
  assert.match(good.out, /^\$2b\$10\$/);
});

test.run();
