// engine/cli/fast-parse.ts against yargs itself, set up as bin/kfchart.ts sets it up: for every example of every
// command and for generated lines (each flag of each command in each form it takes, with sample and refused
// values), whenever fastParse reads a line, yargs must call the same handler with a deep-equal argv. The plain lines
// users type most must be read without yargs, and the forms fastParse leaves to yargs must give undefined.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import yargs from 'yargs';
import { commands } from '../../../engine/cli/commands/index.js';
import { globalOptions, colorOptions } from '../../../engine/cli/flags.js';
import { commandSpec, optionSpec } from '../../../engine/cli/spec.js';
import { fastParse } from '../../../engine/cli/fast-parse.js';
import { skipHelpCache } from '../../../engine/cli/help-cache.js';
import { connectionDefaults, setConnectionDefault, type ConnectionDefaults } from '../../../engine/repo/session.js';

// Both parsers run the connection flags' coerce steps, which set this process's connection defaults (--ca-file -1, …):
// put them back for the test files that run after this one in the same process.
const saved = { ...connectionDefaults() };
test.after(() => {
  for (const k of Object.keys(connectionDefaults()) as (keyof ConnectionDefaults)[]) setConnectionDefault(k, saved[k] as never);
});

const globals = { ...globalOptions, ...colorOptions };
type Result = { handler: number; argv: Record<string, unknown> } | { usage: string } | { error: string };
type Read = { handler: number; argv: Record<string, unknown> };

/** What yargs does with `args`, configured as bin/kfchart.ts configures it (handlers replaced by recorders). */
async function viaYargs(args: string[]): Promise<Result> {
  let got: { handler: number; argv: Record<string, unknown> } | undefined;
  const cli = yargs(args).scriptName('kfchart').options(globalOptions).options(colorOptions).strict()
    .demandCommand(1, 'name a command').recommendCommands()
    .fail((msg, err) => {
      throw Object.assign(new Error(msg ?? err?.message ?? 'usage error'), { usage: !err || err.name === 'YError' });
    })
    .help().alias('help', 'h').version(false);
  commands.forEach((c, i) => cli.command({ ...c, handler: (argv: Record<string, unknown>) => { got = { handler: i, argv }; } }));
  skipHelpCache(cli);
  try {
    await cli.parseAsync();
  } catch (e) {
    return (e as { usage?: boolean }).usage ? { usage: (e as Error).message } : { error: (e as Error).message };
  }
  return got ?? { error: 'no handler ran' };
}

function viaFast(args: string[]): Read | undefined {
  const r = fastParse(commands, globals, args);
  if (!r) return undefined;
  return { handler: commands.findIndex((c) => c.handler === r.handler), argv: r.argv };
}

/** Example text to words: `$0` is the script; single or double quotes group words. */
const split = (line: string) => [...line.replace(/^\$0\s+/, '').matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);

function corpus(): string[][] {
  const lines: string[][] = [];
  const rootOptions = Object.entries(globals).map(([n, d]) => optionSpec(n, d));
  for (const c of commands) {
    const spec = commandSpec(c);
    for (const e of spec.examples) lines.push(split(e));
    const required = spec.positionals.filter((p) => p.required).map((_, i) => `arg${i}`);
    const all = spec.positionals.map((_, i) => `arg${i}`);
    const bases = [[spec.name, ...required], [spec.name, ...all], [spec.name, ...all, 'extra'], [spec.name, ...all.map(() => '7')]];
    lines.push(...bases);
    for (const o of [...spec.options, ...rootOptions]) {
      const flags = [o.name, ...o.aliases].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
      const samples = o.type === 'boolean' ? [] : [...(o.choices ?? []), 'v', '3', '10s', '-1', '"q"'];
      for (const base of bases.slice(0, 2)) {
        for (const f of flags) {
          if (o.type === 'boolean') {
            lines.push([...base, f], [f, ...base], [...base, f, f], [...base, f, 'false']);
            if (f.startsWith('--')) lines.push([...base, `--no-${f.slice(2)}`], [...base, `${f}=true`]);
          } else {
            for (const s of samples) lines.push([...base, f, s], [...base, `${f}=${s}`]);
            lines.push([...base, f], [...base, f, samples[0]!, f, samples[1]!]);
          }
        }
      }
    }
  }
  const seen = new Set<string>();
  return lines.filter((l) => !seen.has(JSON.stringify(l)) && !!seen.add(JSON.stringify(l)));
}

test('wherever fastParse reads a line, yargs calls the same handler with a deep-equal argv', async () => {
  const lines = corpus();
  let read = 0;
  for (const l of lines) {
    const fast = viaFast(l);
    if (fast === undefined) continue;
    read++;
    const slow = await viaYargs(l);
    assert.equal(fast, slow, JSON.stringify(l));
  }
  assert.ok(lines.length > 5000, `${lines.length} lines`);
  assert.ok(read > 2000, `fastParse read only ${read} of ${lines.length} lines`);
});

test('the plain lines users type most never need yargs', () => {
  const plain = [
    'template kf charts/kubeflow -f examples/values-minimal.yaml',
    'template charts/dex --set replicas=2 --set-string a=b -s templates/deployment.yaml --include-crds',
    'install kubeflow charts/kubeflow -f my.yaml -n default --create-namespace --wait --timeout 10m',
    'upgrade kubeflow charts/kubeflow -f my.yaml --reuse-values --atomic',
    'uninstall kubeflow -n default --keep-history',
    'list -A -o json', 'list --no-headers', 'status kubeflow', 'history kubeflow --max 5', 'rollback kubeflow 2 --wait',
    'lint charts/dex charts/istio', 'version', 'template kubeflow --values=-',
  ];
  for (const l of plain) {
    const r = viaFast(l.split(' '));
    assert.ok(r, l);
  }
});

test('what fastParse leaves to yargs: help, errors, unusual forms, subcommands', () => {
  const left = [
    '', '--help', 'template --help', 'template -h x', '-n x list', 'nosuch', 'template x y z', 'template x --nosuch',
    'template x -- y', 'list -Aq', 'list -m=5', 'template x --set', 'template x --set -a', 'list --max 5 --max 6',
    'template x --debug false', 'template x --debug=true', 'repo add a http://127.0.0.1:1', 'get values x',
    "template 'x' y", 'template x --set=', 'list --no-nosuch', 'list -o xml', 'verify a.tgz', 'lint',
  ];
  for (const l of left) assert.is(viaFast(l.split(' ').filter(Boolean)), undefined, l);
});

test('a coerce step that refuses its value, or must run once (--password-stdin), leaves the line to yargs', async () => {
  for (const l of [['list', '--max', '5x'], ['rollback', 'r', '0'], ['template', 'c', '--color', 'v'], ['install', 'r', 'c', '--timeout', 'soon']]) {
    assert.is(viaFast(l), undefined, l.join(' '));
    assert.ok('usage' in (await viaYargs(l)), `yargs refuses ${l.join(' ')}`);
  }
  assert.is(viaFast(['template', 'c', '--password-stdin']), undefined);
  assert.ok(viaFast(['template', 'c', '--password', 'p']), 'a plain connection flag is read here');
});

test.run();
