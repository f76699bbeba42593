// Owns: turning template source into a callable Handlebars template: the strict rewrite (strict.ts), Handlebars'
// compile, one compile per template per render, and the precompiled-template cache (engine/cache, owned by the
// caller). Must not: run templates or do I/O (the cache's storage is the caller's).

import { runtime as Handlebars, type HB } from './handlebars.js';
import { textHash, textKeyed, type CodeCache, type TextKeyedCache } from '../cache/code.js';
import { hasOwn } from '../values/index.js';
import type { Template } from './host.js';
import { parseTemplate, rewriteFingerprint } from './strict.js';

export const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;
/** Bump when what goes into a precompiled template changes in a way the cache key below does not see. */
const TEMPLATE_CACHE_FORMAT = 'kfchart-hbs-precompiled-2';

export class Compiler {
  private readonly compiled = new Map<string, Template>();
  private readonly tplCache = new Map<string, Template>();
  private cacheKeyPrefix: string | undefined;
  private readonly cache: TextKeyedCache | undefined;

  constructor(private readonly hb: HB, store?: CodeCache) {
    this.cache = store && textKeyed(store);
  }

  /** The template `full` (compiled once per render). */
  compile(full: string, source: string): Template {
    let fn = this.compiled.get(full);
    if (!fn) {
      fn = this.cache ? this.compileWithCache(full, source, this.cache) : this.compileNow(full, source);
      this.compiled.set(full, fn);
    }
    return fn;
  }

  /** A `tpl` template, cached by its source. */
  compileTpl(source: string, file: string): Template {
    let fn = this.tplCache.get(source);
    if (!fn) {
      fn = this.compileNow(file, source);
      this.tplCache.set(source, fn);
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
   * compile, so its error surfaces at render time exactly as without the cache. The key is the source after a hash of
   * the rest (the prefix: 64 bits, and only kfchart's own code and Handlebars decide it).
   */
  private compileWithCache(full: string, source: string, cache: TextKeyedCache): Template {
    if (this.cacheKeyPrefix === undefined) {
      const helpers = Object.keys(this.hb.helpers).sort();
      this.cacheKeyPrefix = textHash(JSON.stringify([TEMPLATE_CACHE_FORMAT, Handlebars.VERSION, COMPILE_OPTIONS, helpers, rewriteFingerprint()]));
    }
    const key = `${this.cacheKeyPrefix}\0${source}`;
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
}
