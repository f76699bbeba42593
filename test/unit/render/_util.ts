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

/** One in-memory precompiled-template cache shared by every render test (see renderAll). */
export const memoryCache = (() => {
  const map = new Map<string, string>();
  return { map, get: (k: string) => map.get(k), set: (k: string, v: string) => void map.set(k, v) };
})();

type Outcome = { ok: RenderResult } | { err: unknown };
const attempt = (f: () => RenderResult): Outcome => {
  try {
    return { ok: f() };
  } catch (e) {
    return { err: e };
  }
};
const describe = (o: Outcome): unknown =>
  'ok' in o ? { files: o.ok.files, notes: o.ok.notes } : o.err instanceof KfError ? { kf: o.err.message, details: o.err.details } : { other: String(o.err) };

/**
 * renderChart, but a KfError is rethrown as a plain Error carrying it in `kf` (uvu's reporter mistakes
 * KfError.details for assertion details and prints nothing). Every render test also checks the precompiled-template
 * cache: the same chart is rendered again through `memoryCache` (a miss that precompiles, or a hit), then once more
 * (a hit), with the first render's generated secrets; output or error must be identical to the uncached render.
 */
export function renderAll(chart: Chart, values: Values, c: RenderContext = ctx()): RenderResult {
  const plain = attempt(() => renderChart(chart, values, c));
  const again = { ...c, persisted: { ...c.persisted, ...('ok' in plain ? plain.ok.persisted : {}) } };
  for (let i = 0; i < 2; i++) {
    const cached = attempt(() => renderChart(chart, values, again, { compileCache: memoryCache }));
    const [a, b] = [JSON.stringify(describe(plain)), JSON.stringify(describe(cached))];
    if (a !== b) throw new Error(`the precompiled-template cache changed the result (pass ${i + 1}):\nwithout: ${a}\nwith:    ${b}`);
  }
  if ('ok' in plain) return plain.ok;
  const e = plain.err;
  if (e instanceof KfError) {
    const w = new Error(`KfError: ${e.message}\n${e.details.join('\n')}`) as Error & { kf: KfError };
    w.kf = e;
    throw w;
  }
  throw e;
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
