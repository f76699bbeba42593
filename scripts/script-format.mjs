// Owns: the form of a script that engine/cache/code.ts runScriptBundle runs — the esbuild options that make it (one
// CommonJS script wrapped as a function expression whose parameters runScriptBundle passes, with no import() left),
// the ASCII escaping of what esbuild leaves, and the script's identity for its code cache entries. Used by
// scripts/bundle.mjs for the CLI and by bench/lib.mjs for the bench programs, so both are run the same way.
// Must not: name any entry or output (the callers do).
import { createHash } from 'node:crypto';

/** The script's first line: the parameters runScriptBundle calls it with (its BundleMain type says the same). */
export const WRAP_OPEN = '(function (exports, require, module, __filename, __dirname, __kfchartModuleUrl) {';

/**
 * esbuild options for such a script. No import() is left (esbuild writes a require of what is external, Node
 * built-ins): a script compiled from V8's code cache loses its dynamic-import callback on Node 20, and Node 24+ warns
 * that the callback is experimental. `import.meta.url` becomes the wrapper's last parameter.
 */
export const SCRIPT_OPTIONS = {
  format: 'cjs',
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__kfchartModuleUrl' },
  banner: { js: WRAP_OPEN },
  footer: { js: '})' },
};

/**
 * esbuild writes non-ASCII characters as escapes in code, but not in the comments it keeps; escaping those too makes
 * the file ASCII, which runScriptBundle reads as a one-byte string. A `\\uXXXX` in a comment is only text.
 */
export const ascii = (text) => text.replace(/[^\x00-\x7f]/gu, (c) => [...c].map((ch) => {
  const cp = ch.codePointAt(0);
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}).join(''));

/** The script's identity (the `build` of runScriptBundle): V8 checks only a source's length against a cache entry. */
export const scriptId = (text) => createHash('sha256').update(text).digest('hex').slice(0, 16);
