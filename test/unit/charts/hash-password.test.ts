// kfchart hash-password: hashes from stdin or a no-echo prompt, cost policy, and the hash passes the dex schema.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { spawnSync } from 'node:child_process';
import bcrypt from 'bcryptjs';
import { hashPassword, hashPasswordAction, readHidden, checkCost } from '../../../engine/actions/hash-password.js';
import { render, ROOT } from './_charts.js';

const piped = (text: string) => {
  const s = new PassThrough();
  s.end(text);
  return s;
};

test('hashes a piped password (one trailing newline dropped), cost 12 by default', async () => {
  const h = await hashPasswordAction({ input: piped('s3cret-Pa55\n'), prompt: new PassThrough() });
  assert.match(h, /^\$2b\$12\$[./A-Za-z0-9]{53}$/);
  assert.ok(bcrypt.compareSync('s3cret-Pa55', h));
  assert.not.ok(bcrypt.compareSync('s3cret-Pa55\n', h));
});

test('--cost is honoured; below 10 and above 31 are refused', async () => {
  assert.match(await hashPassword('x-password', 10), /^\$2b\$10\$/);
  assert.throws(() => checkCost(4), /--cost 4 is too weak: .*at least 10/);
  assert.throws(() => checkCost(9), /at least 10/);
  assert.throws(() => checkCost(32), /maximum of 31/);
  assert.throws(() => checkCost(10.5), /integer/);
  await hashPasswordAction({ cost: 4, input: piped('pw'), prompt: new PassThrough() }).then(
    () => assert.unreachable('cost 4 accepted'),
    (e: Error) => assert.match(e.message, /too weak/),
  );
});

test('empty and over-long (>72 bytes) passwords are refused', async () => {
  for (const [pw, re] of [['\n', /empty/], ['x'.repeat(73), /73 bytes long; bcrypt uses only the first 72/]] as const) {
    await hashPasswordAction({ input: piped(pw), prompt: new PassThrough() }).then(
      () => assert.unreachable(`accepted ${pw.length}`),
      (e: Error) => assert.match(e.message, re),
    );
  }
});

test('terminal: prompts on the prompt stream, echoes nothing, handles backspace, asks twice', async () => {
  const input = Object.assign(new PassThrough(), { isTTY: true, raw: false, setRawMode(r: boolean) { this.raw = r; return this; } });
  const prompt = new PassThrough();
  let shown = '';
  prompt.on('data', (d) => (shown += d.toString()));
  const p = hashPasswordAction({ cost: 10, input, prompt });
  setTimeout(() => input.write('passx\u007fword-X\r'), 10);
  setTimeout(() => input.write('password-X\r'), 30);
  const h = await p;
  assert.ok(bcrypt.compareSync('password-X', h));
  assert.is(shown, 'Password: \nRepeat password: \n');
  assert.is(input.raw, false, 'raw mode restored');
});

test('terminal: mismatch and Ctrl-C are errors', async () => {
  const mk = () => Object.assign(new PassThrough(), { isTTY: true, setRawMode() { return this; } });
  const a = mk();
  const pa = hashPasswordAction({ cost: 10, input: a, prompt: new PassThrough() });
  setTimeout(() => a.write('one-password\r'), 10);
  setTimeout(() => a.write('two-password\r'), 30);
  await pa.then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /do not match/));
  const b = mk();
  const pb = readHidden({ input: b, prompt: new PassThrough() }, 'Password: ');
  setTimeout(() => b.write('abc\u0003'), 10);
  await pb.then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /cancelled/));
});

test('CLI: `kfchart hash-password` prints only the hash on stdout; the hash passes the dex chart schema', async () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}bin/kfchart.ts`, 'hash-password', '--cost', '10'], { input: 'cli-Pa55word\n', encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const hash = r.stdout.trim();
  assert.match(r.stdout, /^\$2b\$10\$[./A-Za-z0-9]{53}\n$/);
  assert.ok(bcrypt.compareSync('cli-Pa55word', hash));
  const weak = spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}bin/kfchart.ts`, 'hash-password', '--cost', '4'], { input: 'x\n', encoding: 'utf8' });
  assert.is(weak.status, 2);
  assert.match(weak.stderr, /too weak/);
  const rendered = await render('dex', { sets: [{ kind: 'set', expr: `staticPasswords[0].email=cli@example.com,staticPasswords[0].username=cli,staticPasswords[0].hash=${hash}` }] });
  assert.ok(rendered.objects.some((o) => o.kind === 'Deployment'));
});

test.run();
