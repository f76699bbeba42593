// Test helper: build an in-memory Chart for the values tests (no file system).
import type { Chart, ChartDependency, Values } from '../../../engine/chart/types.js';
import { loadValuesFile } from '../../../engine/values/index.js';

export interface ChartSpec {
  name: string;
  /** values.yaml text (parsed for values and kept for provenance). */
  values?: string;
  schema?: Record<string, unknown>;
  dependencies?: ChartDependency[];
  subcharts?: Chart[];
  source?: string;
}

export function chart(spec: ChartSpec): Chart {
  const source = spec.source ?? spec.name;
  let values: Values = {};
  if (spec.values !== undefined) values = loadValuesFile({ file: `${source}/values.yaml`, text: spec.values }).values;
  const subcharts = spec.subcharts ?? [];
  const c: Chart = {
    meta: { apiVersion: 'v2', name: spec.name, version: '1.0.0', ...(spec.dependencies ? { dependencies: spec.dependencies } : {}) },
    source,
    chartPath: spec.name,
    values,
    valuesFile: spec.values === undefined ? undefined : { path: `${source}/values.yaml`, text: spec.values },
    schema: spec.schema,
    templates: [],
    partials: [],
    crds: [],
    files: [],
    subcharts,
  };
  return c;
}

/** The KfError (or other error) a function throws; fails the test when nothing is thrown. */
export function thrown(fn: () => unknown): Error & { details?: string[]; where?: { file?: string; line?: number; path?: string } } {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}
