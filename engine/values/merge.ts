// Owns: the merge rules of values trees — maps deep-merge, lists and scalars replace, `null` in an overlay deletes
// the key (Helm's coalescing) — plus the forbidden-key check and a deep copy that never shares nodes.
// Must not: parse text, read files, or mutate its inputs. Every container it returns is new.

import { KfError } from '../errors.js';
import { FORBIDDEN_KEYS, isMap, joinPath, type Values } from './path.js';

/** Deep copy of a values tree (maps and lists copied; scalars as is). YAML aliases become independent copies. */
export function cloneValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneValue);
  if (isMap(v)) {
    const out: Values = {};
    for (const k of Object.keys(v)) out[k] = cloneValue(v[k]);
    return out;
  }
  return v;
}

export function cloneValues(v: Values): Values {
  return cloneValue(v) as Values;
}

/**
 * The first forbidden key (`__proto__`, `constructor`, `prototype`) anywhere in the tree, as a values path, or
 * undefined. Own keys only (Object.keys), so it sees a `__proto__` that js-yaml or JSON.parse defined as data.
 */
export function findForbiddenKey(v: unknown, prefix = ''): string | undefined {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = findForbiddenKey(v[i], joinPath(prefix, i));
      if (hit !== undefined) return hit;
    }
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      const p = joinPath(prefix, k);
      if (FORBIDDEN_KEYS.has(k)) return p;
      const hit = findForbiddenKey((v as Values)[k], p);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

/** Throw KfError when a forbidden key is anywhere in `v`; `where` names the source (file or flag). */
export function assertNoForbiddenKeys(v: unknown, where: string): void {
  const hit = findForbiddenKey(v);
  if (hit !== undefined) {
    throw new KfError(`${where}: key "${lastKey(hit)}" is not allowed in values (at ${hit})`, {
      where: { path: hit },
    });
  }
}

function lastKey(path: string): string {
  const m = /(?:^|\.)([^.]*)$/.exec(path);
  return m ? m[1] : path;
}

/**
 * Helm coalescing: maps deep-merge, everything else in `overlay` replaces, and `null` in `overlay` removes the
 * key from `base` (when `base` has no such key the `null` is kept, as Helm does). Inputs are not mutated; the
 * result shares no containers with them. A forbidden key in `overlay` is a KfError naming its path.
 */
export function mergeValues(base: Values, overlay: Values): Values {
  return mergeMaps(base, overlay, true, '');
}

/**
 * Layering of user sources (-f files, then --set): like mergeValues but a `null` in the overlay is always kept as
 * `null`, so it can still delete the chart default when the user values are finally coalesced over the defaults.
 */
export function mergeKeepNull(base: Values, overlay: Values): Values {
  return mergeMaps(base, overlay, false, '');
}

function mergeMaps(base: Values, overlay: Values, deleteNull: boolean, prefix: string): Values {
  const out: Values = {};
  for (const k of Object.keys(base)) out[k] = cloneValue(base[k]);
  for (const k of Object.keys(overlay)) {
    const path = joinPath(prefix, k);
    if (FORBIDDEN_KEYS.has(k)) {
      throw new KfError(`key "${k}" is not allowed in values (at ${path})`, { where: { path } });
    }
    const ov = overlay[k];
    const has = Object.prototype.hasOwnProperty.call(out, k);
    if (ov === null) {
      if (deleteNull && has) delete out[k];
      else out[k] = null;
      continue;
    }
    const bv = has ? out[k] : undefined;
    if (isMap(ov) && isMap(bv)) out[k] = mergeMaps(bv, ov, deleteNull, path);
    else {
      const hit = findForbiddenKey(ov, path);
      if (hit !== undefined) throw new KfError(`key "${lastKey(hit)}" is not allowed in values (at ${hit})`, { where: { path: hit } });
      out[k] = cloneValue(ov);
    }
  }
  return out;
}
