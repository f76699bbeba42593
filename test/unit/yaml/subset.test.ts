// The block reader's line-range entry point (parseYamlSubset → engine/yaml/block.ts, as the index loader uses it)
// against the full parser (parseYaml, js-yaml core schema): whatever the reader accepts it reads exactly as parseYaml does, it accepts the layouts Helm and Go's YAML writers
// produce (so the fast path is really taken), it gives up on what it does not know, and it never accepts a text the
// full parser rejects — on hand-written tricky cases, on generated documents and on thousands of random mutations.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseYaml, parseYamlSubset, subsetCandidate } from '../../../engine/yaml/index.js';

const t = suite('yaml subset reader');

/** parseYaml's value from js-yaml alone (not the block reader under test), or the string 'THROWS'. */
function full(text: string): unknown {
  try {
    return parseYaml(text, 'x', { fastReader: false });
  } catch {
    return 'THROWS';
  }
}

/** The subset reader's value, or 'OUT' when it gave up. */
function sub(text: string): unknown {
  if (!subsetCandidate(text)) return 'OUT';
  const r = parseYamlSubset(text.split('\n'));
  return r === undefined ? 'OUT' : r.value;
}

/** The reader gave up or read what the full parser read (never a value for a text the full parser rejects). */
function agrees(text: string): 'same' | 'out' {
  const s = sub(text);
  if (s === 'OUT') return 'out';
  const f = full(text);
  assert.ok(f !== 'THROWS', `the reader accepted what the full parser rejects:\n${text}`);
  assert.equal(s, f, text);
  return 'same';
}

const SCALARS = [
  '1', '1.0', '0x1F', '0o17', '.5', '-1', '+1', '1e3', '1.5e-3', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '~', 'null', 'Null', 'NULL',
  'true', 'True', 'TRUE', 'false', 'False', 'yes', 'no', 'on', 'off', 'y', 'n', '1_000', '012', '0', '-0', '00', '0.46.00', '1.2.3',
  '1.2', 'v1.3.0', '2025-01-01', '2025-01-01T10:00:00.123456789Z', '-foo', 'foo-bar', 'a:b', 'http://x:8080/y?q=1&r=2', 'C#', '50%',
  '日本語のチャート', 'émoji 🚀 ok', 'a  b', 'x!', 'a,b', 'a]b', 'nul', 'truex', '0b101', '1__0', '.', '-.', '+', '0.', '1.e5',
  'key=value', 'a"b', "a'b", 'a\\nb', 'tab\\t', '$HOME', '{{ .Values }}', '<<x', 'x<<',
];

t('plain, quoted and block scalars read as the full parser reads them, and the common forms stay in the subset', () => {
  let taken = 0;
  for (const s of SCALARS) {
    for (const doc of [`k: ${s}\n`, `- ${s}\n`, `k: ${JSON.stringify(s)}\n`, `k: '${s.replace(/'/g, "''")}'\n`, `k:\n- ${s}\n`, `a:\n  k: ${s}  \nb: 1\n`]) {
      if (agrees(doc) === 'same') taken++;
    }
  }
  assert.ok(taken > SCALARS.length * 5, `only ${taken} documents read by the subset reader`);
  for (const doc of [
    'k: 1\n', 'k: 0.46.00\n', 'k: "a\\"b\\u00e9\\n\\t\\x41\\U0001F680\\/"\n', "k: 'it''s'\n", 'k: ""\n', "k: ''\n",
    'k: "# not a comment"\n', "k: 'a: b'\n", 'k: v # a comment\n', '"quoted key": 1\n', "'single': 2\n", 'k:\n', 'k: []\n', 'k: {}\n',
    'k: [] # c\n', 'a: b #c\n', 'a: b # c\nc: d\n',
  ]) {
    assert.is(agrees(doc), 'same', doc);
  }
});

t('wrapped plain scalars, literal blocks, indentless and nested sequences, comments: as the full parser reads them', () => {
  const docs = [
    // yaml.v2 wraps long plain strings at 80 columns
    'description: Apache Airflow is a tool to express and execute workflows as directed\n  acyclic graphs (DAGs). It includes utilities to schedule tasks, monitor task progress\n  and handle task dependencies.\nname: airflow\n',
    'a: first line\n\n  after a blank line\n\n\n  after two\nb: x\n',
    '- one\n  two\n- three\n',
    // literal blocks, as artifacthub annotations carry them
    'annotations:\n  artifacthub.io/changes: |\n    - kind: changed\n      description: Upgrade to 1.2\n    - kind: fixed\n      description: "quoted: inside"\n  category: Database\n',
    'a: |-\n  no trailing newline\n\n  # not a comment\n    indented more\nb: |\n  x\n\n\nc: 1\n',
    'a: |\n  x\n  \n  y\n',
    'k: |\n  last\n',
    // indentless and indented sequences, items that are mappings, nested mappings
    'entries:\n  demo:\n  - name: demo\n    keywords:\n    - a\n    - b\n    maintainers:\n    - name: Team\n      email: t@example.org\n    urls:\n      - x.tgz\n  other:\n  - name: other\n',
    '- a: 1\n  b:\n    c: 2\n-   d: 3\n    e: 4\n-\n  f: 5\n-\n- "q": 1\n',
    '# top comment\na: 1 # trailing\n  # indented comment\nb:\n  # before\n  c: 2\n\n# end\n',
    'a:\n  b:\n    c:\n      d:\n        e: deep\n',
    'a: 1\nb:\nc: 3\n',
    'dependencies:\n- name: common\n  repository: oci://registry.example.org/charts\n  tags:\n  - bitnami-common\n  version: 2.x.x\n',
  ];
  for (const d of docs) assert.is(agrees(d), 'same', d);
});

t('what the reader does not know it leaves to the full parser, and it never accepts what that parser rejects', () => {
  const outside = [
    'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: >\n  folded\n', 'a: |+\n  keep\n\n', 'a: |2\n   x\n',
    'a: "multi\n  line"\n', "a: 'multi\n  line'\n", 'a:\tb\n', 'a: b\tc\n', '\ta: 1\n', 'a: 1\na: 2\n', '<<: {a: 1}\n', '? a\n: b\n',
    'a: b: c\n', 'a: -\n', 'a:\n   b: 1\n  c: 2\n', '__proto__: a\n', 'a: "unterminated\n', 'a: "bad \\q escape"\n', 'a: x\n  # comment inside\n  more\n', 'a: ok\n b: 1\n',
    '', '# only a comment\n', 'just a scalar\n', 'a: @x\n', 'a: `x\n', 'a: %x\n', 'a: "x" y\n', 'a: [] x\n', 'a: \x01\n',
  ];
  for (const d of outside) assert.is(agrees(d), 'out', JSON.stringify(d));
  // left to the full parser by the index engineer's reader, read by the one block reader (flow collections, non-string
  // keys, `---`, an empty literal block, a sequence in a sequence): exactly as the full parser reads them
  const read = ['a: [1, 2]\n', 'a: {b: 1}\n', '- - a\n', '1: a\n', 'true: a\n', 'null: a\n', '---\na: 1\n', 'a: |\n\n', 'key with space: 1\n'];
  for (const d of read) assert.is(agrees(d), 'same', JSON.stringify(d));
});

/** A deterministic pseudo-random generator. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** A random document in the styles Go's and Helm's writers use (plus some others), as text. */
function randomDoc(r: () => number): string {
  const pick = <T,>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const keys = ['name', 'version', 'description', 'urls', 'digest', 'annotations', 'home', 'x-y', 'a.b/c', 'k1', 'K_2'];
  const scalar = (ind: number): string => {
    const s = pick(SCALARS);
    switch (pick(['plain', 'plain', 'dq', 'sq', 'block', 'wrapped'])) {
      case 'dq':
        return JSON.stringify(s);
      case 'sq':
        return `'${s.replace(/'/g, "''")}'`;
      case 'block':
        return `|${pick(['', '-'])}\n${' '.repeat(ind + 2)}${s}\n${' '.repeat(ind + 2)}${pick(SCALARS)}`;
      case 'wrapped':
        return `${s} word\n${' '.repeat(ind + 2)}${pick(SCALARS)} end`;
      default:
        return s;
    }
  };
  const node = (ind: number, depth: number): string[] => {
    const out: string[] = [];
    const n = 1 + Math.floor(r() * 4);
    const used = new Set<string>();
    for (let i = 0; i < n; i++) {
      let k = pick(keys);
      if (used.has(k)) continue;
      used.add(k);
      const pad = ' '.repeat(ind);
      const kind = depth > 3 ? 'scalar' : pick(['scalar', 'scalar', 'map', 'seq', 'iseq', 'items', 'empty']);
      if (r() < 0.1) k = JSON.stringify(k);
      if (kind === 'scalar') out.push(`${pad}${k}: ${scalar(ind)}`);
      else if (kind === 'empty') out.push(`${pad}${k}:${pick(['', ' []', ' {}', ' # c'])}`);
      else if (kind === 'map') out.push(`${pad}${k}:`, ...node(ind + 2, depth + 1));
      else {
        out.push(`${pad}${k}:`);
        const si = kind === 'iseq' ? ind : ind + 2;
        for (let j = 0; j < 1 + Math.floor(r() * 3); j++) {
          if (kind === 'items') {
            const m = node(si + 2, depth + 1);
            out.push(`${' '.repeat(si)}- ${m[0]!.trimStart()}`, ...m.slice(1));
          } else out.push(`${' '.repeat(si)}- ${scalar(si)}`);
        }
      }
      if (r() < 0.05) out.push(`${pad}# comment`);
      if (r() < 0.05) out.push('');
    }
    return out;
  };
  return `${node(0, 0).join('\n')}\n`;
}

t('generated documents: the same as the full parser, and most of them in the subset', () => {
  const r = rng(14);
  let same = 0;
  for (let i = 0; i < 600; i++) if (agrees(randomDoc(r)) === 'same') same++;
  assert.ok(same > 300, `only ${same} of 600 generated documents read by the subset reader`);
});

t('random mutations of an index-shaped document: never a different value, never accepted when invalid', () => {
  const r = rng(7);
  const base =
    'entries:\n  demo:\n  - annotations:\n      category: Database\n      artifacthub.io/changes: |\n        - kind: fixed\n    apiVersion: v2\n' +
    '    appVersion: "1.0"\n    created: "2025-01-01T10:00:00Z"\n    description: A long description wrapped\n      over two lines.\n' +
    "    digest: abc\n    keywords:\n    - db\n    maintainers:\n    - name: 'Team A'\n      url: https://x.org\n    name: demo\n" +
    '    urls:\n    - https://x.org/demo-1.0.0.tgz\n    version: 1.0.0\n';
  assert.is(agrees(base), 'same');
  const bits = [':', ' ', '#', '-', '\n', '"', "'", '&', '*', '|', '\t', '[', '{', ' #', ': ', '- ', '\n  ', 'é', '\\'];
  let same = 0;
  for (let i = 0; i < 3000; i++) {
    let doc = base;
    for (let m = 0; m < 1 + Math.floor(r() * 3); m++) {
      const at = Math.floor(r() * doc.length);
      const op = r();
      if (op < 0.4) doc = doc.slice(0, at) + doc.slice(at + 1);
      else if (op < 0.8) doc = doc.slice(0, at) + bits[Math.floor(r() * bits.length)]! + doc.slice(at);
      else doc = doc.slice(0, at) + bits[Math.floor(r() * bits.length)]! + doc.slice(at + 1);
    }
    if (agrees(doc) === 'same') same++;
  }
  assert.ok(same > 500, `only ${same} mutations read by the subset reader`);
});

t.run();
