// The deploy commands offline, through the built CLI (dist/bin/kfchart.js): bundled charts by name (also from an
// `npm pack`ed copy), chart-argument errors, `install --dry-run` asking no cluster (a TCP listener counts
// connections), helm's dry-run output, the flag refusals, --labels/--generate-name parsing, --post-renderer,
// --skip-crds, template --skip-tests/--release-name, show values --jsonpath, and `create`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const bin = path.join(root, 'dist/bin/kfchart.js');
const demo = path.join(here, 'fixtures/demo');
const lc = path.join(root, 'test/cluster/fixtures/lc');
const tmp = mkdtempSync(path.join(tmpdir(), 'kfchart-deploy-'));
const minimal = path.join(root, 'examples/values-minimal.yaml');
// Private config/cache homes: no repository the user added leaks into search results.
const homes = { KFCHART_CONFIG_HOME: path.join(tmp, 'config'), KFCHART_CACHE_HOME: path.join(tmp, 'cache'), XDG_CONFIG_HOME: path.join(tmp, 'xdg'), XDG_CACHE_HOME: path.join(tmp, 'xdgc') };

function kf(args: string[], opts: { cwd?: string; env?: Record<string, string>; cli?: string } = {}) {
  const r = spawnSync(process.execPath, [opts.cli ?? bin, ...args], {
    cwd: opts.cwd ?? tmp, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...homes, ...opts.env }, maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Async run (the event loop of this process keeps serving the listener below). */
function kfAsync(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [bin, ...args], { cwd: tmp, env: { ...process.env, NO_COLOR: '1', ...homes, ...env } });
    let out = '', err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A kubeconfig whose server is a 127.0.0.1 listener that counts connections (and answers none). */
async function countingCluster(): Promise<{ kubeconfig: string; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => { n++; sockets.add(s); s.on('error', () => {}); s.destroy(); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  const file = path.join(tmp, `kubeconfig-${port}`);
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', 'current-context: c',
    `clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}"}}]`,
    'contexts: [{name: c, context: {cluster: c, user: u, namespace: ctxns}}]',
    'users: [{name: u, user: {token: t}}]', '',
  ].join('\n'));
  return { kubeconfig: file, connections: () => n, close: () => new Promise((r) => srv.close(() => r())) };
}

test('bundled charts by name: template kubeflow / kfchart/dex from any folder; show; search repo lists them without repo add', () => {
  const t = kf(['template', 'kubeflow', '-f', minimal]);
  assert.is(t.code, 0, t.err);
  assert.match(t.out, /# Source: kubeflow\/charts\/dex\/templates\//);
  const d = kf(['template', 'kfchart/dex']);
  assert.is(d.code, 0, d.err);
  assert.match(d.out, /# Source: dex\/templates\//);
  const c = kf(['show', 'chart', 'kubeflow']);
  assert.is(c.code, 0, c.err);
  assert.match(c.out, /^name: kubeflow$/m);
  assert.equal(readFileSync(path.join(root, 'charts/dex/values.yaml'), 'utf8'), kf(['show', 'values', 'kfchart/dex']).out);
  const s = kf(['search', 'repo']);
  assert.is(s.code, 0, s.err);
  for (const n of readdirSync(path.join(root, 'charts'))) assert.match(s.out, new RegExp(`^kfchart/${n}\\s+\\d+\\.\\d+\\.\\d+`, 'm'));
  const k = kf(['search', 'repo', 'kubeflow', '-o', 'json']);
  assert.ok((JSON.parse(k.out) as { name: string }[]).some((h) => h.name === 'kfchart/kubeflow'));
});

test('pull kfchart/<chart>: the bundled chart as the archive `package` makes (same bytes), --untar, --version, not found', () => {
  const dir = mkdtempSync(path.join(tmp, 'pull-'));
  const p = kf(['pull', 'kfchart/dex', '-d', dir]);
  assert.is(p.code, 0, p.err);
  const [tgz] = readdirSync(dir);
  assert.match(tgz!, /^dex-\d+\.\d+\.\d+\.tgz$/);
  const pk = mkdtempSync(path.join(tmp, 'pk-'));
  assert.is(kf(['package', path.join(root, 'charts/dex'), '-d', pk]).code, 0);
  assert.ok(readFileSync(path.join(dir, tgz!)).equals(readFileSync(path.join(pk, tgz!))), 'byte-identical to kfchart package');
  const u = kf(['pull', 'kfchart/dex', '--untar', '-d', dir]);
  assert.is(u.code, 0, u.err);
  assert.ok(existsSync(path.join(dir, 'dex', 'Chart.yaml')));
  const v = kf(['pull', 'kfchart/dex', '--version', '99.0.0', '-d', dir]);
  assert.is(v.code, 1);
  assert.match(v.err, /the bundled chart is version \S+, not 99\.0\.0/);
  const n = kf(['pull', 'kfchart/nope', '-d', dir]);
  assert.is(n.code, 1);
  assert.match(n.err, /chart "kfchart\/nope" not found/);
});

test('a chart folder of that name in the working folder wins over the bundled chart', () => {
  const dir = path.join(tmp, 'local-first');
  mkdirSync(dir, { recursive: true });
  cpSync(demo, path.join(dir, 'kubeflow'), { recursive: true });
  const r = kf(['template', 'kubeflow'], { cwd: dir });
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /# Source: demo\/templates\//);
});

test('a missing chart: one line `chart "X" not found`, exit 1, for paths, names and kfchart/<name>', () => {
  for (const [verb, ref] of [['install', './nochart'], ['template', './nochart'], ['install', '../x/y'], ['show', '/abs/nochart'], ['template', 'x.tgz'], ['install', 'nochart'], ['template', 'kfchart/nope']] as const) {
    const args = verb === 'show' ? ['show', 'chart', ref] : verb === 'install' ? ['install', ref, '--dry-run'] : ['template', ref];
    const r = kf(args);
    assert.is(r.code, 1, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, new RegExp(`^Error: chart "${ref.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" not found`), args.join(' '));
    assert.is(r.err.trim().split('\n').length, 1, r.err);
    assert.not.match(r.err, /no repository named/);
  }
});

test('install kubeflow --dry-run: offline (no connection to the kubeconfig server), helm\'s sections, context namespace', async () => {
  const c = await countingCluster();
  try {
    const r = await kfAsync(['install', 'kubeflow', '-f', minimal, '--dry-run', '--kubeconfig', c.kubeconfig]);
    assert.is(r.code, 0, r.err);
    assert.is(c.connections(), 0);
    const lines = r.out.split('\n');
    assert.equal(lines.slice(0, 7).map((l) => l.replace(/^LAST DEPLOYED: .*/, 'LAST DEPLOYED: X')),
      ['NAME: kubeflow', 'LAST DEPLOYED: X', 'NAMESPACE: ctxns', 'STATUS: pending-install', 'REVISION: 1', 'DESCRIPTION: Dry run complete', 'HOOKS:']);
    assert.match(lines[1]!, /^LAST DEPLOYED: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
    assert.match(r.out, /^MANIFEST:\n---\n# Source: kubeflow\/templates\//m);
    assert.match(r.out, /^HOOKS:\n---\n# Source: kubeflow\/templates\/tests\/front-door.yaml\n/m); // the chart's test hooks, as helm lists them
    assert.match(r.out, /\n\nNOTES:\n/);
    // the same objects template prints with the CRDs (ownership annotations aside)
    const t = kf(['template', 'kubeflow', '-f', minimal, '-n', 'ctxns', '--include-crds']);
    assert.is((r.out.match(/^# Source: /gm) ?? []).length, (t.out.match(/^# Source: /gm) ?? []).length);
    // --dry-run=client, -n, --hide-notes, -o json
    const j = await kfAsync(['install', 'web', 'kfchart/kubeflow', '-f', minimal, '--dry-run=client', '-n', 'kf', '--hide-notes', '-o', 'json', '--kubeconfig', c.kubeconfig]);
    assert.is(j.code, 0, j.err);
    const o = JSON.parse(j.out) as { name: string; namespace: string; dryRun: string; status: string; manifest: string; notes: string };
    assert.equal([o.name, o.namespace, o.dryRun, o.status, o.notes], ['web', 'kf', 'client', 'pending-install', '']);
    assert.match(o.manifest, /^---\n# Source: /);
    assert.is(c.connections(), 0);
    // upgrade --dry-run needs the previous release: it asks the cluster (as helm), and says so when it cannot
    const u = await kfAsync(['upgrade', 'kubeflow', '-f', minimal, '--dry-run', '--kubeconfig', c.kubeconfig, '--timeout', '5s']);
    assert.is(u.code, 1, u.err);
    assert.ok(c.connections() > 0);
    assert.match(u.err, /127\.0\.0\.1/);
  } finally {
    await c.close();
  }
});

test('install --dry-run needs no kubeconfig at all; --hide-secret leaves Secrets out; --render-subchart-notes', () => {
  const env = { KUBECONFIG: path.join(tmp, 'does-not-exist') };
  const r = kf(['install', 'p', lc, '--set', 'secret=true', '--dry-run'], { env });
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^NAMESPACE: default$/m);
  assert.match(r.out, /kind: Secret/);
  // a bare --dry-run before the positionals leaves them positionals (helm's optional flag value); a mode after it is its value
  const before = kf(['install', '--dry-run', 'p', lc], { env });
  assert.is(before.code, 0, before.err);
  assert.match(before.out, /^NAME: p$/m);
  assert.match(before.out, /^DESCRIPTION: Dry run complete$/m);
  const mode = kf(['install', '--dry-run', 'server', 'p', lc], { env });
  assert.is(mode.code, 1, 'server mode needs the cluster');
  assert.match(mode.err, /kubeconfig/);
  const h = kf(['install', 'p', lc, '--set', 'secret=true', '--dry-run', '--hide-secret'], { env });
  assert.is(h.code, 0, h.err);
  assert.not.match(h.out, /kind: Secret/);
  assert.match(h.out, /kind: ConfigMap/);
  const nd = kf(['install', 'p', lc, '--hide-secret'], { env });
  assert.is(nd.code, 2);
  assert.match(nd.err, /^Error: --hide-secret can only be used with --dry-run\n$/);
  // a subchart with a NOTES.txt of its own
  const dir = path.join(tmp, 'notes');
  cpSync(demo, dir, { recursive: true });
  writeFileSync(path.join(dir, 'charts/sub/templates/NOTES.txt'), 'sub notes for {{release.name}}\n');
  const plain = kf(['install', 'n', dir, '--dry-run'], { env });
  assert.not.match(plain.out, /sub notes/);
  const sub = kf(['install', 'n', dir, '--dry-run', '--render-subchart-notes'], { env });
  assert.is(sub.code, 0, sub.err);
  assert.match(sub.out, /NOTES:\nInstalled n \(demo 0\.1\.0\)[^\n]*\n\nsub notes for n\n/);
});

test('usage errors exit 2 with one line: --dry-run=bogus, refused flags, --labels, --generate-name with a name', () => {
  const env = { KUBECONFIG: path.join(tmp, 'does-not-exist') };
  for (const [args, re] of [
    [['install', 'x', demo, '--dry-run=bogus'], /^Error: --dry-run must be client, server or none, not "bogus"$/],
    [['install', 'x', demo, '--enable-dns', '--dry-run'], /^Error: --enable-dns: refused: /],
    [['install', 'x', demo, '--disable-openapi-validation', '--dry-run'], /^Error: --disable-openapi-validation: refused: /],
    [['install', 'x', demo, '--server-side=false', '--dry-run'], /^Error: --server-side=false: refused: kfchart always applies server-side/],
    [['install', demo, '--name-template', 'x-{{randAlpha 3}}', '--dry-run'], /^Error: --name-template: refused: /],
    [['install', 'x', demo, '--labels', 'owner=me', '--dry-run'], /^Error: --labels owner: a reserved label name/],
    [['install', 'x', demo, '--labels', 'novalue', '--dry-run'], /^Error: --labels "novalue": give key=value pairs/],
    [['install', 'x', demo, '--generate-name', '--dry-run'], /^Error: install --generate-name takes the chart only/],
    [['install', 'x', demo, '--post-renderer-args', 'a', '--dry-run'], /^Error: --post-renderer-args needs --post-renderer$/],
    [['template', 'x', demo, '--enable-dns'], /^Error: --enable-dns: refused: /],
    [['show', 'chart', demo, '--jsonpath', '{.a}'], /^Error: --jsonpath works with "show values" only$/],
    [['install', 'oci://example.invalid/x', '--dry-run'], /^Error: install oci:\/\/example\.invalid\/x: give the release name too/],
  ] as const) {
    const r = kf([...args], { env });
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    // usage errors the parser finds end in " (see --help)"; the ones handlers find do not
    assert.match(r.err.trimEnd().replace(/ \(see --help\)$/, ''), re);
    assert.is(r.err.trim().split('\n').length, 1, r.err);
  }
});

test('--generate-name (<chart>-<unix seconds>) for install and template; --labels in -o json', () => {
  const before = Math.floor(Date.now() / 1000);
  const r = kf(['install', demo, '--generate-name', '--dry-run', '-o', 'json', '-l', 'team=ml,env=prod', '--labels', 'tier=web'], { env: { KUBECONFIG: '/nonexistent' } });
  assert.is(r.code, 0, r.err);
  const o = JSON.parse(r.out) as { name: string; labels: Record<string, string> };
  const m = /^demo-(\d+)$/.exec(o.name);
  assert.ok(m, o.name);
  assert.ok(Number(m![1]) >= before && Number(m![1]) <= before + 60);
  assert.equal(o.labels, { team: 'ml', env: 'prod', tier: 'web' });
  const t = kf(['template', 'kfchart/dex', '-g']);
  assert.is(t.code, 0, t.err);
  assert.match(t.out, /app\.kubernetes\.io\/instance: dex-\d{10}/);
});

test('--post-renderer: the manifest goes through the executable (args too), its output is what is used; failures name it', () => {
  const pr = path.join(tmp, 'add-label.sh');
  writeFileSync(pr, '#!/bin/sh\n# adds a label line after every "metadata:" and records its arguments\nsed "s/^metadata:$/metadata:\\n  labels: {post-rendered: \\"$1\\"}/"\n');
  chmodSync(pr, 0o755);
  const t = kf(['template', 'x', lc, '--post-renderer', pr, '--post-renderer-args', 'pr1']);
  assert.is(t.code, 0, t.err);
  assert.is((t.out.match(/^ {4}post-rendered: pr1$/gm) ?? []).length, 2);
  assert.match(t.out, /# Source: lc\/templates\/configmaps\.yaml\n/); // the template names survive
  const i = kf(['install', 'x', lc, '--post-renderer', pr, '--post-renderer-args', 'i', '--dry-run', '-o', 'json'], { env: { KUBECONFIG: '/nonexistent' } });
  assert.is(i.code, 0, i.err);
  assert.match((JSON.parse(i.out) as { manifest: string }).manifest, /post-rendered: i/);
  const fail = path.join(tmp, 'fail.sh');
  writeFileSync(fail, '#!/bin/sh\necho "boom: bad input" >&2\nexit 3\n');
  chmodSync(fail, 0o755);
  const f = kf(['template', 'x', lc, '--post-renderer', fail]);
  assert.is(f.code, 1);
  assert.match(f.err, /^Error: --post-renderer ".*fail\.sh" failed \(exit code 3\): boom: bad input\n$/);
  const missing = kf(['template', 'x', lc, '--post-renderer', path.join(tmp, 'nope')]);
  assert.is(missing.code, 1);
  assert.match(missing.err, /^Error: --post-renderer ".*nope": cannot run it: no such executable/);
  const empty = kf(['template', 'x', lc, '--post-renderer', 'true']);
  assert.is(empty.code, 1);
  assert.match(empty.err, /--post-renderer "true" printed no manifest/);
});

test('--skip-crds: template --include-crds and install --dry-run leave crds/ out', () => {
  const withCrds = kf(['template', 'x', demo, '--include-crds']);
  assert.match(withCrds.out, /kind: CustomResourceDefinition/);
  const skipped = kf(['template', 'x', demo, '--include-crds', '--skip-crds']);
  assert.is(skipped.code, 0, skipped.err);
  assert.not.match(skipped.out, /kind: CustomResourceDefinition/);
  const env = { KUBECONFIG: '/nonexistent' };
  assert.match(kf(['install', 'x', demo, '--dry-run'], { env }).out, /kind: CustomResourceDefinition/);
  assert.not.match(kf(['install', 'x', demo, '--dry-run', '--skip-crds'], { env }).out, /kind: CustomResourceDefinition/);
});

test('--skip-schema-validation: a value the schema refuses renders', () => {
  const bad = kf(['template', 'x', demo, '--set', 'replicas=0']);
  assert.is(bad.code, 1);
  const ok = kf(['template', 'x', demo, '--set', 'replicas=0', '--skip-schema-validation']);
  assert.is(ok.code, 0, ok.err);
  assert.match(ok.out, /replicas: 0/);
});

test('create: a chart that lints clean and templates; template --skip-tests and --release-name; existing folder refused', () => {
  const dir = path.join(tmp, 'create');
  mkdirSync(dir, { recursive: true });
  const c = kf(['create', 'webapp'], { cwd: dir });
  assert.is(c.code, 0, c.err);
  assert.is(c.out, 'Creating webapp\n');
  const l = kf(['lint', 'webapp'], { cwd: dir });
  assert.is(l.code, 0, l.out + l.err);
  assert.match(l.out, /0 error\(s\), 0 warning\(s\)/);
  const t = kf(['template', 'web', 'webapp'], { cwd: dir });
  assert.is(t.code, 0, t.err);
  for (const k of ['ServiceAccount', 'Service', 'Deployment', 'Pod']) assert.match(t.out, new RegExp(`^kind: ${k}$`, 'm'));
  assert.match(t.out, /name: web-webapp\n/);
  assert.match(t.out, /image: nginx:1\.27\.0/);
  const same = kf(['template', 'webapp', 'webapp'], { cwd: dir });
  assert.match(same.out, /name: webapp\n/); // the release name already holds the chart name
  const st = kf(['template', 'web', 'webapp', '--skip-tests'], { cwd: dir });
  assert.not.match(st.out, /test-connection/);
  assert.match(st.out, /kind: Deployment/);
  const o = kf(['template', 'web', 'webapp', '--output-dir', 'out', '--release-name'], { cwd: dir });
  assert.is(o.code, 0, o.err);
  assert.ok(existsSync(path.join(dir, 'out/web/webapp/templates/deployment.yaml')), o.out);
  const again = kf(['create', 'webapp'], { cwd: dir });
  assert.is(again.code, 1);
  assert.match(again.err, /^Error: webapp: already exists/);
  const badName = kf(['create', 'Web_App'], { cwd: dir });
  assert.is(badName.code, 2);
  // --starter: a copy with <CHARTNAME> replaced
  writeFileSync(path.join(dir, 'webapp/templates/extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: <CHARTNAME>-extra\n');
  const s = kf(['create', 'other', '--starter', './webapp'], { cwd: dir });
  assert.is(s.code, 0, s.err);
  assert.match(readFileSync(path.join(dir, 'other/Chart.yaml'), 'utf8'), /^name: other$/m);
  assert.match(kf(['template', 'r', 'other'], { cwd: dir }).out, /name: other-extra/);
  const noStarter = kf(['create', 'third', '--starter', 'nope'], { cwd: dir });
  assert.is(noStarter.code, 1);
  assert.ok(!existsSync(path.join(dir, 'third')));
});

test('show values --jsonpath (kubectl syntax, helm\'s output)', () => {
  assert.is(kf(['show', 'values', demo, '--jsonpath', '{.image.repository}']).out, 'nginx');
  assert.is(kf(['show', 'values', demo, '--jsonpath', '{.image}']).out, JSON.stringify(Object.fromEntries(Object.entries({ repository: 'nginx', tag: '1.27' }).sort())));
  assert.is(kf(['show', 'values', demo, '--jsonpath', 'r={.replicas}{"\\n"}']).out, 'r=2\n');
  assert.is(kf(['show', 'values', demo, '--jsonpath', '{.nope}']).out, '');
  assert.is(kf(['show', 'values', 'kubeflow', '--jsonpath', '{.istio.enabled}']).out, 'true');
  const computed = kf(['show', 'values', demo, '--computed', '--set', 'replicas=5', '--jsonpath', '{.replicas}']);
  assert.is(computed.out, '5');
});

test('--version on a bundled chart must match; --devel picks a prerelease from a repository; --dependency-update fetches dependencies', () => {
  const v = kf(['template', 'kubeflow', '--version', '>=9']);
  assert.is(v.code, 1);
  assert.match(v.err, /^Error: kubeflow: chart version 0\.2\.0 does not match --version >=9\n$/);
  assert.is(kf(['template', 'kfchart/dex', '--version', '0.1.x']).code, 0);
  // a file:// repository with demo 0.1.0 and 0.2.0-rc.1
  const repo = path.join(tmp, 'repo');
  mkdirSync(repo, { recursive: true });
  for (const ver of ['0.1.0', '0.2.0-rc.1']) {
    const p = kf(['package', demo, '--version', ver, '-d', repo]);
    assert.is(p.code, 0, p.err);
  }
  assert.is(kf(['repo', 'index', repo]).code, 0);
  const add = kf(['repo', 'add', 'loc', `file://${repo}`]);
  assert.is(add.code, 0, add.err);
  assert.match(kf(['show', 'chart', 'loc/demo']).out, /^version: 0\.1\.0$/m);
  assert.match(kf(['show', 'chart', 'loc/demo', '--devel']).out, /^version: 0\.2\.0-rc\.1$/m);
  const env = { KUBECONFIG: '/nonexistent' };
  assert.match(kf(['install', 'loc/demo', '--devel', '--dry-run', '-o', 'json'], { env }).out, /"chart": "demo-0\.2\.0-rc\.1"/);
  // a chart whose dependency lives in that repository, not vendored: --dependency-update fetches it first
  const parent = path.join(tmp, 'parent');
  mkdirSync(path.join(parent, 'templates'), { recursive: true });
  writeFileSync(path.join(parent, 'Chart.yaml'), `apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n  - name: demo\n    version: 0.1.0\n    repository: file://${repo}\n`);
  writeFileSync(path.join(parent, 'templates/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{release.name}}-parent\n');
  const missing = kf(['install', 'pa', parent, '--dry-run'], { env });
  assert.is(missing.code, 1, missing.out);
  const du = kf(['install', 'pa', parent, '--dry-run', '--dependency-update'], { env });
  assert.is(du.code, 0, du.err);
  assert.match(du.out, /# Source: parent\/charts\/demo\/templates\/deployment\.yaml/);
  assert.ok(existsSync(path.join(parent, 'Chart.lock')));
});

test('create --starter NAME: a starter under <config home>/starters/', () => {
  const starters = path.join(homes.KFCHART_CONFIG_HOME, 'starters');
  mkdirSync(starters, { recursive: true });
  cpSync(demo, path.join(starters, 'base'), { recursive: true });
  const dir = path.join(tmp, 'from-starter');
  mkdirSync(dir, { recursive: true });
  const r = kf(['create', 'svc', '--starter', 'base'], { cwd: dir });
  assert.is(r.code, 0, r.err);
  assert.match(readFileSync(path.join(dir, 'svc/Chart.yaml'), 'utf8'), /^name: svc$/m);
  assert.is(kf(['template', 'svc'], { cwd: dir }).code, 0);
});

test('npm pack: the packed CLI finds the bundled charts next to dist/ (install --dry-run, template, search)', () => {
  const dest = path.join(tmp, 'pack');
  mkdirSync(dest, { recursive: true });
  const p = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dest], { cwd: root, encoding: 'utf8' });
  assert.is(p.status, 0, p.stderr);
  const tgz = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  assert.ok(tgz, p.stdout);
  const x = spawnSync('tar', ['-xzf', path.join(dest, tgz!), '-C', dest], { encoding: 'utf8' });
  assert.is(x.status, 0, x.stderr);
  const pkg = path.join(dest, 'package');
  assert.ok(existsSync(path.join(pkg, 'charts/kubeflow/Chart.yaml')));
  // An installed package's dependencies sit in node_modules next to it (npm install puts them there).
  symlinkSync(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'));
  const cli = path.join(pkg, 'dist/bin/kfchart.js');
  const away = mkdtempSync(path.join(tmpdir(), 'kfchart-away-'));
  try {
    const t = kf(['template', 'kubeflow', '-f', minimal], { cli, cwd: away });
    assert.is(t.code, 0, t.err);
    assert.match(t.out, /# Source: kubeflow\/charts\/istio\//);
    const i = kf(['install', 'kubeflow', '-f', minimal, '--dry-run'], { cli, cwd: away, env: { KUBECONFIG: '/nonexistent' } });
    assert.is(i.code, 0, i.err);
    assert.match(i.out, /^NAME: kubeflow$/m);
    assert.match(kf(['search', 'repo', 'dex'], { cli, cwd: away }).out, /^kfchart\/dex\s/m);
  } finally {
    rmSync(away, { recursive: true, force: true });
  }
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
