// Owns: the weak-password check of bcrypt hashes (Dex static users): the short list of well-known weak passwords,
// the bcrypt prefixes Dex accepts, verdicts cached by hash (in memory and in the caller's CodeCache), and the
// `strongPasswordHash` helper the dex chart calls on every static user's hash.
// Must not: do I/O itself (the verdict cache's storage is the caller's, engine/cache), or print a password.

import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import type * as Bcrypt from 'bcryptjs';
import { textKeyed, type CodeCache } from '../cache/code.js';
import { KfError } from '../errors.js';
import type { HelperHost, HelperOptions } from './host.js';

/**
 * Well-known weak passwords, most likely first (docs/helpers.md "Weak passwords" says where they come from).
 * Every entry costs one bcrypt compare per new hash (~0.4 s at cost 12 here), so the list stays short.
 * Change WEAK_LIST_VERSION whenever it changes: cached verdicts are keyed by it.
 */
export const WEAK_PASSWORDS: readonly string[] = [
  '12341234', // the Kubeflow manifests' default user (admin@kubeflow.org), in every install guide
  'password',
  '12345678',
  '123456',
  'admin',
  'kubeflow',
  'changeme',
  'a',
];
export const WEAK_LIST_VERSION = 'weak-passwords-1';

/** Hashes of the list known in advance (the guide's hash of 12341234 under each prefix): no bcrypt needed. */
const KNOWN_WEAK: ReadonlyMap<string, string> = new Map(
  ['4K/VkmDd1q1Orb3xAt82zu8gk7Ad6ReFR4LCP9UeYE90NLiN9Df72', 'ruoM7FqXrpVgaol44eRZW.4HWS8SAvg6KYVVSCIwKQPBmTpCm.EeO'].map(
    (rest) => [`12$${rest}`, '12341234'],
  ),
);

/** What Dex (Go's x/crypto/bcrypt) and this check accept: `$2a$`, `$2b$`, `$2y$`, cost 04-31, 53 characters. */
export const BCRYPT_RE = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

const require = createRequire(import.meta.url);
let bcrypt: typeof Bcrypt | undefined;
const memo = new Map<string, string>();
/** bcrypt compares made by this process (tests check that a cached verdict costs none). */
export const weakCheckStats = { compares: 0 };

/**
 * The weak password `hash` is a bcrypt hash of, or undefined when it is none of the list. The verdict is cached by
 * hash and list version (in memory, and in `cache` when given), so a hash costs its bcrypt compares once.
 * `hash` must match BCRYPT_RE.
 */
export function weakPasswordOf(hash: string, cache?: CodeCache): string | undefined {
  const known = KNOWN_WEAK.get(hash.slice(4));
  if (known !== undefined) return known;
  const key = `${WEAK_LIST_VERSION}\0${hash}`;
  const store = cache && textKeyed(cache);
  let verdict = memo.get(key) ?? store?.get(key);
  if (verdict === undefined || !/^(ok|weak:\d+)$/.test(verdict)) {
    bcrypt ??= require('bcryptjs') as typeof Bcrypt; // lazy: ~20 ms to load, only on a miss
    // bcryptjs and Go treat $2a$, $2b$ and $2y$ alike for passwords under 72 bytes; bcryptjs reads $2a$/$2b$.
    const h = `$2b$${hash.slice(4)}`;
    verdict = 'ok';
    for (let i = 0; i < WEAK_PASSWORDS.length; i++) {
      weakCheckStats.compares++;
      if (bcrypt.compareSync(WEAK_PASSWORDS[i], h)) {
        verdict = `weak:${i}`;
        break;
      }
    }
    store?.set(key, verdict);
  }
  memo.set(key, verdict);
  return verdict === 'ok' ? undefined : WEAK_PASSWORDS[Number(verdict.slice(5))];
}

/** `kubeflow/charts/dex` → `dex.`, `kubeflow/charts/a/charts/b` → `a.b.`, a top chart → ''. */
function valuesPrefix(scopePath: string): string {
  const keys = scopePath.split('/charts/').slice(1);
  return keys.length ? `${keys.join('.')}.` : '';
}

type HB = typeof Handlebars;

/**
 * `{{strongPasswordHash hash "staticPasswords[0].hash" allowWeak}}` returns `hash` when it is a bcrypt hash Dex
 * accepts and not one of a well-known weak password; else a one-line KfError naming the values path (with the
 * subchart's key in front). `allowWeak` true (allowInsecureDefaults) skips the weak-password check.
 */
export function registerWeakPasswordHelpers(hb: HB, host: HelperHost, cache?: CodeCache): void {
  hb.registerHelper('strongPasswordHash', function (...args: unknown[]) {
    const options = args.pop() as HelperOptions;
    if (args.length !== 3) throw host.error(options, `strongPasswordHash expects 3 arguments (hash, values path, allowInsecureDefaults), got ${args.length}`);
    const [hash, rel, allowWeak] = args;
    const path = `${valuesPrefix(host.frame().scope.path)}${String(rel)}`;
    const allow = `${valuesPrefix(host.frame().scope.path)}allowInsecureDefaults`;
    if (typeof hash !== 'string' || !BCRYPT_RE.test(hash)) {
      throw new KfError(`${path}: must be a bcrypt hash with a prefix Dex accepts ($2a$, $2b$ or $2y$, like $2y$12$...): create one with \`kfchart hash-password\``, { where: { path } });
    }
    if (allowWeak === true) return hash;
    const weak = weakPasswordOf(hash, cache);
    if (weak !== undefined) {
      throw new KfError(
        `${path}: is the bcrypt hash of the well-known weak password "${weak}": create a real one with \`kfchart hash-password\` (or set ${allow}: true for a throw-away demo)`,
        { where: { path } },
      );
    }
    return hash;
  });
}
