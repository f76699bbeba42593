// helm 4's --wait spellings (issue 12): bare --wait, --wait=watcher and --wait=legacy wait; --wait=hookOnly (hooks
// are always waited for) and --no-wait do not; anything else is a usage error (exit 2) before any cluster is contacted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFlag } from '../../../engine/cli/flags.js';

test('waitFlag reads the raw spelling yargs turns into false', () => {
  assert.is(waitFlag(true, ['install', 'x', 'c', '--wait']), true);
  assert.is(waitFlag(false, ['install', '--wait=watcher', 'x', 'c']), true);
  assert.is(waitFlag(false, ['--wait=legacy']), true);
  assert.is(waitFlag(false, ['--wait=hookOnly']), false);
  assert.is(waitFlag(false, ['--wait', '--no-wait']), false);
  assert.is(waitFlag(false, []), false);
  assert.throws(() => waitFlag(false, ['--wait=always']), /--wait=always: use --wait \(or --wait=watcher, --wait=legacy, --wait=hookOnly/);
});

test('the CLI: --wait=bogus is a usage error naming the spellings', () => {
  const dist = fileURLToPath(new URL('../../../dist/bin/kfchart.js', import.meta.url));
  const cli = existsSync(dist) ? [dist] : ['--import', 'tsx', fileURLToPath(new URL('../../../bin/kfchart.ts', import.meta.url))];
  const r = spawnSync(process.execPath, [...cli, 'install', 'x', 'chart', '--wait=bogus', '--kubeconfig', '/nonexistent'], { encoding: 'utf8' });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--wait=bogus: use --wait/);
});

test.run();
