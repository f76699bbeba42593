// Owns: one render of a chart tree: the isolated Handlebars environment, the template context of each scope,
// partial visibility, the frame stack helpers run in (HelperHost), persisted generated values, and turning every
// failure into a KfError `chart/templates/x.yaml:LINE: message` with the source line in details. Compiling is
// compile.ts; the helpers are blocks.ts (if/unless/with/each, strict lookup), context-helpers.ts (include, tpl,
// checksum, required, fileGet), generate.ts (genSecret, certificates) and helpers.ts (the pure library).
// Must not: read the file system, environment or process; print; parse rendered YAML (engine/manifest does).

import { createEnvironment } from './handlebars.js';
import type { CodeCache } from '../cache/code.js';
import type { Chart, ChartFile, Values } from '../chart/types.js';
import { KfError } from '../errors.js';
import { cloneValue, hasOwn } from '../values/index.js';
import { registerBlockHelpers } from './blocks.js';
import { Compiler } from './compile.js';
import { registerContextHelpers } from './context-helpers.js';
import { registerGenerateHelpers } from './generate.js';
import { registerWeakPasswordHelpers } from './weak-passwords.js';
import { PURE_HELPERS, strval, type HelperDef } from './helpers.js';
import type { Frame, HelperHost, HelperOptions, PartialFn, Scope, Template } from './host.js';
import { subchartScopes } from './scopes.js';
import { sourceDetails } from './strict.js';
import type { RenderContext, RenderedFile, RenderResult } from './types.js';

/** Deepest chain of partials, includes and tpl calls (a partial that includes itself stops here). */
const MAX_NESTING = 100;
/**
 * The render budget: loops (`each`) and `tpl` calls charge what they produce; a render stops with a clear error
 * past RENDER_SECONDS of wall time (KFCHART_RENDER_TIMEOUT=<seconds> changes it) or RENDER_BYTES of output counted
 * at every loop level (nested loops count their inner output again: it bounds work, not the final size).
 * A chart's real templates use a tiny part of either (charts/kubeflow: ~0.1 s, ~0.3 MB).
 */
const RENDER_SECONDS = 60;
const RENDER_BYTES = 512 * 1024 * 1024;
const PROTO_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

export class Renderer implements HelperHost {
  private readonly hb = createEnvironment();
  private readonly frames: Frame[] = [];
  private readonly compiler: Compiler;
  readonly persisted: Record<string, string> = {};
  private started = Date.now();
  private spent = 0;
  private calls = 0;
  private readonly deadlineMs = (() => {
    const env = Number(process.env.KFCHART_RENDER_TIMEOUT);
    return (Number.isFinite(env) && env > 0 ? env : RENDER_SECONDS) * 1000;
  })();

  constructor(
    private readonly ctx: RenderContext,
    compileCache?: CodeCache,
    private readonly verdictCache?: CodeCache,
  ) {
    this.registerHelpers();
    this.compiler = new Compiler(this.hb, compileCache);
  }

  /** Names of the helpers templates can call (internal ones and Handlebars' hooks excluded). */
  helperNames(): string[] {
    return Object.keys(this.hb.helpers)
      .filter((n) => !n.startsWith('__kf') && n !== 'helperMissing' && n !== 'blockHelperMissing')
      .sort();
  }

  /** Render `chart` with `values` and every enabled subchart, parent first (subchartNotes: their NOTES.txt too). */
  render(chart: Chart, values: Values, subchartNotes = false): RenderResult {
    this.started = Date.now();
    this.spent = 0;
    const files: RenderedFile[] = [];
    const top = this.makeScope(chart, chart.chartPath || chart.meta.name, chart.meta.name, values, undefined);
    const subNotes: string[] | undefined = subchartNotes ? [] : undefined;
    this.renderTree(top, files, subNotes);
    let notes = '';
    if (chart.notes) notes = this.renderFile(top, chart.notes);
    if (subNotes?.length) notes = [notes, ...subNotes].filter((n) => n.trim()).join('\n');
    return { files, notes, persisted: this.persisted };
  }

  private renderTree(scope: Scope, files: RenderedFile[], subNotes?: string[]): void {
    if (scope.chart.meta.type !== 'library') {
      for (const t of scope.chart.templates) files.push({ template: `${scope.path}/${t.path}`, text: this.renderFile(scope, t) });
    }
    for (const sub of subchartScopes(scope.chart, scope.values)) {
      if (!sub.enabled) continue;
      const child = this.makeScope(sub.chart, `${scope.path}/charts/${sub.key}`, sub.key, sub.values, scope);
      if (subNotes && sub.chart.notes) subNotes.push(this.renderFile(child, sub.chart.notes));
      this.renderTree(child, files, subNotes);
    }
  }

  private makeScope(chart: Chart, path: string, name: string, values: Values, parent: Scope | undefined): Scope {
    const partials: Record<string, PartialFn> = { ...(parent?.partials ?? {}) };
    for (const lib of chart.subcharts.filter((s) => s.meta.type === 'library')) {
      Object.assign(partials, this.partialsOf(lib, `${path}/charts/${lib.meta.name}`));
    }
    Object.assign(partials, this.partialsOf(chart, path));
    const scope: Scope = {
      chart, path, values, partials, outputs: new Map(), rendering: [],
      base: {},
    };
    const files = new Map(chart.files.map((f) => [f.path, f.text]));
    const get = (p: unknown, options?: HelperOptions): string => {
      const key = typeof p === 'string' ? p.replace(/^\.\//, '') : '';
      const text = files.get(key);
      if (text === undefined) {
        const known = [...files.keys()];
        throw this.error(options, `files.get: no file "${strval(p)}" in chart ${chart.meta.name}` +
          (known.length ? ` (files: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', ...' : ''})` : ' (it has no non-template files)'));
      }
      return text;
    };
    scope.base = {
      values: cloneValue(values),
      release: { ...this.ctx.release },
      chart: { ...(cloneValue(chart.meta) as Chart['meta']), name, appVersion: chart.meta.appVersion ?? '' },
      capabilities: cloneValue(this.ctx.capabilities),
      files: { get },
    };
    return scope;
  }

  /** A chart's own partials, by file name without `_` and `.hbs`. Two with the same name in one chart: error. */
  private partialsOf(chart: Chart, path: string): Record<string, PartialFn> {
    const out: Record<string, PartialFn> = {};
    const seen = new Map<string, string>();
    for (const p of chart.partials) {
      const base = p.path.split('/').pop() ?? p.path;
      const name = base.replace(/^_/, '').replace(/\.hbs$/, '');
      const full = `${path}/${p.path}`;
      const other = seen.get(name);
      if (other !== undefined) {
        throw new KfError(`${full}: partial "${name}" is also defined by ${other}`, { where: { file: full } });
      }
      seen.set(name, full);
      out[name] = this.partialFn(full, p.text.replace(/\r?\n$/, ''));
    }
    return out;
  }

  private partialFn(full: string, source: string): PartialFn {
    return (context, options) => {
      const scope = this.frame().scope;
      const fn = this.compiler.compile(full, source);
      return this.run({ scope, file: full, source }, () => fn(context, options));
    };
  }

  /** Render one template of a scope once (memoized; checksum may ask for it early). */
  renderFile(scope: Scope, file: ChartFile): string {
    const done = scope.outputs.get(file.path);
    if (done !== undefined) return done;
    const full = `${scope.path}/${file.path}`;
    if (scope.rendering.includes(file.path)) {
      const cycle = [...scope.rendering.slice(scope.rendering.indexOf(file.path)), file.path].join(' → ');
      throw new KfError(`${full}: checksum cycle: ${cycle}`, { where: { file: full } });
    }
    scope.rendering.push(file.path);
    try {
      const fn = this.compiler.compile(full, file.text);
      const context = { ...scope.base, template: { name: full, basePath: `${scope.path}/templates` } };
      const text = this.run({ scope, file: full, source: file.text }, () =>
        fn(context, { partials: scope.partials, ...PROTO_OPTIONS }),
      );
      scope.outputs.set(file.path, text);
      return text;
    } finally {
      scope.rendering.pop();
    }
  }

  compileTpl(source: string, file: string): Template {
    return this.compiler.compileTpl(source, file);
  }

  frame(): Frame {
    const f = this.frames[this.frames.length - 1];
    if (!f) throw new Error('kfchart render: helper called outside a template');
    return f;
  }

  /** Run `body` with `frame` on the stack; anything thrown that is not a KfError is reported against the frame. */
  run<T>(frame: Frame, body: () => T): T {
    if (this.frames.length >= MAX_NESTING) {
      const outer = this.frame();
      throw new KfError(`${outer.file}: partials/include/tpl nested more than ${MAX_NESTING} deep (does ${frame.file} include itself?)`, {
        where: { file: outer.file },
      });
    }
    this.frames.push(frame);
    try {
      return body();
    } catch (e) {
      throw this.convert(e, frame);
    } finally {
      this.frames.pop();
    }
  }

  private convert(e: unknown, frame: Frame): KfError {
    if (e instanceof KfError) return e;
    const err = e as { message?: string; lineNumber?: number; column?: number };
    const raw = typeof err?.message === 'string' ? err.message : String(e);
    if (typeof err?.lineNumber === 'number') {
      const message = raw.replace(/ - \d+:\d+$/, '').replace(/ in \[object Object\]$/, '');
      return this.at(frame, err.lineNumber, err.column, message, e);
    }
    const missing = /^The partial (.+) could not be found$/.exec(raw);
    if (missing) {
      const name = missing[1];
      const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const lines = frame.source.split('\n');
      const idx = lines.findIndex((l) => new RegExp(`\\{\\{~?#?>\\s*"?${esc}\\b`).test(l));
      const known = Object.keys(frame.scope.partials).sort();
      return this.at(frame, idx >= 0 ? idx + 1 : undefined, undefined,
        `no partial named "${name}"` + (known.length ? ` (known: ${known.join(', ')})` : ' (this chart has no partials)'), e);
    }
    return new KfError(`${frame.file}: render failed: ${raw}`, { where: { file: frame.file }, cause: e });
  }

  private at(frame: Frame, line: number | undefined, column: number | undefined, message: string, cause?: unknown, path?: string): KfError {
    return new KfError(`${frame.file}${line ? `:${line}` : ''}: ${message}`, {
      where: { file: frame.file, line, path },
      details: line ? sourceDetails(frame.source, line, column) : [],
      cause,
    });
  }

  /** A KfError at the helper call's position in the current template. */
  error(options: HelperOptions | undefined, message: string, path?: string): KfError {
    const loc = options && typeof options === 'object' ? options.loc : undefined;
    return this.at(this.frame(), loc?.start.line, loc?.start.column, message, undefined, path);
  }

  spend(options: HelperOptions | undefined, bytes: number): void {
    this.spent += bytes;
    if (this.spent > RENDER_BYTES) {
      throw this.error(options, `render budget exceeded: loops and tpl produced over ${RENDER_BYTES / 1024 / 1024} MiB (a loop without end, or over a huge list?)`);
    }
    // the clock is read every 256 charges: cheap enough for loops of millions of iterations
    if (++this.calls % 256 === 0 && Date.now() - this.started > this.deadlineMs) {
      throw this.error(options, `render budget exceeded: rendering took over ${this.deadlineMs / 1000} s (a loop without end, or nested loops over huge lists?); KFCHART_RENDER_TIMEOUT=<seconds> raises the limit`);
    }
  }

  runtime(scope: Scope, options: HelperOptions): Record<string, unknown> {
    return { partials: scope.partials, data: options.data, ...PROTO_OPTIONS };
  }

  private registerHelpers(): void {
    this.hb.unregisterHelper('log');
    for (const [name, def] of Object.entries(PURE_HELPERS)) this.hb.registerHelper(name, this.adapt(name, def));
    registerBlockHelpers(this.hb, this);
    registerContextHelpers(this.hb, this);
    registerGenerateHelpers(this.hb, this);
    registerWeakPasswordHelpers(this.hb, this, this.verdictCache);
  }

  /** Previous revision's value for `key`, else this render's, else a fresh one; recorded either way. */
  persist(key: string, make: () => string): string {
    if (hasOwn(this.persisted, key)) return this.persisted[key];
    const prev = this.ctx.persisted;
    const value = prev && hasOwn(prev, key) && typeof prev[key] === 'string' ? prev[key] : make();
    this.persisted[key] = value;
    return value;
  }

  /** Arity check + Errors → KfError at the call site. */
  private adapt(name: string, def: HelperDef): (...args: unknown[]) => unknown {
    const self = this;
    const expects = def.max === Infinity ? `at least ${def.min}` : def.min === def.max ? `${def.min}` : `${def.min} to ${def.max}`;
    return function (...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      if (args.length < def.min || args.length > def.max) {
        throw self.error(options, `${name} expects ${expects} argument${def.max === 1 ? '' : 's'}, got ${args.length}`);
      }
      try {
        return def.fn(...args);
      } catch (e) {
        // pure helpers know nothing of templates: place every failure at the call site
        throw self.error(options, `${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
  }
}

