// Owns: `kfchart lint`: every check a chart author wants before publishing, as a list of findings with severity —
// Chart.yaml schema, values.schema.json validity, defaults (plus -f/--set) against it, render, object shape.
// Must not: stop at the first problem where later checks can still run; talk to a cluster.

import { isKfError } from '../errors.js';
import type { Chart } from '../chart/types.js';
import { loadChart } from '../chart/load.js';
import type { SetFlag } from '../values/index.js';
import { prepareRelease } from './prepare.js';

export type Severity = 'error' | 'warning' | 'info';
export interface Finding {
  severity: Severity;
  /** Chart-relative file or chart path the finding is about. */
  where: string;
  message: string;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export async function lintChart(
  ref: string,
  opts: { valueFiles?: string[]; sets?: SetFlag[]; namespace?: string; kubeVersion?: string; chart?: Chart } = {},
): Promise<{ chart?: Chart; findings: Finding[] }> {
  const findings: Finding[] = [];
  let chart: Chart;
  try {
    chart = opts.chart ?? (await loadChart(ref));
  } catch (e) {
    findings.push(fromError(e, ref));
    return { findings };
  }

  const walk = (c: Chart) => {
    const at = c.source;
    if (!c.schema) findings.push({ severity: 'warning', where: at, message: 'no values.schema.json: values are not validated' });
    if (!c.readme) findings.push({ severity: 'info', where: at, message: 'no README.md' });
    if (c.meta.deprecated) findings.push({ severity: 'warning', where: at, message: `chart ${c.meta.name} is deprecated` });
    if (!c.meta.appVersion) findings.push({ severity: 'info', where: at, message: 'Chart.yaml has no appVersion' });
    for (const f of c.files) {
      if (f.path.startsWith('templates/')) {
        findings.push({
          severity: 'warning',
          where: `${at}/${f.path}`,
          message: 'file under templates/ is neither a template (*.yaml), a partial (_*.hbs) nor NOTES.txt: it is ignored',
        });
      }
    }
    for (const dep of c.meta.dependencies ?? []) {
      if (!c.subcharts.some((s) => s.meta.name === dep.name)) {
        findings.push({ severity: 'error', where: `${at}/Chart.yaml`, message: `dependency "${dep.name}" is missing; run kfchart dependency update` });
      }
    }
    c.subcharts.forEach(walk);
  };
  walk(chart);
  if (findings.some((f) => f.severity === 'error')) return { chart, findings };

  try {
    const p = await prepareRelease({
      chartRef: ref,
      chart,
      name: 'lint',
      namespace: opts.namespace ?? 'default',
      valueFiles: opts.valueFiles,
      sets: opts.sets,
      kubeVersion: opts.kubeVersion,
      checkSchema: true,
    });
    for (const u of p.unknownHooks) {
      findings.push({
        severity: 'warning',
        where: u.template,
        message: `${u.id}: helm.sh/hook "${u.value}" names unknown event(s) ${u.unknown.join(', ')} (known: pre-install, post-install, pre-upgrade, post-upgrade, pre-rollback, post-rollback, pre-delete, post-delete, test): the object is left out of the release, as helm does`,
      });
    }
    for (const u of p.unknownPolicies) {
      findings.push({ severity: 'warning', where: u.template, message: `${u.id}: unknown helm.sh/hook-delete-policy "${u.policy}" (known: before-hook-creation, hook-succeeded, hook-failed): it is ignored` });
    }
    for (const e of [...p.crds, ...p.manifest, ...p.hookEntries]) {
      const name = e.object.metadata.name;
      if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
        findings.push({
          severity: 'error',
          where: e.template,
          message: `${e.object.kind} "${name}": metadata.name must be lower-case letters, digits, '-' and '.' (at most 253)`,
        });
      }
      const labels = e.object.metadata.labels;
      if (labels) {
        for (const [k, v] of Object.entries(labels)) {
          if (typeof v !== 'string') {
            findings.push({ severity: 'error', where: e.template, message: `${e.object.kind} "${name}": label ${k} must be a string, got ${typeof v}` });
          }
        }
      }
    }
    if (p.manifest.length === 0 && chart.meta.type !== 'library') {
      findings.push({ severity: 'warning', where: chart.source, message: 'chart renders no objects with these values' });
    }
  } catch (e) {
    findings.push(fromError(e, chart.source));
  }
  return { chart, findings };
}

function fromError(e: unknown, where: string): Finding {
  if (isKfError(e)) {
    const msg = e.details.length ? `${e.message}\n${e.details.join('\n')}` : e.message;
    return { severity: 'error', where: e.where.file ?? where, message: msg };
  }
  throw e;
}

export function formatFindings(findings: Finding[]): string {
  const tag = { error: '[ERROR]', warning: '[WARNING]', info: '[INFO]' } as const;
  return findings.map((f) => `${tag[f.severity]} ${f.message.startsWith(f.where) ? '' : `${f.where}: `}${f.message}`).join('\n');
}

