// Helpers for the chart tests: run the real offline pipeline (loadChart → computeValues → validateValues →
// renderChart → buildManifest, via prepareRelease) on charts/<name> with example files and --set flags.
import { fileURLToPath } from 'node:url';
import { prepareRelease, type Prepared } from '../../../engine/actions/prepare.js';
import type { KObject } from '../../../engine/manifest/index.js';
import type { SetFlag } from '../../../engine/values/index.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const chartDir = (name: string) => `${ROOT}charts/${name}`;
export const example = (name: string) => `${ROOT}examples/values-${name}.yaml`;
export const sets = (...e: string[]): SetFlag[] => e.map((expr) => ({ kind: 'set', expr }));

export async function render(
  chart: string,
  opts: { files?: string[]; sets?: SetFlag[]; persisted?: Record<string, string>; revision?: number } = {},
): Promise<Prepared & { objects: KObject[] }> {
  const p = await prepareRelease({
    chartRef: chartDir(chart),
    name: 'kf',
    namespace: 'kubeflow',
    valueFiles: opts.files,
    sets: opts.sets,
    persisted: opts.persisted,
    revision: opts.revision,
    isUpgrade: (opts.revision ?? 1) > 1,
    checkSchema: true,
  });
  return { ...p, objects: [...p.crds, ...p.manifest].map((e) => e.object) };
}

/** The KfError text (message + details) of a failing render, or fails when it renders. */
export async function refusal(chart: string, opts: Parameters<typeof render>[1]): Promise<string> {
  try {
    await render(chart, opts);
  } catch (e) {
    const err = e as { message: string; details?: string[] };
    return [err.message, ...(err.details ?? [])].join('\n');
  }
  throw new Error(`expected ${chart} to be refused`);
}

export const find = (objs: KObject[], kind: string, name: string, namespace?: string): KObject | undefined =>
  objs.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));

export const get = (objs: KObject[], kind: string, name: string, namespace?: string): KObject => {
  const o = find(objs, kind, name, namespace);
  if (!o) throw new Error(`no ${kind} ${namespace ? namespace + '/' : ''}${name} among ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};

export const secretText = (o: KObject, key: string): string =>
  Buffer.from(((o as unknown as { data: Record<string, string> }).data)[key]!, 'base64').toString('utf8');

/** Pod template annotations of a workload. */
export const podAnnotations = (o: KObject): Record<string, string> =>
  ((o as any).spec.template.metadata.annotations ?? {}) as Record<string, string>;

export const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
