// Issue 14's speed work on reading indexes, checked against the slow path it replaces: the lenient loader with the
// fast block reader gives the same index and the same warnings as with the full YAML parser only (on generated
// real-world-shaped indexes with tricky YAML, CRLF line ends, invalid entries and random damage), and the plain
// function that checks entries against schemas/index.schema.json agrees with Ajv on every entry. Through the built
// CLI: an index read on the fast path and the same index as JSON (which only the full parser reads) give the same
// warnings and the same `search repo` output.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import indexSchema from '../../../schemas/index.schema.json' with { type: 'json' };
import { compileEntryCheck, loadIndex, formatIndexWarning } from '../../../engine/repo/lenient-index.js';
import { parseYaml } from '../../../engine/yaml/index.js';
import { tmpDir, cleanTmp, serveDir } from './helpers.js';
import { kfRun } from './kfcli.js';

const t = suite('fast index reading');
t.after(cleanTmp);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const TRICKY = ['plain words', 'C# and F#', 'émoji 🚀', '日本語', '1.0', '0.46.00', 'true', 'null', '~', '', "it's", 'say "hi"', 'a: b', '# hash', '- dash', 'x\ny', 'tab\there', '50%', 'http://x:80/a'];

/**
 * An index in Helm's layout with the fields real indexes carry, written the ways Go's YAML writers and people write
 * them: plain, double- and single-quoted scalars, wrapped descriptions, literal blocks, indentless sequences,
 * comments, and some invalid entries (no digest, a version that is not SemVer, a name that is not its key, null).
 */
function makeIndex(seed: number, charts: number): string {
  const r = rng(seed);
  const pick = <T,>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const str = (s: string, ind: number): string => {
    const style = pick(['plain', 'dq', 'sq', 'block']);
    if (style === 'dq' || /[\n\t"]|^$|: | #|^[-#~]|^(true|null|[\d.]+)$/.test(s)) return style === 'block' && !s.includes('\t') && s !== '' ? `|-\n${s.split('\n').map((l) => `${' '.repeat(ind + 2)}${l}`).join('\n')}` : JSON.stringify(s);
    if (style === 'sq') return `'${s.replace(/'/g, "''")}'`;
    return s;
  };
  const out = ['# generated', 'apiVersion: v1', 'entries:'];
  for (let c = 0; c < charts; c++) {
    const name = `chart-${c}`;
    out.push(`  ${name}:`);
    for (let v = 0; v < 1 + Math.floor(r() * 6); v++) {
      const version = pick([`${v}.${c % 7}.0`, `${v}.0.0-rc.1`, `${v}.1`, `v${v}.2.0`, `0.${v}.00`]);
      const lines = [
        `    annotations:`,
        `      category: ${str(pick(TRICKY), 6)}`,
        `      artifacthub.io/changes: |\n        - kind: fixed\n          description: ${pick(['a', 'b: c', '"q"'])}`,
        `    apiVersion: v2`,
        `    appVersion: ${pick(['1.0', '"1.0"', '2.3.4', 'latest'])}`,
        `    created: "2025-01-0${1 + (v % 9)}T10:00:00.123456789Z"`,
        `    description: ${pick([str(pick(TRICKY), 4), 'A long description that Go wraps at eighty columns, so it goes on\n      on the next line, indented.'])}`,
        r() < 0.9 ? `    digest: ${pick(['', 'sha256:'])}${'abcdef0123456789'.repeat(4)}` : '    # no digest',
        `    keywords:`,
        `    - ${str(pick(TRICKY), 4)}`,
        `    maintainers:`,
        `    - email: team@example.org`,
        `      name: ${str(pick(TRICKY), 6)}`,
        `    name: ${r() < 0.97 ? name : 'someone-else'}`,
        `    urls:`,
        `    - https://example.org/${name}-${version}.tgz`,
        `    version: ${r() < 0.95 ? version : 'latest'}`,
      ];
      out.push(`  - ${lines.join('\n').slice(4)}`);
      if (r() < 0.03) out.push('  - null');
    }
  }
  out.push('generated: "2026-01-01T00:00:00Z"', '');
  return out.join('\n');
}

function bothWays(text: string): ReturnType<typeof loadIndex> | string {
  let fast: ReturnType<typeof loadIndex> | string;
  let slow: ReturnType<typeof loadIndex> | string;
  try {
    fast = loadIndex(text, 'idx');
  } catch (e) {
    fast = `THROWS ${(e as Error).message}`;
  }
  try {
    slow = loadIndex(text, 'idx', { fastReader: false });
  } catch (e) {
    slow = `THROWS ${(e as Error).message}`;
  }
  // which reader read each block differs by design (the next test checks it); the index and warnings must not
  const result = (r: ReturnType<typeof loadIndex> | string) => (typeof r === 'string' ? r : { index: r.index, warnings: r.warnings });
  assert.equal(result(fast), result(slow));
  return result(fast) as ReturnType<typeof loadIndex> | string;
}

t('generated indexes: the fast reader gives the index and warnings the full parser gives, CRLF too', () => {
  for (let seed = 1; seed <= 6; seed++) {
    const text = makeIndex(seed, 40);
    const lf = bothWays(text);
    assert.type(lf, 'object');
    const loaded = lf as ReturnType<typeof loadIndex>;
    assert.ok(Object.keys(loaded.index.entries).length > 30);
    assert.ok(loaded.warnings.length > 0, 'the generator makes some invalid entries');
    assert.equal(bothWays(text.replace(/\n/g, '\r\n')), lf, 'CRLF line ends read as LF');
    // and the same as one parse of the whole document (JSON has no block layout: the loader parses it whole)
    assert.equal(bothWays(JSON.stringify(parseYaml(text, 'idx'))), lf, 'block by block = the whole document at once');
  }
});

t('the fast path is taken: a generated index is read without the full parser for its chart blocks', () => {
  const text = makeIndex(3, 300);
  const charts = (text.match(/^  chart-\d+:$/gm) ?? []).length; // one block per chart (some lose every version later)
  assert.is(charts, 300);
  const r = loadIndex(text, 'idx');
  assert.equal(r.blocks, { fast: charts, full: 0 }, 'every chart block by the fast reader');
  assert.equal(loadIndex(text, 'idx', { fastReader: false }).blocks, { fast: 0, full: charts });
  // a block outside the subset (a tag) goes to the full parser, with the same value; the other blocks stay fast
  const tagged = text.replace(/^(\s+)apiVersion: v2$/m, '$1apiVersion: !!str v2');
  assert.is.not(tagged, text);
  assert.equal(loadIndex(tagged, 'idx').index, r.index);
  const t2 = loadIndex(tagged, 'idx');
  assert.is(t2.blocks!.full, 1, 'one block to the full parser');
  assert.is(t2.blocks!.fast, charts - 1);
});

t('random damage to an index: the same index, warnings or error either way', () => {
  const r = rng(99);
  const base = makeIndex(5, 6);
  const bits = [':', ' ', '#', '-', '\n', '"', "'", '&', '*', '|', '\t', '[', ': ', '- ', '\n  ', '\n- ', '\r\n', '\r', 'é', '\\'];
  for (let i = 0; i < 200; i++) {
    let doc = base;
    for (let m = 0; m < 1 + Math.floor(r() * 3); m++) {
      const at = Math.floor(r() * doc.length);
      doc = r() < 0.4 ? doc.slice(0, at) + doc.slice(at + 1) : doc.slice(0, at) + bits[Math.floor(r() * bits.length)]! + doc.slice(at);
    }
    bothWays(doc);
  }
});

t('the entry check of the schema finds the error Ajv reports (or none) on valid, invalid and odd entries', () => {
  const check = compileEntryCheck(indexSchema.definitions.version as Record<string, unknown>);
  assert.ok(check, 'the schema uses only keywords the entry check knows');
  const validate = new Ajv({ allErrors: false, strict: false }).compile({ ...indexSchema.definitions.version, definitions: indexSchema.definitions });
  const first = (x: unknown) => (validate(x) ? undefined : { instancePath: validate.errors![0]!.instancePath, message: validate.errors![0]!.message! });
  const quick = (x: unknown) => check!(x);
  const ajv = first;
  const base = {
    apiVersion: 'v2', name: 'a', version: '1.0.0', appVersion: '1', description: 'd', kubeVersion: '>=1.20', type: 'application',
    keywords: ['k'], home: 'h', sources: ['s'], icon: 'i', deprecated: false, maintainers: [{ name: 'm' }], annotations: { a: 'b' },
    dependencies: [{ name: 'x' }], urls: ['a.tgz'], created: 'c', digest: 'a'.repeat(64), extra: { any: 1 },
  } as Record<string, unknown>;
  const odd: unknown[] = [undefined, null, '', 'x', '🚀', '\ud83d', 0, 1.5, true, false, [], [''], ['x'], [1], [null], [{}], [[]], {}, { a: 'x' }, { a: 1 }, { a: null }, 'A'.repeat(64), 'sha256:' + 'a'.repeat(64)];
  const r = rng(5);
  let n = 0;
  for (const key of [...Object.keys(base), 'unknownField']) {
    for (const value of odd) {
      const v = { ...base };
      if (value === undefined) delete v[key];
      else v[key] = value;
      assert.equal(quick(v), ajv(v), `${key} = ${JSON.stringify(value)}`);
      n++;
    }
  }
  for (let i = 0; i < 2000; i++) {
    const v: Record<string, unknown> = { ...base };
    for (const key of Object.keys(base)) if (r() < 0.15) v[key] = odd[Math.floor(r() * odd.length)];
    for (const k of Object.keys(v)) if (v[k] === undefined) delete v[k];
    assert.equal(quick(v), ajv(v), JSON.stringify(v));
    n++;
  }
  for (const x of [null, [], 'x', 1]) assert.equal(quick(x), ajv(x));
  assert.equal(quick({ ...base, annotations: { 'a/b~c': 1 } }), ajv({ ...base, annotations: { 'a/b~c': 1 } }), 'JSON-pointer escapes');
  assert.ok(n > 2400);
});

t('CLI: the fast path and the full parser (the same index as JSON) give the same warnings and search output', async () => {
  const dir = await tmpDir();
  const text = makeIndex(8, 25);
  const json = JSON.stringify(parseYaml(text, 'idx'));
  const env = { KFCHART_CONFIG_HOME: path.join(dir, 'c'), KFCHART_CACHE_HOME: path.join(dir, 'k') };
  const outs: { warnings: string[]; search: string }[] = [];
  for (const [name, body] of [['yaml', text], ['json', json], ['crlf', text.replace(/\n/g, '\r\n')]] as const) {
    const repo = path.join(dir, name);
    await mkdir(repo, { recursive: true });
    await writeFile(path.join(repo, 'index.yaml'), body);
    const srv = await serveDir(repo);
    try {
      const add = await kfRun(env, ['repo', 'add', 'r', srv.url, '--force-update']);
      assert.is(add.code, 0, add.err);
      const upd = await kfRun(env, ['repo', 'update', 'r']);
      assert.is(upd.code, 0, upd.err);
      assert.is(upd.err, add.err, 'repo update warns as repo add does');
      const search = await kfRun(env, ['search', 'repo', 'chart', '--versions', '--devel']);
      assert.is(search.code, 0, search.err);
      outs.push({ warnings: add.err.split('\n').filter(Boolean).map((l) => l.replace(srv.url, 'URL')), search: search.out });
    } finally {
      await srv.close();
    }
  }
  assert.ok(outs[0]!.warnings.length > 3, JSON.stringify(outs[0]));
  assert.match(outs[0]!.warnings.join('\n'), /Warning: URL\/index\.yaml: skipping chart chart-\d+ version "[^"]*": /);
  assert.ok(outs[0]!.search.split('\n').length > 40, outs[0]!.search);
  assert.equal(outs[1], outs[0], 'JSON (full parser) = YAML (fast reader)');
  assert.equal(outs[2], outs[0], 'CRLF = LF');
  // the warnings name chart, version and reason, one per skipped entry
  const { warnings } = loadIndex(text, 'URL/index.yaml');
  assert.equal(outs[0]!.warnings, warnings.map((w) => `Warning: ${formatIndexWarning(w, 'URL/index.yaml')}`));
});

t.run();
