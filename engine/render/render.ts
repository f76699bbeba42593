// Owns: one render of a chart tree: the isolated Handlebars environment, the template context, partial
// visibility, compile caches, the helpers that need render state (include, tpl, checksum, required, fileGet,
// genSecret, genSelfSignedCert, the strict value lookup, and Go-truthiness if/unless/with/each), and turning
// every failure into a KfError `chart/templates/x.yaml:LINE: message` with the source line in details.
// Must not: read the file system, environment or process; print; parse rendered YAML (engine/manifest does).

import Handlebars from 'handlebars';
import { createHash } from 'node:crypto';
import type { CodeCache } from '../cache/code.js';
import type { Chart, ChartFile, Values } from '../chart/types.js';
import { KfError } from '../errors.js';
import {
  deepCopy, FORBIDDEN_KEYS, hasOwn, isMap, kindOf, PURE_HELPERS, strval, truthy, type HelperDef,
} from './helpers.js';
import { makeCert, randomAlphaNum, type CertRequest } from './secrets.js';
import { subchartScopes } from './scopes.js';
import { GET_HELPER, OUT_HELPER, parseTemplate, rewriteFingerprint, sourceDetails } from './strict.js';
import type { RenderContext, RenderedFile, RenderResult } from './types.js';

type HB = typeof Handlebars;
type Template = (context: unknown, options?: Record<string, unknown>) => string;
type PartialFn = (context: unknown, options?: Record<string, unknown>) => string;
interface Loc { start: { line: number; column: number } }
interface HelperOptions {
  fn?: (ctx: unknown, opts?: Record<string, unknown>) => string;
  inverse?: (ctx: unknown, opts?: Record<string, unknown>) => string;
  hash: Record<string, unknown>;
  data?: Record<string, unknown>;
  loc?: Loc;
}

/** One chart (or aliased subchart) being rendered. */
interface Scope {
  chart: Chart;
  /** `kubeflow` or `kubeflow/charts/dex`: prefix of every RenderedFile.template of this chart. */
  path: string;
  /** Values as given (for subchart scopes). */
  values: Values;
  /** Template context without `template` (values deep-copied so `set` cannot reach the caller's objects). */
  base: Record<string, unknown>;
  /** Partials this chart's templates can call: its own, its library subcharts', then its ancestors'. */
  partials: Record<string, PartialFn>;
  outputs: Map<string, string>;
  /** Templates being rendered right now (for checksum cycles), in order. */
  rendering: string[];
}

interface Frame {
  scope: Scope;
  /** Full name shown in messages, e.g. `kubeflow/templates/deployment.yaml`. */
  file: string;
  source: string;
}

/** Deepest chain of partials, includes and tpl calls (a partial that includes itself stops here). */
const MAX_NESTING = 100;
const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;
/** Bump when what goes into a precompiled template changes in a way the cache key below does not see. */
const TEMPLATE_CACHE_FORMAT = 'kfchart-hbs-precompiled-1';
const PROTO_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

export class Renderer {
  private readonly hb: HB = Handlebars.create();
  private readonly frames: Frame[] = [];
  private readonly compiled = new Map<string, Template>();
  private readonly tplCache = new Map<string, Template>();
  readonly persisted: Record<string, string> = {};

  private cacheKeyPrefix: string | undefined;

  constructor(
    private readonly ctx: RenderContext,
    private readonly compileCache?: CodeCache,
  ) {
    this.registerHelpers();
  }

  /** Names of the helpers templates can call (internal ones and Handlebars' hooks excluded). */
  helperNames(): string[] {
    return Object.keys(this.hb.helpers)
      .filter((n) => !n.startsWith('__kf') && n !== 'helperMissing' && n !== 'blockHelperMissing')
      .sort();
  }

  /** Render `chart` with `values` and every enabled subchart, parent first. */
  render(chart: Chart, values: Values): RenderResult {
    const files: RenderedFile[] = [];
    const top = this.makeScope(chart, chart.chartPath || chart.meta.name, chart.meta.name, values, undefined);
    this.renderTree(top, files);
    let notes = '';
    if (chart.notes) notes = this.renderFile(top, chart.notes);
    return { files, notes, persisted: this.persisted };
  }

  private renderTree(scope: Scope, files: RenderedFile[]): void {
    if (scope.chart.meta.type !== 'library') {
      for (const t of scope.chart.templates) files.push({ template: `${scope.path}/${t.path}`, text: this.renderFile(scope, t) });
    }
    for (const sub of subchartScopes(scope.chart, scope.values)) {
      if (!sub.enabled) continue;
      this.renderTree(this.makeScope(sub.chart, `${scope.path}/charts/${sub.key}`, sub.key, sub.values, scope), files);
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
      values: deepCopy(values),
      release: { ...this.ctx.release },
      chart: { ...deepCopy(chart.meta), name, appVersion: chart.meta.appVersion ?? '' },
      capabilities: deepCopy(this.ctx.capabilities),
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
      const fn = this.compile(full, source);
      return this.run({ scope, file: full, source }, () => fn(context, options));
    };
  }

  /** Render one template of a scope once (memoized; checksum may ask for it early). */
  private renderFile(scope: Scope, file: ChartFile): string {
    const done = scope.outputs.get(file.path);
    if (done !== undefined) return done;
    const full = `${scope.path}/${file.path}`;
    if (scope.rendering.includes(file.path)) {
      const cycle = [...scope.rendering.slice(scope.rendering.indexOf(file.path)), file.path].join(' → ');
      throw new KfError(`${full}: checksum cycle: ${cycle}`, { where: { file: full } });
    }
    scope.rendering.push(file.path);
    try {
      const fn = this.compile(full, file.text);
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

  private compile(full: string, source: string): Template {
    let fn = this.compiled.get(full);
    if (!fn) {
      fn = this.compileCache ? this.compileWithCache(full, source, this.compileCache) : this.compileNow(full, source);
      this.compiled.set(full, fn);
    }
    return fn;
  }

  /** Handlebars' own compile: parsed and rewritten now, code generated on first use. */
  private compileNow(full: string, source: string): Template {
    const ast = parseTemplate(source, full, (name) => hasOwn(this.hb.helpers, name));
    return this.hb.compile(ast as unknown as string, COMPILE_OPTIONS) as Template;
  }

  /**
   * Through the precompiled-template cache: parsing, the strict rewrite and Handlebars' code generation cost
   * ~50-100 ms for the kubeflow chart's templates on every command; a hit only evaluates the generated code. The key
   * covers the source and everything that shapes the code (Handlebars version, options, helper names, the rewrite's
   * code). An entry that does not evaluate is recompiled; code generation that fails is left to Handlebars' lazy
   * compile, so its error surfaces at render time exactly as without the cache.
   */
  private compileWithCache(full: string, source: string, cache: CodeCache): Template {
    if (this.cacheKeyPrefix === undefined) {
      const helpers = Object.keys(this.hb.helpers).sort();
      this.cacheKeyPrefix = createHash('sha256')
        .update(JSON.stringify([TEMPLATE_CACHE_FORMAT, Handlebars.VERSION, COMPILE_OPTIONS, helpers, rewriteFingerprint()]))
        .digest('hex');
    }
    const key = createHash('sha256').update(this.cacheKeyPrefix).update('\0').update(source).digest('hex');
    const hit = cache.get(key);
    if (hit !== undefined) {
      try {
        return this.fromSpec(hit);
      } catch {
        // unusable entry: compile again (and overwrite it)
      }
    }
    const ast = parseTemplate(source, full, (name) => hasOwn(this.hb.helpers, name));
    let spec: string;
    try {
      spec = this.hb.precompile(ast, { ...COMPILE_OPTIONS }) as unknown as string;
    } catch {
      return this.compileNow(full, source);
    }
    cache.set(key, spec);
    return this.fromSpec(spec);
  }

  /** A template from Handlebars' precompiled spec (JavaScript source of an object literal). */
  private fromSpec(spec: string): Template {
    return this.hb.template(new Function(`return (${spec});`)()) as Template;
  }

  private frame(): Frame {
    const f = this.frames[this.frames.length - 1];
    if (!f) throw new Error('kfchart render: helper called outside a template');
    return f;
  }

  /** Run `body` with `frame` on the stack; anything thrown that is not a KfError is reported against the frame. */
  private run<T>(frame: Frame, body: () => T): T {
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
  private error(options: HelperOptions | undefined, message: string, path?: string): KfError {
    const loc = options && typeof options === 'object' ? options.loc : undefined;
    return this.at(this.frame(), loc?.start.line, loc?.start.column, message, undefined, path);
  }

  private runtime(scope: Scope, options: HelperOptions): Record<string, unknown> {
    return { partials: scope.partials, data: options.data, ...PROTO_OPTIONS };
  }

  private registerHelpers(): void {
    const hb = this.hb;
    hb.unregisterHelper('log');
    for (const [name, def] of Object.entries(PURE_HELPERS)) hb.registerHelper(name, this.adapt(name, def));
    const self = this;

    // Strict value lookup (see strict.ts): own properties only, never the prototype chain.
    hb.registerHelper(GET_HELPER, function (...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      let cur = args[0];
      const shown = String(options.hash.p);
      for (let i = 1; i < args.length; i++) {
        const k = String(args[i]);
        if (cur !== null && typeof cur === 'object' && !FORBIDDEN_KEYS.has(k) && hasOwn(cur, k)) {
          cur = (cur as Record<string, unknown>)[k];
          continue;
        }
        if (options.hash.g) return undefined;
        const segs = shown.split('.');
        const offset = segs.length - (args.length - 1);
        let why = '';
        if (offset >= 0) {
          const before = segs.slice(0, offset + i - 1).join('.');
          const failed = segs.slice(0, offset + i).join('.');
          if (cur === null && before) why = ` (${before} is null)`;
          else if ((cur === null || typeof cur !== 'object') && before) why = ` (${before} is a ${kindWord(cur)}, not a map)`;
          else if (i < args.length - 1) why = ` (${failed} is not defined)`;
        }
        throw self.error(options, `${shown} is not defined${why}`, shown);
      }
      return cur;
    });

    // Printed values: maps and lists as (sorted) JSON, which is also valid flow YAML.
    hb.registerHelper(OUT_HELPER, (v: unknown) => (v !== null && typeof v === 'object' && !(v instanceof Handlebars.SafeString) ? strval(v) : v));

    // Go truthiness (empty map/list, 0, "" and null are false) for if/unless/with; sorted keys for each.
    const block = (name: string, args: unknown[]): [unknown, HelperOptions] => {
      const options = args[args.length - 1] as HelperOptions;
      if (args.length !== 2) throw self.error(options, `${name} expects 1 argument, got ${args.length - 1}`);
      if (!options.fn) throw self.error(options, `${name} must be used as a block: {{#${name} …}}…{{/${name}}}`);
      return [args[0], options];
    };
    hb.registerHelper('if', function (this: unknown, ...args: unknown[]) {
      const [cond, options] = block('if', args);
      return truthy(cond) ? options.fn!(this) : options.inverse!(this);
    });
    hb.registerHelper('unless', function (this: unknown, ...args: unknown[]) {
      const [cond, options] = block('unless', args);
      return truthy(cond) ? options.inverse!(this) : options.fn!(this);
    });
    hb.registerHelper('with', function (this: unknown, ...args: unknown[]) {
      const [ctx, options] = block('with', args);
      if (!truthy(ctx)) return options.inverse!(this);
      return options.fn!(ctx, { data: options.data, blockParams: [ctx] });
    });
    hb.registerHelper('each', function (this: unknown, ...args: unknown[]) {
      const [ctx, options] = block('each', args);
      let out = '';
      const items: [string | number, unknown][] = Array.isArray(ctx)
        ? ctx.map((v, i) => [i, v])
        : isMap(ctx) ? Object.keys(ctx).sort().map((k) => [k, ctx[k]]) : [];
      if (ctx !== undefined && ctx !== null && !Array.isArray(ctx) && !isMap(ctx)) {
        throw self.error(options, `each needs a list or a map, got a ${kindWord(ctx)}`);
      }
      items.forEach(([k, v], i) => {
        const data = Handlebars.createFrame(options.data ?? {});
        Object.assign(data, { key: k, index: i, first: i === 0, last: i === items.length - 1 });
        out += options.fn!(v, { data, blockParams: [v, k] });
      });
      return items.length ? out : options.inverse!(this);
    });

    hb.registerHelper('required', function (msg: unknown, value: unknown, options: HelperOptions) {
      if (arguments.length !== 3) throw self.error(arguments[arguments.length - 1] as HelperOptions, 'required expects 2 arguments: required "message" value');
      if (value === undefined || value === null || value === '') throw self.error(options, strval(msg));
      return value;
    });

    hb.registerHelper('include', function (this: unknown, ...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      if (args.length < 1 || args.length > 2) throw self.error(options, 'include expects a partial name and a context: include "name" this');
      const name = strval(args[0]);
      const scope = self.frame().scope;
      const fn = hasOwn(scope.partials, name) ? scope.partials[name] : undefined;
      if (!fn) {
        const known = Object.keys(scope.partials).sort();
        throw self.error(options, `include: no partial named "${name}"` + (known.length ? ` (known: ${known.join(', ')})` : ''));
      }
      return fn(args.length === 2 ? args[1] : this, self.runtime(scope, options));
    });

    hb.registerHelper('tpl', function (this: unknown, ...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      if (args.length < 1 || args.length > 2) throw self.error(options, 'tpl expects a template string and a context: tpl values.x this');
      if (typeof args[0] !== 'string') throw self.error(options, `tpl: the template must be a string, got a ${kindWord(args[0])}`);
      const source = args[0];
      const outer = self.frame();
      const line = options.loc?.start.line;
      const file = `${outer.file}${line ? `:${line}` : ''} (tpl)`;
      let fn = self.tplCache.get(source);
      if (!fn) {
        const ast = parseTemplate(source, file, (n) => hasOwn(self.hb.helpers, n));
        fn = self.hb.compile(ast as unknown as string, COMPILE_OPTIONS) as Template;
        self.tplCache.set(source, fn);
      }
      const run = fn;
      return self.run({ scope: outer.scope, file, source }, () => run(args.length === 2 ? args[1] : this, self.runtime(outer.scope, options)));
    });

    hb.registerHelper('checksum', function (path: unknown, options: HelperOptions) {
      if (arguments.length !== 2) throw self.error(arguments[arguments.length - 1] as HelperOptions, 'checksum expects one template path: checksum "templates/configmap.yaml"');
      const scope = self.frame().scope;
      const want = strval(path).replace(/^\.\//, '');
      const file = scope.chart.templates.find((t) => t.path === want);
      if (!file) throw self.error(options, `checksum: no template "${want}" in chart ${scope.chart.meta.name}`);
      return createHash('sha256').update(self.renderFile(scope, file)).digest('hex');
    });

    hb.registerHelper('fileGet', function (path: unknown, options: HelperOptions) {
      const files = self.frame().scope.base.files as { get: (p: unknown, o?: HelperOptions) => string };
      return files.get(path, options);
    });

    hb.registerHelper('genSecret', function (...args: unknown[]) {
      const options = args.pop() as HelperOptions;
      if (args.length < 1 || args.length > 2) throw self.error(options, 'genSecret expects a key and a length: genSecret "dex-client" 32');
      const key = strval(args[0]);
      const length = args.length === 2 ? Number(args[1]) : 32;
      if (!key) throw self.error(options, 'genSecret: the key must not be empty');
      if (!Number.isInteger(length) || length < 1 || length > 4096) throw self.error(options, `genSecret: length must be 1..4096, got ${strval(args[1])}`);
      return self.persist(key, () => randomAlphaNum(length));
    });

    // Certificates: genSelfSignedCert "key" cn ips dns days | genCA "key" cn days | genSignedCert "key" cn ips dns days ca
    const certHelper = (name: string, usage: string, argc: number, make: (args: unknown[], options: HelperOptions) => CertRequest) =>
      function (...args: unknown[]) {
        const options = args.pop() as HelperOptions;
        if (args.length !== argc) throw self.error(options, `${name} expects ${argc} arguments: ${usage}`);
        const key = strval(args[0]);
        if (!key) throw self.error(options, `${name}: the key must not be empty`);
        const text = self.persist(key, () => JSON.stringify(makeCert(make(args, options))));
        try {
          const parsed = JSON.parse(text) as { cert?: unknown; key?: unknown };
          if (typeof parsed.cert === 'string' && typeof parsed.key === 'string') return { cert: parsed.cert, key: parsed.key };
        } catch {
          // fall through
        }
        throw self.error(options, `${name}: the persisted value "${key}" is not a certificate (made by another helper?)`);
      };
    const asList = (name: string, what: string, v: unknown, options: HelperOptions): string[] => {
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) throw self.error(options, `${name}: ${what} must be a list, e.g. (list "a" "b")`);
      return v.map(strval);
    };
    const asDays = (name: string, v: unknown, options: HelperOptions): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw self.error(options, `${name}: days must be a positive integer, got ${strval(v)}`);
      return n;
    };
    hb.registerHelper('genSelfSignedCert', certHelper('genSelfSignedCert', 'genSelfSignedCert "key" "common-name" (list ips…) (list dnsNames…) days', 5,
      ([, cn, ips, dns, days], o) => ({
        cn: strval(cn), ips: asList('genSelfSignedCert', 'ips', ips, o), dnsNames: asList('genSelfSignedCert', 'dnsNames', dns, o),
        days: asDays('genSelfSignedCert', days, o),
      })));
    hb.registerHelper('genCA', certHelper('genCA', 'genCA "key" "common-name" days', 3,
      ([, cn, days], o) => ({ cn: strval(cn), ips: [], dnsNames: [], days: asDays('genCA', days, o), isCA: true })));
    hb.registerHelper('genSignedCert', certHelper('genSignedCert', 'genSignedCert "key" "common-name" (list ips…) (list dnsNames…) days ca', 6,
      ([, cn, ips, dns, days, ca], o) => {
        if (!isMap(ca) || typeof ca.cert !== 'string' || typeof ca.key !== 'string') {
          throw self.error(o, 'genSignedCert: ca must be the result of genCA (an object with cert and key)');
        }
        return {
          cn: strval(cn), ips: asList('genSignedCert', 'ips', ips, o), dnsNames: asList('genSignedCert', 'dnsNames', dns, o),
          days: asDays('genSignedCert', days, o), issuer: { cert: ca.cert, key: ca.key },
        };
      }));
  }

  /** Previous revision's value for `key`, else this render's, else a fresh one; recorded either way. */
  private persist(key: string, make: () => string): string {
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

function kindWord(v: unknown): string {
  const k = kindOf(v);
  return k === 'int' || k === 'float64' ? 'number' : k === 'bool' ? 'boolean' : k === 'slice' ? 'list' : k === 'invalid' ? 'null' : k;
}
