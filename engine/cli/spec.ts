// Owns: a plain description of the command line — every verb, subcommand, positional and flag with its aliases,
// type and choices, each definition as the builder gave it, the examples and the builder calls it does not model —
// read from the yargs command definitions themselves (each builder runs against a recorder, not yargs), for shell
// completion (complete.ts), for reading plain command lines without yargs (fast-parse.ts) and for the test that
// docs/cli.md names every verb and flag.
// Must not: parse a real command line or import engine code beyond the command list.

import type { AnyCommand } from './flags.js';

export interface OptionSpec {
  name: string;
  aliases: string[];
  type?: string;
  choices?: readonly string[];
  description?: string;
  hidden: boolean;
  /** Whether the flag takes a value (everything but booleans and counts). */
  takesValue: boolean;
  /** Whether a coerce step checks the value (engine/cli/flags.ts intArg, durationArg, …). */
  validated: boolean;
  /** The definition as the builder gave it. */
  def: OptDef;
}

export interface PositionalSpec {
  name: string;
  choices?: readonly string[];
  description?: string;
  type?: string;
  validated?: boolean;
  /** `<names..>` / `[names..]`: takes every further word. */
  variadic: boolean;
  required: boolean;
  /** The builder's `.positional()` definition; undefined when it gave none. */
  def?: OptDef;
}

export interface CommandSpec {
  name: string;
  aliases: string[];
  describe: string;
  hidden: boolean;
  positionals: PositionalSpec[];
  options: OptionSpec[];
  commands: CommandSpec[];
  /** The `.example()` command lines, as written (`$0 …`). */
  examples: string[];
  /** Builder methods called other than option, options, positional, command, example, usage and epilog (in call order). */
  unmodelled: string[];
}

export type OptDef = {
  alias?: string | readonly string[];
  type?: string;
  choices?: readonly unknown[];
  description?: string;
  describe?: string;
  hidden?: boolean;
  coerce?: unknown;
  [key: string]: unknown;
};

export function optionSpec(name: string, d: OptDef): OptionSpec {
  const aliases = d.alias === undefined ? [] : Array.isArray(d.alias) ? [...d.alias] : [d.alias as string];
  return {
    name, aliases, type: d.type, choices: d.choices?.map(String), description: d.description ?? d.describe, hidden: !!d.hidden,
    takesValue: d.type !== 'boolean' && d.type !== 'count',
    validated: typeof d.coerce === 'function',
    def: d,
  };
}

/** The words of a command module's `command` string: its name, then its positionals (`<chart>`, `[names..]`). */
const commandWords = (c: AnyCommand) => String(Array.isArray(c.command) ? c.command[0] : c.command).trim().split(/\s+/);

/** A command module's name (the first word of its `command`), without running its builder. */
export const commandName = (c: AnyCommand): string => commandWords(c)[0]!;

/** The spec of one yargs command module (its builder run against a recorder). */
export function commandSpec(c: AnyCommand): CommandSpec {
  const [head, ...words] = commandWords(c);
  const spec: CommandSpec = {
    name: head!,
    aliases: [...((c.aliases as readonly string[] | undefined) ?? [])],
    describe: typeof c.describe === 'string' ? c.describe : '',
    hidden: c.describe === false,
    positionals: words.map((w) => ({
      name: w.replace(/^[<[]|\.\.|[>\]]$/g, '').replace(/\.\.$/, ''),
      variadic: w.includes('..'),
      required: w.startsWith('<'),
    })),
    options: [],
    commands: [],
    examples: [],
    unmodelled: [],
  };
  const addOption = (name: string, d: OptDef = {}) => {
    const i = spec.options.findIndex((o) => o.name === name);
    const o = optionSpec(name, d);
    if (i >= 0) spec.options[i] = o;
    else spec.options.push(o);
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const y: any = new Proxy({}, {
    get: (_t, k) => {
      if (k === 'then') return undefined;
      if (k === 'option' || k === 'options') {
        return (a: string | Record<string, OptDef>, d?: OptDef) => {
          if (typeof a === 'string') addOption(a, d);
          else for (const [n, od] of Object.entries(a)) addOption(n, od);
          return y;
        };
      }
      if (k === 'positional') {
        return (n: string, d: OptDef = {}) => {
          const p = spec.positionals.find((x) => x.name === n);
          if (p) Object.assign(p, { choices: d.choices?.map(String), description: d.description ?? d.describe, type: d.type, validated: typeof d.coerce === 'function', def: d });
          else spec.unmodelled.push(`positional ${n}`); // not in the command string
          return y;
        };
      }
      if (k === 'command') {
        return (sub: AnyCommand) => {
          spec.commands.push(commandSpec(sub));
          return y;
        };
      }
      if (k === 'example') {
        return (line: string) => {
          spec.examples.push(line);
          return y;
        };
      }
      if (typeof k === 'string' && k !== 'usage' && k !== 'epilog') spec.unmodelled.push(k);
      return () => y;
    },
  });
  const b = c.builder;
  if (typeof b === 'function') b(y);
  else if (b && typeof b === 'object') y.options(b);
  return spec;
}

/** The whole command line: the root's flags (bin/kfchart.ts's global options and --help) and every command. */
export function cliSpec(commands: readonly AnyCommand[], globals: Record<string, OptDef>): CommandSpec {
  return {
    name: 'kfchart',
    aliases: [],
    describe: '',
    hidden: false,
    positionals: [],
    options: [...Object.entries(globals).map(([n, d]) => optionSpec(n, d)), optionSpec('help', { alias: 'h', type: 'boolean', description: 'show help' })],
    commands: commands.map(commandSpec),
    examples: [],
    unmodelled: [],
  };
}
