// End-to-end tests of the offline commands through the compiled CLI (dist/bin/kfchart.js; `npm test` builds first).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { denyClientNodeHook } from '../../helpers/deny-client-node.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const bin = path.join(root, 'dist/bin/kfchart.js');
const demo = path.join(here, 'fixtures/demo');
const tmp = mkdtempSync(path.join(tmpdir(), 'kfchart-cli-'));

function kf(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    input: opts.input,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('template: golden render of the fixture chart (subchart, partial, checksum, globals)', () => {
  const r = kf(['template', 'demo', demo, '-n', 'apps']);
  assert.is(r.err, '');
  assert.is(r.code, 0);
  const golden = path.join(here, 'fixtures/demo.golden.yaml');
  if (process.env.KFCHART_UPDATE_GOLDEN === '1') writeFileSync(golden, r.out);
  assert.fixture(r.out, readFileSync(golden, 'utf8'));
});

test('usage errors of flag values exit 2 with one line (KfError, not an unexpected error)', () => {
  for (const [args, re] of [
    [['install', 'x', demo, '--timeout', '5 minutes'], /^Error: --timeout "5 minutes" is not a duration/],
    [['upgrade', 'x', demo, '--dry-run=bogus'], /^Error: --dry-run must be client, server or none, not "bogus"/],
  ] as const) {
    const r = kf([...args]);
    assert.is(r.code, 2, r.err);
    assert.match(r.err, re);
    assert.not.match(r.err, /unexpected error/);
  }
});

test('template: output is byte-identical across runs', () => {
  const a = kf(['template', 'demo', demo]);
  const b = kf(['template', 'demo', demo]);
  assert.is(a.code, 0);
  assert.is(a.out, b.out);
});

test('--set-literal: one string exactly as typed, applied in command-line order with the other --set flags', () => {
  const chart = path.join(here, 'fixtures/hooked');
  const r = kf(['show', 'values', chart, '--computed', '--set', 'x.y=first', '--set-literal', 'x.y=a,b={c}', '--set', 'z=1']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^x:\n  'y': a,b=\{c\}\nz: 1\n/m);
  const later = kf(['show', 'values', chart, '--computed', '--set-literal', 'x.y=a,b', '--set', 'x.y=last']);
  assert.match(later.out, /^  'y': last$/m);
});

test('template: the release name is optional (Helm order: [NAME] CHART)', () => {
  const r = kf(['template', demo]);
  assert.is(r.code, 0);
  assert.match(r.out, /name: release-name-web/);
});

test('template: --set overrides -f which overrides defaults; a condition turns a subchart off', () => {
  const vf = path.join(tmp, 'v.yaml');
  writeFileSync(vf, 'replicas: 3\nsub:\n  message: from-file\n');
  const r = kf(['template', 'x', demo, '-f', vf, '--set', 'replicas=4']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /replicas: 4\n/);
  assert.match(r.out, /message: from-file/);
  const off = kf(['template', 'x', demo, '--set', 'sub.enabled=false']);
  assert.is(off.code, 0, off.err);
  assert.not.match(off.out, /x-sub/);
});

test('template: --set-file reads the file; --set-string keeps strings; flags apply in command-line order', () => {
  const f = path.join(tmp, 'msg.txt');
  writeFileSync(f, 'hello from a file');
  const r = kf(['template', 'x', demo, '--set-file', 'sub.message=' + f, '-s', 'charts/sub/templates/cm.yaml']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /message: hello from a file/);
  const order = kf(['show', 'values', demo, '--computed', '-o', 'json', '--set', 'image.tag=1', '--set-string', 'image.tag=2', '--set', 'replicas=3']);
  assert.is(order.code, 0, order.err);
  const v = JSON.parse(order.out);
  assert.is(v.image.tag, '2', 'the later --set-string wins and stays a string');
  assert.is(v.replicas, 3);
  const typed = kf(['template', 'x', demo, '--set', 'image.tag=2']);
  assert.is(typed.code, 1, '--set types 2 as an integer, which the schema refuses');
  assert.match(typed.err, /--set image\.tag=2: image\.tag: must be string/);
  const missing = kf(['template', 'x', demo, '--set-file', 'sub.message=' + path.join(tmp, 'nope.txt')]);
  assert.is(missing.code, 1);
  assert.match(missing.err, /nope\.txt/);
});

test('template: a change of config changes the checksum annotation of the pod template', () => {
  const a = kf(['template', 'x', demo, '-s', 'templates/deployment.yaml']);
  const b = kf(['template', 'x', demo, '-s', 'templates/deployment.yaml', '--set', 'global.domain=other.org']);
  const sum = (s: string) => /checksum\/config: ([0-9a-f]{64})/.exec(s)?.[1];
  assert.ok(sum(a.out));
  assert.ok(sum(b.out));
  assert.is.not(sum(a.out), sum(b.out));
});

test('template: --show-only selects templates; an unknown one is an error', () => {
  const r = kf(['template', 'x', demo, '--show-only', 'templates/configmap.yaml']);
  assert.is(r.code, 0, r.err);
  assert.equal(r.out.match(/^kind: \w+/gm), ['kind: ConfigMap']);
  const bad = kf(['template', 'x', demo, '--show-only', 'templates/nope.yaml']);
  assert.is(bad.code, 1);
  assert.match(bad.err, /--show-only templates\/nope\.yaml: no rendered template matches/);
});

test('template: CRDs from crds/ only with --include-crds, and first', () => {
  assert.not.match(kf(['template', 'x', demo]).out, /CustomResourceDefinition/);
  const r = kf(['template', 'x', demo, '--include-crds']);
  assert.match(r.out, /^---\n# Source: demo\/crds\/widgets\.yaml\napiVersion: apiextensions\.k8s\.io\/v1\nkind: CustomResourceDefinition/);
});

test('template --output-dir writes one file per template under a folder per chart', () => {
  const outDir = path.join(tmp, 'out');
  const r = kf(['template', 'x', demo, '--output-dir', outDir]);
  assert.is(r.code, 0, r.err);
  assert.ok(existsSync(path.join(outDir, 'demo/templates/deployment.yaml')));
  assert.ok(existsSync(path.join(outDir, 'demo/charts/sub/templates/cm.yaml')));
  assert.match(readFileSync(path.join(outDir, 'demo/templates/configmap.yaml'), 'utf8'), /^---\n# Source: demo\/templates\/configmap\.yaml\n/);
});

test('template --output-dir writes nothing when rendering fails', () => {
  const outDir = path.join(tmp, 'out-fail');
  const r = kf(['template', 'x', demo, '--output-dir', outDir, '--set', 'replicas=0']);
  assert.is(r.code, 1);
  assert.not.ok(existsSync(outDir));
  assert.equal(readdirSync(tmp).filter((f) => f.includes('kfchart-tmp')), []);
});

test('schema errors: all at once, each with file:line and values path; exit 1, no stack', () => {
  const vf = path.join(tmp, 'bad.yaml');
  writeFileSync(vf, 'replicas: 0\nimage:\n  repository: 5\n');
  const r = kf(['template', 'x', demo, '-f', vf]);
  assert.is(r.code, 1);
  assert.is(r.out, '');
  assert.match(r.err, /^Error: /);
  assert.match(r.err, /bad\.yaml:1: replicas: /);
  assert.match(r.err, /bad\.yaml:3: image\.repository: /);
  assert.not.match(r.err, /\n\s+at /, 'no stack trace without --debug');
});

test('a subchart schema with additionalProperties:false does not fail because of global', () => {
  const r = kf(['template', 'x', demo, '--set', 'global.extra=1']);
  assert.is(r.code, 0, r.err);
});

test('a missing value referenced by a template names template, line and path', () => {
  const broken = path.join(tmp, 'broken');
  cpSync(demo, broken, { recursive: true });
  writeFileSync(path.join(broken, 'templates/extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{values.nothere.name}}\n');
  const r = kf(['template', 'x', broken]);
  assert.is(r.code, 1);
  assert.match(r.err, /templates\/extra\.yaml:4/);
  assert.match(r.err, /values\.nothere/);
});

test('usage errors exit 2; unknown flags are refused', () => {
  const r = kf(['template', 'x', demo, '--no-such-flag']);
  assert.is(r.code, 2);
  assert.match(r.err, /Unknown argument/);
  assert.is(kf(['template']).code, 2);
  assert.is(kf([]).code, 2);
});

test('a chart that does not exist is a one-line error, exit 1', () => {
  const r = kf(['template', 'x', path.join(tmp, 'missing')]);
  assert.is(r.code, 1);
  assert.match(r.err, /^Error: chart ".*missing" not found/);
  assert.is(r.err.trimEnd().split('\n').length, 1, 'one line');
});

test('show values --computed prints the merged values with precedence applied', () => {
  const r = kf(['show', 'values', demo, '--computed', '--set', 'image.tag=2.0', '-o', 'json']);
  assert.is(r.code, 0, r.err);
  const v = JSON.parse(r.out);
  assert.is(v.image.tag, '2.0');
  assert.is(v.replicas, 2);
  assert.is(v.sub.message, 'from-parent');
  assert.is(v.sub.global.domain, 'example.org');
});

test('show chart|values|schema|crds', () => {
  assert.match(kf(['show', 'chart', demo]).out, /name: demo\nversion: 0\.1\.0/);
  assert.match(kf(['show', 'values', demo]).out, /# Number of web replicas\./);
  assert.is(JSON.parse(kf(['show', 'schema', demo]).out).required[0], 'replicas');
  assert.match(kf(['show', 'crds', demo]).out, /widgets\.demo\.kfchart\.io/);
  const r = kf(['show', 'readme', demo]);
  assert.is(r.code, 1);
  assert.match(r.err, /chart has no README/);
});

test('lint: a good chart passes; a broken one lists findings and exits 1', () => {
  const ok = kf(['lint', demo]);
  assert.is(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  const broken = path.join(tmp, 'lint-broken');
  cpSync(demo, broken, { recursive: true });
  writeFileSync(path.join(broken, 'values.yaml'), 'replicas: many\nimage: {repository: a, tag: b}\n');
  const bad = kf(['lint', broken]);
  assert.is(bad.code, 1);
  assert.match(bad.out, /\[ERROR\]/);
  assert.match(bad.out, /replicas/);
});

test('lint: an invalid values.schema.json is an error naming that file', () => {
  const broken = path.join(tmp, 'lint-schema');
  cpSync(demo, broken, { recursive: true });
  writeFileSync(path.join(broken, 'values.schema.json'), '{"type": "objekt"}');
  const r = kf(['lint', broken]);
  assert.is(r.code, 1);
  assert.match(r.out, /values\.schema\.json/);
});

test('--help of every command shows examples', () => {
  const commands = [
    ['template'], ['lint'], ['show'], ['install'], ['upgrade'], ['rollback'], ['uninstall'], ['history'], ['status'], ['list'],
    ['get'], ['diff'], ['package'], ['repo', 'index'], ['repo', 'add'], ['repo', 'update'], ['repo', 'list'], ['repo', 'remove'],
    ['search', 'repo'], ['pull'], ['dependency', 'update'], ['dependency', 'build'], ['dependency', 'list'], ['verify'], ['hash-password'],
  ];
  for (const c of commands) {
    const r = kf([...c, '--help']);
    assert.is(r.code, 0, c.join(' '));
    assert.match(r.out, /\nExamples:\n/, `${c.join(' ')} --help has examples`);
  }
});

test('template never loads the Kubernetes client (start-up cost)', () => {
  // A resolve hook makes loading client-node fail — the package (unbundled runs) or the bundle chunk that holds its
  // KubeConfig: template and lint must not notice, and a cluster command must (so the hook is known to work).
  const hook = denyClientNodeHook(root, tmp);
  const env = { NODE_OPTIONS: `--import ${hook}` };
  const r = kf(['template', 'x', demo], { env });
  assert.is(r.code, 0, r.err);
  const l = kf(['lint', demo], { env });
  assert.is(l.code, 0, l.err);
  // (a cluster command loads client-node only for an exec plugin or auth-provider: engine/kube/credentials.ts)
  const kubeconfig = path.join(tmp, 'deny-kubeconfig.yaml');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster: {server: https://127.0.0.1:1}\n' +
    'contexts:\n- name: c\n  context: {cluster: k, user: u}\nusers:\n- name: u\n  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: get-token}}\n');
  const c = kf(['list', '--kubeconfig', kubeconfig], { env });
  assert.is(c.code, 1);
  assert.match(c.err, /client-node loaded/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test('cluster commands without any kubeconfig say so (not a client-node fallback to http://localhost:8080)', () => {
  const home = mkdtempSync(path.join(tmp, 'home-'));
  const r = kf(['list'], { env: { HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' } });
  assert.is(r.code, 1);
  assert.match(r.err, /^Error: no kubeconfig found \(.*\.kube\/config does not exist\): this command needs a cluster; pass --kubeconfig FILE or set KUBECONFIG\n$/);
  const r2 = kf(['status', 'x'], { env: { KUBECONFIG: `${path.join(home, 'a')}:${path.join(home, 'b')}`, KUBERNETES_SERVICE_HOST: '' } });
  assert.is(r2.code, 1);
  assert.match(r2.err, /no kubeconfig found \(\$KUBECONFIG=.*a:.*b does not exist\)/);
});

test('a kubeconfig whose credentials cannot be used names its context and server', () => {
  const file = path.join(tmp, 'http-kubeconfig.yaml');
  writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:1\n' +
    'contexts:\n- name: plain\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user: {}\ncurrent-context: plain\n');
  const r = kf(['list', '--kubeconfig', file]);
  assert.is(r.code, 1);
  assert.match(r.err, /^Error: kubeconfig context "plain" \(server http:\/\/127\.0\.0\.1:1\): /);
  assert.not.match(r.err, /unexpected error/);
});

test.run();
