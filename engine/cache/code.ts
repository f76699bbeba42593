// Owns: kfchart's on-disk caches of generated code — compiled values-schema validators, precompiled templates, and
// Node's compile cache of kfchart's own modules (enableCompileCache, Node 22.1+, whose entries Node names and checks) —
// under $KFCHART_CACHE_HOME/<kind> or $XDG_CACHE_HOME/kfchart/<kind> (default ~/.cache/kfchart/<kind>): where they
// live, reading, and private atomic writes. Entries are named by a SHA-256 key that the owner computes from everything
// that determines the code.
// Must not: know what the code is or run it (the owners do, and fall back to compiling when an entry is unusable).

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';

/** A key → generated-code store; `get` gives undefined for a miss or an unreadable entry, `set` never throws. */
export interface CodeCache {
  get(key: string): string | undefined;
  set(key: string, code: string): void;
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
 * the process exits. Measured with bench/render.mjs on Node 24: ~15–20 ms of `template`'s start-up (its ES module
 * compilation was 28 ms of a 156 ms profile). Nothing on Node 20 (no such API), with NODE_DISABLE_COMPILE_CACHE set
 * (Node's own switch), or when the folder can't be made; NODE_COMPILE_CACHE, if set, stays Node's choice.
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
