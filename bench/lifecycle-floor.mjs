#!/usr/bin/env node
// bench/lifecycle-floor: what every kfchart cluster command pays before its own work, next to helm, per Node, whole
// processes in turns (median of --runs, default 7, after one warm-up each) on the local control plane (started here
// unless --kubeconfig or KFCHART_TEST_KUBECONFIG points at one):
//   node -e 0                  the Node process alone
//   kfchart version            + the CLI bundle's start-up
//   kfchart list -A            + the kubeconfig, a TLS connection, one LIST of release Secrets, decoding the records:
//                              the least any verb that reads a release (uninstall, upgrade, status) does
//   helm version / list -A     the same for helm (one Go binary: no interpreter start-up)
// With `--release name --namespace ns` it also runs `kfchart status` and `helm status` of that release. Why: issue 15
// asks kubeflow `uninstall` ≤ 1.0× helm's; kfchart's uninstall is this floor plus ~40 DELETEs in six tiers, and the
// floor alone is compared here with helm's whole uninstall (bench/lifecycle.mjs prints both in one run).
// Asserts nothing. Usage: node bench/lifecycle-floor.mjs [--node machine,24,26] [--runs 7] [--kubeconfig f] [--no-build]
import path from 'node:path';
import os from 'node:os';
import { root, opt, prepare, nodes, checkKfchartNode, measureAll, helm, kfchart, f, table, helmVersion, benchCluster } from './lib.mjs';

const runs = Number(opt('runs', '7'));
prepare();
const nodeList = nodes();
for (const n of nodeList) checkKfchartNode(n);
const cluster = await benchCluster();
const kubeconfig = cluster.kubeconfig;
const helmEnv = { env: { ...process.env, HELM_CONFIG_HOME: path.join(root, 'bench/.out/lifecycle/helm/config'), HELM_CACHE_HOME: path.join(root, 'bench/.out/lifecycle/helm/cache'), HELM_DATA_HOME: path.join(root, 'bench/.out/lifecycle/helm/data') } };
const kc = ['--kubeconfig', kubeconfig];
const rel = opt('release'), relNs = opt('namespace', 'default');
const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');
let rows;
try {
  const perNode = (n) => [[n.bin, ['-e', '0']], [n.bin, [kfchart, 'version']], [n.bin, [kfchart, 'list', '-A', ...kc]],
    ...(rel ? [[n.bin, [kfchart, 'status', rel, '-n', relNs, ...kc]]] : [])];
  const helmCmds = [[helm, ['version', '--short'], helmEnv], [helm, ['list', '-A', ...kc], helmEnv], ...(rel ? [[helm, ['status', rel, '-n', relNs, ...kc], helmEnv]] : [])];
  const cmds = [...nodeList.flatMap(perNode), ...helmCmds];
  const r = measureAll(cmds, runs);
  const k = perNode(nodeList[0]).length;
  const c = (m) => `${f(m.wall)} s [${f(Math.min(...m.samples.walls))}–${f(Math.max(...m.samples.walls))}], ${f(m.rss, 0)} MiB`;
  rows = [
    ...nodeList.map((n, i) => [`kfchart, ${n.label}`, c(r[i * k]), c(r[i * k + 1]), c(r[i * k + 2]), ...(rel ? [c(r[i * k + 3])] : [])]),
    [`helm ${helmVersion().split('+')[0]}`, '—', c(r[nodeList.length * k]), c(r[nodeList.length * k + 1]), ...(rel ? [c(r[nodeList.length * k + 2])] : [])],
  ];
} finally {
  cluster.stop();
}
const loadAfter = os.loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`\nbench/lifecycle-floor — whole processes, median [min–max] of ${runs} in turns after one warm-up; load average ${loadBefore} before, ${loadAfter} after\n`);
console.log(table([['tool', 'node -e 0', 'version', 'list -A (one LIST of records)', ...(rel ? [`status ${rel}`] : [])], ...rows]));
