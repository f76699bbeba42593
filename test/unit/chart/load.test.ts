import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadChart, loadChartFromFiles } from '../../../engine/chart/load.js';
import { KfError } from '../../../engine/errors.js';
import { rejects as rejectsWith } from '../../helpers/assert.js';

async function rejects(p: Promise<unknown>, re: RegExp) {
  assert.instance(await rejectsWith(p, re), KfError);
}

const tmp = mkdtempSync(path.join(tmpdir(), 'kfchart-load-'));
let n = 0;
function chartDir(files: Record<string, string>): string {
  const dir = path.join(tmp, `c${n++}`);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), text);
  }
  return dir;
}
const files = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k, Buffer.from(v)]));


test('a folder chart is split into templates, partials, notes, crds, files and subcharts', async () => {
  const dir = chartDir({
    'Chart.yaml': 'apiVersion: v2\nname: top\nversion: 1.2.3\nappVersion: "9"\ndependencies:\n  - {name: sub, version: ^0.1.0}\n',
    'values.yaml': 'a: 1\n',
    'values.schema.json': '{"type":"object"}',
    'templates/b.yaml': 'kind: B',
    'templates/a.yml': 'kind: A',
    'templates/nested/c.yaml': 'kind: C',
    'templates/_labels.hbs': 'x',
    'templates/NOTES.txt': 'hello',
    'templates/stray.txt': 'ignored',
    'crds/crd.yaml': 'kind: CustomResourceDefinition',
    'README.md': '# top',
    'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.1.5\n',
    'charts/sub/templates/s.yaml': 'kind: S',
  });
  const c = await loadChart(dir);
  assert.is(c.meta.name, 'top');
  assert.equal(c.values, { a: 1 });
  assert.equal(c.schema, { type: 'object' });
  assert.equal(c.templates.map((t) => t.path), ['templates/a.yml', 'templates/b.yaml', 'templates/nested/c.yaml']);
  assert.equal(c.partials.map((t) => t.path), ['templates/_labels.hbs']);
  assert.is(c.notes?.text, 'hello');
  assert.equal(c.crds.map((t) => t.path), ['crds/crd.yaml']);
  assert.equal(c.files.map((f) => f.path), ['README.md', 'templates/stray.txt']);
  assert.is(c.readme, '# top');
  assert.is(c.subcharts.length, 1);
  assert.is(c.subcharts[0]!.chartPath, 'top/charts/sub');
  assert.equal(c.subcharts[0]!.templates.map((t) => t.path), ['templates/s.yaml']);
  assert.is(c.valuesFile?.path, path.join(dir, 'values.yaml'));
});

test('file:// dependencies are loaded next to the chart when not vendored', async () => {
  const base = chartDir({
    'dex/Chart.yaml': 'apiVersion: v2\nname: dex\nversion: 2.0.0\n',
    'kf/Chart.yaml': 'apiVersion: v2\nname: kf\nversion: 1.0.0\ndependencies:\n  - {name: dex, version: ">=2.0.0 <3", repository: "file://../dex"}\n',
  });
  const c = await loadChart(path.join(base, 'kf'));
  assert.equal(c.subcharts.map((s) => [s.meta.name, s.chartPath]), [['dex', 'kf/charts/dex']]);
});

test('a dependency whose version does not satisfy the range is refused', async () => {
  const base = chartDir({
    'dex/Chart.yaml': 'apiVersion: v2\nname: dex\nversion: 3.0.0\n',
    'kf/Chart.yaml': 'apiVersion: v2\nname: kf\nversion: 1.0.0\ndependencies:\n  - {name: dex, version: ^2.0.0, repository: "file://../dex"}\n',
  });
  await rejects(loadChart(path.join(base, 'kf')), /dependency "dex" must satisfy version \^2\.0\.0, but .* is 3\.0\.0/);
});

test('Chart.yaml: unknown fields, missing fields, bad SemVer, bad ranges are named', () => {
  const load = (y: string) => () => loadChartFromFiles(files({ 'Chart.yaml': y }), 'c');
  assert.throws(load('apiVersion: v2\nname: x\nversion: 1.0.0\nversoin: 2\n'), /c\/Chart\.yaml: versoin: unknown field/);
  assert.throws(load('apiVersion: v2\nname: x\n'), /c\/Chart\.yaml: version: missing required field/);
  assert.throws(load('apiVersion: v2\nname: x\nversion: "1.0"\n'), /version "1\.0" is not a SemVer 2 version/);
  assert.throws(load('apiVersion: v3\nname: x\nversion: 1.0.0\n'), /apiVersion: must be "v2"/);
  // apiVersion v1 (Helm 2's format) is read: engine/chart/requirements.ts, test/unit/repo/helm-lock.test.ts
  assert.is(loadChartFromFiles(files({ 'Chart.yaml': 'apiVersion: v1\nname: x\nversion: 1.0.0\n' }), 'c').meta.apiVersion, 'v1');
  assert.throws(load('apiVersion: v1\nname: x\nversion: 1.0.0\nversoin: 2\n'), /c\/Chart\.yaml: versoin: unknown field/);
  assert.throws(load('apiVersion: v2\nname: x\nversion: 1.0.0\nkubeVersion: "not a range"\n'), /kubeVersion "not a range" is not a SemVer range/);
  assert.throws(load('apiVersion: v2\nname: X_Y\nversion: 1.0.0\n'), /name: must match pattern/);
  assert.throws(
    load('apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n  - {name: a, version: "1"}\n  - {name: a, version: "2"}\n'),
    /dependency "a" is listed twice/,
  );
  assert.throws(() => loadChartFromFiles(files({ 'values.yaml': 'a: 1' }), 'c'), /c: not a chart: Chart\.yaml is missing/);
});

test('values.yaml must be a mapping; values.schema.json must be JSON', () => {
  const meta = 'apiVersion: v2\nname: x\nversion: 1.0.0\n';
  assert.throws(() => loadChartFromFiles(files({ 'Chart.yaml': meta, 'values.yaml': '- a\n' }), 'c'), /c\/values\.yaml: values must be a mapping/);
  assert.throws(() => loadChartFromFiles(files({ 'Chart.yaml': meta, 'values.schema.json': '{nope' }), 'c'), /c\/values\.schema\.json: invalid JSON/);
  assert.throws(() => loadChartFromFiles(files({ 'Chart.yaml': meta, 'values.yaml': 'a: [\n' }), 'c'), /c\/values\.yaml:\d+: invalid YAML/);
});

test('.kfchartignore leaves files out; a symlink leading outside the chart is refused', async () => {
  const dir = chartDir({
    'Chart.yaml': 'apiVersion: v2\nname: x\nversion: 1.0.0\n',
    '.kfchartignore': 'secret.txt\nbuild/\n',
    'secret.txt': 'x',
    'build/out.yaml': 'x',
    'keep.txt': 'x',
  });
  const c = await loadChart(dir);
  assert.equal(c.files.map((f) => f.path), ['.kfchartignore', 'keep.txt']);
  symlinkSync('/etc/hostname', path.join(dir, 'leak.txt'));
  await rejects(loadChart(dir), /leak\.txt is a symbolic link leading outside the chart folder/);
  rmSync(path.join(dir, 'leak.txt'));
});

test('a missing chart path is a clear error', async () => {
  await rejects(loadChart(path.join(tmp, 'nope')), /no such chart folder or archive/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
