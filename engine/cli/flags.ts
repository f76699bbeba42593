// Owns: the option builders several commands share, and turning their raw values into what actions take: the global
// (kube) flags' type and `kubeFlags`, the values flags (-f, --set, --set-string, --set-json, --set-file) and their
// command-line order, where a chart comes from, the connection flags of chart downloads (Helm's names; each coerce
// step records its value in engine/repo/session.ts, so that command's downloads use it without every action passing
// it on), the deploy flags (wait/timeout, dry run, ownership, history), -o output, durations and dry-run modes; and
// `command()`, which lets a handler see the argv type its builder declares. Usage errors are KfErrors with exit 2.
// Must not: import engine code at module load beyond KfError, type imports, ./output.js and the tiny repo session module
// (everything here loads on every CLI start); print anything.

import { readFileSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { KfError } from '../errors.js';
import { parseColorMode } from './output.js';
import { setConnectionDefault, type ConnectionDefaults } from '../repo/session.js';
import type { SetFlag } from '../values/strvals.js';

/** The root's flags (bin/kfchart.ts), seen by every command. */
export interface GlobalArgs {
  kubeconfig?: string;
  'kube-context'?: string;
  namespace?: string;
  debug?: boolean;
}

/** A non-empty environment variable, or undefined. */
export const envValue = (name: string): string | undefined => process.env[name] || undefined;

/** Whether a boolean environment variable is on (1, true, yes, on). */
export const envFlag = (name: string): boolean => /^(1|true|yes|on)$/i.test(process.env[name] ?? '');

/**
 * The root's flags (bin/kfchart.ts). KFCHART_NAMESPACE, KFCHART_KUBECONTEXT and KFCHART_DEBUG are their defaults
 * (flags win), as HELM_NAMESPACE and HELM_KUBECONTEXT are helm's.
 */
export const globalOptions = {
  namespace: {
    alias: 'n', type: 'string', default: envValue('KFCHART_NAMESPACE'),
    description: 'namespace of the release (default: $KFCHART_NAMESPACE, else the kubeconfig context\'s, else "default")',
  },
  kubeconfig: { type: 'string', description: 'path to the kubeconfig file (default: $KUBECONFIG, a list merged as kubectl does, then ~/.kube/config)' },
  'kube-context': { type: 'string', default: envValue('KFCHART_KUBECONTEXT'), description: 'kubeconfig context to use (default: $KFCHART_KUBECONTEXT, else the current context)' },
  debug: { type: 'boolean', default: envFlag('KFCHART_DEBUG') || undefined, description: 'print stack traces and extra detail (default: $KFCHART_DEBUG)' },
} as const;

/** A command module of any argv type, for the command list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandModule<GlobalArgs, any>;

/**
 * A yargs command whose handler's argv is the type its builder yields (yargs' inferred option types, camel-cased keys
 * included): declare options in the builder, read them typed in the handler, no casts.
 */
export function command<P, U>(c: {
  command: string;
  describe: string;
  aliases?: readonly string[];
  builder: (y: Argv<P>) => Argv<U>;
  handler: (argv: ArgumentsCamelCase<U>) => void | Promise<void>;
}): CommandModule<P, U> {
  return c;
}

/** The kube connection flags as actions take them (GlobalOptions of engine/actions/lifecycle/session.ts). */
export const kubeFlags = (a: GlobalArgs) => ({ kubeconfig: a.kubeconfig, kubeContext: a['kube-context'], namespace: a.namespace });

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
  'set-literal': { type: 'string', array: true, description: 'set one string value exactly as typed: a.b=x,y{z} (commas and braces kept)' },
} as const;

const SET_KINDS: readonly SetKind[] = ['set', 'set-string', 'set-json', 'set-file', 'set-literal'];

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

const record =
  <K extends keyof ConnectionDefaults>(key: K, map: (v: never) => ConnectionDefaults[K] = (v) => v) =>
  (v: unknown) => {
    setConnectionDefault(key, map(v as never));
    return v;
  };

/**
 * Coerce steps that must run at most once per process (every other step gives the same result when run again:
 * engine/cli/fast-parse.ts leaves a refused line to yargs, which runs them all again).
 */
export const RUNS_ONCE = new WeakSet<(v: never) => unknown>();

/** Read a password from standard input (one line; the trailing newline dropped). Runs once: RUNS_ONCE. */
function stdinPassword(v: unknown): unknown {
  if (v) setConnectionDefault('password', readFileSync(0, 'utf8').replace(/\r?\n$/, ''));
  return v;
}
RUNS_ONCE.add(stdinPassword);

/** Connection flags for chart downloads (repositories and registries). */
export const connectionOptions = {
  'plain-http': { type: 'boolean', description: 'oci:// registries: use http instead of https', coerce: record('plainHttp') },
  'insecure-skip-tls-verify': { type: 'boolean', description: "skip the TLS certificate check of the repository or registry", coerce: record('insecureSkipTlsVerify') },
  'ca-file': { type: 'string', description: 'verify the server certificate with this CA bundle (PEM)', coerce: record('caFile') },
  'cert-file': { type: 'string', description: 'client certificate (PEM) for repositories and registries that require one', coerce: record('certFile') },
  'key-file': { type: 'string', description: 'key (PEM) of --cert-file', coerce: record('keyFile') },
  username: { type: 'string', description: 'user name for the repository or registry', coerce: record('username') },
  password: { type: 'string', description: 'password (prefer --password-stdin: command lines are visible to other users)', coerce: record('password') },
  'password-stdin': { type: 'boolean', description: 'read the password from standard input', coerce: stdinPassword },
  'pass-credentials': { type: 'boolean', description: 'send the credentials to every host the repository points at, not only its own', coerce: record('passCredentials') },
  'registry-config': { type: 'string', description: 'registry credentials file (default: <config home>/registry/config.json)', coerce: record('registryConfig') },
} as const;

/** Where a chart comes from, for every command that takes a chart reference (template, show, install, upgrade, pull). */
export const chartSourceOptions = {
  version: { type: 'string', description: 'chart version or SemVer range (repository charts; default: newest stable)' },
  repo: { type: 'string', description: 'chart repository URL to take the chart from, without adding it' },
  verify: { type: 'boolean', default: false, description: "check the chart archive's Ed25519 signature (<tgz>.sig) before using it" },
  keyring: { type: 'string', description: 'for --verify: a PGP public keyring (Helm .prov) or an Ed25519 public key PEM (.sig; default: the key given to repo add --key)' },
  ...connectionOptions,
} as const;

/**
 * The global colour flags (helm 4's `--color` / `--colour never|auto|always`; a bare `--color` is always): checked
 * here, read where colour is decided (useColor in output.ts, with NO_COLOR and FORCE_COLOR).
 */
export const colorOptions = {
  color: {
    type: 'string', description: 'use colored output: never, auto (on a terminal, unless NO_COLOR is set) or always',
    coerce: parseColorMode,
  },
  colour: { type: 'string', hidden: true, description: 'same as --color', coerce: parseColorMode },
} as const;

/** Output formats every listing command accepts. */
export const outputOption = {
  output: { alias: 'o', choices: ['table', 'json', 'yaml'] as const, default: 'table' as const, description: 'output format' },
} as const;

/** helm's --no-hooks (install, upgrade, rollback, uninstall, template); read it with noHooksFlag: yargs turns it into hooks=false. */
export const noHooksOption = {
  'no-hooks': { type: 'boolean', description: 'run no hooks (objects annotated helm.sh/hook); template: leave them out' },
  // What yargs makes of --no-hooks (declared, hidden, so strict mode accepts it).
  hooks: { type: 'boolean', hidden: true },
} as const;

/** Whether --no-hooks was given (yargs' boolean negation parses `--no-hooks` as `hooks: false`). */
export function noHooksFlag(a: object): boolean {
  const v = a as { hooks?: unknown; noHooks?: unknown };
  return v.hooks === false || v.noHooks === true;
}

/** install and upgrade (rollback, uninstall and diff take single ones by name). */
export const deployOptions = {
  ...chartSourceOptions,
  devel: { type: 'boolean', default: false, description: 'repository charts: prereleases count too (the range >0.0.0-0) when no --version is given' },
  'create-namespace': { type: 'boolean', default: false, description: 'create the release namespace if missing' },
  wait: { type: 'boolean', default: false, description: 'wait until every object is ready (see docs/lifecycle.md for the rules); helm 4\'s --wait=watcher|legacy wait too, --wait=hookOnly does not' },
  'wait-for-jobs': { type: 'boolean', default: false, description: 'wait until every Job has completed (kfchart\'s --wait always does; this implies --wait)' },
  timeout: { type: 'string', default: '5m', description: 'how long --wait waits (e.g. 300s, 5m)', coerce: durationArg('--timeout') },
  atomic: { alias: 'rollback-on-failure', type: 'boolean', default: false, description: 'on failure (or Ctrl-C): uninstall a failed install, roll back a failed upgrade' },
  'dry-run': { type: 'string', description: 'client (bare --dry-run): render offline and print the release, hooks, manifest and notes; server: also send every object through the API server (dryRun=All); none: no dry run. Nothing is written. What would change: kfchart diff', coerce: (v: unknown) => (dryRunMode(v), v as string | undefined) },
  'take-ownership': { type: 'boolean', default: false, description: 'adopt existing objects that belong to no release or to another release' },
  'force-conflicts': { type: 'boolean', default: false, description: 'take fields owned by other field managers (server-side apply force)' },
  'force-replace': { alias: 'force', type: 'boolean', default: false, description: 'replace every existing object: delete it and create it again (helm 4\'s --force-replace; --force is its old name)' },
  'allow-crd-removal': { type: 'boolean', default: false, description: 'allow an upgrade to delete a CRD or stop serving one of its versions' },
  description: { type: 'string', description: 'description stored in the release record' },
  labels: { alias: 'l', type: 'string', array: true, description: 'release labels k=v[,k2=v2] (record and release Secret; upgrade merges them over the previous ones, k=null removes one)' },
  'skip-crds': { type: 'boolean', default: false, description: "do not apply the charts' crds/ folders" },
  'skip-schema-validation': { type: 'boolean', default: false, description: 'do not check the values against values.schema.json' },
  'post-renderer': { type: 'string', description: 'an executable that gets the rendered manifest on stdin and prints the one to apply on stdout' },
  'post-renderer-args': { type: 'string', array: true, description: 'an argument for --post-renderer (repeatable)' },
  'dependency-update': { type: 'boolean', default: false, description: "a chart folder: run `dependency update` on it first (fetch what Chart.yaml's dependencies name)" },
  'render-subchart-notes': { type: 'boolean', default: false, description: "also render and print the enabled subcharts' NOTES.txt" },
  'hide-notes': { type: 'boolean', default: false, description: 'do not print NOTES (they are still stored)' },
  'hide-secret': { type: 'boolean', default: false, description: 'with --dry-run: leave Secrets out of the printed manifest' },
  'server-side': { type: 'string', description: 'kfchart always applies server-side (true/auto); false is refused' },
  'enable-dns': { type: 'boolean', default: false, description: 'refused: kfchart templates have no DNS lookup helper' },
  'disable-openapi-validation': { type: 'boolean', default: false, description: 'refused: kfchart does no client-side OpenAPI validation (the API server validates every object)' },
  'history-max': {
    type: 'string', default: process.env.KFCHART_MAX_HISTORY || '10', defaultDescription: '10, or $KFCHART_MAX_HISTORY',
    description: 'revisions kept per release (0 = unlimited); the deployed one is never pruned', coerce: intArg('--history-max', 0, 'KFCHART_MAX_HISTORY'),
  },
  recover: { type: 'boolean', default: false, description: 'mark a pending revision left by a killed operation failed, and go on' },
  ...noHooksOption,
  ...outputOption,
} as const;

/** Label keys Helm keeps for itself on release Secrets (kfchart's too): refused in --labels. */
export const RESERVED_LABELS = ['name', 'owner', 'status', 'version', 'createdAt', 'modifiedAt'];

/** --labels k=v,k2=v2 (repeatable) → a map; `k=null` stays as the string "null" (upgrade: remove k). */
export function parseLabels(v: readonly string[] | undefined): Record<string, string> | undefined {
  if (!v?.length) return undefined;
  const out: Record<string, string> = {};
  for (const part of v.flatMap((x) => x.split(','))) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? '' : part.slice(0, eq).trim();
    if (!k || !/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(k) || k.length > 316) {
      throw new KfError(`--labels "${part}": give key=value pairs (a Kubernetes label key), e.g. --labels team=ml,env=prod`, { exitCode: 2 });
    }
    const val = part.slice(eq + 1);
    if (val !== 'null' && !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(val)) {
      throw new KfError(`--labels ${k}: "${val}" is not a Kubernetes label value (letters, digits, '-', '_', '.', at most 63)`, { exitCode: 2 });
    }
    if (RESERVED_LABELS.includes(k)) {
      throw new KfError(`--labels ${k}: a reserved label name (kfchart and Helm keep ${RESERVED_LABELS.join(', ')} on release Secrets)`, { exitCode: 2 });
    }
    out[k] = val;
  }
  return out;
}

/**
 * The flags Helm has that kfchart refuses, each with its reason (a usage error when given): `--enable-dns` and
 * `--disable-openapi-validation` when true, `--server-side=false`.
 */
export function refuseFlags(a: { enableDns?: boolean; disableOpenapiValidation?: boolean; serverSide?: string }): void {
  if (a.enableDns) throw usageError('--enable-dns: refused: kfchart templates have no DNS lookup helper (getHostByName), so there is nothing to enable');
  if (a.disableOpenapiValidation) throw usageError('--disable-openapi-validation: refused: kfchart does no client-side OpenAPI validation to disable (the API server validates every object)');
  if (a.serverSide !== undefined && !['', 'true', 'auto'].includes(a.serverSide)) {
    throw usageError(`--server-side=${a.serverSide}: refused: kfchart always applies server-side (field manager kfchart); client-side apply is not implemented`);
  }
}

/** `300`, `300s`, `5m`, `1m30s`, `1h` → seconds. */
export function parseDuration(v: unknown, flag = '--timeout'): number {
  if (typeof v === 'number') return v;
  const s = String(v ?? '').trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let total = 0, seen = '', m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * { h: 3600, m: 60, s: 1, ms: 0.001 }[m[2] as 'h'];
    seen += m[0];
  }
  if (!s || seen !== s) throw new KfError(`${flag} "${s}" is not a duration (e.g. 300s, 5m, 1m30s)`, { exitCode: 2 });
  return total;
}

/** --dry-run's value (none when absent; a bare --dry-run is client). */
export function dryRunMode(v: unknown): 'none' | 'client' | 'server' {
  if (Array.isArray(v)) v = v[v.length - 1];
  if (v === undefined || v === false) return 'none';
  if (v === '' || v === true || v === 'client' || v === 'true') return 'client';
  if (v === 'server') return 'server';
  if (v === 'none' || v === 'false') return 'none';
  throw new KfError(`--dry-run must be client, server or none, not "${String(v)}"`, { exitCode: 2 });
}

/**
 * A yargs `coerce` step for an integer option or positional: the raw text must be a whole number ≥ min (≤ max), else a
 * one-line usage error naming the flag (and the environment variable its default came from). Declare the option as
 * `type: 'string'` so the raw text (not yargs' NaN) reaches it; argv then holds a number.
 */
export function intArg(flag: string, min = 0, env?: string, max = Number.MAX_SAFE_INTEGER): (v: unknown) => number {
  return (v) => {
    const s = String(Array.isArray(v) ? v[v.length - 1] : v ?? '').trim();
    const n = Number(s);
    if (/^[+-]?\d+$/.test(s) && n >= min && n <= max) return n;
    const from = env && process.env[env] === s ? ` (from $${env})` : '';
    const want = max < Number.MAX_SAFE_INTEGER ? `a whole number from ${min} to ${max}` : min === 1 ? 'a positive whole number' : `a whole number ≥ ${min}`;
    throw new KfError(`${flag} "${s}"${from}: must be ${want}`, { exitCode: 2 });
  };
}

/** A revision number (argument or --revision): a positive integer. */
export const revisionArg = (flag = 'revision'): ((v: unknown) => number | undefined) => {
  const int = intArg(flag, 1);
  return (v) => (v === undefined ? undefined : int(v));
};

/** A yargs `coerce` step for a duration option: checked by parseDuration when parsed, kept as given. */
export function durationArg(flag: string): (v: unknown) => string {
  return (v) => {
    parseDuration(Array.isArray(v) ? v[v.length - 1] : v, flag);
    return String(v);
  };
}

/** A usage error (exit code 2), for handlers' own checks of their arguments. */
export function usageError(message: string): KfError {
  return new KfError(message, { exitCode: 2 });
}

/** The argv type a builder function yields. */
export type ArgvOf<B> = B extends (y: never) => Argv<infer U> ? U : never;

/** The named keys of `o`, typed: for passing a typed subset of argv to an action whose options use the same names. */
export function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}

/** What template and lint assume about the cluster they render for (no cluster is asked). */
export const offlineClusterOptions = {
  'kube-version': { type: 'string', description: 'Kubernetes version to render for (default 1.34.0)' },
  'api-versions': { type: 'string', array: true, description: 'extra API versions templates may test for (group/version)' },
} as const;

/**
 * --wait as helm 4 spells it: bare `--wait` (or `--wait=watcher`, `--wait=legacy`) waits; `--wait=hookOnly` waits
 * for hooks only (kfchart always waits for hooks), so it does not wait for the objects; yargs reads any `--wait=<word>` as false, so the
 * raw arguments decide. Anything else is a usage error.
 */
export function waitFlag(parsed: boolean | undefined, raw: string[] = process.argv.slice(2)): boolean {
  let v: boolean | undefined = parsed;
  for (const a of raw) {
    if (a === '--') break;
    const m = /^--wait=(.*)$/.exec(a);
    if (a === '--wait') v = true;
    else if (a === '--no-wait') v = false;
    else if (m) {
      const w = m[1]!;
      if (w === 'watcher' || w === 'legacy' || w === 'true') v = true;
      else if (w === 'hookOnly' || w === 'false') v = false;
      else throw new KfError(`--wait=${w}: use --wait (or --wait=watcher, --wait=legacy, --wait=hookOnly as helm 4 does)`, { exitCode: 2 });
    }
  }
  return !!v;
}