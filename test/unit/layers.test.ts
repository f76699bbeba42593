// The layer order of docs/CONTRACTS.md ("Layers"), checked on every import in engine/ and bin/: a module may import
// its own folder or a layer below it, never one above and never a sibling of its own layer (static `import`,
// `export … from` and dynamic `import()`, type imports included). A failure names the file, the import and both.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Bottom first. Keep in step with docs/CONTRACTS.md. */
export const LAYERS: readonly string[][] = [
  ['engine/errors.ts', 'engine/version.ts', 'engine/crypto.ts'],
  ['engine/yaml', 'engine/cache'],
  ['engine/chart'],
  ['engine/values'],
  ['engine/render', 'engine/manifest'],
  ['engine/kube'],
  ['engine/release'],
  ['engine/repo'],
  ['engine/actions/lifecycle'],
  ['engine/actions'],
  ['engine/cli'],
  ['bin'],
];

/** Layer index and folder of a repository-relative path; undefined outside the layers (package.json, schemas/). */
export function placeOf(rel: string): { layer: number; unit: string } | undefined {
  let best: { layer: number; unit: string } | undefined;
  LAYERS.forEach((names, layer) => {
    for (const n of names) {
      if ((rel === n || rel.startsWith(`${n}/`)) && (!best || n.length > best.unit.length)) best = { layer, unit: n };
    }
  });
  return best;
}

export function layerOf(rel: string): number | undefined {
  return placeOf(rel)?.layer;
}

/** Every relative module specifier of a TypeScript source (comments and strings outside imports ignored). */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out: string[] = [];
  const re = /(?:\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?|\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+|\bimport\s*\(\s*)['"]([^'"]+)['"]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code))) if (m[1]!.startsWith('.')) out.push(m[1]!);
  return out;
}

/** Imports that run up the layer order: `file -> target (layer a imports layer b)`. */
export function violations(files: { rel: string; text: string }[]): string[] {
  const bad: string[] = [];
  for (const f of files) {
    const from = placeOf(f.rel);
    if (from === undefined) continue;
    for (const spec of importsOf(f.text)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f.rel), spec)).replace(/\.js$/, '.ts');
      const to = placeOf(target);
      if (!to || to.unit === from.unit) continue;
      if (to.layer > from.layer) bad.push(`${f.rel} imports ${spec} (${from.unit} must not import ${to.unit}: a layer above)`);
      else if (to.layer === from.layer) bad.push(`${f.rel} imports ${spec} (${from.unit} must not import ${to.unit}: a sibling)`);
    }
  }
  return bad;
}

function sources(dir: string): { rel: string; text: string }[] {
  const out: { rel: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(path.join(root, d), { withFileTypes: true })) {
      const rel = `${d}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts')) out.push({ rel, text: readFileSync(path.join(root, rel), 'utf8') });
    }
  };
  walk(dir);
  return out;
}

const all = () => [...sources('engine'), ...sources('bin')];

test('every file of engine/ and bin/ is in a layer', () => {
  assert.equal(all().filter((f) => layerOf(f.rel) === undefined).map((f) => f.rel), []);
});

test('no import in engine/ or bin/ runs back up the layer order', () => {
  const files = all();
  assert.ok(files.length > 60, `found ${files.length} files`);
  assert.ok(files.reduce((n, f) => n + importsOf(f.text).length, 0) > 200, 'the import scanner finds the imports');
  assert.equal(violations(files), []);
});

test('the check catches an import up the order (static, type-only, re-export and dynamic)', () => {
  const planted = [
    { rel: 'engine/manifest/index.ts', text: "import { fastYaml } from '../render/fastyaml.js';\n" },
    { rel: 'engine/chart/load.ts', text: "import type { X } from '../repo/archive.js';\n" },
    { rel: 'engine/values/x.ts', text: "export { a } from '../cli/common.js';\n" },
    { rel: 'engine/actions/lifecycle/x.ts', text: "const m = await import('../upgrade.js');\n" },
    { rel: 'engine/kube/x.ts', text: "// import { y } from '../release/index.js';\nimport { KfError } from '../errors.js';\n" },
  ];
  const v = violations(planted);
  assert.is(v.length, 4, v.join('\n'));
  assert.match(v[0]!, /^engine\/manifest\/index\.ts imports \.\.\/render\/fastyaml\.js \(engine\/manifest must not import engine\/render: a sibling\)$/);
  assert.match(v[1]!, /^engine\/chart\/load\.ts imports \.\.\/repo\/archive\.js \(engine\/chart must not import engine\/repo: a layer above\)$/);
  assert.match(v[3]!, /engine\/actions\/lifecycle must not import engine\/actions: a layer above\)$/);
});

/** Every file `rel` reaches through relative imports (itself included). */
function reach(files: { rel: string; text: string }[], rel: string): Set<string> {
  const byRel = new Map(files.map((f) => [f.rel, f]));
  const seen = new Set<string>();
  const walk = (r: string) => {
    if (seen.has(r) || !byRel.has(r)) return;
    seen.add(r);
    for (const spec of importsOf(byRel.get(r)!.text)) walk(path.posix.normalize(path.posix.join(path.posix.dirname(r), spec)).replace(/\.js$/, '.ts'));
  };
  walk(rel);
  return seen;
}

test('read-only verbs do not load the write path of engine/actions/lifecycle', () => {
  const files = all();
  const write = ['operation', 'apply', 'prune', 'history', 'failure', 'dryrun'].map((n) => `engine/actions/lifecycle/${n}.ts`);
  for (const verb of ['history', 'status', 'get', 'list']) {
    const r = reach(files, `engine/actions/${verb}.ts`);
    assert.ok(r.has('engine/actions/lifecycle/session.ts'), verb);
    assert.equal(write.filter((w) => r.has(w)), [], `engine/actions/${verb}.ts`);
  }
});

test('the layer list matches docs/CONTRACTS.md', () => {
  const doc = readFileSync(path.join(root, 'docs/CONTRACTS.md'), 'utf8');
  const m = /<!-- layers -->\n([\s\S]*?)<!-- \/layers -->/.exec(doc);
  assert.ok(m, 'docs/CONTRACTS.md has a <!-- layers --> block');
  const listed = m![1]!.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => [...l.matchAll(/`([^`]+)`/g)].map((x) => x[1]!.replace(/\/$/, '')));
  assert.equal(listed, LAYERS.map((l) => [...l]));
});

test.run();
