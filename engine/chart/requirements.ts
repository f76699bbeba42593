// Owns: reading `apiVersion: v1` charts (Helm 2's format, which Helm 3 and 4 still read): Chart.yaml without `type`
// (a missing apiVersion means v1, as in Helm), its Helm 2 fields `engine` and `tillerVersion` accepted and dropped,
// and the dependencies kept in `requirements.yaml` (`import-values` as Helm spells it) merged into the metadata.
// The lock of a v1 chart is `requirements.lock` (engine/chart/lock.ts writes both layouts).
// Must not: read files (the caller passes their text) or touch the network.

import { KfError } from '../errors.js';
import { parseYaml } from '../yaml/index.js';
import type { ChartDependency, ChartMeta } from './types.js';

/** Files of a v1 chart that are metadata, not chart content. */
export const V1_FILES = ['requirements.yaml', 'requirements.lock'];

const HELM2_ONLY = ['engine', 'tillerVersion'];

/**
 * Chart.yaml (parsed) + requirements.yaml (text, when present) → validated metadata. v2 charts go to `check`
 * unchanged; v1 charts are checked as the equivalent v2 metadata, then keep `apiVersion: v1`.
 */
export function chartMeta(
  raw: unknown,
  requirements: string | undefined,
  file: string,
  requirementsFile: string,
  check: (raw: unknown, file: string) => ChartMeta,
): ChartMeta {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return check(raw, file);
  const r = raw as Record<string, unknown>;
  if (r.apiVersion !== undefined && r.apiVersion !== 'v1') return check(raw, file);
  const v2: Record<string, unknown> = { ...r, apiVersion: 'v2' };
  for (const k of HELM2_ONLY) delete v2[k];
  if (requirements !== undefined) {
    const req = parseYaml(requirements, requirementsFile) as { dependencies?: unknown } | null | undefined;
    if (req !== null && req !== undefined && (typeof req !== 'object' || Array.isArray(req))) {
      throw new KfError(`${requirementsFile}: must be a mapping with a dependencies list`, { where: { file: requirementsFile } });
    }
    const deps = req?.dependencies ?? [];
    if (!Array.isArray(deps)) throw new KfError(`${requirementsFile}: dependencies must be a list`, { where: { file: requirementsFile } });
    v2.dependencies = deps.map((d) => fromRequirement(d, requirementsFile));
  }
  const meta = check(v2, file);
  (meta as { apiVersion: string }).apiVersion = 'v1';
  return meta;
}

function fromRequirement(d: unknown, file: string): ChartDependency {
  if (d === null || typeof d !== 'object' || Array.isArray(d)) {
    throw new KfError(`${file}: every dependency must be a mapping (name, version, repository)`, { where: { file } });
  }
  const { 'import-values': iv, enabled: _enabled, ...rest } = d as Record<string, unknown>;
  return (iv === undefined ? rest : { ...rest, importValues: iv }) as unknown as ChartDependency;
}
