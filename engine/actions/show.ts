// Owns: `kfchart show chart|values|readme|schema|crds` and `show values --computed`.
// Must not: render templates or talk to a cluster.

import { KfError } from '../errors.js';
import type { Chart } from '../chart/types.js';
import { dumpYaml } from '../yaml/index.js';
import { computeValues, validateValues, type SetFlag } from '../values/index.js';
import { readSetFile, readValueFiles } from '../values/read.js';
import { loadChartRef } from './prepare.js';

export type ShowWhat = 'chart' | 'values' | 'readme' | 'schema' | 'crds' | 'all';

export async function showAction(
  what: ShowWhat,
  ref: string,
  opts: {
    version?: string; devel?: boolean; repo?: string; verify?: boolean; keyring?: string; computed?: boolean; valueFiles?: string[]; sets?: SetFlag[];
    output?: 'yaml' | 'json'; jsonpath?: string;
  } = {},
): Promise<string> {
  const chart = await loadChartRef(ref, opts);
  if (what === 'values' && (opts.computed || opts.jsonpath !== undefined)) {
    let values = chart.values;
    if (opts.computed) {
      const sources = await readValueFiles(opts.valueFiles ?? []);
      const c = computeValues(chart, sources, opts.sets ?? [], { readFile: readSetFile });
      validateValues(chart, c.values, c.provenance, { checkSchema: false });
      values = c.values;
    }
    if (opts.jsonpath !== undefined) return jsonPath(values, opts.jsonpath);
    return opts.output === 'json' ? `${JSON.stringify(values, null, 2)}\n` : dumpYaml(values);
  }
  switch (what) {
    case 'chart':
      return dumpYaml(chart.meta);
    case 'values':
      return chart.valuesFile?.text ?? dumpYaml(chart.values);
    case 'readme':
      if (chart.readme === undefined) throw new KfError(`${chart.source}: chart has no README`);
      return chart.readme.endsWith('\n') ? chart.readme : `${chart.readme}\n`;
    case 'schema':
      if (!chart.schema) throw new KfError(`${chart.source}: chart has no values.schema.json`);
      return `${JSON.stringify(chart.schema, null, 2)}\n`;
    case 'crds':
      return crdsText(chart);
    case 'all':
      return [dumpYaml(chart.meta), chart.valuesFile?.text ?? dumpYaml(chart.values), chart.readme ?? '', crdsText(chart)]
        .filter(Boolean)
        .join('---\n');
  }
}

function crdsText(chart: Chart): string {
  const parts: string[] = [];
  const walk = (c: Chart) => {
    for (const f of c.crds) parts.push(`---\n# Source: ${c.chartPath}/${f.path}\n${f.text.replace(/^---\s*\n/, '')}`);
    c.subcharts.forEach(walk);
  };
  walk(chart);
  return parts.join('');
}

/** JSON as Go's encoding/json writes it for kubectl's JSONPath: compact, map keys sorted. */
function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${goJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * kubectl's JSONPath template over `data`, the subset helm users write: text with `{…}` expressions of `.field`,
 * `['field']`, `[N]` and `[*]` steps (or `{"literal"}`); several results are joined by a space, maps and lists are
 * printed as JSON, a missing field prints nothing (helm allows missing keys).
 */
export function jsonPath(data: unknown, template: string): string {
  let out = '';
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m: RegExpExecArray | null; (m = re.exec(template)); last = re.lastIndex) {
    out += template.slice(last, m.index);
    const expr = m[1]!.trim();
    if (/^"(?:[^"\\]|\\.)*"$/.test(expr)) { out += JSON.parse(expr) as string; continue; }
    let cur: unknown[] = [data];
    const step = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\*\]|\.\*|\[['"]([^'"]+)['"]\]/y;
    let i = expr.startsWith('$') ? 1 : 0;
    if (expr === '.' || expr === '$' || expr === '@') i = expr.length;
    while (i < expr.length) {
      step.lastIndex = i;
      const s = step.exec(expr);
      if (!s) throw new KfError(`--jsonpath "${template}": cannot read "${expr.slice(i)}" (use .field, ['field'], [N] or [*])`, { exitCode: 2 });
      i = step.lastIndex;
      const key = s[1] ?? s[3];
      cur = cur.flatMap((v): unknown[] => {
        if (key !== undefined) return v && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, key) ? [(v as Record<string, unknown>)[key]] : [];
        if (s[2] !== undefined) return Array.isArray(v) && Number(s[2]) < v.length ? [v[Number(s[2])]] : [];
        return Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [];
      });
    }
    out += cur.map((v) => (v !== null && typeof v === 'object' ? goJson(v) : v === null ? 'null' : String(v))).join(' ');
  }
  return out + template.slice(last);
}
