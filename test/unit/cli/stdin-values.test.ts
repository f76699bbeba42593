// `-f -` reads values from standard input, as the README and Helm say (yargs took the lone `-` for a positional).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = (args: string[], input: string) => spawnSync(process.execPath, [`${ROOT}dist/bin/kfchart.js`, ...args], { input, encoding: 'utf8', timeout: 30_000 });

test('-f - and --values - read stdin; the value reaches the computed values', () => {
  for (const flag of ['-f', '--values']) {
    const r = run(['show', 'values', `${ROOT}charts/dex`, '--computed', flag, '-'], 'logLevel: debug\n');
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /^logLevel: debug$/m);
  }
});

test('-f - with bad stdin names <stdin>', () => {
  const r = run(['show', 'values', `${ROOT}charts/dex`, '--computed', '-f', '-'], 'nope: 1\n');
  assert.is(r.status, 1);
  assert.match(r.stderr, /<stdin>:1: unknown property "nope"/);
});

test.run();
