// Test helpers for the render layer: in-memory charts and a default render context.
import type { Chart, ChartFile, ChartMeta, Values } from '../../../engine/chart/types.js';
import { renderChart, type RenderContext, type RenderResult } from '../../../engine/render/index.js';
import { KfError } from '../../../engine/errors.js';

export function ctx(over: Partial<RenderContext> = {}): RenderContext {
  return {
    release: { name: 'demo', namespace: 'kubeflow', revision: 1, isInstall: true, isUpgrade: false, service: 'kfchart' },
    capabilities: { kubeVersion: { version: 'v1.30.2', major: '1', minor: '30' }, apiVersions: ['v1', 'apps/v1', 'policy/v1'] },
    ...over,
  };
}

export interface ChartSpec {
  name?: string;
  chartPath?: string;
  meta?: Partial<ChartMeta>;
  values?: Values;
  templates?: Record<string, string>;
  partials?: Record<string, string>;
  files?: Record<string, string>;
  notes?: string;
  subcharts?: Chart[];
}

const files = (m: Record<string, string> = {}): ChartFile[] =>
  Object.keys(m).sort().map((path) => ({ path, text: m[path] }));

export function mkChart(spec: ChartSpec): Chart {
  const name = spec.name ?? 'demo';
  return {
    meta: { apiVersion: 'v2', name, version: '1.2.3', appVersion: '4.5.6', ...spec.meta },
    source: name,
    chartPath: spec.chartPath ?? name,
    values: spec.values ?? {},
    templates: files(spec.templates),
    partials: files(spec.partials),
    notes: spec.notes === undefined ? undefined : { path: 'templates/NOTES.txt', text: spec.notes },
    crds: [],
    files: files(spec.files),
    subcharts: spec.subcharts ?? [],
  };
}

/** Render one template text (templates/t.yaml) of a one-template chart and return its output. */
export function r(source: string, values: Values = {}, spec: ChartSpec = {}, c: RenderContext = ctx()): string {
  const chart = mkChart({ ...spec, templates: { 'templates/t.yaml': source, ...(spec.templates ?? {}) } });
  const res = renderAll(chart, values, c);
  return res.files.find((f) => f.template === `${chart.chartPath}/templates/t.yaml`)!.text;
}

/**
 * renderChart, but a KfError is rethrown as a plain Error carrying it in `kf` (uvu's reporter mistakes
 * KfError.details for assertion details and prints nothing).
 */
export function renderAll(chart: Chart, values: Values, c: RenderContext = ctx()): RenderResult {
  try {
    return renderChart(chart, values, c);
  } catch (e) {
    if (e instanceof KfError) {
      const w = new Error(`KfError: ${e.message}\n${e.details.join('\n')}`) as Error & { kf: KfError };
      w.kf = e;
      throw w;
    }
    throw e;
  }
}

/** The KfError thrown by `fn` (fails the test when nothing, or something else, is thrown). */
export function kfErr(fn: () => unknown): KfError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KfError) return e;
    const kf = (e as { kf?: unknown }).kf;
    if (kf instanceof KfError) return kf;
    throw new Error(`expected a KfError, got ${String(e)}`);
  }
  throw new Error('expected a KfError, nothing was thrown');
}
