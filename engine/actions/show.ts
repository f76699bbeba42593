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
  opts: { version?: string; repo?: string; verify?: boolean; keyring?: string; computed?: boolean; valueFiles?: string[]; sets?: SetFlag[]; output?: 'yaml' | 'json' } = {},
): Promise<string> {
  const chart = await loadChartRef(ref, opts);
  if (what === 'values' && opts.computed) {
    const sources = await readValueFiles(opts.valueFiles ?? []);
    const { values, provenance } = computeValues(chart, sources, opts.sets ?? [], { readFile: readSetFile });
    validateValues(chart, values, provenance, { checkSchema: false });
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
