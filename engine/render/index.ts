// Owns: the public entry of the render layer (docs/CONTRACTS.md "Render API"): renderChart and its types.
// Must not: hold logic (render.ts does) or do I/O.

import type { CodeCache } from '../cache/code.js';
import type { Chart, Values } from '../chart/types.js';
import { Renderer } from './render.js';
import type { RenderContext, RenderResult } from './types.js';

export type { RenderContext, RenderedFile, RenderResult } from './types.js';

/** Every helper name a template can call (for docs and lint). */
export function helperNames(): string[] {
  return new Renderer({
    release: { name: '', namespace: '', revision: 0, isInstall: false, isUpgrade: false, service: 'kfchart' },
    capabilities: { kubeVersion: { version: '', major: '', minor: '' }, apiVersions: [] },
  }).helperNames();
}

/**
 * Render every template of `chart` and of its enabled subcharts (scoped values via subchartScopes), plus the
 * top chart's NOTES.txt. Pure apart from genSecret/genSelfSignedCert randomness when nothing is persisted.
 * Throws KfError `chart/templates/x.yaml:LINE: message` on the first template problem. `compileCache` (optional)
 * keeps precompiled templates between runs, `verdictCache` the weak-password verdicts (weak-passwords.ts); the caller
 * owns their storage (engine/cache), so rendering does no I/O.
 */
export function renderChart(
  chart: Chart, values: Values, ctx: RenderContext, opts: { compileCache?: CodeCache; verdictCache?: CodeCache; subchartNotes?: boolean } = {},
): RenderResult {
  return new Renderer(ctx, opts.compileCache, opts.verdictCache).render(chart, values, opts.subchartNotes);
}
