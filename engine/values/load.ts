// Owns: reading one values file (a -f file, stdin, or a chart's values.yaml) into a values map plus its
// provenance: for every values path, the file and 1-based line where it was written. Also refuses forbidden keys
// with the file:line that holds them.
// Must not: merge sources (compute.ts), read the file system (callers pass the text), or parse YAML except
// through engine/yaml (values) and js-yaml's event parser (positions only, never values).

import * as yaml from 'js-yaml';
import { KfError } from '../errors.js';
import { parseYaml, YAML_LIMITS } from '../yaml/index.js';
import { assertValueBounds, mib, VALUES_LIMITS } from './bounds.js';
import { cloneValues, findForbiddenKey } from './merge.js';
import { FORBIDDEN_KEYS, isMap, joinPath, LazyMap, type Values } from './path.js';

export interface ProvenanceEntry {
  file: string;
  line: number;
}
/** Key: values path `a.b[0].c`. Line 0 means "not from a file" (a --set flag: the file is the flag text). */
export type Provenance = Map<string, ProvenanceEntry>;

export interface ValuesSource {
  /** Name shown in messages: the -f path as given, `-` for stdin, `values.yaml` for chart defaults. */
  file: string;
  text: string;
}

/**
 * Parse a values file. Empty → {}. Not a map, bad YAML or a forbidden key → KfError naming file:line.
 * The provenance is computed on first read (a second, position-only parse), since only error messages need it.
 */
export function loadValuesFile(src: ValuesSource): { values: Values; provenance: Provenance } {
  const r = loadValuesFileShared(src);
  return { values: cloneValues(r.values), provenance: r.provenance };
}

/** loadValuesFile without the final copy: YAML aliases may share nodes, so the caller must copy before changing. */
export function loadValuesFileShared(src: ValuesSource): { values: Values; provenance: Provenance } {
  if (src.text.length > VALUES_LIMITS.maxBytes) {
    throw new KfError(`${src.file}: values text is larger than ${mib(VALUES_LIMITS.maxBytes)}, the limit for one values source`, {
      where: { file: src.file },
    });
  }
  const doc = parseYaml(src.text, src.file, { maxExpandedNodes: VALUES_LIMITS.maxNodes });
  const provenance: Provenance = new LazyMap(() => valuesProvenance(src.text, src.file));
  if (doc === undefined || doc === null) return { values: {}, provenance };
  if (!isMap(doc)) {
    const what = Array.isArray(doc) ? 'a list' : `a ${typeof doc}`;
    throw new KfError(`${src.file}: a values file must be a map of keys to values, but this one is ${what}`, {
      where: { file: src.file, line: 1 },
    });
  }
  assertValueBounds(doc, src.file);
  const hit = findForbiddenKey(doc);
  if (hit !== undefined) {
    const at = provenance.get(hit); // throws the file:line error itself when the key is a plain key
    throw new KfError(`${src.file}${at ? `:${at.line}` : ''}: key "${hit.split('.').pop()}" is not allowed in values (at ${hit})`, {
      where: { file: src.file, line: at?.line, path: hit },
    });
  }
  return { values: doc, provenance };
}

type Frame =
  | { kind: 'doc' }
  | { kind: 'map'; path: string; expectKey: boolean; valuePath: string | null }
  | { kind: 'seq'; path: string; index: number }
  | { kind: 'skip' };

/**
 * Provenance of every values path in the first YAML document of `text`, from js-yaml's event stream (positions
 * only; aliases are not expanded, keys merged in by `<<` fall back to their parent's line). Throws KfError on a
 * forbidden key. The root path '' maps to line 1.
 */
export function valuesProvenance(text: string, file: string): Provenance {
  const prov: Provenance = new Map();
  let events: yaml.Event[];
  try {
    events = yaml.parseEvents(text, { filename: file, maxDepth: YAML_LIMITS.maxDepth });
  } catch {
    return prov; // parseYaml reports YAML errors; positions are best effort
  }
  const lines = lineStarts(text);
  const lineOf = (offset: number): number => lineAt(lines, offset);
  const stack: Frame[] = [];
  let docs = 0;
  prov.set('', { file, line: 1 });

  for (const ev of events) {
    if (ev.type === yaml.EVENT_ID.DOCUMENT) {
      docs++;
      if (docs > 1) break;
      stack.push({ kind: 'doc' });
      continue;
    }
    if (ev.type === yaml.EVENT_ID.POP) {
      stack.pop();
      continue;
    }
    const top = stack[stack.length - 1];
    const isContainer = ev.type === yaml.EVENT_ID.MAPPING || ev.type === yaml.EVENT_ID.SEQUENCE;
    let path: string | null = null;
    if (!top || top.kind === 'skip') {
      path = null;
    } else if (top.kind === 'doc') {
      path = '';
    } else if (top.kind === 'map') {
      if (top.expectKey) {
        top.expectKey = false;
        top.valuePath = null;
        if (ev.type === yaml.EVENT_ID.SCALAR) {
          const key = yaml.getScalarValue(text, ev);
          const line = lineOf(ev.valueStart);
          if (FORBIDDEN_KEYS.has(key)) {
            const p = joinPath(top.path, key);
            throw new KfError(`${file}:${line}: key "${key}" is not allowed in values (at ${p})`, {
              where: { file, line, path: p },
            });
          }
          if (!(key === '<<' && ev.style === yaml.SCALAR_STYLE.PLAIN)) {
            top.valuePath = joinPath(top.path, key);
            prov.set(top.valuePath, { file, line });
          }
        } else if (isContainer) {
          stack.push({ kind: 'skip' }); // a complex key: no values path
        }
        continue;
      }
      top.expectKey = true;
      path = top.valuePath;
    } else {
      path = joinPath(top.path, top.index++);
      prov.set(path, { file, line: lineOf(nodeStart(ev)) });
    }
    if (ev.type === yaml.EVENT_ID.MAPPING) {
      stack.push(path === null ? { kind: 'skip' } : { kind: 'map', path, expectKey: true, valuePath: null });
    } else if (ev.type === yaml.EVENT_ID.SEQUENCE) {
      stack.push(path === null ? { kind: 'skip' } : { kind: 'seq', path, index: 0 });
    }
  }
  return prov;
}

function nodeStart(ev: yaml.Event): number {
  switch (ev.type) {
    case yaml.EVENT_ID.SCALAR:
      return ev.anchorStart >= 0 ? Math.min(ev.anchorStart, ev.valueStart) : ev.valueStart;
    case yaml.EVENT_ID.MAPPING:
    case yaml.EVENT_ID.SEQUENCE:
      return ev.start;
    case yaml.EVENT_ID.ALIAS:
      return ev.anchorStart;
    default:
      return 0;
  }
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/** 1-based line of a 0-based offset. */
function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
