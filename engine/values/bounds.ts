// Owns: the size limits of user values (issue 12 F10/F11): bytes per values source (-f file, standard input,
// --set-file file), value nodes per source and nesting depth, checked by one iterative walk (no recursion on user
// data, so a 10,000-deep --set-json is an error message, not a stack overflow).
// Must not: read files (read.ts) or parse text.

import { KfError } from '../errors.js';
import { YAML_LIMITS } from '../yaml/index.js';

export const VALUES_LIMITS = {
  /** Largest values source: a -f file, standard input, a --set-file file (a release record holds at most 1 MiB). */
  maxBytes: 4 * 1024 * 1024,
  /** Value nodes (maps, lists, scalars; YAML aliases expanded) per source; real values files have a few thousand. */
  maxNodes: 200_000,
  /** Deepest nesting of maps and lists, the YAML parser's limit. */
  maxDepth: YAML_LIMITS.maxDepth,
};

/** `4 MiB` */
export function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

/**
 * Throw KfError `<where>: …` when `v` holds more than VALUES_LIMITS.maxNodes nodes or nests deeper than
 * VALUES_LIMITS.maxDepth. Iterative; stops at the first limit crossed, so a huge value costs at most the limit.
 */
export function assertValueBounds(v: unknown, where: string): void {
  const { maxNodes, maxDepth } = VALUES_LIMITS;
  let count = 1;
  const tooMany = (): never => {
    throw new KfError(`${where}: more than ${maxNodes} values (map entries, list items and scalars), the limit for one values source`, {
      where: { file: where },
    });
  };
  const stack: Array<{ v: unknown; depth: number }> = [{ v, depth: 0 }];
  while (stack.length) {
    const { v: cur, depth } = stack.pop()!;
    if (cur === null || typeof cur !== 'object') continue;
    if (depth >= maxDepth) {
      throw new KfError(`${where}: values nest deeper than ${maxDepth} levels, the limit`, { where: { file: where } });
    }
    const items = Array.isArray(cur) ? cur : Object.values(cur as Record<string, unknown>);
    count += items.length;
    if (count > maxNodes) tooMany();
    for (const x of items) if (x !== null && typeof x === 'object') stack.push({ v: x, depth: depth + 1 });
  }
}
