// Owns: the public face of the values layer (see docs/CONTRACTS.md "Values API" and docs/values.md).
// Must not: contain logic; every export lives in one of the modules below.

export type { Values, PathSegment } from './path.js';
export { FORBIDDEN_KEYS, formatKey, formatPath, getPath, hasOwn, isMap, joinPath, parsePath, parentPath } from './path.js';
export { cloneValue, cloneValues, mergeKeepNull, mergeValues } from './merge.js';
export type { Provenance, ProvenanceEntry, ValuesSource } from './load.js';
export { loadValuesFile, valuesProvenance } from './load.js';
export type { SetFlag } from './strvals.js';
export { applySet, flagText, typedScalar, MAX_INDEX } from './strvals.js';
export type { ComputeOptions, ComputedValues, SubchartScope } from './compute.js';
export { chartFileLabel, computeValues, resolveSubcharts, subchartScopes } from './compute.js';
export type { SchemaCheckOptions } from './schema.js';
export { cachedValidator, compileValuesSchema, pointerToPath, validateValues } from './schema.js';
