// Owns: the single import point for subchart scopes (which subcharts render, under which key, with which
// values). The rules live in engine/values; this file only re-exports them for the render layer.
// Must not: grow logic of its own.

export { subchartScopes } from '../values/index.js';
export type { SubchartScope } from '../values/index.js';
