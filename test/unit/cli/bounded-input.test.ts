// Issue 12 F10/F11 through the compiled CLI: hostile input stops quickly with one clear line (never "unexpected
// error", never gigabytes): size caps on values files, stdin, --set-file and chart files; a node cap on values; depth
// caps instead of stack overflows; cyclic YAML aliases; symlink loops; the template engine's internal names.
// Every run is bounded: 30 s and a 400 MiB V8 heap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = process.env.KFCHART_TEST_BIN ?? path.join(root, 'dist/bin/kfchart.js');
const demo = path.join(root, 'test/unit/cli/fixtures/demo');
const tmp = mkdtempSync(path.join(tmpdir(), 'kfchart-bounded-'));

function kf(args: string[], input?: string | Buffer) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=400', '--stack-size=984', bin, ...args], {
    cwd: tmp, encoding: 'utf8', input, timeout: 30_000, maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr ?? '', ms: Date.now() - t0 };
}

/** Refused with exit 1, one line matching `re`, within `ms`. */
function refused(r: ReturnType<typeof kf>, re: RegExp, ms = 10_000, lines = 1): void {
  assert.is(r.code, 1, `exit ${r.code}: ${r.err.slice(0, 300)}`);
  assert.match(r.err, re);
  assert.not.match(r.err, /unexpected error|Maximum call stack|Cannot read properties|heap out of memory/);
  assert.is(r.err.trim().split('\n').length, lines, r.err.slice(0, 500));
  assert.ok(r.ms < ms, `took ${r.ms} ms`);
}

/** A chart with no schema whose template prints `len values.big`. */
function chart(name: string, template = 'n: "{{len values.big}}"\n'): string {
  const dir = path.join(tmp, name);
  mkdirSync(path.join(dir, 'templates'), { recursive: true });
  writeFileSync(path.join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
  writeFileSync(path.join(dir, 'values.yaml'), 'big: []\n');
  writeFileSync(path.join(dir, 'templates', 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  ${template}`);
  return dir;
}

test('F10: -f /dev/urandom, --set-file x=/dev/zero and a huge stdin stop at the 4 MiB cap, naming the source', () => {
  refused(kf(['template', 'x', demo, '-f', '/dev/urandom']), /^Error: \/dev\/urandom: cannot read values file: it is larger than 4 MiB, the limit for one values source/);
  refused(kf(['template', 'x', demo, '--set-file', 'x=/dev/zero']), /^Error: --set-file x=\/dev\/zero: cannot read file "\/dev\/zero": it is larger than 4 MiB/);
  refused(kf(['template', 'x', demo, '--values=-'], Buffer.alloc(5 * 1024 * 1024, 'a')), /^Error: <stdin>: values on standard input are larger than 4 MiB/);
});

test('F10: a 1e6-element list in values is refused by the node cap, within a 400 MiB heap', () => {
  const f = path.join(tmp, 'flat.yaml');
  writeFileSync(f, `big: [${Array(1_000_000).fill(0).join(',')}]\n`);
  refused(kf(['template', 'x', chart('nodes'), '-f', 'flat.yaml']), /^Error: flat\.yaml: more than 200000 values \(map entries, list items and scalars\), the limit for one values source/, 20_000);
  const ok = path.join(tmp, 'ok.yaml');
  writeFileSync(ok, `big: [${Array(10_000).fill(0).join(',')}]\n`);
  const r = kf(['template', 'x', chart('nodes-ok'), '-f', ok]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /'n': '10000'/);
});

test('F10: chart files: one over 16 MiB is named; a chart given as /dev/zero stops at the archive cap', () => {
  const dir = chart('bigfile');
  writeFileSync(path.join(dir, 'blob.bin'), Buffer.alloc(17 * 1024 * 1024));
  refused(kf(['template', 'x', dir]), /bigfile: blob\.bin is larger than 16 MiB, the limit for one chart file/);
  refused(kf(['template', 'x', '/dev/zero']), /^Error: \/dev\/zero: cannot read chart archive: it is larger than 50 MiB/);
});

test('F11: a 10,000-deep --set-json is a depth error, not a stack overflow (with and without a key)', () => {
  const deep = '['.repeat(10_000) + ']'.repeat(10_000);
  refused(kf(['template', 'x', demo, '--set-json', `x=${deep}`]), /^Error: --set-json x=\[\[\[.*… \(20013 characters\): values nest deeper than 64 levels/);
  refused(kf(['template', 'x', demo, '--set-json', `{"x":${deep}}`]), /values nest deeper than 64 levels/);
});

test('F11: cyclic YAML aliases are an error naming the file', () => {
  for (const [name, text] of [['cyc.yaml', 'x: &a [*a]\n'], ['cyc-map.yaml', 'x: &a {b: *a}\n']]) {
    writeFileSync(path.join(tmp, name), text);
    refused(kf(['template', 'x', demo, '-f', name]), new RegExp(`^Error: ${name.replace('.', '\\.')}: YAML alias refers to a node that contains it \\(a cycle`));
  }
});

test('F11: a symbolic link loop in a chart folder is refused clearly', () => {
  const dir = chart('loop');
  symlinkSync('.', path.join(dir, 'templates', 'self'));
  refused(kf(['template', 'x', dir]), /^Error: .*loop: templates\/self is a symbolic link loop \(it leads back to templates\)/);
});

test('F11: internal names of the template engine are refused with a clear error', () => {
  for (const [src, re] of [
    ['{{helperMissing}}', /"helperMissing" is internal to the template engine/],
    ['{{blockHelperMissing}}', /"blockHelperMissing" is internal/],
    ['{{#helperMissing}}x{{/helperMissing}}', /"helperMissing" is internal/],
    ['{{lookupProperty}}', /"lookupProperty" is internal/],
    ['{{__kfGet this "values"}}', /"__kfGet" is internal/],
    ['{{files.get.constructor}}', /files\.get\.constructor is not defined/],
    ['{{files.get}}', /a function cannot be printed/],
    ['{{constructor}}', /constructor is not defined/],
  ] as const) {
    const dir = chart(`internal-${Math.random().toString(36).slice(2, 8)}`, `n: "{{len values.big}}"\n  t: ${src}\n`);
    const r = kf(['template', 'x', dir]);
    refused(r, re, 10_000, 3); // the message, then the template line and a caret under the call
    assert.match(r.err, /templates\/cm\.yaml:\d+: /, r.err);
  }
});

test.run();
