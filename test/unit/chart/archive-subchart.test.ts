// engine/chart reads .tgz charts and subcharts with engine/chart/archive.ts, which loads tar only on the first archive
// read, synchronously: loadChartFromFiles stays synchronous (this file imports engine/repo/archive only to write the
// test archive).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadChart, loadChartFromFiles } from '../../../engine/chart/load.js';
import { writeChartArchive } from '../../../engine/repo/archive.js';

const b = (s: string) => Buffer.from(s);
const sub = writeChartArchive('dex', new Map([
  ['Chart.yaml', b('apiVersion: v2\nname: dex\nversion: 1.2.3\n')],
  ['templates/cm.yaml', b('kind: ConfigMap\n')],
]));
const parentFiles = () => new Map([
  ['Chart.yaml', b('apiVersion: v2\nname: p\nversion: 1.0.0\n')],
  ['charts/dex-1.2.3.tgz', sub],
]);

test('loadChartFromFiles (synchronous) reads a vendored .tgz subchart', () => {
  const c = loadChartFromFiles(parentFiles(), 'p');
  assert.equal(c.subcharts.map((s) => [s.meta.name, s.meta.version, s.chartPath]), [['dex', '1.2.3', 'p/charts/dex']]);
  assert.equal(c.subcharts[0]!.templates.map((t) => t.path), ['templates/cm.yaml']);
});

test('loadChart reads a .tgz chart and a folder with a .tgz subchart', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kfchart-tgz-'));
  writeFileSync(path.join(dir, 'dex-1.2.3.tgz'), sub);
  assert.is((await loadChart(path.join(dir, 'dex-1.2.3.tgz'))).meta.name, 'dex');
  mkdirSync(path.join(dir, 'p', 'charts'), { recursive: true });
  for (const [p, buf] of parentFiles()) writeFileSync(path.join(dir, 'p', p), buf);
  const c = await loadChart(path.join(dir, 'p'));
  assert.equal(c.subcharts.map((s) => s.chartPath), ['p/charts/dex']);
});

test.run();
