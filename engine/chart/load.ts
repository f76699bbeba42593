// Owns: turning a chart (folder, .tgz, or an in-memory file map) into a `Chart`: Chart.yaml checked against
// schemas/chart.schema.json and SemVer, values.yaml, values.schema.json, templates, partials, NOTES.txt, crds/,
// other files, and subcharts (vendored under charts/ as folders or .tgz — read by ./archive.ts — or `file://`
// dependencies next to it).
// Must not: merge values, render, or touch the network (repository dependencies are `dependency update`'s job).

import { stat } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import type { ErrorObject } from 'ajv';
import { cannotRead, KfError } from '../errors.js';
import { parseYaml } from '../yaml/index.js';
import { readChartDir, readFileCapped } from './files.js';
import { ARCHIVE_LIMITS, readChartArchive } from './archive.js';
import validateMetaGenerated from './meta-validator.gen.js';
import { chartMeta, V1_FILES } from './requirements.js';
import type { Chart, ChartFile, ChartMeta, Values } from './types.js';

const TEMPLATE_RE = /^templates\/(?:.*\/)?[^_/][^/]*\.ya?ml$/;
const PARTIAL_RE = /^templates\/(?:.*\/)?_[^/]+\.hbs$/;
const CRD_RE = /^crds\/.*\.(?:ya?ml|json)$/;

/**
 * schemas/chart.schema.json compiled ahead of time (ajv standalone code, regenerated and checked by
 * test/unit/chart/meta-validator.test.ts): loading a chart does not load or run the ajv compiler.
 */
const validateMeta = validateMetaGenerated as unknown as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };


/** Load a chart from a folder or a `.tgz` archive on disk. */
export async function loadChart(ref: string): Promise<Chart> {
  const st = await stat(ref).catch(() => undefined);
  if (!st) throw new KfError(`${ref}: no such chart folder or archive`, { where: { file: ref } });
  if (st.isDirectory()) {
    const files = await readChartDir(ref);
    const chart = loadChartFromFiles(files, ref);
    await addFileDependencies(chart, ref);
    return chart;
  }
  let data: Buffer;
  try {
    data = readFileCapped(ref, ARCHIVE_LIMITS.maxBytes, 'the limit for a chart archive');
  } catch (e) {
    throw cannotRead(ref, 'chart archive', e);
  }
  return loadChartFromFiles(readChartArchive(data, ref), ref);
}

/**
 * Build a Chart from a map of chart-relative POSIX paths to bytes (a folder's files, or an archive's entries with
 * the top folder stripped). `source` names it in messages.
 */
export function loadChartFromFiles(files: Map<string, Buffer>, source: string, chartPath?: string): Chart {
  const text = (p: string): string | undefined => files.get(p)?.toString('utf8');
  const where = (p: string) => joinSource(source, p);

  const chartYaml = text('Chart.yaml');
  if (chartYaml === undefined) {
    throw new KfError(`${source}: not a chart: Chart.yaml is missing`, { where: { file: source } });
  }
  const meta = chartMeta(parseYaml(chartYaml, where('Chart.yaml')), text('requirements.yaml'), where('Chart.yaml'), where('requirements.yaml'), checkMeta);

  const valuesText = text('values.yaml') ?? text('values.yml');
  const valuesName = files.has('values.yaml') ? 'values.yaml' : 'values.yml';
  let values: Values = {};
  if (valuesText !== undefined) {
    const v = parseYaml(valuesText, where(valuesName));
    if (v !== undefined && v !== null) {
      if (typeof v !== 'object' || Array.isArray(v)) {
        throw new KfError(`${where(valuesName)}: values must be a mapping of keys to values`, {
          where: { file: where(valuesName) },
        });
      }
      values = v as Values;
    }
  }

  let schema: Record<string, unknown> | undefined;
  const schemaText = text('values.schema.json');
  if (schemaText !== undefined) {
    try {
      schema = JSON.parse(schemaText) as Record<string, unknown>;
    } catch (e) {
      throw new KfError(`${where('values.schema.json')}: invalid JSON: ${(e as Error).message}`, {
        where: { file: where('values.schema.json') },
      });
    }
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new KfError(`${where('values.schema.json')}: a JSON Schema must be an object`, {
        where: { file: where('values.schema.json') },
      });
    }
  }

  const templates: ChartFile[] = [];
  const partials: ChartFile[] = [];
  const crds: ChartFile[] = [];
  const other: ChartFile[] = [];
  let notes: ChartFile | undefined;
  const subFiles = new Map<string, Map<string, Buffer>>();
  const subArchives: [string, Buffer][] = [];

  for (const [p, buf] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const sub = /^charts\/([^/]+)\/(.+)$/.exec(p);
    if (sub) {
      let m = subFiles.get(sub[1]!);
      if (!m) subFiles.set(sub[1]!, (m = new Map()));
      m.set(sub[2]!, buf);
      continue;
    }
    if (/^charts\/[^/]+\.tgz$/.test(p)) {
      subArchives.push([p, buf]);
      continue;
    }
    if (p === 'Chart.yaml' || p === valuesName || p === 'values.schema.json' || p === 'Chart.lock') continue;
    if (meta.apiVersion === 'v1' && V1_FILES.includes(p)) continue;
    const f: ChartFile = { path: p, text: buf.toString('utf8') };
    if (p === 'templates/NOTES.txt') notes = f;
    else if (TEMPLATE_RE.test(p)) templates.push(f);
    else if (PARTIAL_RE.test(p)) partials.push(f);
    else if (CRD_RE.test(p)) crds.push(f);
    else other.push(f);
  }

  const myPath = chartPath ?? meta.name;
  const subcharts: Chart[] = [];
  for (const [dirName, m] of subFiles) {
    if (!m.has('Chart.yaml')) continue; // not a chart (e.g. a README folder); lint reports it
    subcharts.push(loadChartFromFiles(m, joinSource(source, `charts/${dirName}`), `${myPath}/charts/${dirName}`));
  }
  for (const [p, buf] of subArchives) {
    const sub = loadChartFromFiles(readChartArchive(buf, where(p)), where(p));
    setChartPath(sub, `${myPath}/charts/${sub.meta.name}`);
    subcharts.push(sub);
  }
  subcharts.sort((a, b) => (a.meta.name < b.meta.name ? -1 : a.meta.name > b.meta.name ? 1 : 0));

  const readme = other.find((f) => /^readme(\.md|\.txt)?$/i.test(f.path))?.text;
  const chart: Chart = {
    meta,
    source,
    chartPath: myPath,
    values,
    valuesFile: valuesText === undefined ? undefined : { path: where(valuesName), text: valuesText },
    schema,
    templates,
    partials,
    notes,
    crds,
    files: other,
    readme,
    subcharts,
  };
  checkDependencyVersions(chart, { allowMissing: true });
  return chart;
}

/**
 * For a chart loaded from a folder: a dependency whose repository is a local path (`file://../dex` or `../dex`)
 * and that is not vendored under charts/ is loaded from that path, relative to the chart folder.
 */
async function addFileDependencies(chart: Chart, dir: string): Promise<void> {
  for (const dep of chart.meta.dependencies ?? []) {
    if (chart.subcharts.some((s) => s.meta.name === dep.name)) continue;
    const repo = dep.repository ?? '';
    const local = localDependencyPath(repo);
    if (local === undefined) continue;
    const subDir = path.relative(process.cwd(), path.resolve(dir, local)) || '.';
    const sub = await loadChart(subDir).catch((e: unknown) => {
      if (e instanceof KfError) {
        throw new KfError(`${joinSource(dir, 'Chart.yaml')}: dependency "${dep.name}" (${repo}): ${e.message}`, {
          where: e.where,
          details: e.details,
        });
      }
      throw e;
    });
    if (sub.meta.name !== dep.name) {
      throw new KfError(
        `${joinSource(dir, 'Chart.yaml')}: dependency "${dep.name}" points at ${repo}, which holds chart "${sub.meta.name}"`,
        { where: { file: joinSource(dir, 'Chart.yaml') } },
      );
    }
    setChartPath(sub, `${chart.chartPath}/charts/${sub.meta.name}`);
    chart.subcharts.push(sub);
  }
  chart.subcharts.sort((a, b) => (a.meta.name < b.meta.name ? -1 : a.meta.name > b.meta.name ? 1 : 0));
  checkDependencyVersions(chart, { allowMissing: true });
}

/** The chart folder a dependency's `repository` names (`file://../dex` or `../dex`), relative to the chart; else undefined. */
export function localDependencyPath(repository: string | undefined): string | undefined {
  if (!repository) return undefined;
  if (repository.startsWith('file://')) return repository.slice('file://'.length);
  return /^\.{1,2}\//.test(repository) ? repository : undefined;
}

function setChartPath(chart: Chart, p: string): void {
  chart.chartPath = p;
  for (const s of chart.subcharts) setChartPath(s, `${p}/charts/${s.meta.name}`);
}

/** Every declared dependency that is present must satisfy its version range. */
export function checkDependencyVersions(chart: Chart, opts: { allowMissing: boolean }): void {
  const file = joinSource(chart.source, 'Chart.yaml');
  for (const dep of chart.meta.dependencies ?? []) {
    const sub = chart.subcharts.find((s) => s.meta.name === dep.name);
    if (!sub) {
      if (opts.allowMissing) continue;
      throw new KfError(`${file}: dependency "${dep.name}" is missing from charts/; run \`kfchart dependency update\``, {
        where: { file },
      });
    }
    if (!semver.satisfies(sub.meta.version, dep.version, { includePrerelease: true })) {
      throw new KfError(
        `${file}: dependency "${dep.name}" must satisfy version ${dep.version}, but ${sub.source} is ${sub.meta.version}`,
        { where: { file } },
      );
    }
  }
}

/** Validate parsed Chart.yaml content; returns it typed. */
export function checkMeta(raw: unknown, file: string): ChartMeta {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new KfError(`${file}: Chart.yaml must be a mapping`, { where: { file } });
  }
  if (!validateMeta(raw)) {
    const details = (validateMeta.errors ?? []).map((e) => {
      const at = e.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
      if (e.keyword === 'additionalProperties') {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        return `${at ? `${at}.` : ''}${extra}: unknown field`;
      }
      if (e.keyword === 'required') {
        return `${at ? `${at}.` : ''}${(e.params as { missingProperty: string }).missingProperty}: missing required field`;
      }
      if (e.keyword === 'const' || e.keyword === 'enum') {
        const allowed = (e.params as { allowedValue?: unknown; allowedValues?: unknown[] });
        return `${at}: must be ${JSON.stringify(allowed.allowedValue ?? allowed.allowedValues)}`;
      }
      return `${at || '(root)'}: ${e.message}`;
    });
    throw new KfError(`${file}: ${details[0]}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}`, {
      where: { file },
      details: details.length > 1 ? details.map((d) => `  ${d}`) : [],
    });
  }
  const meta = raw as ChartMeta;
  if (!semver.valid(meta.version)) {
    throw new KfError(`${file}: version "${meta.version}" is not a SemVer 2 version (e.g. 1.2.3)`, { where: { file } });
  }
  if (meta.kubeVersion !== undefined && !semver.validRange(meta.kubeVersion)) {
    throw new KfError(`${file}: kubeVersion "${meta.kubeVersion}" is not a SemVer range`, { where: { file } });
  }
  const seen = new Set<string>();
  for (const dep of meta.dependencies ?? []) {
    if (!semver.validRange(dep.version)) {
      throw new KfError(`${file}: dependency "${dep.name}": version "${dep.version}" is not a SemVer range`, {
        where: { file },
      });
    }
    const key = dep.alias ?? dep.name;
    if (seen.has(key)) throw new KfError(`${file}: dependency "${key}" is listed twice`, { where: { file } });
    seen.add(key);
  }
  return meta;
}

function joinSource(source: string, p: string): string {
  return source.endsWith('.tgz') ? `${source}:${p}` : path.join(source, p);
}
