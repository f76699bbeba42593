// The fast toYaml writer: every value it accepts reads back identically (YAML 1.2 core and YAML 1.1 rules),
// it declines what it cannot write safely, and its layout matches js-yaml's for the common shapes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as yaml from 'js-yaml';
import { fastYaml } from '../../../engine/yaml/fast.js';
import { dumpYaml } from '../../../engine/yaml/index.js';

const STRINGS = [
  'a', 'abc def', 'ghcr.io/dex/dex:v2.39.1', 'https://kf.example.com/dex', 'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'true',
  'False', 'null', '~', '', ' lead', 'trail ', '010', '0x1F', '1:20', '1.9.0', '.inf', '-1', '+1', '.5', '1e3', 'a: b', 'a:b',
  'a #b', 'a#b', '#x', '- x', '-x', '? x', '[x]', '{x}', '*x', '&x', '!x', '|x', '>x', "it's", '"q"', '%x', '@x', '`x',
  'a,b', 'a, b', '=', '<<', 'x\ty', 'é ü', '日本', 'line\nbreak', 'nl\n', 'a\n\nb\n', 'a\n  indented\n', '  lead\nx', 'x\n\n', '\n', 'a\r\nb', 'a\n \nb', 'tab\tin\nblock\n', 'k: v\n- x\n# c\n', 'a\u2028b', 'a\u0085b', 'bom\uFEFF', '😀',
  '500m', '128Mi', '2Gi', '30s', '1e3', '1E3', '0x1F', '0b101', '0o17', '1B', '7x', '10Ei',
  'app.kubernetes.io/name', 'key=value', 'C:\\path', 'x:', 'a ', 'null ', '2024-01-01', '12:30:00',
  // flags, shell-ish and digit-led words the manifest stream writes plain when every parser reads a string
  '--domain', '-v', '--log=default:info', '--a: b', '--x,', '-', '--', '---', '-1', '-.5', '-.inf', '-y', '$(POD_NAMESPACE).svc', '$', '(x)',
  'outbound|8080||svc', 'a;b', 'a<b>c', 'a!b', 'a&b', 'a*b', 'a%b', 'a?b', 'a~b', 'x<<y',
  '50-seed.ldif', '1b7361d2f0', '0bfd2b345b', '0b12', '0xfg', '0o78', '0b_1', '0x_f', '1d', '12abc', '0b101', '0B1', '0x1f', '0o17', '0O17', '1e5', '12E3', '1_000', '2024-01-01t10', '20240101T1',
  '1.2.3', '0.1.0', '10.0.0.1-10.0.0.9', '1.5.6e3', '1.5', '1..2', '6.8e+5', '190:20:30',
];

const rng = (() => {
  let s = 42;
  return () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
})();
const pick = <T>(a: T[]): T => a[Math.floor(rng() * a.length)];

function gen(depth: number): unknown {
  const r = rng();
  if (depth > 3 || r < 0.45) return pick<unknown>([...STRINGS, 0, 1, -5, 3.25, 1e21, true, false, null]);
  if (r < 0.75) {
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rng() * 4); i > 0; i--) o[String(pick(STRINGS))] = gen(depth + 1);
    return o;
  }
  return Array.from({ length: Math.floor(rng() * 4) }, () => gen(depth + 1));
}

test('round trip: 3000 generated values read back equal under YAML 1.2 core and YAML 1.1', () => {
  let fast = 0;
  for (let i = 0; i < 3000; i++) {
    const v = gen(0);
    const text = fastYaml(v);
    if (text === undefined) continue;
    fast++;
    assert.not.ok(text.endsWith('\n'), text);
    assert.equal(yaml.load(text, { schema: yaml.CORE_SCHEMA }), v, text);
    assert.equal(yaml.load(text, { schema: yaml.YAML11_SCHEMA }), v, text);
  }
  assert.ok(fast > 1000, `only ${fast} values took the fast path`);
});

test('stream mode (sortKeys: false) keeps insertion order and js-yaml\'s layout', () => {
  const o = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x', namespace: 'y', labels: { z: '1', a: 'b' } }, data: { b: '--flag', a: '1.28.1' } };
  const text = fastYaml(o, { sortKeys: false });
  assert.is(text, dumpYaml(o).replace(/\n$/, ''));
  assert.ok(text!.startsWith('kind: ConfigMap\napiVersion: v1\n'), text);
  assert.equal(yaml.load(text!), o);
});

test('words js-yaml writes plain are plain here too (flags, $(VAR), digests, version and address ranges)', () => {
  for (const s of ['--domain', '--log_output_level=default:info', '$(POD_NAMESPACE).svc.cluster.local', 'outbound|8080||authservice',
    '50-seed.ldif', '1b7361d214490be7', '0bfd2b345bc1e78a', '0x1g', '0o19', '1.28.1', '10.0.0.100-10.0.0.110', 'request.headers[authorization]', 'a, [b]', '.status.result', '.metadata.creationTimestamp']) {
    assert.is(fastYaml({ k: s }), `k: ${s}`);
    assert.is(dumpYaml({ k: s }), `k: ${s}\n`);
  }
  // ...and what a parser could read as a number, date or bool stays quoted
  for (const s of ['1e5', '0b101', '0x1f', '2024-01-01', '1_000', '-1', '-.5', '1.5', '--', 'yes', '[x]', 'k[1]: v', '.inf', '.NaN', '.5']) assert.match(fastYaml({ k: s })!, /^k: '/);
});

test('declines what it cannot write safely', () => {
  for (const v of ['  lead\nx', 'x\n\n', 'a\r\nb', 'a\u2028b', '😀', [[1]], { a: [[1]] }, 1e21, Number.NaN, new Date(0), { d: new Date(0) }]) {
    assert.is(fastYaml(v), undefined, JSON.stringify(v));
  }
  const cyc: Record<string, unknown> = {};
  cyc.self = cyc;
  assert.is(fastYaml(cyc), undefined);
});

test('same layout as js-yaml for the usual shapes', () => {
  const samples: unknown[] = [
    { labels: { 'app.kubernetes.io/name': 'dex', tier: 'auth' }, replicas: 2, ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] },
    { env: [{ name: 'A', value: 'x' }], empty: {}, none: [], flag: false, nothing: null },
    ['a', 'b', { c: 1, d: [1, 2] }],
    { resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } } },
    { 'config.yaml': 'log:\n  level: info\n', script: '#!/bin/sh\n\necho hi', list: ['one\ntwo\n', 'x'] },
    'top\nlevel\n',
  ];
  for (const v of samples) assert.is(fastYaml(v), dumpYaml(v, { sortKeys: true }).replace(/\n$/, ''));
});

test.run();
