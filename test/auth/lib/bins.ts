// Owns: where the auth stack's real programs are: Dex, oauth2-proxy and istioctl built by test/auth/build.sh
// into the cache (built on first use, like the control plane), slapd/slapadd from Debian's packages.
// Must not: download anything but Go modules through the module proxy (build.sh does that).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const VERSIONS = { dex: 'v2.45.1', 'oauth2-proxy': 'v7.15.6', istioctl: '1.29.1' } as const;
export type Built = keyof typeof VERSIONS;

export const authCache = () => process.env.KFCHART_AUTH_CACHE || path.join(os.homedir(), '.cache', 'kfchart', 'auth');
export const binPath = (name: Built) => path.join(authCache(), `${name}-${VERSIONS[name]}`);

/** Path of a built program, building what is missing first (minutes on a cold cache; progress on stderr). */
export function ensureBuilt(name: Built): string {
  const p = binPath(name);
  if (fs.existsSync(p)) return p;
  execFileSync('bash', [path.join(here, '..', 'build.sh'), name], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!fs.existsSync(p)) throw new Error(`test/auth/build.sh did not produce ${p}`);
  return p;
}

/** A Debian program (slapd, slapadd): on PATH or in /usr/sbin; a clear error naming the package otherwise. */
export function debianTool(name: string, pkg: string): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin']) {
    const p = path.join(dir, name);
    if (dir && fs.existsSync(p)) return p;
  }
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  throw new Error(`${name} is not installed: install Debian's ${pkg} package (.ci/run does)`);
}
