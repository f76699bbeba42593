// Owns: parsing a template and rewriting its AST (before Handlebars compiles it) so that
// - every value lookup goes through the `__kfGet` helper: `values.image.tag` becomes
//   `(__kfGet this "values" "image" "tag" p="values.image.tag" g=false)`, one helper that walks own properties only
//   (no prototype access) and either throws a KfError naming the full path or — when the path is a direct argument
//   of a guard helper (`default`, `if`, `and`, ...) — yields undefined. Handlebars' own strict mode skips helper
//   and block arguments, says `"tag" not defined in [object Object]`, and a path through a number is a TypeError;
// - every `{{…}}` output goes through `__kfOut` (maps and lists print as JSON);
// - unknown helpers are reported with file and line before anything runs;
// - a partial alone on its line keeps that line's newline (partial texts lose their final newline).
// Must not: execute templates or know about charts.

import { loadCompiler } from './handlebars.js';
import { KfError } from '../errors.js';
import { checkInternalNames } from './internal-names.js';
import { textHash } from '../cache/code.js';

/** Helpers whose arguments may be missing: a missing path there is `undefined`, not an error. */
export const GUARD_HELPERS: ReadonlySet<string> = new Set([
  'default', 'required', 'if', 'unless', 'with', 'each', 'and', 'or', 'not', 'eq', 'ne', 'empty',
  'coalesce', 'ternary', 'lookup', 'hasKey', 'kindIs', 'kindOf',
]);

export const GET_HELPER = '__kfGet';
export const OUT_HELPER = '__kfOut';

/* Minimal structural view of the Handlebars AST (the library's own typings are loose). */
interface Loc { start: { line: number; column: number }; end: { line: number; column: number } }
interface Node { type: string; loc?: Loc; [k: string]: unknown }
interface PathNode extends Node { type: 'PathExpression'; data: boolean; depth: number; parts: string[]; original: string }
interface HashNode extends Node { type: 'Hash'; pairs: { type: 'HashPair'; key: string; value: Node; loc?: Loc }[] }
interface CallNode extends Node { path: Node; params: Node[]; hash?: HashNode }
interface ProgramNode extends Node { type: 'Program'; body: Node[]; blockParams?: string[] }

/**
 * Parse `source` (reported as `file`) and rewrite it. `isHelper(name)` says whether a bare `{{name}}` is a helper
 * call rather than a value. Parse errors become KfError `file:line: message`.
 */
export function parseTemplate(source: string, file: string, isHelper: (name: string) => boolean): ProgramNode {
  let ast: ProgramNode;
  try {
    ast = loadCompiler().parseWithoutProcessing(source) as unknown as ProgramNode;
  } catch (e) {
    throw parseError(e, source, file);
  }
  checkInternalNames(ast, file, source);
  new Rewriter(isHelper, file, source).program(ast, []);
  return ast;
}

function parseError(e: unknown, source: string, file: string): KfError {
  const raw = e instanceof Error ? e.message : String(e);
  const err = e as { lineNumber?: number; column?: number };
  let line = err.lineNumber;
  let message = raw.replace(/ - \d+:\d+$/, '');
  let details: string[] = [];
  const m = /^Parse error on line (\d+):\n([^\n]*)\n(-*\^)\n(Expecting [\s\S]*)$/.exec(raw);
  if (m) {
    line = Number(m[1]);
    const got = /got '([^']+)'$/.exec(m[4]);
    message = `template syntax error: ${got ? `unexpected ${tokenName(got[1])}` : m[4].replace(/\s+/g, ' ')}`;
    details = sourceDetails(source, line); // Handlebars' own snippet drops newlines: show the real line
  } else {
    message = `template syntax error: ${message}`;
    if (line) details = sourceDetails(source, line, err.column);
  }
  return new KfError(`${file}${line ? `:${line}` : ''}: ${message}`, {
    where: { file, line },
    details,
    cause: e,
  });
}

function tokenName(t: string): string {
  const names: Record<string, string> = {
    INVALID: 'character', EOF: 'end of template (is a {{#block}} not closed?)', CLOSE: '"}}"', OPEN: '"{{"', ID: 'name', STRING: 'string',
    NUMBER: 'number', CLOSE_SEXPR: '")"', OPEN_SEXPR: '"("', EQUALS: '"="', OPEN_ENDBLOCK: '"{{/"', OPEN_BLOCK: '"{{#"',
    INVERSE: '"{{else}}"', SEP: 'separator', DATA: '"@"', OPEN_PARTIAL: '"{{>"',
  };
  return names[t] ?? t;
}

/** `  12 | text` plus a caret line under `column` (0-based) when known. */
export function sourceDetails(source: string, line: number, column?: number): string[] {
  const text = source.split('\n')[line - 1];
  if (text === undefined) return [];
  const prefix = `  ${line} | `;
  const out = [prefix + text];
  if (column !== undefined && column >= 0) out.push(' '.repeat(prefix.length + column) + '^');
  return out;
}

class Rewriter {
  constructor(
    private readonly isHelper: (name: string) => boolean,
    private readonly file: string,
    private readonly source: string,
  ) {}

  program(p: ProgramNode, blockParams: string[][]): void {
    const scope = p.blockParams && p.blockParams.length ? [...blockParams, p.blockParams] : blockParams;
    p.body.forEach((stmt, i) => {
      this.statement(stmt, scope);
      // A partial alone on its line: Handlebars drops that line's newline and indents the partial's lines to
      // the `{{>` column. Partial texts lose their final newline (so `include` feeds `nindent` cleanly), so give
      // the line its newline back: whitespace control (run later, by compile) strips one newline from `value`
      // and judges standalone-ness on `original`, which stays untouched.
      const next = p.body[i + 1];
      if (stmt.type === 'PartialStatement' && next?.type === 'ContentStatement' && this.standalone(stmt)) {
        next.value = '\n' + String(next.value);
      }
    });
  }

  private standalone(n: Node): boolean {
    const loc = n.loc;
    if (!loc || loc.start.line !== loc.end.line) return false;
    const lines = this.source.split('\n');
    const line = lines[loc.start.line - 1] ?? '';
    if (line.slice(0, loc.start.column).trim() !== '' || line.slice(loc.end.column).trim() !== '') return false;
    return loc.start.line < lines.length && !(n as { strip?: { close?: boolean } }).strip?.close;
  }

  private statement(n: Node, bp: string[][]): void {
    switch (n.type) {
      case 'MustacheStatement': {
        // Every output goes through `__kfOut`, which prints maps and lists as JSON instead of `[object Object]`;
        // a value path `{{values.x}}` becomes `{{__kfOut (__kfGet this "values" "x" p=… g=false)}}`.
        const c = n as CallNode;
        const isCall = c.params.length > 0 || (c.hash !== undefined && c.hash.pairs.length > 0);
        let out: Node;
        if (isCall || (c.path.type === 'PathExpression' && this.isBareHelper(c.path as PathNode, bp))) {
          this.callArgs(c, bp);
          out = { type: 'SubExpression', path: c.path, params: c.params, hash: c.hash, loc: c.loc } as CallNode;
        } else {
          out = this.value(c.path, false, bp);
        }
        c.path = { type: 'PathExpression', data: false, depth: 0, parts: [OUT_HELPER], original: OUT_HELPER, loc: c.loc } as PathNode;
        c.params = [out];
        c.hash = undefined;
        return;
      }
      case 'BlockStatement':
      case 'DecoratorBlock': {
        const c = n as CallNode & { program?: ProgramNode; inverse?: ProgramNode };
        if (n.type === 'BlockStatement') this.callArgs(c, bp);
        if (c.program) this.program(c.program, bp);
        if (c.inverse) this.program(c.inverse, bp);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const c = n as Node & { name: Node; params: Node[]; hash?: HashNode; program?: ProgramNode };
        if (c.name.type === 'SubExpression') this.callArgs(c.name as CallNode, bp);
        c.params = c.params.map((x) => this.value(x, false, bp));
        if (c.hash) for (const pair of c.hash.pairs) pair.value = this.value(pair.value, false, bp);
        if (c.program) this.program(c.program, bp);
        return;
      }
      default:
        return; // ContentStatement, CommentStatement, Decorator
    }
  }

  /** Rewrite the arguments of a helper call (mustache, block or sub-expression). */
  private callArgs(c: CallNode, bp: string[][]): void {
    const name = c.path.type === 'PathExpression' ? (c.path as PathNode).original : '';
    if (c.path.type === 'PathExpression') this.checkHelper(c.path as PathNode, bp);
    const guarded = GUARD_HELPERS.has(name);
    c.params = c.params.map((x) => this.value(x, guarded, bp));
    if (c.hash) for (const pair of c.hash.pairs) pair.value = this.value(pair.value, guarded, bp);
  }

  /** A call of a simple name that is neither a helper nor a block param is a typo: say so before running. */
  private checkHelper(p: PathNode, bp: string[][]): void {
    if (p.data || p.depth > 0 || p.parts.length !== 1 || /^(\.|this\b)/.test(p.original)) return;
    if (bp.some((names) => names.includes(p.parts[0])) || this.isHelper(p.parts[0])) return;
    const line = p.loc?.start.line;
    throw new KfError(`${this.file}${line ? `:${line}` : ''}: unknown helper "${p.original}" (see docs/helpers.md)`, {
      where: { file: this.file, line },
      details: line ? sourceDetails(this.source, line, p.loc?.start.column) : [],
    });
  }

  private isBareHelper(p: PathNode, bp: string[][]): boolean {
    return (
      !p.data && p.depth === 0 && p.parts.length === 1 && !/^(\.|this\b)/.test(p.original) &&
      !bp.some((names) => names.includes(p.parts[0])) && this.isHelper(p.parts[0])
    );
  }

  /** A node in value position: rewrite paths, recurse into sub-expressions, keep literals. */
  private value(n: Node, guarded: boolean, bp: string[][]): Node {
    if (n.type === 'SubExpression') {
      this.callArgs(n as CallNode, bp);
      return n;
    }
    if (n.type !== 'PathExpression') return n;
    const p = n as PathNode;
    const loc = p.loc;
    let base: PathNode;
    let rest: string[];
    if (p.parts.length === 0) return p; // `this`, `.`, `../`
    if (p.data) {
      if (p.parts.length === 1) return p; // @index, @key, @root, ...
      base = { type: 'PathExpression', data: true, depth: p.depth, parts: [p.parts[0]], original: '@' + p.parts[0], loc };
      rest = p.parts.slice(1);
    } else if (p.depth === 0 && !/^(\.|this\b)/.test(p.original) && bp.some((names) => names.includes(p.parts[0]))) {
      if (p.parts.length === 1) return p; // a block param itself
      base = { type: 'PathExpression', data: false, depth: 0, parts: [p.parts[0]], original: p.parts[0], loc };
      rest = p.parts.slice(1);
    } else {
      base = { type: 'PathExpression', data: false, depth: p.depth, parts: [], original: 'this', loc };
      rest = p.parts;
    }
    const shown = p.original.replace(/^@root\./, '').replace(/^this\./, '').replace(/^\.\//, '');
    const str = (value: string): Node => ({ type: 'StringLiteral', value, original: value, loc });
    const call: CallNode = {
      type: 'SubExpression',
      path: { type: 'PathExpression', data: false, depth: 0, parts: [GET_HELPER], original: GET_HELPER, loc } as PathNode,
      params: [base, ...rest.map(str)],
      hash: {
        type: 'Hash',
        loc,
        pairs: [
          { type: 'HashPair', key: 'p', value: str(shown), loc },
          { type: 'HashPair', key: 'g', value: { type: 'BooleanLiteral', value: guarded, original: guarded, loc }, loc },
        ],
      },
      loc,
    };
    return call;
  }
}

/**
 * rewriteFingerprint() as tsc's output of this code computes it, written into the CLI bundle by scripts/bundle.mjs
 * (esbuild's define), so that no render hashes these functions' ~10 KB of source: in JS that made V8 optimise
 * textHash with TurboFan, +3 MiB peak RSS for `template` of 100 objects on Node 24 and 26 (--max-opt=2 A/B), and a
 * text that long now loads node:zlib (engine/cache/code.ts). Absent outside the bundle (tests, tsc's output), where
 * it is computed.
 */
declare const __kfchartRewriteFingerprint: string | undefined;
let fingerprint: string | undefined;
/**
 * What a compiled template depends on in this file: the rewrite's code, its helper names and guard helpers. Part
 * of the precompiled-template cache key (engine/render/render.ts), so a changed rewrite never reuses an old
 * compilation.
 */
export function rewriteFingerprint(): string {
  fingerprint ??= typeof __kfchartRewriteFingerprint === 'string' ? __kfchartRewriteFingerprint : textHash(JSON.stringify([GET_HELPER, OUT_HELPER, [...GUARD_HELPERS], parseTemplate.toString(), Rewriter.toString(), checkInternalNames.toString()]));
  return fingerprint;
}

