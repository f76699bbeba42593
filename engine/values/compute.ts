// Owns: the computed values of a release — chart defaults (subchart defaults coalesced under their name or
// alias, recursively) < -f files in order < --set flags in order — with `global` copied into every subchart
// scope, and the provenance (file:line) of every resulting path. Also the subchart scopes the renderer and the
// schema check walk: dependency ↔ subchart matching, `condition` and `tags`.
// Must not: read files itself (set-file goes through opts.readFile), render, or validate against schemas.

import { posix } from 'node:path';
import type { Chart, ChartDependency } from '../chart/types.js';
import { KfError } from '../errors.js';
import { valuesProvenance, loadValuesFileShared, type Provenance, type ProvenanceEntry, type ValuesSource } from './load.js';
import { assertValueBounds } from './bounds.js';
import { assertNoForbiddenKeys, findForbiddenKey, mergeKeepNull, mergeValues } from './merge.js';
import { getPath, hasOwn, isMap, joinPath, LazyMap, type Values } from './path.js';
import { applySetTracked, flagText, type SetFlag } from './strvals.js';

export interface ComputeOptions {
  /** Reads a --set-file path (relative to the working directory); without it --set-file is an error. */
  readFile?: (p: string) => string;
}

export interface ComputedValues {
  /** What the templates see: the coalesced tree. */
  values: Values;
  /** Only what the user supplied (-f files, then flags), nulls kept: what a release record stores. */
  user: Values;
  /** File and line of every path in `values`. */
  provenance: Provenance;
}

export interface SubchartScope {
  /** The key the subchart's values live under in the parent: alias, or name. */
  key: string;
  chart: Chart;
  /** `parentValues[key]`, with the parent's `global` merged into its `global`. */
  values: Values;
  enabled: boolean;
  /** Why it is disabled (`condition dex.enabled is false`). */
  reason?: string;
  dependency?: ChartDependency;
}

/** A chart's file as the chart loader names it: `<source>/values.schema.json`, `<x.tgz>:values.schema.json`. */
export function chartFileLabel(chart: Chart, file: string): string {
  const src = chart.source;
  if (!src) return file;
  if (src.endsWith('.tgz')) return `${src}:${file}`;
  return posix.join(src.replace(/\\/g, '/'), file);
}

/**
 * The subcharts of `chart` with the key they are known by: each Chart.yaml dependency matched by name to a loaded
 * subchart (alias gives the key), then any subchart in charts/ that no dependency names (key = its name).
 * A dependency with no loaded subchart, or two under one key, is a KfError.
 */
export function resolveSubcharts(chart: Chart): Array<{ key: string; chart: Chart; dependency?: ChartDependency }> {
  const out: Array<{ key: string; chart: Chart; dependency?: ChartDependency }> = [];
  const used = new Set<Chart>();
  const keys = new Set<string>();
  const chartYaml = chartFileLabel(chart, 'Chart.yaml');
  for (const dep of chart.meta.dependencies ?? []) {
    const sub = chart.subcharts.find((s) => s.meta.name === dep.name);
    if (!sub) {
      throw new KfError(
        `${chartYaml}: dependency "${dep.name}" is not in ${chartFileLabel(chart, 'charts')}/ (run \`kfchart dependency update\`)`,
        { where: { file: chartYaml } },
      );
    }
    const key = dep.alias ?? dep.name;
    if (keys.has(key)) {
      throw new KfError(`${chartYaml}: two dependencies use the values key "${key}"; give one an alias`, {
        where: { file: chartYaml },
      });
    }
    keys.add(key);
    used.add(sub);
    out.push({ key, chart: sub, dependency: dep });
  }
  for (const sub of chart.subcharts) {
    if (used.has(sub) || keys.has(sub.meta.name)) continue;
    keys.add(sub.meta.name);
    out.push({ key: sub.meta.name, chart: sub });
  }
  return out;
}

/** One source's provenance; `weak` entries (containers a --set created) only count when no source wrote the path. */
interface Layer {
  strong: Provenance;
  weak?: Provenance;
}

/** Chart defaults with subchart defaults under their keys; pushes provenance layers lowest precedence first. */
function chartDefaults(chart: Chart, prefix: string, layers: Layer[]): Values {
  const base: Values = {};
  for (const { key, chart: sub } of resolveSubcharts(chart)) {
    base[key] = chartDefaults(sub, joinPath(prefix, key), layers);
  }
  const label = chart.valuesFile?.path ?? chartFileLabel(chart, 'values.yaml');
  if (chart.valuesFile) {
    const text = chart.valuesFile.text;
    const prov: Provenance = new LazyMap(() => {
      const p = valuesProvenance(text, label);
      return prefix === '' ? p : prefixed(p, prefix);
    });
    layers.push({ strong: prov });
    if (findForbiddenKey(chart.values) !== undefined) valuesProvenance(text, label); // throws with file:line
  }
  assertValueBounds(chart.values, label);
  assertNoForbiddenKeys(chart.values, label);
  return mergeValues(base, chart.values);
}

function prefixed(prov: Provenance, prefix: string): Provenance {
  const out: Provenance = new Map();
  for (const [p, e] of prov) out.set(p === '' ? prefix : p.startsWith('[') ? prefix + p : `${prefix}.${p}`, e);
  return out;
}

/** Merge the parent's `global` into every (nested) subchart scope's `global`, parent winning. Mutates `values`. */
function propagateGlobals(chart: Chart, values: Values): void {
  const subs = resolveSubcharts(chart);
  if (subs.length === 0) return;
  if (!isMap(values.global)) values.global = {};
  const g = values.global as Values;
  for (const { key, chart: sub } of subs) {
    const scope = hasOwn(values, key) ? values[key] : undefined;
    if (!isMap(scope)) continue;
    scope.global = mergeValues(isMap(scope.global) ? scope.global : {}, g);
    propagateGlobals(sub, scope);
  }
}

/**
 * The values the templates see. Precedence (low → high): subchart values.yaml < the parent's values for it <
 * each -f source in order < each set flag in order. `null` from a higher source deletes the key.
 * `provenance` is computed from `values` on first read (only error messages need it): treat `values` as read-only.
 */
export function computeValues(
  chart: Chart,
  sources: ValuesSource[],
  sets: SetFlag[],
  opts: ComputeOptions = {},
): ComputedValues {
  const layers: Layer[] = [];
  const defaults = chartDefaults(chart, '', layers);

  let user: Values = {};
  for (const src of sources) {
    const { values, provenance } = loadValuesFileShared(src);
    user = mergeKeepNull(user, values); // copies: `user` is private from here on
    layers.push({ strong: provenance });
  }
  for (const flag of sets) {
    const r = applySetTracked(user, flag, opts.readFile, true);
    user = r.values;
    const entry: ProvenanceEntry = { file: flagText(flag), line: 0 };
    layers.push({ strong: new Map(r.paths.map((p) => [p, entry])), weak: new Map(r.created.map((p) => [p, entry])) });
  }

  const values = mergeValues(defaults, user);
  propagateGlobals(chart, values);
  return { values, user, provenance: new LazyMap(() => finalProvenance(chart, values, layers)) };
}

/** Provenance of every path in the final tree: the highest-precedence layer that wrote it. */
function finalProvenance(chart: Chart, values: Values, layers: Layer[]): Provenance {
  const out: Provenance = new Map();
  const find = (path: string): ProvenanceEntry | undefined => {
    for (let i = layers.length - 1; i >= 0; i--) {
      const e = layers[i].strong.get(path);
      if (e) return e;
    }
    for (let i = layers.length - 1; i >= 0; i--) {
      const e = layers[i].weak?.get(path);
      if (e) return e;
    }
    return undefined;
  };
  /** `alt`: the parent's global path a subchart's global path mirrors (the parent wins). */
  const walk = (v: unknown, path: string, alt: string | undefined): void => {
    const e = (alt !== undefined ? out.get(alt) : undefined) ?? find(path);
    if (e) out.set(path, e);
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, joinPath(path, i), alt === undefined ? undefined : joinPath(alt, i)));
    } else if (isMap(v)) {
      for (const k of Object.keys(v)) walk(v[k], joinPath(path, k), alt === undefined ? undefined : joinPath(alt, k));
    }
  };
  const walkChart = (c: Chart, scope: Values, path: string, parentGlobal: string | undefined): void => {
    if (path === '') {
      const e = find('');
      if (e) out.set('', e);
    }
    // `global` first, so a subchart's global can point at its parent's entries.
    if (hasOwn(scope, 'global')) walk(scope.global, joinPath(path, 'global'), parentGlobal);
    const subs = new Map(resolveSubcharts(c).map((s) => [s.key, s.chart]));
    for (const k of Object.keys(scope)) {
      if (k === 'global') continue;
      const p = joinPath(path, k);
      const sub = subs.get(k);
      const v = scope[k];
      if (sub && isMap(v)) {
        const e = find(p);
        if (e) out.set(p, e);
        walkChart(sub, v, p, joinPath(path, 'global'));
      } else walk(v, p, undefined);
    }
  };
  walkChart(chart, values, '', undefined);
  return out;
}

/** Scope values handed out by subchartScopes → the top chart's `tags`, so nested subcharts see the same tags. */
const rootTags = new WeakMap<Values, unknown>();

/**
 * The subcharts of `chart` as seen from its (scope) values: enabled by `tags` (any true tag enables, all false
 * disables; looked up under `tags:` of the top chart's values, also for subcharts of subcharts when `values` is a
 * scope this function returned) and then `condition` (comma-separated paths relative to these
 * values, the first that holds a boolean decides, overriding tags), as Helm does.
 */
export function subchartScopes(chart: Chart, values: Values): SubchartScope[] {
  const parentGlobal = isMap(values.global) ? values.global : {};
  // Helm reads `tags` from the top chart's values at every level: remember them for the scopes handed out.
  const tagsSource = rootTags.has(values) ? rootTags.get(values) : values.tags;
  return resolveSubcharts(chart).map(({ key, chart: sub, dependency }) => {
    let enabled = true;
    let reason: string | undefined;
    if (dependency?.tags && dependency.tags.length > 0) {
      const tags = isMap(tagsSource) ? tagsSource : {};
      const on = dependency.tags.filter((t) => hasOwn(tags, t) && tags[t] === true);
      const off = dependency.tags.filter((t) => hasOwn(tags, t) && tags[t] === false);
      if (on.length === 0 && off.length > 0) {
        enabled = false;
        reason = `${off.map((t) => `tags.${t}`).join(', ')} ${off.length > 1 ? 'are' : 'is'} false`;
      }
    }
    if (dependency?.condition) {
      for (const raw of dependency.condition.split(',')) {
        const p = raw.trim();
        if (p === '') continue;
        let v: unknown;
        try {
          v = getPath(values, p);
        } catch {
          throw new KfError(`${chartFileLabel(chart, 'Chart.yaml')}: dependency "${dependency.name}" has a bad condition path "${p}"`, {
            where: { file: chartFileLabel(chart, 'Chart.yaml') },
          });
        }
        if (typeof v === 'boolean') {
          enabled = v;
          reason = v ? undefined : `condition ${p} is false`;
          break;
        }
      }
    }
    const own = hasOwn(values, key) && isMap(values[key]) ? (values[key] as Values) : {};
    const scope: Values = { ...own, global: mergeValues(isMap(own.global) ? own.global : {}, parentGlobal) };
    rootTags.set(scope, tagsSource);
    return { key, chart: sub, values: scope, enabled, ...(reason ? { reason } : {}), ...(dependency ? { dependency } : {}) };
  });
}
