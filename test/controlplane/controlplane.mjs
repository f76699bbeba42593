// The test control plane: etcd + kube-apiserver + kube-controller-manager + kube-scheduler on 127.0.0.1,
// and kwok playing the kubelet of two fake Nodes, so pods are scheduled, run, become ready, complete
// and go away (no container ever runs).
//
// Owns: building the binaries (through build.sh), generating throw-away PKI with openssl, starting the
// five processes in a fresh temp dir, creating the fake Nodes, waiting until everything is really
// serving, writing an admin kubeconfig, and stopping everything by PID (and removing the temp dir) on
// stop/exit/signal.
// Must not: touch anything outside its temp dir and the binary cache, or kill processes it did not start.
//
// Used by test/run.mjs (one control plane per test run) and, as a CLI, by `npm run cluster:up|down`:
//   node test/controlplane/controlplane.mjs build | up | down [dir...] | status
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SERVICE_CIDR = '10.0.0.0/24';
const SERVICE_IP = '10.0.0.1';
const POD_CIDR = '10.244.0.0/16'; // kwok's fallback pool; each fake Node has its own /24 of it (spec.podCIDR)
/** The fake Nodes kwok manages (it picks them by the annotation kwok.x-k8s.io/node=fake). */
export const FAKE_NODES = ['kwok-node-0', 'kwok-node-1'];
const KWOK_STAGES = path.join(here, 'kwok', 'stages.yaml');
const POINTER = path.join(os.tmpdir(), `kfchart-controlplane-${process.getuid?.() ?? 'user'}.list`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function pinned(file, module) {
  const text = fs.readFileSync(path.join(here, file), 'utf8');
  const m = text.match(new RegExp(`^require ${module.replace(/[.\/]/g, '\\$&')} (v\\S+)`, 'm'));
  if (!m) throw new Error(`cannot find the pinned version of ${module} in ${file}`);
  return m[1];
}

export const versions = {
  kubernetes: pinned('go.mod', 'k8s.io/kubernetes'),
  etcd: pinned('etcd/go.mod', 'go.etcd.io/etcd/server/v3'),
  kwok: pinned('kwok/go.mod', 'sigs.k8s.io/kwok'),
};

export function cacheDir() {
  return process.env.KFCHART_CP_CACHE || path.join(os.homedir(), '.cache', 'kfchart', 'controlplane');
}

/** Paths of the five binaries (whether they exist or not). */
export function binaryPaths() {
  const dir = path.join(cacheDir(), versions.kubernetes);
  return {
    dir,
    apiserver: path.join(dir, 'kube-apiserver'),
    controllerManager: path.join(dir, 'kube-controller-manager'),
    scheduler: path.join(dir, 'kube-scheduler'),
    etcd: path.join(dir, `etcd-${versions.etcd}`),
    kwok: path.join(dir, `kwok-${versions.kwok}`),
  };
}

const binaryList = (b) => [b.apiserver, b.controllerManager, b.scheduler, b.etcd, b.kwok];

export function binariesPresent() {
  return binaryList(binaryPaths()).every((f) => fs.existsSync(f));
}

/** Builds the binaries when missing (build.sh; progress on stderr). Returns their paths and the time taken. */
export function ensureBinaries() {
  const started = Date.now();
  const r = spawnSync('bash', [path.join(here, 'build.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the control plane binaries failed (build.sh exit ${r.status ?? r.signal})`);
  return { ...binaryPaths(), seconds: (Date.now() - started) / 1000 };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** CA, apiserver serving cert, service-account key pair, client certs. EC P-256 keys: fast to make. */
function makePki(dir) {
  const key = (name) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
  key('ca');
  openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=kfchart-test-ca', '-days', '7', '-out', 'ca.crt',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], dir);
  const cert = (name, subj, ext) => {
    key(name);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', subj, '-out', `${name}.csr`], dir);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '7',
      '-extfile', `${name}.ext`, '-out', `${name}.crt`], dir);
  };
  const server = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n';
  cert('serving', '/CN=kube-apiserver', server +
    `subjectAltName=IP:127.0.0.1,IP:${SERVICE_IP},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,` +
    'DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n');
  cert('scheduler-serving', '/CN=kube-scheduler', `${server}subjectAltName=IP:127.0.0.1,DNS:localhost\n`);
  const client = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n';
  cert('admin', '/O=system:masters/CN=kfchart-admin', client);
  cert('kcm', '/CN=system:kube-controller-manager', client);
  // The bootstrap RBAC roles system:kube-scheduler and system:volume-scheduler are bound to this user name.
  cert('scheduler', '/CN=system:kube-scheduler', client);
  // kwok writes status for Nodes and Pods, Leases, Events and deletes Pods, cluster-wide: a kubelet's work for
  // every fake Node at once, which the Node authorizer would not grant one identity; so it is an admin.
  cert('kwok', '/O=system:masters/CN=kfchart-kwok', client);
  key('sa');
  openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
}

function kubeconfig(dir, server, user) {
  const b64 = (f) => fs.readFileSync(path.join(dir, f)).toString('base64');
  return [
    'apiVersion: v1', 'kind: Config',
    'clusters:', '- name: kfchart-test', '  cluster:', `    server: ${server}`, `    certificate-authority-data: ${b64('ca.crt')}`,
    'users:', `- name: ${user}`, '  user:', `    client-certificate-data: ${b64(`${user}.crt`)}`, `    client-key-data: ${b64(`${user}.key`)}`,
    'contexts:', '- name: kfchart-test', '  context:', '    cluster: kfchart-test', `    user: ${user}`,
    'current-context: kfchart-test', '',
  ].join('\n');
}

/** A request (GET unless `method`); resolves { status, body } or null when the connection fails. */
function request(url, tls, { method = 'GET', body } = {}) {
  return new Promise((resolve) => {
    const mod = url.startsWith('https:') ? https : http;
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    const req = mod.request(url, { ...tls, method, headers, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
const get = (url, tls) => request(url, tls);

/**
 * A fake Node as a kubelet would register it: kwok manages it because of the annotation, kwok's
 * node-initialize Stage makes it Ready. Big enough for every chart (requests are counted by the scheduler).
 */
function fakeNode(name, i) {
  const resources = { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '1Ti' };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { type: 'kwok', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': name },
    },
    spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
    status: {
      allocatable: resources, capacity: resources,
      addresses: [{ type: 'InternalIP', address: `10.240.0.${10 + i}` }, { type: 'Hostname', address: name }],
      nodeInfo: { architecture: 'amd64', operatingSystem: 'linux' },
    },
  };
}

/** Every fake Node is Ready and carries no taint (the not-ready taint is gone), so pods can be scheduled. */
async function fakeNodesReady(server, tls) {
  const r = await get(`${server}/api/v1/nodes?labelSelector=type%3Dkwok`, tls);
  if (r?.status !== 200) return false;
  const nodes = JSON.parse(r.body).items ?? [];
  return FAKE_NODES.every((name) => {
    const n = nodes.find((x) => x.metadata.name === name);
    return n && !(n.spec.taints ?? []).length &&
      (n.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  });
}

function tail(file, lines = 60) {
  try {
    const all = fs.readFileSync(file, 'utf8').split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function isAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie is dead, just not reaped yet
  } catch {
    return false;
  }
}

function cmdlineOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

function readState(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Stops the processes recorded in <dir>/state.json (only those whose command line still is the
 * binary we started), then removes <dir>. Synchronous, so it also works in 'exit' handlers.
 */
export function stopDir(dir) {
  const state = readState(dir);
  const procs = state ? Object.values(state.procs) : [];
  const ours = procs.filter((p) => isAlive(p.pid) && cmdlineOf(p.pid)[0] === p.bin);
  // reverse start order: kwok, scheduler, controller-manager, apiserver, etcd
  for (const p of [...ours].reverse()) {
    try { process.kill(p.pid, 'SIGTERM'); } catch { /* already gone */ }
    const deadline = Date.now() + 10_000;
    while (isAlive(p.pid) && Date.now() < deadline) sleepSync(50);
    if (isAlive(p.pid)) {
      try { process.kill(p.pid, 'SIGKILL'); } catch { /* already gone */ }
      while (isAlive(p.pid)) sleepSync(20);
    }
  }
  if (state?.watchdog && isAlive(state.watchdog) && cmdlineOf(state.watchdog).includes('kfchart-cp-watchdog')) {
    try { process.kill(state.watchdog, 'SIGKILL'); } catch { /* already gone */ }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts a control plane in a new temp dir. Options:
 *   owner: a PID; when it dies without calling stop(), a watchdog stops everything (default: none)
 *   log:   a function for progress lines (default: stderr)
 *   podReadyDelayMs: kwok's default delay before a pod is Ready (default 5000, stages.yaml; bench/lifecycle.mjs
 *          --pod-ready-delay measures with 0 too)
 * Returns { dir, kubeconfig, server, logs(), stop() }. On failure, cleans up and throws an Error whose
 * `logs` property holds the tail of each process's log.
 */
export async function startControlPlane({ owner, log = (s) => process.stderr.write(`${s}\n`), podReadyDelayMs } = {}) {
  const bins = binaryPaths();
  for (const f of binaryList(bins)) {
    if (!fs.existsSync(f)) throw new Error(`control plane binary missing: ${f} (run: bash test/controlplane/build.sh)`);
  }
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kfchart-cp-'));
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir);
  const state = { dir, procs: {}, watchdog: null, server: null, kubeconfig: path.join(dir, 'admin.kubeconfig') };
  const saveState = () => fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify(state, null, 2));
  saveState();
  const exited = {};
  const phases = [];
  let mark = Date.now();
  const phase = (name) => { const now = Date.now(); phases.push(`${name} ${((now - mark) / 1000).toFixed(1)}s`); mark = now; };
  const logsOf = () => Object.keys(state.procs)
    .map((n) => `----- ${n} (${path.join(logDir, `${n}.log`)}) -----\n${tail(path.join(logDir, `${n}.log`))}`).join('\n');

  if (owner) {
    // Stops everything if the owner dies without cleaning up (e.g. SIGKILL). Exits by itself once dir is gone.
    const script = 'owner=$1; dir=$2; while kill -0 "$owner" 2>/dev/null && [ -d "$dir" ]; do sleep 1; done; ' +
      '[ -f "$dir/pids" ] || exit 0; pids=$(cat "$dir/pids"); kill -TERM $pids 2>/dev/null; ' +
      'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 1; kill -0 $pids 2>/dev/null || break; done; kill -KILL $pids 2>/dev/null; rm -rf "$dir"';
    const wd = spawn('bash', ['-c', script, 'kfchart-cp-watchdog', String(owner), dir], { detached: true, stdio: 'ignore' });
    wd.unref();
    state.watchdog = wd.pid;
    saveState();
  }

  const run = (name, bin, args, env) => {
    const fd = fs.openSync(path.join(logDir, `${name}.log`), 'a');
    const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], ...(env && { env: { ...process.env, ...env } }) });
    fs.closeSync(fd);
    child.unref();
    child.on('exit', (code, signal) => { exited[name] = signal ?? code; });
    state.procs[name] = { pid: child.pid, bin };
    saveState();
    fs.appendFileSync(path.join(dir, 'pids'), `${child.pid}\n`);
  };
  const waitFor = async (what, seconds, probe) => {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const dead = Object.entries(exited)[0];
      if (dead) throw new Error(`${dead[0]} exited (${dead[1]}) while waiting for ${what}`);
      if (await probe()) return;
      if (Date.now() > deadline) throw new Error(`timed out after ${seconds}s waiting for ${what}`);
      await sleep(200);
    }
  };

  try {
    makePki(dir);
    phase('pki');
    const [etcdPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    run('etcd', bins.etcd, [
      '--name=kfchart', `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=kfchart=http://127.0.0.1:${etcdPeerPort}`, '--initial-cluster-state=new',
      '--unsafe-no-fsync=true', '--log-level=warn',
    ]);
    await waitFor('etcd /health', 30, async () => (await get(`${etcdUrl}/health`))?.status === 200);
    phase('etcd');

    state.server = `https://127.0.0.1:${apiPort}`;
    const f = (n) => path.join(dir, n);
    run('kube-apiserver', bins.apiserver, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1', `--secure-port=${apiPort}`, '--advertise-address=127.0.0.1',
      `--cert-dir=${f('apiserver-certs')}`, `--tls-cert-file=${f('serving.crt')}`, `--tls-private-key-file=${f('serving.key')}`,
      `--client-ca-file=${f('ca.crt')}`,
      '--authorization-mode=Node,RBAC', '--anonymous-auth=false',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${f('sa.pub')}`, `--service-account-signing-key-file=${f('sa.key')}`,
      `--api-audiences=https://kubernetes.default.svc.cluster.local`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      // The "kubernetes" Endpoints may not hold a loopback address, so do not reconcile them.
      '--endpoint-reconciler-type=none',
      '--allow-privileged=true', '--profiling=false', '--v=1',
    ]);
    const tls = { ca: fs.readFileSync(f('ca.crt')), cert: fs.readFileSync(f('admin.crt')), key: fs.readFileSync(f('admin.key')) };
    await waitFor('kube-apiserver /readyz', 120, async () => (await get(`${state.server}/readyz`, tls))?.status === 200);
    phase('kube-apiserver');

    fs.writeFileSync(state.kubeconfig, kubeconfig(dir, state.server, 'admin'), { mode: 0o600 });
    fs.writeFileSync(f('kcm.kubeconfig'), kubeconfig(dir, state.server, 'kcm'), { mode: 0o600 });
    saveState();
    run('kube-controller-manager', bins.controllerManager, [
      `--kubeconfig=${f('kcm.kubeconfig')}`,
      '--secure-port=0', '--leader-elect=false',
      '--controllers=*', '--use-service-account-credentials=true',
      `--service-account-private-key-file=${f('sa.key')}`, `--root-ca-file=${f('ca.crt')}`,
      `--cluster-signing-cert-file=${f('ca.crt')}`, `--cluster-signing-key-file=${f('ca.key')}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--profiling=false', '--v=1',
    ]);
    // The serviceaccount controller creating default/default proves the controller-manager works.
    await waitFor('kube-controller-manager (serviceaccount default/default)', 90,
      async () => (await get(`${state.server}/api/v1/namespaces/default/serviceaccounts/default`, tls))?.status === 200);
    phase('kube-controller-manager');

    fs.writeFileSync(f('scheduler.kubeconfig'), kubeconfig(dir, state.server, 'scheduler'), { mode: 0o600 });
    fs.writeFileSync(f('scheduler.yaml'), [
      'apiVersion: kubescheduler.config.k8s.io/v1', 'kind: KubeSchedulerConfiguration',
      'clientConnection:', `  kubeconfig: ${f('scheduler.kubeconfig')}`,
      'leaderElection:', '  leaderElect: false',
      'enableProfiling: false', '',
    ].join('\n'));
    const schedPort = await freePort();
    run('kube-scheduler', bins.scheduler, [
      `--config=${f('scheduler.yaml')}`,
      // for /healthz and /readyz the scheduler serves on 127.0.0.1 with a cert of our CA
      '--bind-address=127.0.0.1', `--secure-port=${schedPort}`,
      `--tls-cert-file=${f('scheduler-serving.crt')}`, `--tls-private-key-file=${f('scheduler-serving.key')}`,
      `--authentication-kubeconfig=${f('scheduler.kubeconfig')}`, `--authorization-kubeconfig=${f('scheduler.kubeconfig')}`,
      // our CA for client certs, instead of kube-system/extension-apiserver-authentication (it has no request-header
      // CA here, which the scheduler would log as an error every few seconds)
      '--authentication-skip-lookup=true', `--client-ca-file=${f('ca.crt')}`,
      '--v=1',
    ]);
    // /readyz includes the informers' sync, so the scheduler sees every Node and Pod once it answers 200.
    await waitFor('kube-scheduler /readyz', 60,
      async () => (await get(`https://127.0.0.1:${schedPort}/readyz`, { ca: tls.ca }))?.status === 200);
    phase('kube-scheduler');

    fs.writeFileSync(f('kwok.kubeconfig'), kubeconfig(dir, state.server, 'kwok'), { mode: 0o600 });
    let stages = KWOK_STAGES;
    if (podReadyDelayMs !== undefined) {
      // The pod-ready Stage's default delay (its only `durationMilliseconds: 5000`), in a copy of the stages.
      const text = fs.readFileSync(KWOK_STAGES, 'utf8');
      if (text.split('durationMilliseconds: 5000').length !== 2) throw new Error(`${KWOK_STAGES}: the pod-ready delay line is not where podReadyDelayMs expects it`);
      stages = f('stages.yaml');
      fs.writeFileSync(stages, text.replace('durationMilliseconds: 5000', `durationMilliseconds: ${Math.max(0, Math.round(Number(podReadyDelayMs)))}`));
    }
    run('kwok', bins.kwok, [
      `--kubeconfig=${f('kwok.kubeconfig')}`, `--config=${stages}`,
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      `--cidr=${POD_CIDR}`, '--node-lease-duration-seconds=40',
    ], { HOME: dir }); // kwok would also read ~/.kwok/kwok.yaml; only our config counts
    for (const [i, name] of FAKE_NODES.entries()) {
      const r = await request(`${state.server}/api/v1/nodes`, tls, { method: 'POST', body: fakeNode(name, i) });
      if (r?.status !== 201) throw new Error(`creating Node ${name}: HTTP ${r?.status ?? 'connection failed'} ${r?.body ?? ''}`);
    }
    // kwok's node-initialize Stage makes them Ready; the node-lifecycle controller then lifts the not-ready taint.
    await waitFor(`kwok (Nodes ${FAKE_NODES.join(', ')} Ready, untainted)`, 60, () => fakeNodesReady(state.server, tls));
    phase('kwok + nodes');
  } catch (err) {
    const logs = logsOf();
    stopDir(dir);
    const e = new Error(`control plane failed to start: ${err.message}\n${logs}`);
    e.logs = logs;
    throw e;
  }
  const seconds = (Date.now() - started) / 1000;
  log(`control plane ready in ${seconds.toFixed(1)}s (${phases.join(', ')}): ${state.server} (dir ${dir})`);
  let stopped = false;
  return {
    dir, server: state.server, kubeconfig: state.kubeconfig, seconds,
    logs: logsOf,
    stop() {
      if (stopped) return;
      stopped = true;
      stopDir(dir);
    },
  };
}

function pointerList() {
  try {
    return fs.readFileSync(POINTER, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function main(argv) {
  const [cmd, ...rest] = argv;
  if (cmd === 'build') {
    const b = ensureBinaries();
    process.stderr.write(`binaries in ${b.dir} (${b.seconds.toFixed(1)}s)\n`);
  } else if (cmd === 'up') {
    ensureBinaries();
    const cp = await startControlPlane();
    fs.appendFileSync(POINTER, `${cp.dir}\n`);
    process.stderr.write(`stop it with: npm run cluster:down -- ${cp.dir}   (or plain \`npm run cluster:down\` in a shell where KUBECONFIG is set to it)\n`);
    process.stdout.write(`export KUBECONFIG=${cp.kubeconfig}\n`);
  } else if (cmd === 'down') {
    // Which one: the dirs given, else the one $KUBECONFIG points into (after eval "$(npm run -s cluster:up)"),
    // else the most recent cluster:up. Never all of them: other people's control planes may be listed too.
    const fromEnv = process.env.KUBECONFIG && path.dirname(process.env.KUBECONFIG);
    const dirs = rest.length ? rest
      : fromEnv && readState(fromEnv) ? [fromEnv]
        : pointerList().filter((d) => readState(d)).slice(-1);
    if (!dirs.length) process.stderr.write('no running control plane started by cluster:up is recorded\n');
    for (const d of dirs) {
      if (!readState(d)) {
        process.stderr.write(`${d}: not a control plane dir (or already stopped)\n`);
      } else {
        stopDir(d);
        process.stderr.write(`stopped control plane in ${d}\n`);
      }
    }
    const left = pointerList().filter((d) => !dirs.includes(d) && readState(d));
    if (left.length) fs.writeFileSync(POINTER, left.map((d) => `${d}\n`).join(''));
    else fs.rmSync(POINTER, { force: true });
  } else if (cmd === 'status') {
    for (const d of pointerList()) {
      const s = readState(d);
      const alive = s ? Object.entries(s.procs).map(([n, p]) => `${n}:${isAlive(p.pid) ? 'up' : 'down'}`).join(' ') : 'gone';
      process.stdout.write(`${d} ${s?.server ?? ''} ${alive}\n`);
    }
  } else {
    process.stderr.write('usage: controlplane.mjs build | up | down [dir...] | status\n');
    process.exitCode = 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
}
