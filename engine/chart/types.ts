// Owns: the in-memory shape of a loaded chart, shared by every stage of the pipeline.
// Must not: contain logic. Loading lives in load.ts, values logic in engine/values, rendering in engine/render.

export type Values = Record<string, unknown>;

export interface ChartDependency {
  name: string;
  /** SemVer range the subchart's version must satisfy. */
  version: string;
  /** A local path (`file://../dex` or `../dex`) or a repository URL / `@repo` name. */
  repository?: string;
  /** Values path (relative to the parent's values) of a boolean; false = subchart not rendered. */
  condition?: string;
  tags?: string[];
  /** Name the subchart is known by in the parent (values key, template prefix). */
  alias?: string;
  importValues?: unknown[];
}

export interface ChartMeta {
  /** v1: a Helm 2-format chart (engine/chart/requirements.ts), read but never written by kfchart. */
  apiVersion: 'v1' | 'v2';
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  kubeVersion?: string;
  type?: 'application' | 'library';
  keywords?: string[];
  home?: string;
  sources?: string[];
  icon?: string;
  deprecated?: boolean;
  maintainers?: { name: string; email?: string; url?: string }[];
  annotations?: Record<string, string>;
  dependencies?: ChartDependency[];
}

export interface ChartFile {
  /** Path relative to the chart root, POSIX separators, e.g. `templates/deployment.yaml`. */
  path: string;
  text: string;
}

export interface Chart {
  meta: ChartMeta;
  /** Where it came from (folder or .tgz path, or `parent/charts/dex`), used in messages. */
  source: string;
  /** Chain of chart names from the top chart down, e.g. `kubeflow/charts/dex`; used in `# Source:` lines. */
  chartPath: string;
  /** Defaults from values.yaml ({} when absent). */
  values: Values;
  /** values.yaml as read: `path` is the display path (`charts/dex/values.yaml`, `x.tgz:values.yaml`), for messages. */
  valuesFile?: ChartFile;
  /** Parsed values.schema.json, when present. */
  schema?: Record<string, unknown>;
  /** Renderable templates: templates/**\/*.yaml|yml (not partials, not NOTES.txt), sorted by path. */
  templates: ChartFile[];
  /** templates/**\/_*.hbs partials, sorted by path. Registered by file name without `_` and `.hbs`. */
  partials: ChartFile[];
  /** templates/NOTES.txt, rendered after install. */
  notes?: ChartFile;
  /** crds/**\/*.yaml|yml: plain YAML, never templated. */
  crds: ChartFile[];
  /** Every other file (README.md, LICENSE, files/…), sorted by path. */
  files: ChartFile[];
  readme?: string;
  /** Subcharts found in charts/ (folders or .tgz), by their Chart.yaml name. */
  subcharts: Chart[];
}
