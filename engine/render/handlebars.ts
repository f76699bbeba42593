// Owns: loading Handlebars in two parts. The runtime (environments, helpers, SafeString, running templates) loads with
// the renderer; the compiler (parser, AST, code generator: more than half of the library, with source-map) only
// when a template has to be parsed: a miss in the precompiled-template cache, `tpl`, a strict-mode check, an error's
// source details. An environment from createEnvironment() is the one the full build's Handlebars.create() makes (the
// runtime's, with compile/precompile/parse attached), except that those load the compiler on their first use.
// Measured A/B (Node 24, `template` with warm caches, 21 runs in turns): 0.185 → 0.180 s and −0.6 MiB for 100
// objects, 0.336 → 0.333 s for charts/kubeflow: small, and paid by every render.
// In the bundle, scripts/bundle.mjs turns loadCompiler's createRequire into esbuild's own require, so the compiler is
// bundled with the runtime it shares modules with (one copy of each) and evaluated on the first call only.
// Must not: register helpers or compile anything itself (render.ts and compile.ts do).

import type Handlebars from 'handlebars';
import RuntimeModule from 'handlebars/runtime.js';
import { createRequire } from 'node:module';

export type HB = typeof Handlebars;

// runtime.d.ts declares no exports: the module is the runtime's default instance, typed as the full build here
const Runtime = RuntimeModule as unknown as HB;

/** The runtime namespace: SafeString, createFrame, VERSION, Utils (what rendering needs without a compiler). */
export const runtime = Runtime;

interface CompilerModules {
  compile: (input: unknown, options: unknown, env: HB) => unknown;
  precompile: (input: unknown, options: unknown, env: HB) => unknown;
  Compiler: unknown;
  JavaScriptCompiler: unknown;
  parse: HB['parse'];
  parseWithoutProcessing: HB['parseWithoutProcessing'];
  Parser: unknown;
  AST: unknown;
}

let modules: CompilerModules | undefined;

/** Handlebars' compiler modules (the ones its full build attaches in create()), loaded once, on first use. */
export function loadCompiler(): CompilerModules {
  if (modules) return modules;
  const load = createRequire(import.meta.url);
  const compiler = load('handlebars/dist/cjs/handlebars/compiler/compiler.js');
  const base = load('handlebars/dist/cjs/handlebars/compiler/base.js');
  const javascriptCompiler = load('handlebars/dist/cjs/handlebars/compiler/javascript-compiler.js');
  const ast = load('handlebars/dist/cjs/handlebars/compiler/ast.js');
  modules = {
    compile: compiler.compile,
    precompile: compiler.precompile,
    Compiler: compiler.Compiler,
    // these two set module.exports to the default export itself
    JavaScriptCompiler: javascriptCompiler.default ?? javascriptCompiler,
    parse: base.parse,
    parseWithoutProcessing: base.parseWithoutProcessing,
    Parser: base.parser,
    AST: ast.default ?? ast,
  };
  return modules;
}

/** A new isolated environment with the full build's API; its compiler parts load on first use. */
export function createEnvironment(): HB {
  const hb = Runtime.create();
  Object.assign(hb, {
    compile: (input: unknown, options: unknown) => loadCompiler().compile(input, options, hb),
    precompile: (input: unknown, options: unknown) => loadCompiler().precompile(input, options, hb),
  });
  for (const name of ['Compiler', 'JavaScriptCompiler', 'parse', 'parseWithoutProcessing', 'Parser', 'AST'] as const) {
    Object.defineProperty(hb, name, { get: () => loadCompiler()[name], enumerable: true, configurable: true });
  }
  return hb;
}
