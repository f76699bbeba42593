// Owns: what several commands share on the command line: the values flags (-f, --set, --set-string,
// --set-json, --set-file) and their order, reading -f files (or stdin), global flag types, and output helpers.
// Must not: import heavy modules (everything here loads on every CLI start).

import { KfError } from '../errors.js';
import type { SetFlag } from '../values/strvals.js';
import { connectionOptions } from './oci.js';

export interface GlobalArgs {
  kubeconfig?: string;
  'kube-context'?: string;
  namespace?: string;
  debug?: boolean;
}

/** The --set family's kinds; SetFlag is engine/values' (a type-only import: nothing loads at start-up). */
type SetKind = SetFlag['kind'];

/** yargs options shared by template, install, upgrade, lint, show values, diff. */
export const valuesOptions = {
  values: {
    alias: 'f',
    type: 'string',
    array: true,
    description: 'values file (YAML) to merge over the chart defaults; repeatable, later wins; "-" reads stdin',
  },
  set: { type: 'string', array: true, description: 'set values: a.b=c,list[0]=x,list={a,b} (typed: ints, bools, null)' },
  'set-string': { type: 'string', array: true, description: 'like --set but every value is a string' },
  'set-json': { type: 'string', array: true, description: 'set a JSON value: a.b={"x":1} or a=[1,2]' },
  'set-file': { type: 'string', array: true, description: 'set a value to the contents of a file: a.b=path/to/file' },
} as const;

/** Where a chart comes from, for every command that takes a chart reference (template, show, install, upgrade, pull). */
export const chartSourceOptions = {
  version: { type: 'string', description: 'chart version or SemVer range (repository charts; default: newest stable)' },
  repo: { type: 'string', description: 'chart repository URL to take the chart from, without adding it' },
  verify: { type: 'boolean', default: false, description: "check the chart archive's Ed25519 signature (<tgz>.sig) before using it" },
  keyring: { type: 'string', description: 'for --verify: a PGP public keyring (Helm .prov) or an Ed25519 public key PEM (.sig; default: the key given to repo add --key)' },
  ...connectionOptions,
} as const;

const SET_KINDS: readonly SetKind[] = ['set', 'set-string', 'set-json', 'set-file'];

/**
 * The --set family in the exact order given on the command line (yargs groups each option separately, which would
 * lose the order between, say, --set and --set-string; Helm applies them in order).
 */
export function collectSetFlags(raw: readonly string[] = process.argv.slice(2)): SetFlag[] {
  const out: SetFlag[] = [];
  for (let i = 0; i < raw.length; i++) {
    const a = raw[i]!;
    if (a === '--') break;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (!(SET_KINDS as readonly string[]).includes(name)) continue;
    let expr: string | undefined;
    if (eq >= 0) expr = a.slice(eq + 1);
    else if (i + 1 < raw.length) expr = raw[++i];
    if (expr === undefined) throw new KfError(`--${name} needs a value (e.g. --${name} a.b=c)`, { exitCode: 2 });
    out.push({ kind: name as SetKind, expr });
  }
  return out;
}

/** Output formats every listing command accepts. */
export const outputOption = {
  output: { alias: 'o', choices: ['table', 'json', 'yaml'] as const, default: 'table' as const, description: 'output format' },
} as const;

/** A plain aligned text table (no colours), for `-o table`. */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
