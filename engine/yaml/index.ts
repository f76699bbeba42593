// Owns: every YAML parse and dump in kfchart, with the limits that make untrusted input safe
// (size, nesting depth, alias count, expanded size — js-yaml 5 loads an alias bomb in milliseconds but any later
// walk of it explodes), YAML merge keys (`<<`, which Helm users expect), and errors that name file and line.
// Must not: know about charts, values or Kubernetes.

import * as yaml from 'js-yaml';
import { KfError } from '../errors.js';
import { fastYaml } from './fast.js';
import { blockCandidate, blockParseAll, blockParseLines } from './block.js';

export { fastYaml, type FastYamlOptions } from './fast.js';

export const YAML_LIMITS = {
  /** Largest YAML text accepted, in characters. */
  maxChars: 64 * 1024 * 1024,
  /** Deepest nesting of collections. */
  maxDepth: 64,
  /** Alias nodes (`*ref`) per document. */
  maxAliases: 1000,
  /** Nodes counted with every alias expanded, per parse call (catches "billion laughs"). */
  maxExpandedNodes: 2_000_000,
};

const SCHEMA = yaml.CORE_SCHEMA.withTags(yaml.mergeTag);

export interface YamlOptions {
  /** Override the expanded-node budget (e.g. a smaller one for values files). */
  maxExpandedNodes?: number;
  /** false: js-yaml reads the text, without the block reader first (the same result; tests compare the two). */
  fastReader?: boolean;
}

/** Whether `text` may go to parseYamlSubset at all (no CR, byte-order mark or character js-yaml refuses). */
export function subsetCandidate(text: string): boolean {
  return blockCandidate(text);
}

/**
 * The one YAML document in lines[from, to) of a `\n`-split text that passed subsetCandidate, read by the block
 * reader (./block.ts): `{ value }` (exactly what parseYaml gives for those lines), or undefined when the lines are
 * outside its subset (then parse them with parseYaml, which also reports errors: this never throws for its input).
 */
export function parseYamlSubset(lines: readonly string[], from = 0, to = lines.length): { value: unknown } | undefined {
  return blockParseLines(lines, from, to, SCHEMA);
}

/** Parse one YAML document. Empty text gives `undefined`. */
export function parseYaml(text: string, file: string, opts: YamlOptions = {}): unknown {
  const docs = parseYamlAll(text, file, opts);
  if (docs.length > 1) {
    throw new KfError(`${file}: expected one YAML document, found ${docs.length}`, { where: { file } });
  }
  return docs[0];
}

/** Parse a multi-document YAML stream. Documents that are empty (null) are kept as `null`; callers drop them. */
export function parseYamlAll(text: string, file: string, opts: YamlOptions = {}): unknown[] {
  if (text.length > YAML_LIMITS.maxChars) {
    throw new KfError(`${file}: YAML input is ${text.length} characters, over the limit of ${YAML_LIMITS.maxChars}`, {
      where: { file },
    });
  }
  // The block reader (./block.ts) takes the plain block YAML templates emit, in a fraction of js-yaml's time and
  // garbage; it gives up on anything else (and on every error), and js-yaml then reads the text, as before. Its
  // values hold no aliases, so they need no expanded-size walk.
  const fast = opts.fastReader === false ? undefined : blockParseAll(text, SCHEMA);
  if (fast !== undefined) return fast;
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text, {
      filename: file,
      schema: SCHEMA,
      maxDepth: YAML_LIMITS.maxDepth,
      maxAliases: YAML_LIMITS.maxAliases,
    });
  } catch (e) {
    throw yamlError(e, text, file);
  }
  // Only an alias (`*name`) can make the value larger than the text, which is already bounded by maxChars: the walk
  // is skipped for texts without `*` (most rendered templates; ~10 ms and a Map entry per node for 2,000 objects).
  if (text.includes('*')) assertBounded(docs, file, opts.maxExpandedNodes ?? YAML_LIMITS.maxExpandedNodes);
  return docs;
}

/** Turn a js-yaml exception into a KfError `file:line: reason` with the offending line shown. */
export function yamlError(e: unknown, text: string, file: string): KfError {
  if (e instanceof yaml.YAMLException) {
    const line = e.mark ? e.mark.line + 1 : undefined;
    const src = line ? text.split('\n')[line - 1] : undefined;
    const details = src !== undefined ? [`  ${line} | ${src}`] : [];
    const reason = e.reason.replace(/\s+/g, ' ').trim();
    return new KfError(`${file}${line ? `:${line}` : ''}: invalid YAML: ${reason}`, {
      where: { file, line },
      details,
      cause: e,
    });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new KfError(`${file}: invalid YAML: ${msg}`, { where: { file }, cause: e });
}

/**
 * Walk the loaded value counting nodes as if every alias were expanded, and stop as soon as the budget is
 * crossed. Shared subtrees are counted once per reference: that is exactly what JSON.stringify, deep merge or
 * a dump would do, so the budget bounds all later work on this value. A node that contains itself (`x: &a [*a]`)
 * is an error. Iterative (an explicit stack), so neither depth nor cycles can overflow the call stack.
 */
function assertBounded(docs: unknown[], file: string, budget: number): void {
  let count = 0;
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  const fail = (): never => {
    throw new KfError(
      `${file}: YAML expands to more than ${budget} nodes (aliases multiply content); refusing to process it`,
      { where: { file } },
    );
  };
  interface Frame { node: object; items: unknown[]; next: number; before: number }
  const stack: Frame[] = [];
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') {
      if (++count > budget) fail();
      return;
    }
    const known = sizes.get(v);
    if (known !== undefined) {
      count += known;
      if (count > budget) fail();
      return;
    }
    if (open.has(v)) {
      throw new KfError(`${file}: YAML alias refers to a node that contains it (a cycle, like \`x: &a [*a]\`); refusing to process it`, {
        where: { file },
      });
    }
    if (++count > budget) fail();
    if (stack.length >= YAML_LIMITS.maxDepth) {
      throw new KfError(`${file}: YAML nests deeper than ${YAML_LIMITS.maxDepth} levels once aliases are expanded; refusing to process it`, {
        where: { file },
      });
    }
    open.add(v);
    stack.push({ node: v, items: Array.isArray(v) ? v : Object.values(v as Record<string, unknown>), next: 0, before: count - 1 });
  };
  for (const d of docs) {
    visit(d);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < top.items.length) {
        visit(top.items[top.next++]);
        continue;
      }
      stack.pop();
      open.delete(top.node);
      sizes.set(top.node, count - top.before);
    }
  }
}

export interface DumpOptions {
  sortKeys?: boolean;
}

/** Block-style YAML, no line folding, no anchors; ends with a newline (js-yaml's convention). */
export function dumpYaml(value: unknown, opts: DumpOptions = {}): string {
  return yaml.dump(value, { lineWidth: -1, noRefs: true, sortKeys: opts.sortKeys ?? false });
}

/**
 * The same text as dumpYaml, faster: the block writer of ./fast.ts for the shapes it handles (most objects), js-yaml
 * for the rest. Ends with a newline. Every YAML kfchart prints or stores goes through this or dumpYaml.
 */
export function writeYaml(value: unknown, opts: DumpOptions = {}): string {
  const fast = fastYaml(value, { sortKeys: opts.sortKeys ?? false });
  return fast === undefined ? dumpYaml(value, opts) : `${fast}\n`;
}
