// Owns: the built-in helpers every template uses implicitly: the strict value lookup and printed-value hooks the
// strict rewrite (strict.ts) calls, and Go-truthiness if/unless/with plus sorted-key each.
// Must not: know about charts or files (the renderer gives errors their place through HelperHost).

import { runtime as Handlebars, type HB } from './handlebars.js';
import { FORBIDDEN_KEYS, hasOwn, isMap } from '../values/index.js';
import { kindOf, strval, truthy } from './helpers.js';
import type { HelperHost, HelperOptions } from './host.js';
import { GET_HELPER, OUT_HELPER } from './strict.js';
import { assertPrintable } from './internal-names.js';

/** `number`, `boolean`, `list`, `null`, `map`, `string` for messages. */
export function kindWord(v: unknown): string {
  const k = kindOf(v);
  return k === 'int' || k === 'float64' ? 'number' : k === 'bool' ? 'boolean' : k === 'slice' ? 'list' : k === 'invalid' ? 'null' : k;
}

export function registerBlockHelpers(hb: HB, host: HelperHost): void {
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
      throw host.error(options, `${shown} is not defined${why}`, shown);
    }
    return cur;
  });

  // Printed values: maps and lists as (sorted) JSON, which is also valid flow YAML.
  hb.registerHelper(OUT_HELPER, (v: unknown, o: HelperOptions) => (assertPrintable(v, o, host.error.bind(host)), v !== null && typeof v === 'object' && !(v instanceof Handlebars.SafeString) ? strval(v) : v));

  // Go truthiness (empty map/list, 0, "" and null are false) for if/unless/with; sorted keys for each.
  const block = (name: string, args: unknown[]): [unknown, HelperOptions] => {
    const options = args[args.length - 1] as HelperOptions;
    if (args.length !== 2) throw host.error(options, `${name} expects 1 argument, got ${args.length - 1}`);
    if (!options.fn) throw host.error(options, `${name} must be used as a block: {{#${name} …}}…{{/${name}}}`);
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
      throw host.error(options, `each needs a list or a map, got a ${kindWord(ctx)}`);
    }
    items.forEach(([k, v], i) => {
      const data = Handlebars.createFrame(options.data ?? {});
      Object.assign(data, { key: k, index: i, first: i === 0, last: i === items.length - 1 });
      const part = options.fn!(v, { data, blockParams: [v, k] });
      host.spend(options, part.length);
      out += part;
    });
    return items.length ? out : options.inverse!(this);
  });
}
