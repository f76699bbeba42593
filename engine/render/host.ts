// Owns: the types the helper modules (blocks.ts, context-helpers.ts, generate.ts) share with the renderer: a
// Handlebars helper's options, one chart being rendered (Scope), the template running (Frame), and what a helper
// may ask of the renderer (HelperHost). Must not: hold logic.

import type { Chart, ChartFile, Values } from '../chart/types.js';
import type { KfError } from '../errors.js';

export type PartialFn = (context: unknown, options?: Record<string, unknown>) => string;
export type Template = (context: unknown, options?: Record<string, unknown>) => string;

export interface HelperOptions {
  fn?: (ctx: unknown, opts?: Record<string, unknown>) => string;
  inverse?: (ctx: unknown, opts?: Record<string, unknown>) => string;
  hash: Record<string, unknown>;
  data?: Record<string, unknown>;
  loc?: { start: { line: number; column: number } };
}

/** One chart (or aliased subchart) being rendered. */
export interface Scope {
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

export interface Frame {
  scope: Scope;
  /** Full name shown in messages, e.g. `kubeflow/templates/deployment.yaml`. */
  file: string;
  source: string;
}

/** What helpers that need render state may ask of the renderer. */
export interface HelperHost {
  /** The template running now. */
  frame(): Frame;
  /** Run `body` as `frame` (nesting limit, errors placed in it). */
  run<T>(frame: Frame, body: () => T): T;
  /** A KfError at the helper call's position in the current template. */
  error(options: HelperOptions | undefined, message: string, path?: string): KfError;
  /** Runtime options for calling a partial or a tpl template from a helper. */
  runtime(scope: Scope, options: HelperOptions): Record<string, unknown>;
  /** Render one template of a scope once (memoized). */
  renderFile(scope: Scope, file: ChartFile): string;
  /** A compiled tpl template (cached by source). */
  compileTpl(source: string, file: string): Template;
  /** Previous revision's value for `key`, else this render's, else `make()`; recorded either way. */
  persist(key: string, make: () => string): string;
  /** Charges `bytes` of output made by a loop iteration or a tpl call to the render budget (time and size). */
  spend(options: HelperOptions | undefined, bytes: number): void;
}
