// Owns: reading the command lines that need nothing of yargs but the argv it would build — one command without
// subcommands, then flags of that command or the root in their plain forms (`--name value`, `--name=value`, `-x value`,
// `--flag`, `--no-flag`) and its positionals — into exactly the argv yargs gives the handler: every name, alias and
// camel-case form, the defaults, coerce steps applied, `_` and `$0`. Such a run never loads yargs, which costs ~11 ms
// of every command on Node 24 (import 3.5, setup 3, parse to handler 5; bench/RESULTS.md, stop 20). Anything else —
// help, a usage error of any kind, an unknown or repeated flag, a short-flag group, `--`, a value that starts with `-`
// or a quote, a number where yargs would parse one, a command with subcommands, a builder that calls more than
// option/options/positional/example/usage/epilog (read through engine/cli/spec.ts's recorder), a coerce step that
// throws or must run once (--password-stdin) — gets `undefined`, and yargs does it.
// test/unit/cli/fast-parse.test.ts compares the two on every example of the command table and on generated lines.
// Must not: print, exit, run a handler, or import yargs.

import { RUNS_ONCE, type AnyCommand } from './flags.js';
import { commandName, commandSpec, optionSpec, type OptDef, type OptionSpec } from './spec.js';

type Def = OptDef & { default?: unknown; array?: boolean; demandOption?: boolean; coerce?: (v: unknown) => unknown };

/** The only keys an option or positional may use here (descriptions and display settings change nothing parsed). */
const PLAIN_KEYS = new Set(['alias', 'type', 'choices', 'default', 'coerce', 'array', 'demandOption', 'description', 'describe', 'hidden', 'defaultDescription']);
/** The builder calls that change nothing parsed (engine/cli/spec.ts records every other one). */
const PLAIN_CALLS = new Set(['example']);

interface Opt {
  name: string;
  def: Def;
  /** name, aliases, and the camel-case form of each with a dash: the keys yargs sets. */
  keys: string[];
  /** What may follow `--` (names and aliases longer than one letter) or `-` (one letter). */
  flags: string[];
}

interface Positional {
  name: string;
  def: Def;
  variadic: boolean;
  required: boolean;
}

const camel = (s: string) => s.replace(/-+([^-])/g, (_m, c: string) => c.toUpperCase());

function option(o: OptionSpec): Opt {
  const flags = [o.name, ...o.aliases];
  const keys = [...new Set(flags.flatMap((n) => (n.includes('-') ? [n, camel(n)] : [n])))];
  return { name: o.name, def: o.def as Def, keys, flags };
}

const plainDef = (d: Def) => Object.keys(d).every((k) => PLAIN_KEYS.has(k)) && (d.type === undefined || d.type === 'string' || d.type === 'boolean');

/**
 * The command's options (the root's, then its own, which win by name) and positionals from its spec
 * (engine/cli/spec.ts), or undefined when its builder does anything this reader does not model.
 */
function record(c: AnyCommand, globals: Record<string, Def>): { options: Opt[]; positionals: Positional[] } | undefined {
  const spec = commandSpec(c);
  if (spec.commands.length > 0 || spec.unmodelled.some((k) => !PLAIN_CALLS.has(k))) return undefined;
  const options = new Map<string, Opt>();
  for (const [n, d] of Object.entries(globals)) options.set(n, option(optionSpec(n, d)));
  for (const o of spec.options) options.set(o.name, option(o));
  const positionals = spec.positionals.map((p) => ({ name: p.name, def: (p.def ?? {}) as Def, variadic: p.variadic, required: p.required }));
  const plain = [...options.values()].every((o) => plainDef(o.def)) &&
    positionals.every((p) => plainDef(p.def) && p.def.alias === undefined && (p.def.array === undefined || p.variadic));
  return plain ? { options: [...options.values()], positionals } : undefined;
}

/** What yargs-parser would read as a number in an untyped value (it keeps typed strings as given). */
const NUMERIC = /^(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|0x[0-9a-f]+)$/i;

export interface FastParse {
  handler: (argv: Record<string, unknown>) => unknown;
  argv: Record<string, unknown>;
}

/**
 * The handler and the argv yargs would call it with for `args` (after bin/kfchart.ts's own rewrites), or undefined
 * when yargs must read them. `globals`: the root's options (bin/kfchart.ts gives yargs the same).
 */
export function fastParse(
  commands: readonly AnyCommand[],
  globals: Record<string, unknown>,
  args: readonly string[],
): FastParse | undefined {
  const word = args[0];
  if (word === undefined || word.startsWith('-')) return undefined;
  const c = commands.find((x) => commandName(x) === word || ((x.aliases as readonly string[] | undefined) ?? []).includes(word));
  if (!c || typeof c.handler !== 'function') return undefined;
  const rec = record(c, globals as Record<string, Def>);
  if (!rec) return undefined;
  const byFlag = new Map<string, Opt>();
  for (const o of rec.options) for (const f of o.flags) byFlag.set(f, o);

  const given = new Map<Opt, unknown>();
  const words: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) {
      if (a.startsWith('"') || a.startsWith("'")) return undefined;
      words.push(a);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      inline = eq < 0 ? undefined : a.slice(eq + 1);
      if (name.length < 2) return undefined; // `--`, `--x`
    } else {
      if (a.length !== 2) return undefined; // `-`, `-abc`, `-n=x`, `-nvalue`
      name = a.slice(1);
    }
    // yargs-parser reads every `--no-x` as x = false, even where a flag is named `no-x` (template --no-hooks)
    if (name.startsWith('no-') && byFlag.has(name)) return undefined;
    let o = byFlag.get(name);
    let value: unknown;
    if (o === undefined && name.startsWith('no-') && inline === undefined) {
      o = byFlag.get(name.slice(3));
      if (o === undefined || o.def.type !== 'boolean') return undefined;
      value = false;
    } else if (o === undefined) {
      return undefined;
    } else if (o.def.type === 'boolean') {
      if (inline !== undefined || args[i + 1] === 'true' || args[i + 1] === 'false') return undefined;
      value = true;
    } else {
      if (inline === undefined) {
        inline = args[++i];
        if (inline === undefined || inline.startsWith('-')) return undefined;
      }
      if (inline === '' || inline.startsWith('"') || inline.startsWith("'")) return undefined;
      if (o.def.type !== 'string' && NUMERIC.test(inline)) return undefined;
      value = inline;
    }
    if (o.def.choices && !o.def.choices.includes(value)) return undefined;
    if (o.def.array) value = [...((given.get(o) as unknown[] | undefined) ?? []), value];
    else if (given.has(o)) return undefined; // yargs makes a repeated flag an array
    given.set(o, value);
  }

  // The values in yargs' order: the flags given, in command-line order, then the defaults, then the positionals.
  const values: { keys: string[]; def: Def; value: unknown }[] = [];
  for (const [o, value] of given) values.push({ keys: o.keys, def: o.def, value });
  for (const o of rec.options) {
    if (given.has(o)) continue;
    if (o.def.demandOption) return undefined; // yargs' "Missing required argument"
    if ('default' in o.def) values.push({ keys: o.keys, def: o.def, value: o.def.default });
  }
  let w = 0;
  for (const p of rec.positionals) {
    let v: unknown;
    if (p.variadic) {
      v = words.slice(w);
      w = words.length;
      if ((v as string[]).length === 0) {
        if (p.required || p.def.demandOption) return undefined;
        continue;
      }
    } else if (w < words.length) {
      v = words[w++];
    } else {
      if (p.required || p.def.demandOption || 'default' in p.def) return undefined;
      continue;
    }
    const list = Array.isArray(v) ? (v as string[]) : [v as string];
    if (p.def.type !== 'string' && list.some((x) => NUMERIC.test(x))) return undefined;
    if (p.def.choices && list.some((x) => !p.def.choices!.includes(x))) return undefined;
    values.push({ keys: p.name.includes('-') ? [p.name, camel(p.name)] : [p.name], def: p.def, value: v });
  }
  if (w < words.length) return undefined; // an unknown argument: yargs' error

  // Everything else is checked before the first coerce step runs, as some have effects (engine/cli/flags.ts: the
  // connection defaults). A step that must run once (--password-stdin reads standard input) leaves the line to yargs
  // before any runs; a step that refuses its value leaves it to yargs after, which runs the steps again and reports
  // as it does (which message wins when several refuse depends on yargs' parse stages): every other step gives the
  // same result when run twice.
  if (values.some(({ def }) => typeof def.coerce === 'function' && RUNS_ONCE.has(def.coerce))) return undefined;
  const argv: Record<string, unknown> = { _: [word], $0: 'kfchart' };
  for (const { keys, def, value } of values) {
    let v = value;
    if (typeof def.coerce === 'function') {
      try {
        v = def.coerce(value);
      } catch {
        return undefined;
      }
    }
    for (const k of keys) argv[k] = v;
  }
  return { handler: c.handler as (argv: Record<string, unknown>) => unknown, argv };
}
