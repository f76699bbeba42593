// Owns: refusing, with a clear error, what a template could reach of the template engine's own machinery: Handlebars'
// hook helpers (helperMissing, blockHelperMissing), its lookupProperty, kfchart's internal helpers (`__kf…`), and
// functions printed as values (`{{files.get}}` would print kfchart's code).
// Must not: run templates or know about charts.

import { KfError } from '../errors.js';
import type { HelperOptions } from './host.js';
import { sourceDetails } from './strict.js';

/** Names a template may not call or print: Handlebars' hooks and internals, and anything starting with `__`. */
const INTERNAL = new Set(['helperMissing', 'blockHelperMissing', 'lookupProperty']);
export const isInternalName = (name: string): boolean => INTERNAL.has(name) || name.startsWith('__');

interface Node { type?: string; loc?: { start: { line: number; column: number } }; [k: string]: unknown }

/**
 * Walk a parsed template (iteratively: a deeply nested template must not overflow the stack) and refuse a call or a
 * bare name `{{helperMissing}}`, `{{#blockHelperMissing}}`, `{{__kfGet …}}`: KfError `file:line: … is internal`.
 * Paths with a dot or `@`/`../` are values and stay the strict lookup's (not defined).
 */
export function checkInternalNames(ast: unknown, file: string, source: string): void {
  const stack: unknown[] = [ast];
  while (stack.length) {
    const n = stack.pop();
    if (Array.isArray(n)) {
      for (const x of n) if (x !== null && typeof x === 'object') stack.push(x);
      continue;
    }
    if (n === null || typeof n !== 'object') continue;
    const node = n as Node;
    if (node.type === 'PathExpression') {
      const p = node as Node & { data: boolean; depth: number; parts: string[]; original: string };
      if (!p.data && p.depth === 0 && p.parts.length === 1 && isInternalName(p.parts[0]) && !/^(\.|this\b)/.test(p.original)) {
        const line = node.loc?.start.line;
        throw new KfError(
          `${file}${line ? `:${line}` : ''}: "${p.parts[0]}" is internal to the template engine, not a helper or a value (see docs/helpers.md)`,
          { where: { file, line }, details: line ? sourceDetails(source, line, node.loc?.start.column) : [] },
        );
      }
      continue;
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'loc' && v !== null && typeof v === 'object') stack.push(v);
  }
}

/** What `{{x}}` prints must not be a function (a helper reached as a value: `{{files.get}}`). */
export function assertPrintable(v: unknown, options: HelperOptions | undefined, error: (o: HelperOptions | undefined, m: string) => Error): void {
  if (typeof v === 'function') {
    throw error(options, 'a function cannot be printed (call it with its arguments, e.g. {{files.get "files/x.conf"}})');
  }
}
