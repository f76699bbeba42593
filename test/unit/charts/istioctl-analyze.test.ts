// `istioctl analyze` (the real istioctl 1.29.1, built by test/auth/build.sh) on what the kubeflow chart renders:
// the chart defaults and every file in examples/, rendered by the built CLI (dist/bin/kfchart.js) with
// --include-crds and analyzed offline (--use-kube=false -A). No Error-level message is allowed; every Warning and
// Info must be on the allow-list in _istioctl.ts (each with the reason it stays; docs/charts.md "istioctl analyze" lists the
// same), and every allow-list entry must still occur, so the list cannot go stale.
// The binary missing is a failure, not a skip: build it with `bash test/auth/build.sh istioctl`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './_charts.js';
import { ISTIOCTL, ALLOWED, allowed, analyze, describe } from './_istioctl.js';

const CLI = join(ROOT, 'dist/bin/kfchart.js');
const examples = readdirSync(join(ROOT, 'examples')).filter((f) => /\.ya?ml$/.test(f)).sort();
const cases: [string, string[]][] = [['chart defaults', []], ...examples.map((f): [string, string[]] => [f, ['-f', join(ROOT, 'examples', f)]])];
const seen = new Set<(typeof ALLOWED)[number]>();
const dir = mkdtempSync(join(tmpdir(), 'kfchart-analyze-'));

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('examples/ has files to analyze and the built CLI exists', () => {
  assert.ok(examples.length >= 3, examples.join(', '));
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\``);
  assert.ok(existsSync(ISTIOCTL), `istioctl 1.29.1 is missing at ${ISTIOCTL}: build it with \`bash test/auth/build.sh istioctl\``);
});

for (const [name, files] of cases) {
  test(`istioctl analyze: kubeflow with ${name}: no errors, only allow-listed warnings`, () => {
    const yaml = execFileSync(process.execPath, [CLI, 'template', 'kubeflow', join(ROOT, 'charts/kubeflow'), ...files, '--include-crds'], {
      encoding: 'utf8', maxBuffer: 64 << 20,
    });
    assert.ok(/kind: Deployment/.test(yaml) && /kind: CustomResourceDefinition/.test(yaml), 'rendered objects and CRDs');
    const file = join(dir, `${name.replace(/[^a-z0-9.-]+/gi, '_')}.yaml`);
    writeFileSync(file, yaml);
    const found = analyze(['--use-kube=false', file]);
    const errors = found.filter((f) => f.level === 'Error');
    assert.is(errors.length, 0, `Error-level messages:\n${describe(errors)}`);
    const unexpected = found.filter((f) => !allowed(f));
    assert.is(unexpected.length, 0, `messages not on the allow-list of test/unit/charts/_istioctl.ts:\n${describe(unexpected)}`);
    for (const f of found) seen.add(allowed(f)!);
  });
}

test('istioctl analyze: every allow-list entry still occurs (a fixed warning leaves the list)', () => {
  const stale = ALLOWED.filter((a) => !a.liveOnly && !seen.has(a));
  assert.is(stale.length, 0, `allow-list entries no render produced any more: ${stale.map((a) => `${a.code} ${a.origin}`).join(', ')}`);
});

test.run();
