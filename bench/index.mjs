#!/usr/bin/env node
// Issue 14's scale case: kfchart vs helm 4 on real-world-shaped repository indexes (generated: thousands of charts and
// versions with the fields large public indexes carry — maintainers, keywords, sources, annotations, dependencies,
// some prereleases), served over HTTP on 127.0.0.1 by a separate process. Measures whole processes under GNU time,
// in turns (kfchart under every Node of --node, then helm, again, ...), median of --runs with the spread:
// `repo add --force-update`, `repo update`, and `search repo` (a keyword, and a keyword with --versions). Prints wall
// seconds, CPU seconds (user + system: steadier than wall on a loaded machine), peak RSS MiB, kf/helm ratios, the
// load average, and the goals table.
// Goal (issue 14): at most helm's wall time and memory at ~4 MB, ahead above.
//
//   node bench/index.mjs [--runs 5] [--sizes 4,20,64] [--node machine,24,26] [--no-build]
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { checkKfchartNode, f, flag, goalsTable, helm, helmVersion, kfchart, measureAll, nodes, opt, prepare, root, table } from './lib.mjs';

const runs = Number(opt('runs', '5'));
const sizes = opt('sizes', '4,20,64').split(',').map(Number);
const out = path.join(root, 'bench/.out/index');

/** A deterministic pseudo-random generator (the same index every run). */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const WORDS = ['web', 'server', 'database', 'cache', 'queue', 'proxy', 'monitoring', 'metrics', 'logging', 'storage', 'gateway', 'auth', 'operator', 'controller', 'backup', 'search', 'analytics', 'stream', 'mesh', 'dns'];

/** An index of about `mb` MiB in Helm's layout: ~1 KiB per version, ~20 versions per chart. */
function makeIndex(mb) {
  const r = rng(mb * 7919);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const lines = ['apiVersion: v1', 'entries:'];
  let bytes = 0;
  let charts = 0;
  let versions = 0;
  while (bytes < mb * 1024 * 1024) {
    const name = `${pick(WORDS)}-${pick(WORDS)}-${charts}`;
    charts++;
    lines.push(`  ${name}:`);
    const n = 5 + Math.floor(r() * 30);
    const kw = [pick(WORDS), pick(WORDS), pick(WORDS)];
    for (let i = n; i > 0; i--) {
      const major = Math.floor(i / 10);
      const minor = i % 10;
      const pre = r() < 0.1 ? `-rc.${1 + Math.floor(r() * 3)}` : '';
      const version = `${major}.${minor}.${Math.floor(r() * 5)}${pre}`;
      const digest = createHash('sha256').update(`${name}@${version}@${i}`).digest('hex');
      const entry = [
        `  - annotations:`,
        `      category: ${pick(['Infrastructure', 'Database', 'Analytics', 'Networking'])}`,
        `      licenses: Apache-2.0`,
        `    apiVersion: v2`,
        `    appVersion: ${major + 1}.${minor}.${i}`,
        `    created: "2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00.123456789Z"`,
        ...(r() < 0.3
          ? ['    dependencies:', '    - name: common', '      repository: oci://registry.example.org/charts', '      tags:', '      - bitnami-common', '      version: 2.x.x']
          : []),
        `    description: A ${pick(WORDS)} ${pick(WORDS)} for Kubernetes, packaged with sensible defaults for ${pick(WORDS)} workloads and production use.`,
        `    digest: ${digest}`,
        `    home: https://example.org/charts/${name}`,
        `    icon: https://example.org/icons/${name}.svg`,
        `    keywords:`,
        ...kw.map((k) => `    - ${k}`),
        `    maintainers:`,
        `    - name: Team ${pick(WORDS)}`,
        `      url: https://github.com/example/${name}`,
        `    name: ${name}`,
        `    sources:`,
        `    - https://github.com/example/${name}`,
        `    - https://github.com/example/containers/tree/main/${name}`,
        `    urls:`,
        `    - https://charts.example.org/${name}-${version}.tgz`,
        `    version: ${version}`,
      ].join('\n');
      lines.push(entry);
      bytes += entry.length + 1;
      versions++;
    }
  }
  lines.push('generated: "2026-01-01T00:00:00Z"', '');
  return { text: lines.join('\n'), charts, versions };
}

/** A static file server in its own process (measureAll blocks this one). */
function serve(dir) {
  const code = `const http=require('http'),fs=require('fs'),p=require('path');const d=${JSON.stringify(dir)};
http.createServer((q,s)=>{fs.readFile(p.join(d,p.normalize(decodeURIComponent(q.url.split('?')[0]))),(e,b)=>{if(e){s.writeHead(404).end();return}s.writeHead(200,{'content-length':b.length}).end(b)})}).listen(0,'127.0.0.1',function(){process.stdout.write(String(this.address().port)+'\\n')});`;
  const proc = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => proc.stdout.once('data', (d) => resolve({ url: `http://127.0.0.1:${String(d).trim()}`, stop: () => proc.kill() })));
}

if (!flag('no-build')) prepare();
const list = nodes();
for (const n of list) checkKfchartNode(n);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`kfchart on ${list.map((n) => n.label).join(', ')} vs ${helmVersion()}; ${runs} runs in turns (every Node and helm), medians [min–max]; load average ${load()} at the start\n`);
const spread = (a) => `[${f(Math.min(...a))}–${f(Math.max(...a))}]`;
const rows = [['index', 'command', 'Node', 'kf wall s', 'helm wall s', 'wall kf/helm', 'kf CPU s', 'helm CPU s', 'CPU kf/helm', 'kf RSS MiB', 'helm RSS MiB', 'RSS kf/helm']];
const goals = [];
for (const mb of sizes) {
  const dir = path.join(out, `${mb}mb`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'repo'), { recursive: true });
  const { text, charts, versions } = makeIndex(mb);
  writeFileSync(path.join(dir, 'repo/index.yaml'), text);
  const size = statSync(path.join(dir, 'repo/index.yaml')).size;
  const srv = await serve(path.join(dir, 'repo'));
  const noProxy = { HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '' };
  // a size over kfchart's default cap (256 MiB) is allowed explicitly, as a user would
  const kenv = { env: { ...process.env, ...noProxy, KFCHART_CONFIG_HOME: path.join(dir, 'kc'), KFCHART_CACHE_HOME: path.join(dir, 'kk'), KFCHART_MAX_INDEX_MB: String(Math.max(256, mb * 2)) } };
  const henv = { env: { ...process.env, ...noProxy, HELM_CONFIG_HOME: path.join(dir, 'hc'), HELM_CACHE_HOME: path.join(dir, 'hk'), HELM_DATA_HOME: path.join(dir, 'hd') } };
  const label = `${(size / 1024 / 1024).toFixed(1)} MB (${charts} charts, ${versions} versions)`;
  const keyword = WORDS[3];
  const cases = [
    ['repo add', ['repo', 'add', 'big', srv.url, '--force-update']],
    ['repo update', ['repo', 'update', 'big']],
    [`search repo ${keyword}`, ['search', 'repo', keyword]],
    [`search repo ${keyword} --versions`, ['search', 'repo', keyword, '--versions']],
    // the floor under the repo commands: start-up, argument parsing, reading the repository list (first size only)
    ...(mb === sizes[0] ? [['repo list (start-up floor)', ['repo', 'list']]] : []),
  ];
  try {
    for (const [name, args] of cases) {
      const r = measureAll([...list.map((n) => [n.bin, [kfchart, ...args], kenv]), [helm, args, henv]], runs);
      const h = r[list.length];
      list.forEach((n, i) => {
        const k = r[i];
        if (name.startsWith('search')) {
          const kl = k.out.trim().split('\n').length;
          const hl = h.out.trim().split('\n').length;
          if (kl !== hl) throw new Error(`${name}: kfchart printed ${kl} lines, helm ${hl}`);
        }
        rows.push([label, name, n.label, `${f(k.wall)} ${spread(k.samples.walls)}`, `${f(h.wall)} ${spread(h.samples.walls)}`, f(k.wall / h.wall),
          f(k.cpu), f(h.cpu), f(k.cpu / h.cpu), f(k.rss, 0), f(h.rss, 0), f(k.rss / h.rss)]);
        console.error(`${label} ${name} ${n.label}: kf ${f(k.wall)} s / ${f(k.rss, 0)} MiB, helm ${f(h.wall)} s / ${f(h.rss, 0)} MiB (load ${load()})`);
        if (name === 'repo add' || name === 'repo update') {
          // issue 14: at most helm at ~4 MB, ahead of it above
          const limit = mb <= 4 ? 1 : 0.99;
          goals.push({ goal: `${name} wall, ${Math.round(size / 1024 / 1024)} MB`, node: n, value: k.wall / h.wall, limit, met: k.wall / h.wall <= limit });
          goals.push({ goal: `${name} peak RSS, ${Math.round(size / 1024 / 1024)} MB`, node: n, value: k.rss / h.rss, limit, met: k.rss / h.rss <= limit });
        }
      });
    }
  } finally {
    srv.stop();
  }
}
console.log(table(rows));
console.log(`\nGoals (issue 14: ≤ 1.00× helm at ~4 MB, ahead of helm above)\n`);
console.log(goalsTable(goals, list, 2));
console.log(`\nload average at the end: ${load()}`);
