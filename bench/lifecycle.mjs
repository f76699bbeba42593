#!/usr/bin/env node
// bench/lifecycle, on the local control plane (test/controlplane: etcd + kube-apiserver + kube-controller-manager +
// kube-scheduler + kwok playing the kubelet of two fake Nodes, so pods run and become Ready; started here unless
// --kubeconfig or KFCHART_TEST_KUBECONFIG points at one):
//
// 1. whole processes, kfchart next to helm 4 (--stack, default `kubeflow,1000`), each in turns:
//    - `kubeflow`: charts/kubeflow with examples/values-minimal.yaml (its default namespaces, so use a control plane
//      of its own), release `kubeflow` in namespace `default`: `install --wait --timeout 5m` (both tools: kfchart
//      polls, helm 4 uses its watcher) / no-op upgrade / uninstall;
//    - a number N: test/cluster/fixtures/lc with N ConfigMaps, release `bench` in namespace `bench-wp`: install /
//      no-op upgrade / changing upgrade (--set data=two) / uninstall.
//    helm installs the SAME objects: each manifest is rendered once by `kfchart template` and written into a
//    generated static chart (bench/.out/lifecycle/static-*: templates/ holds the objects, `{{` escaped; crds/ the
//    CRDs, which helm, like kfchart, installs when missing and keeps on uninstall). kfchart runs as
//    `<node> dist/bin/kfchart.js` under each Node of --node (default: the machine's, 24, 26); a round is every
//    Node's kfchart cycle, then helm's; after each uninstall the script waits (untimed) until the chart's
//    namespaces are gone. One untimed warm-up round (creates the CRDs, fills kfchart's caches), then --runs rounds
//    (default 3); medians (and min–max) of wall time, median peak RSS (GNU time); the load average before and after.
//    Pods become Ready --pod-ready-delay ms after they start (kwok; default 5000, the test control plane's own; only
//    when the script starts the control plane): every `install --wait` of both tools includes that wait, so the
//    script also measures the floor it sets — a Deployment created and polled every 50 ms until available, the
//    time no `--wait` can beat — and prints the lowest ratio to helm reachable with it.
// 2. in-process (engine actions, no CLI start-up; --sizes, default 10,100,1000): install, no-op upgrade, changing
//    upgrade and uninstall of the lc chart, with the API requests of each step (counted in engine/kube) and the
//    release record size; plus the whole-process `kfchart list -A` per Node and the kubeflow record size.
// Asserts nothing. Usage:
//   node bench/lifecycle.mjs [--node machine,24,26] [--stack kubeflow,1000] [--runs 3] [--sizes 10,100,1000]
//                            [--pod-ready-delay 5000] [--kubeconfig file] [--no-build] [--json file]
// (--stack none / --sizes none skip a part.)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, opt, prepare, nodes, checkKfchartNode, timed, median, helm, kubectl, kfchart, f, x, table, goalsTable, helmVersion, benchCluster } from './lib.mjs';

const list0 = (s) => (s === 'none' ? [] : s.split(',').filter(Boolean));
const sizes = list0(opt('sizes', '10,100,1000')).map(Number);
const stack = list0(opt('stack', 'kubeflow,1000'));
const runs = Number(opt('runs', '3'));
const out = path.join(root, 'bench/.out/lifecycle');
mkdirSync(out, { recursive: true });

prepare();
const nodeList = nodes();
for (const n of nodeList) checkKfchartNode(n);

const cluster = await benchCluster({ podReadyDelayMs: Number(opt('pod-ready-delay', '5000')) });
const kubeconfig = cluster.kubeconfig;
// helm keeps its own config, cache and data under bench/.out, never the user's.
const helmEnv = { ...process.env, HELM_CONFIG_HOME: path.join(out, 'helm/config'), HELM_CACHE_HOME: path.join(out, 'helm/cache'), HELM_DATA_HOME: path.join(out, 'helm/data') };
const kc = ['--kubeconfig', kubeconfig];
const kube = (...a) => execFileSync(kubectl, [...kc, ...a], { encoding: 'utf8' });
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Both tools' `--wait`: until every object is ready (helm 4: its kstatus watcher), within 5 minutes. */
const WAIT = ['--wait', '--timeout', '5m'];
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

/**
 * The floor every `install --wait` here shares: a 1-replica Deployment (namespace bench-floor) created and read
 * every 50 ms until available — pod scheduling, kwok's start and its Ready delay, the controllers' status updates.
 * Returns the seconds of each of `n` tries.
 */
function readinessFloor(n) {
  const ns = 'bench-floor';
  if (!kube('get', 'namespace', ns, '--ignore-not-found', '-o', 'name').trim()) kube('create', 'namespace', ns);
  const times = [];
  for (let i = 0; i < n; i++) {
    const name = `floor-${Date.now().toString(36)}`;
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { replicas: 1, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'registry.invalid/none:1' }] } } } };
    const file = path.join(out, 'floor.json');
    writeFileSync(file, JSON.stringify(dep));
    const t = performance.now();
    kube('create', '-f', file);
    for (;;) {
      const av = kube('get', 'deployment', name, '-n', ns, '-o', 'jsonpath={.status.availableReplicas}').trim();
      if (av === '1') break;
      if (performance.now() - t > 120_000) throw new Error('the floor Deployment did not become available in 120 s');
      sleep(50);
    }
    times.push((performance.now() - t) / 1000);
    kube('delete', 'deployment', name, '-n', ns, '--wait=false');
  }
  return times;
}

/** Splits kfchart's printed stream into documents and writes them as a static helm chart (CRDs in crds/). */
function staticChart(name, stream) {
  const dir = path.join(out, `static-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'templates'), { recursive: true });
  mkdirSync(path.join(dir, 'crds'));
  const docs = stream.split(/^---$/m).map((d) => d.trim()).filter((d) => /^kind: /m.test(d));
  const crds = docs.filter((d) => /^kind: CustomResourceDefinition$/m.test(d));
  const rest = docs.filter((d) => !crds.includes(d));
  writeFileSync(path.join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 1.0.0\ndescription: kfchart-rendered objects, as a static chart (bench/lifecycle.mjs)\n`);
  // Helm runs templates/ through Go templates: escape any `{{` of the rendered text.
  const esc = (d) => d.replaceAll('{{', '{{ "{{" }}');
  writeFileSync(path.join(dir, 'templates/manifest.yaml'), rest.map((d) => `---\n${esc(d)}\n`).join(''));
  if (crds.length) writeFileSync(path.join(dir, 'crds/crds.yaml'), crds.map((d) => `---\n${d}\n`).join(''));
  return { dir, objects: rest.length, crds: crds.length, namespaces: rest.filter((d) => /^kind: Namespace$/m.test(d)).map((d) => d.match(/^  name: (\S+)$/m)[1]) };
}

/** Waits (untimed) until none of `names` exists any more (namespace deletion finishes in the controller-manager). */
function waitNamespacesGone(names) {
  if (!names.length) return;
  const deadline = Date.now() + 180_000;
  while (kube('get', 'namespace', ...names, '--ignore-not-found', '-o', 'name').trim()) {
    if (Date.now() > deadline) throw new Error(`namespaces still present after 180 s: ${names.join(', ')}`);
    sleep(300);
  }
}

/** A scenario: kfchart's chart and arguments, the release, the steps, and helm's static charts. */
function scenario(kind) {
  const kfTemplate = (chart, ns, rel, a) => execFileSync(process.execPath, [kfchart, 'template', rel, chart, '-n', ns, '--include-crds', ...a], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (kind === 'kubeflow') {
    const chart = path.join(root, 'charts/kubeflow');
    const a = ['-f', path.join(root, 'examples/values-minimal.yaml')];
    const s = staticChart('kubeflow', kfTemplate(chart, 'default', 'kubeflow', a));
    return {
      label: `charts/kubeflow (values-minimal: ${s.objects} objects + ${s.crds} CRDs)`, key: 'kubeflow', rel: 'kubeflow', ns: 'default', chart, args: a,
      steps: [['install --wait', a, s.dir, WAIT], ['no-op upgrade', a, s.dir], ['uninstall']], namespaces: s.namespaces,
    };
  }
  const n = Number(kind);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--stack: kubeflow or a number of ConfigMaps, not ${kind}`);
  const chart = path.join(root, 'test/cluster/fixtures/lc');
  const vf = path.join(out, `values-wp-${n}.yaml`);
  writeFileSync(vf, `configs:\n${Array.from({ length: n }, (_, i) => `  - cm-${i}`).join('\n')}\n`);
  const a = ['-f', vf];
  const b = [...a, '--set', 'data=two'];
  const ns = 'bench-wp';
  if (!kube('get', 'namespace', ns, '--ignore-not-found', '-o', 'name').trim()) kube('create', 'namespace', ns);
  const sa = staticChart(`lc-${n}-a`, kfTemplate(chart, ns, 'bench', a));
  const sb = staticChart(`lc-${n}-b`, kfTemplate(chart, ns, 'bench', b));
  if (sa.objects !== n) throw new Error(`the lc chart rendered ${sa.objects} objects, expected ${n}`);
  return {
    label: `${n.toLocaleString('en')} ConfigMaps (test/cluster/fixtures/lc)`, key: String(n), rel: 'bench', ns, chart, args: a,
    steps: [['install', a, sa.dir], ['no-op upgrade', a, sa.dir], ['changing upgrade', b, sb.dir], ['uninstall']], namespaces: [],
  };
}

/** One tool's cycle through the steps; returns { step: { wall, rss } }. */
function cycle(sc, tool) {
  const r = {};
  for (const [step, kfArgs, helmChart, extra = []] of sc.steps) {
    const verb = step.startsWith('install') ? 'install' : step === 'uninstall' ? 'uninstall' : 'upgrade';
    let cmd;
    if (tool === 'helm') {
      cmd = [helm, [verb, sc.rel, ...(helmChart ? [helmChart] : []), '-n', sc.ns, ...extra, ...kc], { env: helmEnv }];
    } else {
      cmd = [tool.bin, [kfchart, verb, sc.rel, ...(verb === 'uninstall' ? [] : [sc.chart, ...kfArgs]), '-n', sc.ns, ...extra, ...kc]];
    }
    r[step] = timed(...cmd);
  }
  waitNamespacesGone(sc.namespaces);
  return r;
}

const results = [];
let cli;
let floor;
const inproc = [];
const loadBefore = load();
try {
  // 1. whole processes, kfchart (every Node) and helm in turns.
  for (const kind of stack) {
    const sc = scenario(kind);
    const tools = [...nodeList, 'helm'];
    process.stderr.write(`bench/lifecycle: ${sc.label}: warm-up round, then ${runs} rounds\n`);
    for (const t of tools) cycle(sc, t);
    const samples = tools.map(() => ({}));
    for (let i = 0; i < runs; i++) {
      tools.forEach((t, j) => {
        const r = cycle(sc, t);
        for (const [step, m] of Object.entries(r)) (samples[j][step] ??= []).push(m);
      });
    }
    const med = (arr) => ({ wall: median(arr.map((m) => m.wall)), rss: median(arr.map((m) => m.rss)), walls: arr.map((m) => m.wall) });
    const summary = samples.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, med(v)])));
    results.push({ sc, tools, summary, helm: summary[summary.length - 1] });
    if (sc.steps.some((st) => st[3] === WAIT) && !floor) floor = readinessFloor(5);
  }

  // 2. in-process steps (engine actions) and the whole-process `kfchart list -A`.
  if (sizes.length) {
    try {
      const imp = (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);
      const { installAction, upgradeAction } = await imp('engine/actions/upgrade.js');
      const { uninstallAction } = await imp('engine/actions/uninstall.js');
      const { openSession } = await imp('engine/actions/lifecycle/operation.js');
      const chart = path.join(root, 'test/cluster/fixtures/lc');
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
          inproc.push({ n, step: label, ms: Math.round(performance.now() - t), requests: s.client.stats.total - before, record: r?.size ?? '' });
        };
        const base = { session: s, name: 'bench', chartRef: chart, valueFiles: [vf], historyMax: 10 };
        await step('install', () => installAction(base));
        await step('no-op upgrade', () => upgradeAction(base));
        await step('changing upgrade', () => upgradeAction({ ...base, sets: [{ kind: 'set', expr: 'data=two' }] }));
        await step('uninstall', () => uninstallAction({ session: s, name: 'bench' }));
        await s.client.request('DELETE', `/api/v1/namespaces/${ns}`);
        s.client.close();
      }
    } catch (e) {
      process.stderr.write(`bench/lifecycle: in-process part not measured (${e.message.split('\n')[0]})\n`);
    }
  }
  // The CLI as users run it: a cluster command's whole process, start-up included, per Node in turns.
  const listRuns = nodeList.map(() => []);
  for (let i = 0; i < 7; i++) nodeList.forEach((n, j) => listRuns[j].push(timed(n.bin, [kfchart, 'list', '-A', ...kc])));
  cli = nodeList.map((n, j) => ({ n, wall: median(listRuns[j].map((m) => m.wall)), rss: median(listRuns[j].map((m) => m.rss)) }));
} finally {
  cluster.stop();
}
const loadAfter = load();

// Print.
console.log(`\nbench/lifecycle — whole processes (median [min–max] of ${runs} rounds after one warm-up; every Node's kfchart, then ` +
  `helm, in turns), helm ${helmVersion()} installing the same rendered objects as a static chart; load average ${loadBefore} before, ${loadAfter} after`);
const goalsOut = [];
let floorOut;
for (const { sc, tools, summary, helm: h } of results) {
  console.log(`\n${sc.label}: wall time, peak RSS; ratio kfchart/helm\n`);
  const steps = sc.steps.map(([s]) => s);
  console.log(table([
    ['tool', ...steps],
    ...tools.map((t, j) => [t === 'helm' ? `helm ${helmVersion().split('+')[0]}` : `kfchart, ${t.label}`, ...steps.map((s) => {
      const m = summary[j][s];
      const ratio = t === 'helm' ? '' : ` (${x(m.wall / h[s].wall)} / ${x(m.rss / h[s].rss)})`;
      return `${f(m.wall)} s [${f(Math.min(...m.walls))}–${f(Math.max(...m.walls))}], ${f(m.rss, 0)} MiB${ratio}`;
    })]),
  ]));
  // Goals of issue 15.
  const goal = (label, step, limit) => tools.forEach((t, j) => {
    if (t === 'helm' || !summary[j][step]) return;
    const v = summary[j][step].wall / h[step].wall;
    goalsOut.push({ goal: label, node: t, value: v, limit, met: v <= limit });
  });
  if (sc.key === 'kubeflow') {
    goal('kubeflow install --wait: wall', 'install --wait', 0.7);
    goal('kubeflow uninstall: wall', 'uninstall', 1.0);
    if (floor) {
      const fl = median(floor);
      console.log(`\nreadiness floor (a 1-replica Deployment created and read every 50 ms with kubectl until available; ` +
        `median of ${floor.length}: ${floor.map((v) => f(v)).join(', ')} s): ${f(fl)} s. Every \`install --wait\` above includes it; ` +
        `no tool's install --wait can go below it, so kfchart's lowest reachable ratio to helm is floor / helm = ` +
        `${x(fl / h['install --wait'].wall)} (goal ≤ 0.70×)`);
      floorOut = { samples: floor, median: fl, helmInstallWait: h['install --wait'].wall };
    }
  } else if (sc.key === '1000') {
    goal('1,000 ConfigMaps install: wall (≥ 2× ahead)', 'install', 0.5);
    goal('1,000 ConfigMaps changing upgrade: wall (≥ 2× ahead)', 'changing upgrade', 0.5);
    goal('1,000 ConfigMaps no-op upgrade: wall', 'no-op upgrade', 0.15);
  }
}
if (goalsOut.length) {
  console.log('\ngoals of issue 15 (kfchart / helm wall, same run)\n');
  console.log(goalsTable(goalsOut, nodeList, 2));
}
if (inproc.length) {
  const pad = (v, w) => String(v).padStart(w);
  process.stdout.write(`\nin-process, machine Node (engine actions, no CLI start-up; wall time, API requests, compressed release record)\n`);
  process.stdout.write(`${'objects'.padEnd(8)} ${'step'.padEnd(17)} ${pad('ms', 7)} ${pad('requests', 9)} ${pad('record B', 9)}\n`);
  for (const r of inproc) process.stdout.write(`${String(r.n).padEnd(8)} ${r.step.padEnd(17)} ${pad(r.ms, 7)} ${pad(r.requests, 9)} ${pad(r.record, 9)}\n`);
}
if (cli) {
  console.log('\nkfchart list -A, whole process (median of 7, Nodes in turns)\n');
  console.log(table([['Node', 'wall', 'peak RSS'], ...cli.map((c) => [c.n.label, `${f(c.wall)} s`, `${f(c.rss, 1)} MiB`])]));
}

// The record the full stack would store (no cluster needed).
const kfDir = path.join(root, 'charts/kubeflow');
if (existsSync(kfDir)) {
  try {
    const imp = (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);
    const { prepareRelease } = await imp('engine/actions/prepare.js');
    const { ownObjects, manifestText, inventoryOf } = await imp('engine/actions/lifecycle/operation.js');
    const { encodeRecord } = await imp('engine/release/index.js');
    const vals = path.join(root, 'examples/values-minimal.yaml');
    const p = await prepareRelease({ chartRef: kfDir, name: 'kubeflow', namespace: 'kubeflow', valueFiles: existsSync(vals) ? [vals] : [] });
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

const jsonOut = opt('json');
if (jsonOut) {
  const strip = (t) => (t === 'helm' ? 'helm' : t.label);
  writeFileSync(jsonOut, JSON.stringify({
    date: new Date().toISOString(), runs, helm: helmVersion(),
    stack: results.map(({ sc, tools, summary }) => ({ scenario: sc.label, tools: tools.map(strip), summary })),
    goals: goalsOut.map((g) => ({ ...g, node: strip(g.node) })), floor: floorOut, load: { before: loadBefore, after: loadAfter }, inproc, cli: cli?.map((c) => ({ node: c.n.label, wall: c.wall, rss: c.rss })),
  }, null, 2));
}
