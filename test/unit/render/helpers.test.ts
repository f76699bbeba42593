// Every helper of the library, through a real render (so arity checks and argument order are exercised too).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { helperNames } from '../../../engine/render/index.js';
import { kfErr, r } from './_util.js';

const V = {
  name: 'Kube Flow',
  n: 3,
  zero: 0,
  t: true,
  f: false,
  empty: '',
  nil: null,
  list: ['b', 'a', 'c'],
  nums: [1, 2],
  map: { b: 2, a: 1 },
  emptyMap: {},
  emptyList: [],
  nested: { image: { repo: 'ghcr.io/dex', tag: 'v2.39.1' }, ports: [80, 443] },
};
const eq = (src: string, want: string, values: Record<string, unknown> = V) => assert.is(r(src, values), want, src);

test('toYaml: sorted keys, block style, no trailing newline, {} and [] for empties', () => {
  eq('{{toYaml values.map}}', 'a: 1\nb: 2');
  eq('{{toYaml values.nested}}', 'image:\n  repo: ghcr.io/dex\n  tag: v2.39.1\nports:\n  - 80\n  - 443');
  eq('{{toYaml values.emptyMap}}|{{toYaml values.emptyList}}', '{}|[]');
  eq('{{toYaml "yes"}}', "'yes'");
  eq('{{toYaml values.nil}}', 'null');
});

test('toJson / toPrettyJson: sorted keys, compact', () => {
  eq('{{toJson values.map}}', '{"a":1,"b":2}');
  eq('{{toJson values.list}}', '["b","a","c"]');
  eq('{{toPrettyJson values.map}}', '{\n  "a": 1,\n  "b": 2\n}');
});

test('fromYaml / fromJson parse, and refuse prototype keys', () => {
  eq('{{#with (fromYaml "{a: 1, b: [x, y]}")}}{{a}}-{{b.[1]}}{{/with}}', '1-y');
  eq('{{get (fromJson "{\\"k\\": \\"v\\"}") "k"}}', 'v');
  assert.match(kfErr(() => r('{{fromJson "{\\"__proto__\\": 1}"}}')).message, /not allowed/);
  assert.match(kfErr(() => r('{{fromJson "{oops"}}')).message, /t\.yaml:1: fromJson: invalid JSON/);
  // parseYaml's own `fromYaml:LINE: invalid YAML:` prefix is not repeated inside the helper's message
  const bad = kfErr(() => r('{{fromYaml "a: [1"}}')).message;
  assert.match(bad, /t\.yaml:1: fromYaml: invalid YAML: /);
  assert.not.match(bad, /invalid YAML: .*invalid YAML/);
  const badList = kfErr(() => r('{{fromYamlArray "a: [1"}}')).message;
  assert.match(badList, /t\.yaml:1: fromYamlArray: invalid YAML: /);
  assert.not.match(badList, /invalid YAML: .*invalid YAML|fromYamlArray:\d/);
});

test('indent / nindent (Helm argument order: width first)', () => {
  eq('{{indent 2 values.two}}', '  a\n  b', { two: 'a\nb' });
  eq('x:{{nindent 4 values.two}}', 'x:\n    a\n    b', { two: 'a\nb' });
  eq('x:{{nindent 2 (toYaml values.map)}}', 'x:\n  a: 1\n  b: 2');
});

test('quote / squote', () => {
  eq('{{quote values.name}} {{quote values.n}} {{quote "a\\"b"}}', '"Kube Flow" "3" "a\\"b"');
  eq('{{quote "a" "b"}}', '"a" "b"');
  eq('{{squote values.name}}', "'Kube Flow'");
  eq('[{{quote values.nil}}]', '[]');
});

test('default (Helm order: fallback first), empty, coalesce, ternary', () => {
  eq('{{default "x" values.missing}} {{default "x" values.empty}} {{default "x" values.name}} {{default 5 values.zero}}', 'x x Kube Flow 5');
  eq('{{default "x" values.missing.deep.path}}', 'x');
  eq('{{empty values.emptyMap}} {{empty values.map}} {{empty values.zero}} {{empty values.missing}}', 'true false true true');
  eq('{{coalesce values.missing values.empty "c" "d"}}', 'c');
  eq('{{ternary "yes" "no" values.t}} {{ternary "yes" "no" values.f}}', 'yes no');
});

test('required: value passes through, missing/empty fails with the author message at file:line', () => {
  eq('{{required "need name" values.name}}', 'Kube Flow');
  const e = kfErr(() => r('a: 1\nb: {{required "image.tag is required" values.nested.image.nope}}', V));
  assert.is(e.message, 'demo/templates/t.yaml:2: image.tag is required');
  assert.is(e.where.line, 2);
  assert.match(kfErr(() => r('{{required "say it" values.empty}}', V)).message, /say it$/);
});

test('b64enc / b64dec / sha256sum / sha1sum', () => {
  eq('{{b64enc "hello"}}', 'aGVsbG8=');
  eq('{{b64dec "aGVsbG8="}}', 'hello');
  eq('{{b64dec (b64enc values.name)}}', 'Kube Flow');
  eq('{{sha256sum "abc"}}', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  eq('{{sha1sum "abc"}}', 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.match(kfErr(() => r('{{b64dec "!!!"}}')).message, /b64dec: not valid base64/);
});

test('bcrypt: a valid bcrypt hash of the input, deterministic (stable config across upgrades)', async () => {
  const { compareSync } = await import('bcryptjs');
  const h = r('{{bcrypt "s3cret"}}');
  assert.match(h, /^\$2a\$10\$[./A-Za-z0-9]{53}$/);
  assert.ok(compareSync('s3cret', h));
  assert.not.ok(compareSync('other', h));
  assert.is(r('{{bcrypt "s3cret"}}'), h);
  assert.is.not(r('{{bcrypt "s3cret2"}}'), h);
});

test('lower / upper / title / trim / trimAll / trimPrefix / trimSuffix', () => {
  eq('{{lower values.name}} {{upper values.name}}', 'kube flow KUBE FLOW');
  eq('{{title "hello big world"}}', 'Hello Big World');
  eq('[{{trim "  x y  "}}]', '[x y]');
  eq('{{trimAll "$" "$5.00$"}}', '5.00');
  eq('{{trimPrefix "v" "v1.2"}} {{trimSuffix ".yaml" "a.yaml"}} {{trimPrefix "x" "v1"}}', '1.2 a v1');
});

test('trunc (negative keeps the end) / replace / repeat / nospace / cat', () => {
  eq('{{trunc 4 "kubeflow"}} {{trunc -4 "kubeflow"}} {{trunc 20 "kubeflow"}}', 'kube flow kubeflow');
  eq('{{replace " " "-" values.name}}', 'Kube-Flow');
  eq('{{repeat 3 "ab"}}', 'ababab');
  eq('{{nospace "a b  c"}}', 'abc');
  eq('{{cat "a" values.nil "b" 3}}', 'a b 3');
});

test('contains / hasPrefix / hasSuffix / regexMatch / regexReplaceAll', () => {
  eq('{{contains "Flow" values.name}} {{contains "x" values.name}}', 'true false');
  eq('{{hasPrefix "Kube" values.name}} {{hasSuffix "Flow" values.name}} {{hasPrefix "Flow" values.name}}', 'true true false');
  eq('{{regexMatch "^v[0-9]+" "v12"}} {{regexMatch "^v[0-9]+" "x12"}}', 'true false');
  eq('{{regexReplaceAll "[0-9]" "a1b22" "#"}}', 'a#b##');
  assert.match(kfErr(() => r('{{regexMatch "(" "x"}}')).message, /invalid regular expression/);
});

test('substr / camelcase / kebabcase / snakecase / base / dir / ext', () => {
  eq('{{substr 0 4 "kubeflow"}} {{substr 4 -1 "kubeflow"}}', 'kube flow');
  eq('{{camelcase "http_server-name"}} {{kebabcase "HTTPServer fooBar"}} {{snakecase "fooBar baz"}}', 'HttpServerName httpserver-foo-bar foo_bar_baz');
  eq('{{base "a/b/c.yaml"}} {{dir "a/b/c.yaml"}} {{ext "a/b/c.yaml"}} {{dir "c"}} [{{ext "a/.hidden"}}]', 'c.yaml a/b .yaml . []');
});

test('fromYamlArray / fromJsonArray / slice / dig', () => {
  eq('{{join "," (fromYamlArray "[a, b]")}} {{join "," (fromJsonArray "[1,2]")}}', 'a,b 1,2');
  assert.match(kfErr(() => r('{{fromJsonArray "{}"}}')).message, /fromJsonArray: expected a list, got map/);
  eq('{{join "" (slice values.list 1)}} {{join "" (slice values.list 0 2)}} {{slice "kubeflow" 4}}', 'ac ba flow');
  eq('{{dig "image" "tag" "latest" values.nested}} {{dig "image" "nope" "latest" values.nested}} {{dig "x" "y" "d" values.map}}', 'v2.39.1 latest d');
});

test('htpasswd: user:bcrypt line', async () => {
  const { compareSync } = await import('bcryptjs');
  const line = r('{{htpasswd "admin" "pw"}}');
  const [user, hash] = line.split(':');
  assert.is(user, 'admin');
  assert.ok(compareSync('pw', hash));
  assert.match(kfErr(() => r('{{htpasswd "a:b" "pw"}}')).message, /must not contain ":"/);
});

test('split / splitList / join', () => {
  eq('{{#with (split "," "a,b")}}{{_0}}+{{_1}}{{/with}}', 'a+b');
  eq('{{join "|" (splitList "," "a,b,c")}}', 'a|b|c');
  eq('{{join ", " values.list}} {{join "-" values.nums}}', 'b, a, c 1-2');
});

test('printf: Go verbs', () => {
  eq('{{printf "%s-%d-%q-%v" "a" 4.7 "q" true}}', 'a-4-"q"-true');
  eq('{{printf "%05d|%-4s|%4s|%.2f|%x|%%" 42 "ab" "ab" 3.14159 255}}', '00042|ab  |  ab|3.14|ff|%');
  eq('{{printf "%s %s" "only"}}', 'only %!s(MISSING)');
  eq('{{printf "%s-%05d %q %.2f %x %v%%" "a" 42 "q" 3.14159 255 true}}', 'a-00042 "q" 3.14 ff true%'); // docs/helpers.md example
});

test('eq / ne / lt / gt / le / ge', () => {
  eq('{{eq values.n 3}} {{eq "a" "b" "a"}} {{eq values.map (dict "a" 1 "b" 2)}} {{eq 1 "1"}}', 'true true true false');
  eq('{{ne values.n 3}} {{ne "a" "b"}}', 'false true');
  eq('{{lt 1 2}} {{gt 1 2}} {{le 2 2}} {{ge 1 2}} {{lt "a" "b"}}', 'true false true false true');
  assert.match(kfErr(() => r('{{lt 1 "2"}}')).message, /lt: cannot compare int with string/);
});

test('and / or / not with Go truthiness and Go return values', () => {
  eq('{{and values.t values.n}} {{and values.t values.zero}} {{and values.t values.emptyMap}}', '3 0 {}');
  eq('{{or values.empty "fallback"}} {{or values.f values.zero}}', 'fallback 0');
  eq('{{not values.emptyList}} {{not values.list}} {{not values.missing}}', 'true false true');
  eq('{{#if (and values.t (or values.f values.n))}}yes{{/if}}', 'yes');
});

test('semverCompare: Helm constraints against the cluster version', () => {
  eq('{{semverCompare ">=1.21-0" capabilities.kubeVersion.version}}', 'true');
  eq('{{semverCompare "<1.25" capabilities.kubeVersion.version}}', 'false');
  eq('{{semverCompare ">= 1.28, < 1.31" "v1.30.2"}}', 'true');
  eq('{{semverCompare "^1.2.0" "1.9.0-rc.1"}}', 'true');
  eq('{{semverCompare "~1.30.0" "v1.30.9-gke.100"}}', 'true');
  assert.match(kfErr(() => r('{{semverCompare ">=1" "banana"}}')).message, /not a semantic version/);
});

test('list / first / last / rest / initial / append / prepend / concat / has / without / uniq / compact / sortAlpha / reverse / until / len', () => {
  eq('{{join "," (list 1 "a" values.n)}}', '1,a,3');
  eq('{{first values.list}} {{last values.list}} {{join "" (rest values.list)}} {{join "" (initial values.list)}}', 'b c ac ba');
  eq('{{join "" (append values.list "d")}} {{join "" (prepend values.list "z")}} {{join "" (concat values.list (list "x") values.nums)}}', 'bacd zbac bacx12');
  eq('{{has "a" values.list}} {{has "q" values.list}}', 'true false');
  eq('{{join "" (without values.list "a")}} {{join "" (uniq (list 1 1 2 1))}} {{join "," (compact (list "" "a" values.nil 0 "b"))}}', 'bc 12 a,b');
  eq('{{join "" (sortAlpha values.list)}} {{join "" (reverse values.list)}} {{join "" (until 4)}}', 'abc cab 0123');
  eq('{{len values.list}} {{len values.map}} {{len "abcd"}}', '3 2 4');
  eq('{{values.list.[1]}}', 'a');
});

test('dict / get / set / unset / hasKey / keys (sorted) / pick / omit / merge / mergeOverwrite / deepCopy', () => {
  eq('{{toJson (dict "b" 1 "a" (list 2))}}', '{"a":[2],"b":1}');
  eq('{{get values.map "a"}}|{{get values.map "zz"}}', '1|');
  eq('{{#with (dict "x" 1) as |d|}}{{set d "y" 2}}{{unset d "x"}}{{toJson d}}{{/with}}', '{"y":2}');
  eq('{{hasKey values.map "a"}} {{hasKey values.map "z"}} {{hasKey values.map "constructor"}}', 'true false false');
  eq('{{join "," (keys values.map (dict "c" 1 "a" 2))}}', 'a,b,c');
  eq('{{toJson (pick values.map "a")}} {{toJson (omit values.map "a")}}', '{"a":1} {"b":2}');
  eq('{{toJson (merge (dict "a" 1 "m" (dict "x" 1)) (dict "a" 9 "b" 2 "m" (dict "x" 9 "y" 2)))}}', '{"a":1,"b":2,"m":{"x":1,"y":2}}');
  eq('{{toJson (mergeOverwrite (dict "a" 1 "m" (dict "x" 1)) (dict "a" 9 "m" (dict "y" 2)))}}', '{"a":9,"m":{"x":1,"y":2}}');
  eq('{{toJson (deepCopy values.map)}}', '{"a":1,"b":2}');
  assert.match(kfErr(() => r('{{dict "a"}}')).message, /dict: needs key\/value pairs/);
  assert.match(kfErr(() => r('{{dict "__proto__" 1}}')).message, /key "__proto__" is not allowed/);
  assert.match(kfErr(() => r('{{set values "constructor" 1}}')).message, /not allowed/);
});

test('toYaml memo is invalidated by set/unset on the same map', () => {
  assert.is(r('{{toYaml values.m}}|{{set values.m "b" 2}}{{toYaml values.m}}|{{unset values.m "a"}}{{toYaml values.m}}', { m: { a: 1 } }), 'a: 1|a: 1\nb: 2|b: 2');
});

test('set does not modify the caller\'s values object', () => {
  const values = { m: { a: 1 } };
  assert.is(r('{{set values.m "b" 2}}{{toJson values.m}}', values), '{"a":1,"b":2}');
  assert.equal(values, { m: { a: 1 } });
});

test('int / int64 / atoi / float64 / toString / toStrings / kindOf / kindIs', () => {
  eq('{{int "42"}} {{int 3.9}} {{int64 "x"}} {{atoi "7"}} {{float64 "1.5"}}', '42 3 0 7 1.5');
  eq('{{toString 5}}{{toString values.t}} {{join "," (toStrings values.nums)}}', '5true 1,2');
  eq('{{kindOf values.map}} {{kindOf values.list}} {{kindOf values.name}} {{kindOf values.n}} {{kindOf values.t}} {{kindOf values.nil}}', 'map slice string int bool invalid');
  eq('{{kindIs "map" values.map}} {{kindIs "string" values.map}}', 'true false');
});

test('add / add1 / sub / mul / div / mod / max / min', () => {
  eq('{{add 1 2 3}} {{add1 values.n}} {{sub 10 4}} {{mul 2 3 4}} {{div 7 2}} {{mod 7 2}} {{max 1 9 3}} {{min 4 2 8}}', '6 4 6 24 3 1 9 2');
  assert.match(kfErr(() => r('{{div 1 0}}')).message, /division by zero/);
});

test('fail stops the render with the author message', () => {
  const e = kfErr(() => r('ok\n{{#if values.t}}{{fail "mode x is not supported"}}{{/if}}', V));
  assert.is(e.message, 'demo/templates/t.yaml:2: fail: mode x is not supported');
});

test('lookup (Handlebars) reads own properties only', () => {
  eq('{{lookup values.map "b"}}', '2');
  eq('[{{lookup values "__proto__"}}][{{lookup values "constructor"}}]', '[][]');
});

test('arity is checked and reported with the helper name', () => {
  assert.is(kfErr(() => r('x\n{{indent "a"}}')).message, 'demo/templates/t.yaml:2: indent expects 2 arguments, got 1');
  assert.match(kfErr(() => r('{{lower "a" "b"}}')).message, /lower expects 1 argument, got 2/);
});

test('an unknown helper is an error naming it, before rendering', () => {
  const e = kfErr(() => r('a\nb: {{toYml values.map}}', V));
  assert.is(e.message, 'demo/templates/t.yaml:2: unknown helper "toYml" (see docs/helpers.md)');
});

test('every helper is documented in docs/helpers.md and used in a render test', () => {
  const docs = readFileSync(fileURLToPath(new URL('../../../docs/helpers.md', import.meta.url)), 'utf8');
  const here = fileURLToPath(new URL('.', import.meta.url));
  const tests = readdirSync(here).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(here + f, 'utf8')).join('\n');
  const names = helperNames();
  assert.ok(names.length > 100, `only ${names.length} helpers`);
  const undocumented = names.filter((n) => !docs.includes('`' + n + ' ') && !docs.includes('`' + n + '`') && !docs.includes(`{{${n} `) && !docs.includes(`(${n} `));
  assert.equal(undocumented, []);
  const untested = names.filter((n) => !new RegExp(`(\\{\\{#?|\\()${n}[ }]`).test(tests));
  assert.equal(untested, []);
});

test.run();
