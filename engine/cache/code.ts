// Owns: kfchart's on-disk caches of generated code — compiled values-schema validators, precompiled templates, V8's
// code cache of the CLI bundle (runScriptBundle, one entry per command), and Node's compile cache of the modules the
// bundle loads (enableCompileCache, Node 22.1+, whose entries Node names and checks) — under
// $KFCHART_CACHE_HOME/<kind> or $XDG_CACHE_HOME/kfchart/<kind> (default ~/.cache/kfchart/<kind>): where they live,
// reading, and private atomic writes. Entries are named by a hash of the text that determines the code, and carry
// that text (textKeyed); V8's entries by the build, the command and Node's options.
// Must not: know what the code is (the owners do, and fall back to compiling when an entry is unusable); run anything
// but the CLI bundle it is handed.

import { isAscii } from 'node:buffer';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

/** A key → generated-code store; `get` gives undefined for a miss or an unreadable entry, `set` never throws. */
export interface CodeCache {
  get(key: string): string | undefined;
  set(key: string, code: string): void;
}

/** A `CodeCache` addressed by the text that determines each entry (`get`/`set` take the text, not a key). */
export interface TextKeyedCache {
  get(text: string): string | undefined;
  set(text: string, code: string): void;
}

/** From this length on, textHash takes zlib's CRC-32 of the text (see there). */
const NATIVE_FROM = 2048;

/**
 * A 64-bit hash of `text` as 16 hex digits: the file names of `textKeyed` entries. Not a cryptographic hash, on
 * purpose: node:crypto's first load costs 9-15 ms of every process on Node 24 and 26 (bench/startup.mjs), more than
 * `template` of a 100-object chart spends rendering, and no collision can run the wrong code, because an entry
 * carries its text. A short text: two 32-bit FNV-1a lanes with different primes over every character, each finished
 * by an avalanche step. A long one: zlib's CRC-32 (native; node:zlib loads in ~3 ms, and only charts with long
 * templates or schemas load it) and one lane over the length and 256 characters spread over the text. A JS loop over
 * every character of long texts made V8 optimise it with TurboFan, +4.5 MiB peak RSS for `template charts/kubeflow`
 * (~140 KB of templates and schemas) on Node 26 (an A/B with --max-opt=2).
 */
export function textHash(text: string): string {
  const long = text.length >= NATIVE_FROM;
  const step = long ? Math.floor(text.length / 256) : 1;
  let a = 0x811c9dc5;
  let b = 0x2f0b3a4d ^ text.length;
  for (let i = 0; i < text.length; i += step) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000197) ^ (b >>> 13);
  }
  if (long) a = process.getBuiltinModule('node:zlib').crc32(text);
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b) ^ b;
  b = Math.imul(b ^ (b >>> 15), 0xc2b2ae35) ^ a;
  const hex = (h: number) => (h >>> 0).toString(16).padStart(8, '0');
  return hex(a ^ (a >>> 13)) + hex(b ^ (b >>> 16));
}

/**
 * `store` with entries named `textHash(text)` that hold `<length of text>\n<text><code>`: `get` gives the code only
 * when the entry's text is exactly `text` (two texts with one hash just take turns in the entry).
 */
export function textKeyed(store: CodeCache): TextKeyedCache {
  return {
    get(text) {
      const entry = store.get(textHash(text));
      if (entry === undefined) return undefined;
      const nl = entry.indexOf('\n');
      const start = nl + 1;
      if (nl <= 0 || entry.slice(0, nl) !== String(text.length) || !entry.startsWith(text, start)) return undefined;
      return entry.slice(start + text.length);
    },
    set(text, code) {
      store.set(textHash(text), `${text.length}\n${text}${code}`);
    },
  };
}

/**
 * `$KFCHART_CACHE_HOME/<kind>` (as `kfchart env` documents it), else `$XDG_CACHE_HOME/kfchart/<kind>` (absolute XDG
 * only), else `~/.cache/kfchart/<kind>`; undefined without a home.
 */
export function codeCacheDir(kind: string): string | undefined {
  if (process.env.KFCHART_CACHE_HOME) return path.join(path.resolve(process.env.KFCHART_CACHE_HOME), kind);
  const xdg = process.env.XDG_CACHE_HOME;
  let base: string | undefined = xdg && path.isAbsolute(xdg) ? xdg : undefined;
  if (!base) {
    try {
      const home = homedir();
      if (home) base = path.join(home, '.cache');
    } catch {
      return undefined;
    }
  }
  return base ? path.join(base, 'kfchart', kind) : undefined;
}

/**
 * The store for one kind of code, files `<key><ext>`. Writes go to a temp name and are renamed (concurrent runs are
 * safe), in a 0700 folder with 0600 files: these files are code that later runs in a kfchart process. A folder that
 * cannot be read or written just means no cache.
 */
export function diskCodeCache(kind: string, ext: string): CodeCache | undefined {
  const dir = codeCacheDir(kind);
  if (!dir) return undefined;
  const file = (key: string) => path.join(dir, `${key}${ext}`);
  return {
    get(key) {
      try {
        return readFileSync(file(key), 'utf8');
      } catch {
        return undefined;
      }
    },
    set(key, code) {
      const target = file(key);
      const tmp = `${target}.${process.pid}.tmp`;
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        writeFileSync(tmp, code, { mode: 0o600 });
        renameSync(tmp, target);
      } catch {
        try {
          rmSync(tmp, { force: true });
        } catch {
          // the folder is not usable: nothing was written
        }
      }
    },
  };
}

/**
 * Node's compile cache (V8 code cache of the modules it compiles from now on) in `<cache>/compile`, a 0700 folder like
 * the other code caches; Node validates every entry against its source and its own version, and writes new ones when
 * the process exits. It covers what the CLI script loads at run time with require (the side bundles of client-node
 * and openpgp, ajv and the other libraries left to node_modules); the CLI script itself has runScriptBundle's cache.
 * Nothing on Node 20 (no such API), with NODE_DISABLE_COMPILE_CACHE set (Node's own switch), or when the folder can't
 * be made; NODE_COMPILE_CACHE, if set, stays Node's choice.
 */
export function enableCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (typeof enable !== 'function' || process.env.NODE_DISABLE_COMPILE_CACHE || process.env.NODE_COMPILE_CACHE) return;
  const dir = codeCacheDir('compile');
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    enable(dir);
  } catch {
    // no usable folder: modules are compiled as usual
  }
}

/** The parameters of the function expression the CLI bundle is wrapped in (scripts/script-format.mjs WRAP_OPEN). */
type BundleMain = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string, moduleUrl: string) => void;

/**
 * Runs the CLI bundle (`file`: one CommonJS script that scripts/bundle.mjs wrapped as a function expression), compiled
 * from V8's code cache of an earlier run of the same command when there is one. Why: parsing and compiling the bundle
 * is most of what a command spends before its own work, and Node has no cache for it on Node 20 (no compile cache at
 * all) nor for the functions compiled lazily while it runs on Node 22+ (its compile cache is made before they are).
 * Measured A/B against the ES-module chunks with Node's compile cache (bench/RESULTS.md, stop 19; medians of 11 in
 * turns): `template` of 100 objects 0.32 → 0.25 s on Node 20, 0.21 → 0.16 s on Node 24 and 0.20 → 0.16 s on Node 26,
 * peak RSS within 3 MiB.
 *
 * The entry is made from the script after the run (`createCachedData` at exit), so it holds every function this
 * command compiled: hence one entry per command word (`tag`). It lives in `<cache>/compile/kfchart-<build>/`, named by
 * the Node version, architecture and a hash of the Node options (V8 refuses an entry made under other flags; another
 * name keeps each set of flags from overwriting the other's). `build` identifies the bundle's contents (a hash that
 * scripts/bundle.mjs writes into the launcher), as V8 checks only the source's length. The first entry a build writes
 * removes the folders of other builds. An entry that V8 refuses is compiled as usual and written again; no folder, a
 * read-only one or NODE_DISABLE_COMPILE_CACHE (Node's own switch) just means no cache.
 */
export function runScriptBundle(file: string, build: string, tag: string): void {
  const base = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : codeCacheDir('compile');
  const entry = base && path.join(base, `kfchart-${build}`, `${tag}-${process.version}-${process.arch}-${optionsHash()}.v8`);
  let cachedData: Buffer | undefined;
  if (entry) {
    try {
      cachedData = readFileSync(entry);
    } catch {
      // no entry yet
    }
  }
  const bytes = readFileSync(file);
  // scripts/bundle.mjs writes ASCII only (a one-byte string: half the memory and no UTF-8 decoding of ~2 MB)
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  // no importModuleDynamically: the bundle has no import() (on Node 20 a script compiled from cached data loses that
  // callback, and Node 24+ prints an experimental-feature warning for it)
  const script = new vm.Script(source, { filename: file, cachedData });
  if (entry && (!cachedData || script.cachedDataRejected)) process.once('exit', () => saveCodeCache(entry, script));
  const module = { exports: {} };
  (script.runInThisContext() as BundleMain)(module.exports, nodeModule.createRequire(file), module, file, path.dirname(file), pathToFileURL(file).href);
}

/** FNV-1a of the options Node was started with (they decide V8's flags, which V8 checks an entry against). */
function optionsHash(): string {
  let h = 0x811c9dc5;
  for (const c of `${process.execArgv.join('\0')}\0${process.env.NODE_OPTIONS ?? ''}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Writes the entry (in its build's folder; the first entry of a build removes the other builds' folders). */
function saveCodeCache(entry: string, script: vm.Script): void {
  const folder = path.dirname(entry);
  const tmp = `${entry}.${process.pid}.tmp`;
  try {
    const fresh = !existsSync(folder);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (fresh) {
      const parent = path.dirname(folder);
      for (const d of readdirSync(parent)) if (d.startsWith('kfchart-') && d !== path.basename(folder)) rmSync(path.join(parent, d), { recursive: true, force: true });
    }
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    renameSync(tmp, entry);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the folder is not usable: nothing was written
    }
  }
}
