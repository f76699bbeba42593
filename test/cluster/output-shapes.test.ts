// Helm's output shapes, checked against helm 4 itself on the real control plane: the same static chart is installed
// and upgraded by helm (bench/.tools) in one namespace and by the built kfchart CLI in another, and the -o json|yaml
// of list, history, status, get values and get metadata are compared recursively (keys, nesting, value types), the
// time formats by pattern, and the text of status, history, list, get all|hooks|values|notes|metadata by their lines.
// Both tools run the fixture's hooks (install, upgrade) and its test hook (`helm test` / `kfchart test`).
// Then list's flags over a namespace of records in every state, tables on a pseudo-terminal, and NO_COLOR.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreApi, kubeconfigPath, newNamespace, cleanupNamespaces } from '../helpers/cluster.js';
import { helmBinary } from '../unit/repo/registry-helpers.js';
import { parseYaml } from '../../engine/yaml/index.js';
import { decodeRecord, encodeRecord, type ReleaseRecord } from '../../engine/release/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHART = fileURLToPath(new URL('./fixtures/shapes', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/bin/kfchart.js', import.meta.url));
const CLI = existsSync(DIST) ? [DIST] : ['--import', 'tsx', 'bin/kfchart.ts'];
const HOME = mkdtempSync(path.join(os.tmpdir(), 'kfchart-shapes-'));

interface Run { code: number | null; stdout: string; stderr: string }

/** The environment of a child: this one's, with `over` applied (undefined deletes: Node warns of NO_COLOR + FORCE_COLOR). */
function childEnv(over: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: undefined, ...over };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawn(cmd, args, {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({
      KUBECONFIG: kubeconfigPath(), NO_COLOR: '1',
      HELM_CONFIG_HOME: path.join(HOME, 'hc'), HELM_CACHE_HOME: path.join(HOME, 'hk'), HELM_DATA_HOME: path.join(HOME, 'hd'), ...env,
    }),
  });
  let stdout = '', stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((r) => child.on('close', (code) => r({ code, stdout, stderr })));
}
const kf = (args: string[], env?: NodeJS.ProcessEnv) => exec(process.execPath, [...CLI, ...args], env);
const helm = (args: string[]) => exec(helmBinary(), args);
async function ok(p: Promise<Run>, what: string): Promise<string> {
  const r = await p;
  assert.is(r.code, 0, `${what}: ${r.stderr}`);
  return r.stdout;
}

/**
 * The shape of a JSON value: objects → their keys' shapes, arrays → the shapes of their elements, scalars → typeof.
 * Maps whose keys are data, not field names (`labels`, `config`, `resources`), are compared as "map of <shape>".
 */
function shape(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => shape(x));
  if (v && typeof v === 'object') {
    if (key === 'labels' || key === 'config') return `map of ${[...new Set(Object.values(v).map((x) => typeof x))].join('|')}`;
    // live objects: which kinds, not how many (kfchart applies the fixture's hooks as objects until it runs hooks)
    if (key === 'resources') return Object.fromEntries(Object.entries(v).map(([k, objs]) => [k, `objects of kind ${[...new Set((objs as { kind: string }[]).map((o) => o.kind))].join('|')}`]));
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, shape(x, k)]));
  }
  return v === null ? 'null' : typeof v;
}

const GO_TIME_STRING = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})? [+-]\d{4} \S+$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
const ANSIC = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$/;

/** Text lines reduced to what helm and kfchart must share: headings (`KEY:` and `==> group`), values masked. */
const headings = (text: string) => text.split('\n').filter((l) => /^([A-Z][A-Z_ ]*:|==> |Last Started:|Last Completed:|Phase:)/.test(l)).map((l) => l.replace(/^(==> \S+|[^:]+:).*$/, '$1'));

/** Rewrite the newest record of a kfchart release with `edit` (the Secret replaced in place). */
async function editRecord(ns: string, name: string, edit: (r: ReleaseRecord) => ReleaseRecord): Promise<void> {
  const core = await coreApi();
  const l = await core.listNamespacedSecret({ namespace: ns, labelSelector: `owner=kfchart,name=${name}` });
  const s = l.items.sort((a, b) => Number(b.metadata!.labels!.version) - Number(a.metadata!.labels!.version))[0]!;
  const r = edit(decodeRecord(Buffer.from(s.data!.release!, 'base64'), 'test'));
  await core.replaceNamespacedSecret({ name: s.metadata!.name!, namespace: ns, body: { ...s, data: { release: encodeRecord(r).toString('base64') } } });
}

let hns = '', kns = '';

test.before(async () => {
  hns = await newNamespace('shapes-helm');
  kns = await newNamespace('shapes-kf');
  await ok(helm(['install', 'web', CHART, '-n', hns, '--set', 'greeting=hi']), 'helm install');
  await ok(helm(['upgrade', 'web', CHART, '-n', hns, '--set', 'greeting=hi']), 'helm upgrade');
  await ok(helm(['test', 'web', '-n', hns]), 'helm test');
  await ok(kf(['install', 'web', CHART, '-n', kns, '--set', 'greeting=hi']), 'kfchart install');
  await ok(kf(['upgrade', 'web', CHART, '-n', kns, '--set', 'greeting=hi']), 'kfchart upgrade');
  await ok(kf(['test', 'web', '-n', kns]), 'kfchart test');
});

test.after(async () => {
  await cleanupNamespaces();
  rmSync(HOME, { recursive: true, force: true });
});

for (const [what, args] of [
  ['list', ['list']], ['history', ['history', 'web']], ['status', ['status', 'web']],
  ['get values', ['get', 'values', 'web']], ['get values --all', ['get', 'values', 'web', '--all']], ['get metadata', ['get', 'metadata', 'web']],
] as const) {
  test(`${what} -o json and -o yaml: helm 4's keys, nesting and value types`, async () => {
    for (const o of ['json', 'yaml']) {
      const parse = (t: string) => (o === 'json' ? JSON.parse(t) : parseYaml(t, `${what} -o ${o}`));
      const h = parse(await ok(helm([...args, '-n', hns, '-o', o]), `helm ${what}`));
      const k = parse(await ok(kf([...args, '-n', kns, '-o', o]), `kfchart ${what}`));
      assert.equal(shape(k), shape(h), `${what} -o ${o}`);
    }
  });
}

test('time formats and value types as helm prints them', async () => {
  const [hl, kl] = await Promise.all([helm(['list', '-n', hns, '-o', 'json']), kf(['list', '-n', kns, '-o', 'json'])]);
  for (const rows of [JSON.parse(hl.stdout), JSON.parse(kl.stdout)]) {
    assert.is(rows[0].revision, '2', 'list: revision is a string');
    assert.match(rows[0].updated, GO_TIME_STRING);
    assert.is(rows[0].chart, 'shapes-0.3.1');
    assert.is(rows[0].app_version, '2.5.0');
  }
  const kh = JSON.parse((await kf(['history', 'web', '-n', kns, '-o', 'json'])).stdout);
  assert.equal(kh.map((r: { revision: number }) => r.revision), [1, 2]);
  assert.match(kh[0].updated, RFC3339);
  assert.is(kh[0].description, 'Install complete');
  const ks = JSON.parse((await kf(['status', 'web', '-n', kns, '-o', 'json'])).stdout);
  assert.match(ks.info.first_deployed, RFC3339);
  assert.match(ks.info.last_deployed, RFC3339);
  assert.is(ks.info.status, 'deployed');
  assert.is(ks.version, 2);
  assert.equal(ks.config, { greeting: 'hi' });
  assert.equal(ks.info.resources['v1/ConfigMap'].map((o: { metadata: { name: string } }) => o.metadata.name).includes('shapes-config'), true);
  assert.equal(ks.hooks.map((h: { weight?: number }) => h.weight), [undefined, 5], 'weight 0 left out, as Go omitempty does');
  const km = JSON.parse((await kf(['get', 'metadata', 'web', '-n', kns, '-o', 'json'])).stdout);
  assert.match(km.deployedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.is(km.labels.owner, 'kfchart');
  const table = (await kf(['history', 'web', '-n', kns])).stdout.split('\n')[1]!.split('\t');
  assert.match(table[1]!.trim(), ANSIC);
});

test("text: status, get all, get metadata have helm's lines in helm's order; tables helm's columns", async () => {
  for (const args of [['status', 'web'], ['get', 'all', 'web'], ['get', 'metadata', 'web']]) {
    const h = await ok(helm([...args, '-n', hns]), `helm ${args.join(' ')}`);
    const k = await ok(kf([...args, '-n', kns]), `kfchart ${args.join(' ')}`);
    assert.equal(headings(k), headings(h), args.join(' '));
  }
  for (const args of [['list'], ['history', 'web']]) {
    const h = await ok(helm([...args, '-n', hns]), `helm ${args.join(' ')}`);
    const k = await ok(kf([...args, '-n', kns]), `kfchart ${args.join(' ')}`);
    const header = (t: string) => t.split('\n')[0]!.split('\t').map((c) => c.trim());
    assert.equal(header(k), header(h), `${args.join(' ')} header`);
    assert.is(k.split('\n')[1]!.split('\t').length, h.split('\n')[1]!.split('\t').length, 'tab-separated cells');
  }
  for (const args of [['get', 'values', 'web'], ['get', 'values', 'web', '--all'], ['get', 'notes', 'web'], ['list', '-q'], ['list', '--no-headers', '--time-format', '2006']]) {
    const h = await ok(helm([...args, '-n', hns]), `helm ${args.join(' ')}`);
    const k = await ok(kf([...args, '-n', kns]), `kfchart ${args.join(' ')}`);
    assert.is(k.replaceAll(kns, 'NS'), h.replaceAll(hns, 'NS'), args.join(' '));
  }
  const h = await ok(helm(['get', 'hooks', 'web', '-n', hns]), 'helm get hooks');
  const k = await ok(kf(['get', 'hooks', 'web', '-n', kns]), 'kfchart get hooks');
  const sources = (t: string) => t.split('\n').filter((l) => l === '---' || l.startsWith('# Source: '));
  assert.equal(sources(k), sources(h));
  assert.match(k, /^---\n# Source: shapes\/templates\/post-install.yaml\napiVersion: v1\nkind: ConfigMap\n/);
  const st = await ok(kf(['status', 'web', '-n', kns]), 'kfchart status');
  assert.match(st, /\nTEST SUITE: {5}shapes-test\nLast Started: {3}.+\nLast Completed: .+\nPhase: {10}Succeeded\n/);
  assert.match(st, /\n==> v1\/ConfigMap\nNAME +READY +AGE +REASON\nshapes-config +yes +\d+[smhd]/);
  const r1 = await ok(kf(['status', 'web', '-n', kns, '--revision', '1']), 'status --revision 1');
  assert.match(r1, /\nSTATUS: superseded\nREVISION: 1\nDESCRIPTION: Install complete\n/);
  const m1 = await ok(kf(['get', 'manifest', 'web', '-n', kns, '--revision', '1']), 'get manifest --revision 1');
  assert.match(m1, /^---\n# Source: shapes\/templates\/configmap.yaml\n[\s\S]*\n  greeting: hello\n\n$/, 'the manifest (no hooks) and a newline, as helm prints it');
  const hist = JSON.parse(await ok(kf(['history', 'web', '-n', kns, '--max', '1', '-o', 'json']), 'history --max 1'));
  assert.equal(hist.map((r: { revision: number }) => r.revision), [2]);
});

/** A record written straight to storage, for list's filters (states no chart install can leave on demand). */
async function putRecord(ns: string, name: string, revision: number, status: ReleaseRecord['status'], lastDeployed: string, labels: Record<string, string> = {}): Promise<void> {
  const r: ReleaseRecord = {
    apiVersion: 'kfchart.io/v1', kind: 'Release', name, namespace: ns, revision, status, description: `${status} by the test`,
    firstDeployed: lastDeployed, lastDeployed, chart: { name: 'shapes', version: '0.3.1', appVersion: '2.5.0' }, config: {}, values: {},
    manifest: '', inventory: [], notes: '', persisted: {}, labels, applied: { operation: 'install', fieldManager: 'kfchart' },
  };
  const core = await coreApi();
  await core.createNamespacedSecret({ namespace: ns, body: {
    metadata: { name: `kfchart.release.v1.${name}.v${revision}`, labels: { ...labels, owner: 'kfchart', name, version: String(revision), status } },
    type: 'kfchart.io/release.v1', data: { release: encodeRecord(r).toString('base64') },
  } });
}

test("list: helm's state flags, defaults, --filter, -l, -d/-r, --offset/--max, -q, --time-format", async () => {
  const ns = await newNamespace('shapes-list');
  const day = (d: number) => `2026-01-${String(d).padStart(2, '0')}T10:00:00.000Z`;
  await putRecord(ns, 'alpha', 1, 'superseded', day(1));
  await putRecord(ns, 'alpha', 2, 'deployed', day(5), { team: 'ml' });
  await putRecord(ns, 'bravo', 1, 'failed', day(3), { team: 'web' });
  await putRecord(ns, 'charlie', 1, 'pending-install', day(4));
  await putRecord(ns, 'delta', 1, 'uninstalled', day(2), { team: 'ml' });
  await putRecord(ns, 'echo', 1, 'superseded', day(6));
  await putRecord(ns, 'echo', 2, 'uninstalling', day(7));
  const names = async (...a: string[]) => (await ok(kf(['list', '-n', ns, '-q', ...a]), `list ${a.join(' ')}`)).split('\n').filter(Boolean);
  assert.equal(await names(), ['alpha', 'bravo'], 'deployed and failed by default');
  assert.equal(await names('--deployed'), ['alpha']);
  assert.equal(await names('--failed'), ['bravo']);
  assert.equal(await names('--pending'), ['charlie']);
  assert.equal(await names('--uninstalled'), ['delta']);
  assert.equal(await names('--uninstalling'), ['echo']);
  assert.equal(await names('--superseded'), ['alpha', 'echo'], 'alone: every superseded revision');
  assert.equal(await names('--superseded', '--deployed'), ['alpha'], 'with others: latest revisions only');
  assert.equal(await names('-a'), ['alpha', 'bravo', 'charlie', 'delta', 'echo']);
  assert.equal(await names('--all', '--status', 'failed'), ['alpha', 'bravo', 'charlie', 'delta', 'echo']);
  assert.equal(await names('--status', 'pending-install,uninstalled'), ['charlie', 'delta']);
  assert.equal(await names('-a', '--filter', '^(a|d)'), ['alpha', 'delta']);
  assert.equal(await names('-a', '-l', 'team=ml'), ['alpha', 'delta']);
  assert.equal(await names('-a', '-l', 'team!=ml,owner=kfchart'), ['bravo', 'charlie', 'echo']);
  assert.equal(await names('-a', '-l', 'status in (failed,uninstalled)'), ['bravo', 'delta']);
  assert.equal(await names('-a', '-d'), ['delta', 'bravo', 'charlie', 'alpha', 'echo'], 'oldest first');
  assert.equal(await names('-a', '-d', '-r'), ['echo', 'alpha', 'charlie', 'bravo', 'delta']);
  assert.equal(await names('-a', '-r'), ['echo', 'delta', 'charlie', 'bravo', 'alpha']);
  assert.equal(await names('-a', '--offset', '1', '--max', '2'), ['bravo', 'charlie']);
  assert.equal(await names('-a', '-m', '0', '--offset', '4'), ['echo']);
  assert.equal(await names('-a', '--offset', '9'), []);
  assert.equal(JSON.parse(await ok(kf(['list', '-n', ns, '-q', '-o', 'json']), 'list -q -o json')), ['alpha', 'bravo']);
  const tf = await ok(kf(['list', '-n', ns, '--no-headers', '--time-format', '2006-01-02T15:04Z07:00', '--deployed']), '--time-format');
  assert.match(tf, new RegExp(`^alpha\\t${ns}\\t2\\t2026-01-05T\\d\\d:00(Z|[+-]\\d\\d:\\d\\d)\\tdeployed\\tshapes-0.3.1\\t2.5.0\\n$`));
  const empty = await ok(kf(['list', '-n', ns, '--filter', 'zzz']), 'empty list');
  assert.is(empty, 'NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n', 'an empty list prints the header only, as helm does');
  const all = JSON.parse(await ok(kf(['list', '-A', '-a', '-o', 'json']), 'list -A'));
  assert.ok(all.some((r: { name: string; namespace: string }) => r.name === 'web' && r.namespace === kns) && all.some((r: { namespace: string }) => r.namespace === ns));
});

/** Run the CLI on a pseudo-terminal `cols` wide (util-linux script), its output with \r dropped. */
function onTerminal(cols: number, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const cmd = `stty cols ${cols}; ${[process.execPath, ...CLI, ...args].map((a) => `'${a}'`).join(' ')}`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000,
    env: childEnv({ KUBECONFIG: kubeconfigPath(), NO_COLOR: undefined, COLUMNS: undefined, ...env }),
  });
  assert.is(r.status, 0, r.stderr + r.stdout);
  return r.stdout.replace(/\r/g, '');
}

test('tables fit the terminal; piped output keeps every cell whole; colour only on a terminal and without NO_COLOR', async () => {
  const ns = await newNamespace('shapes-tty');
  const long = 'x'.repeat(120);
  await putRecord(ns, 'wide', 1, 'deployed', '2026-01-01T10:00:00.000Z');
  await editRecord(ns, 'wide', (r) => ({ ...r, description: long }));
  const piped = await ok(kf(['history', 'wide', '-n', ns]), 'history piped');
  assert.ok(piped.includes(long), 'piped: the description whole');
  const tty = onTerminal(80, ['history', 'wide', '-n', ns]);
  const plain = tty.replace(/\x1b\[[0-9;]*m/g, '');
  const widthOf = (l: string) => [...l].reduce((pos, ch) => (ch === '\t' ? Math.floor(pos / 8) * 8 + 8 : pos + 1), 0);
  for (const l of plain.split('\n').filter(Boolean)) assert.ok(widthOf(l) <= 80, `${widthOf(l)} > 80: ${JSON.stringify(l)}`);
  assert.match(plain, /x+\.\.\./, 'the widest column cut');
  assert.match(tty, /\x1b\[32mdeployed\x1b\[0m/, 'status in green on a terminal');
  assert.match(tty, /\x1b\[1mREVISION\x1b\[22m/, 'bold headers');
  const noColor = onTerminal(80, ['list', '-n', ns], { NO_COLOR: '1' });
  assert.not.match(noColor, /\x1b\[/, 'NO_COLOR: no escape codes');
  assert.not.match(onTerminal(80, ['list', '-n', ns, '--color', 'never']), /\x1b\[/);
  assert.not.match(piped, /\x1b\[/, 'piped: no colour');
  assert.match((await kf(['list', '-n', ns], { NO_COLOR: undefined, FORCE_COLOR: '1' })).stdout, /\x1b\[32mdeployed/, 'FORCE_COLOR colours a pipe');
  assert.match((await kf(['list', '-n', ns, '--color', 'always'])).stdout, /\x1b\[36m/, '--color always beats NO_COLOR (namespace in cyan)');
});

test.run();
