// The environment on the real control plane, through the built CLI: a KUBECONFIG list merged as kubectl merges it
// (a missing file skipped, the first file's cluster of a shared name winning, relative certificate paths resolved
// against their own file), KFCHART_NAMESPACE for every command (-n wins), and completion of release names (the
// `__complete` candidates and the bash script in a real bash).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubeconfigPath, newNamespace, cleanupNamespaces } from '../helpers/cluster.js';
import { parseYaml, dumpYaml } from '../../engine/yaml/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHART = fileURLToPath(new URL('./fixtures/lc', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/bin/kfchart.js', import.meta.url));
const CLI = existsSync(DIST) ? [DIST] : ['--import', 'tsx', 'bin/kfchart.ts'];
const tmp = mkdtempSync(path.join(tmpdir(), 'kfchart-env-cluster-'));

function kf(args: string[], env: Record<string, string | undefined>) {
  const e: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', KFCHART_NAMESPACE: undefined, ...env };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: e as NodeJS.ProcessEnv });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

type Named = { name: string; [k: string]: Record<string, string> | string };
const admin = parseYaml(readFileSync(kubeconfigPath(), 'utf8'), kubeconfigPath()) as { clusters: Named[]; users: Named[]; contexts: Named[]; 'current-context': string };
const clusterName = admin.clusters[0]!.name;

// The admin kubeconfig with its certificates moved to files named relative to it (in a folder of its own).
const relDir = path.join(tmp, 'rel');
mkdirSync(relDir);
const relConfig = path.join(relDir, 'config');
{
  const c = structuredClone(admin);
  const cl = c.clusters[0]!.cluster as Record<string, string>;
  writeFileSync(path.join(relDir, 'ca.crt'), Buffer.from(cl['certificate-authority-data']!, 'base64'));
  delete cl['certificate-authority-data'];
  cl['certificate-authority'] = 'ca.crt';
  const u = c.users[0]!.user as Record<string, string>;
  if (u['client-certificate-data']) {
    writeFileSync(path.join(relDir, 'client.crt'), Buffer.from(u['client-certificate-data'], 'base64'));
    writeFileSync(path.join(relDir, 'client.key'), Buffer.from(u['client-key-data']!, 'base64'));
    delete u['client-certificate-data'];
    delete u['client-key-data'];
    u['client-certificate'] = 'client.crt';
    u['client-key'] = 'client.key';
  }
  writeFileSync(relConfig, dumpYaml(c));
}
// A second file that defines a cluster of the same name pointing nowhere, and its own current-context.
const shadow = path.join(tmp, 'shadow');
writeFileSync(shadow, dumpYaml({
  apiVersion: 'v1', kind: 'Config', 'current-context': 'shadow',
  clusters: [{ name: clusterName, cluster: { server: 'https://127.0.0.1:9', 'insecure-skip-tls-verify': true } }],
  users: [{ name: 'shadow', user: { token: 'x' } }],
  contexts: [{ name: 'shadow', context: { cluster: clusterName, user: 'shadow' } }],
}));
const missing = path.join(tmp, 'does-not-exist');

let ns = '';
test.before(async () => {
  ns = await newNamespace('env');
});
test.after(async () => {
  await cleanupNamespaces();
});

test('KUBECONFIG list: a missing file is skipped, the first definition of a shared cluster name wins, relative certificates resolve', () => {
  const list = [missing, relConfig, shadow].join(path.delimiter);
  // KFCHART_NAMESPACE names the namespace of install (no -n)
  const r = kf(['install', 'envrel', CHART], { KUBECONFIG: list, KFCHART_NAMESPACE: ns });
  assert.is(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`in namespace ${ns}`));
  const l = kf(['list', '-o', 'json'], { KUBECONFIG: list, KFCHART_NAMESPACE: ns });
  assert.is(l.code, 0, l.err);
  assert.ok((JSON.parse(l.out) as { name: string }[]).some((x) => x.name === 'envrel'));
  // the other order: the shadow file's cluster of that name (and its current-context) wins, so the server is its
  const s = kf(['list', '-n', ns], { KUBECONFIG: [missing, shadow, relConfig].join(path.delimiter) });
  assert.is(s.code, 1);
  assert.match(s.err, /127\.0\.0\.1:9/);
  // --kube-context names the relative file's context: the real cluster again
  const ctx = kf(['list', '-n', ns, '--kube-context', admin['current-context']], { KUBECONFIG: [missing, relConfig, shadow].join(path.delimiter) });
  assert.is(ctx.code, 0, ctx.err);
});

test('KFCHART_NAMESPACE: every command uses it; -n wins', () => {
  const env = { KUBECONFIG: kubeconfigPath(), KFCHART_NAMESPACE: ns };
  const st = kf(['status', 'envrel'], env);
  assert.is(st.code, 0, st.err);
  assert.match(st.out, new RegExp(`NAMESPACE: ${ns}`));
  const other = kf(['status', 'envrel', '-n', 'default'], env);
  assert.is(other.code, 1, 'the flag wins: no release in "default"');
  assert.is(kf(['history', 'envrel'], env).code, 0);
  assert.is(kf(['get', 'values', 'envrel'], env).code, 0);
});

test('completion: release names of the namespace the words (or KFCHART_NAMESPACE) name, from the cluster', () => {
  const env = { KUBECONFIG: kubeconfigPath() };
  const r = kf(['__complete', 'status', '-n', ns, ''], env);
  assert.is(r.code, 0, r.err);
  assert.equal(r.out, 'envrel\n:4\n');
  assert.equal(kf(['__complete', 'uninstall', 'env'], { ...env, KFCHART_NAMESPACE: ns }).out, 'envrel\n:4\n');
  assert.equal(kf(['__complete', 'rollback', '--namespace', ns, 'x'], env).out, ':4\n', 'filtered by the typed prefix');
  // install names a new release: no existing ones; its first word may be a chart instead (install CHART)
  const inst = kf(['__complete', 'install', '-n', ns, ''], env).out.split('\n').map((l) => l.split('\t')[0]);
  assert.not.ok(inst.includes('envrel'), 'install offers no existing release');
  assert.ok(inst.includes('kubeflow') && inst.includes('kfchart/kubeflow'), 'install offers the bundled charts');
  // the bash script, in a real bash
  writeFileSync(path.join(tmp, 'kfchart.bash'), kf(['completion', 'bash'], env).out);
  const prog = `kfchart() { "${process.execPath}" ${CLI.map((a) => `"${a}"`).join(' ')} "$@"; }
    source "${tmp}/kfchart.bash"
    COMP_WORDS=(kfchart history -n "${ns}" ""); COMP_CWORD=4
    _kfchart; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const b = spawnSync('bash', ['-c', prog], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.is(b.status, 0, b.stderr);
  assert.is(b.stdout, 'envrel\n');
});

test('uninstall through the merged KUBECONFIG', () => {
  const r = kf(['uninstall', 'envrel', '-n', ns], { KUBECONFIG: [missing, relConfig, shadow].join(path.delimiter) });
  assert.is(r.code, 0, r.err);
});

test.run();
