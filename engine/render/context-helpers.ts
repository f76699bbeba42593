// Owns: the helpers that need the render's state: required, include (partials of the current scope), tpl (a
// string rendered as a template), checksum (another template's output), fileGet (the chart's own files).
// Must not: read the file system (files.get sees only the loaded chart's files).

import type { HB } from './handlebars.js';
import { hasOwn } from '../values/index.js';
import { kindWord } from './blocks.js';
import { strval } from './helpers.js';
import type { HelperHost, HelperOptions } from './host.js';
import { nodeCrypto } from '../crypto.js';

export function registerContextHelpers(hb: HB, host: HelperHost): void {
  hb.registerHelper('required', function (msg: unknown, value: unknown, options: HelperOptions) {
    if (arguments.length !== 3) throw host.error(arguments[arguments.length - 1] as HelperOptions, 'required expects 2 arguments: required "message" value');
    if (value === undefined || value === null || value === '') throw host.error(options, strval(msg));
    return value;
  });

  hb.registerHelper('include', function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as HelperOptions;
    if (args.length < 1 || args.length > 2) throw host.error(options, 'include expects a partial name and a context: include "name" this');
    const name = strval(args[0]);
    const scope = host.frame().scope;
    const fn = hasOwn(scope.partials, name) ? scope.partials[name] : undefined;
    if (!fn) {
      const known = Object.keys(scope.partials).sort();
      throw host.error(options, `include: no partial named "${name}"` + (known.length ? ` (known: ${known.join(', ')})` : ''));
    }
    return fn(args.length === 2 ? args[1] : this, host.runtime(scope, options));
  });

  hb.registerHelper('tpl', function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as HelperOptions;
    if (args.length < 1 || args.length > 2) throw host.error(options, 'tpl expects a template string and a context: tpl values.x this');
    if (typeof args[0] !== 'string') throw host.error(options, `tpl: the template must be a string, got a ${kindWord(args[0])}`);
    const source = args[0];
    const outer = host.frame();
    const line = options.loc?.start.line;
    const file = `${outer.file}${line ? `:${line}` : ''} (tpl)`;
    const run = host.compileTpl(source, file);
    const text = host.run({ scope: outer.scope, file, source }, () => run(args.length === 2 ? args[1] : this, host.runtime(outer.scope, options)));
    host.spend(options, text.length);
    return text;
  });

  hb.registerHelper('checksum', function (path: unknown, options: HelperOptions) {
    if (arguments.length !== 2) throw host.error(arguments[arguments.length - 1] as HelperOptions, 'checksum expects one template path: checksum "templates/configmap.yaml"');
    const scope = host.frame().scope;
    const want = strval(path).replace(/^\.\//, '');
    const file = scope.chart.templates.find((t) => t.path === want);
    if (!file) throw host.error(options, `checksum: no template "${want}" in chart ${scope.chart.meta.name}`);
    return nodeCrypto().createHash('sha256').update(host.renderFile(scope, file)).digest('hex');
  });

  hb.registerHelper('fileGet', function (path: unknown, options: HelperOptions) {
    const files = host.frame().scope.base.files as { get: (p: unknown, o?: HelperOptions) => string };
    return files.get(path, options);
  });
}
