#!/usr/bin/env node
// bench/lifecycle: install, no-op upgrade, changing upgrade and uninstall of a release of 10, 100 and 1,000
// ConfigMaps on the local control plane (test/controlplane; started here unless KFCHART_TEST_KUBECONFIG points at
// one). Prints wall time and the number of API requests of each step (counted in engine/kube), and the release
// record size; plus the record size of the full kubeflow chart (offline render, examples/values-minimal.yaml), and
// the whole-process wall time and peak RSS of a cluster command run through the built CLI (`kfchart list -A`,
// start-up and kubeconfig loading included). Asserts nothing. Usage: node bench/lifecycle.mjs [--sizes 10,100,1000]

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (n, d) => { const i = args.indexOf(`--${n}`); return i >= 0 ? args[i + 1] : d; };
const sizes = opt('sizes', '10,100,1000').split(',').map(Number);

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
const imp = (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);
const { installAction, upgradeAction } = await imp('engine/actions/upgrade.js');
const { uninstallAction } = await imp('engine/actions/uninstall.js');
const { openSession } = await imp('engine/actions/lifecycle/operation.js');

let cp;
let kubeconfig = process.env.KFCHART_TEST_KUBECONFIG;
if (!kubeconfig) {
  const { startControlPlane } = await import(pathToFileURL(path.join(root, 'test/controlplane/controlplane.mjs')).href);
  cp = await startControlPlane({ owner: process.pid, log: () => {} });
  kubeconfig = cp.kubeconfig;
}

const chart = path.join(root, 'test/cluster/fixtures/lc');
const out = path.join(root, 'bench/.out/lifecycle');
mkdirSync(out, { recursive: true });

const rows = [];
let cli;
try {
  for (const n of sizes) {
    const ns = `bench-lc-${n}-${Date.now().toString(36)}`;
    const vf = path.join(out, `values-${n}.yaml`);
    writeFileSync(vf, `configs:\n${Array.from({ length: n }, (_, i) => `  - cm-${i}`).join('\n')}\n`);
    const s = await openSession({ kubeconfig, namespace: ns });
    await s.client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
    const step = async (label, fn) => {
      const before = s.client.stats.total;
      const t = performance.now();
      const r = await fn();
      rows.push({ n, step: label, ms: Math.round(performance.now() - t), requests: s.client.stats.total - before, record: r?.size ?? '' });
    };
    const base = { session: s, name: 'bench', chartRef: chart, valueFiles: [vf], historyMax: 10 };
    await step('install', () => installAction(base));
    await step('no-op upgrade', () => upgradeAction(base));
    await step('changing upgrade', () => upgradeAction({ ...base, sets: [{ kind: 'set', expr: 'data=two' }] }));
    await step('uninstall', () => uninstallAction({ session: s, name: 'bench' }));
    await s.client.request('DELETE', `/api/v1/namespaces/${ns}`);
    s.client.close();
  }
  // The CLI as users run it (the bundle): a cluster command's whole process, start-up included.
  const walls = [];
  const rss = [];
  for (let i = 0; i < 7; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, path.join(root, 'dist/bin/kfchart.js'), 'list', '-A', '--kubeconfig', kubeconfig], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kfchart list -A failed:\n${r.stderr}`);
    const [wall, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    walls.push(wall);
    rss.push(kb / 1024);
  }
  const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  cli = { wall: med(walls), rss: med(rss) };
} finally {
  cp?.stop();
}

const pad = (v, w) => String(v).padStart(w);
process.stdout.write(`\nbench/lifecycle (wall time, API requests, compressed release record)\n`);
process.stdout.write(`${'objects'.padEnd(8)} ${'step'.padEnd(17)} ${pad('ms', 7)} ${pad('requests', 9)} ${pad('record B', 9)}\n`);
for (const r of rows) process.stdout.write(`${String(r.n).padEnd(8)} ${r.step.padEnd(17)} ${pad(r.ms, 7)} ${pad(r.requests, 9)} ${pad(r.record, 9)}\n`);
if (cli) process.stdout.write(`\nCLI: kfchart list -A, whole process (median of 7): ${cli.wall.toFixed(2)} s, ${cli.rss.toFixed(1)} MiB peak RSS\n`);

// The record the full stack would store (no cluster needed).
const kf = path.join(root, 'charts/kubeflow');
if (existsSync(kf)) {
  try {
    const { prepareRelease } = await imp('engine/actions/prepare.js');
    const { ownObjects, manifestText, inventoryOf } = await imp('engine/actions/lifecycle/operation.js');
    const { encodeRecord } = await imp('engine/release/index.js');
    const vals = path.join(root, 'examples/values-minimal.yaml');
    const p = await prepareRelease({ chartRef: kf, name: 'kubeflow', namespace: 'kubeflow', valueFiles: existsSync(vals) ? [vals] : [] });
    const owned = ownObjects([...p.crds, ...p.manifest], 'kubeflow', 'kubeflow');
    const now = new Date().toISOString();
    const rec = {
      apiVersion: 'kfchart.io/v1', kind: 'Release', name: 'kubeflow', namespace: 'kubeflow', revision: 1, status: 'deployed', description: 'Install complete',
      firstDeployed: now, lastDeployed: now, chart: { name: p.chart.meta.name, version: p.chart.meta.version }, config: p.user, values: p.values,
      manifest: manifestText(owned), inventory: inventoryOf(owned.map((e) => e.object)), notes: p.notes, persisted: p.persisted,
      applied: { operation: 'install', fieldManager: 'kfchart' },
    };
    const json = Buffer.byteLength(JSON.stringify(rec));
    process.stdout.write(`\ncharts/kubeflow (values-minimal): ${owned.length} objects, record ${encodeRecord(rec).length} bytes compressed (${json} bytes JSON; limit 1,000,000)\n`);
  } catch (e) {
    process.stdout.write(`\ncharts/kubeflow record size: not measured (${e.message.split('\n')[0]})\n`);
  }
}
