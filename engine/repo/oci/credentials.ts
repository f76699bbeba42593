// Owns: the registry credentials file, in the docker-style layout Helm uses (`{"auths": {"HOST": {"auth":
// base64("user:password")}}}`): `$KFCHART_REGISTRY_CONFIG`, else `<config home>/registry/config.json`, written 0600
// atomically by `registry login`, entries removed by `registry logout`. Helm reads the same file with
// `--registry-config`. Passwords never leave this module except in an Authorization header.
// Must not: print, or talk to the network.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KfError } from '../../errors.js';
import { atomicWrite, configHome } from '../config.js';

export interface Credential {
  username: string;
  password: string;
}

export function registryConfigFile(): string {
  return process.env.KFCHART_REGISTRY_CONFIG || path.join(configHome(), 'registry', 'config.json');
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  [k: string]: unknown;
}

async function readConfig(file: string): Promise<DockerConfig> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new KfError(`${file}: cannot read the registry credentials file: ${e.message}`, { where: { file } });
  });
  if (text === undefined || text.trim() === '') return {};
  try {
    const v = JSON.parse(text) as DockerConfig;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v;
  } catch (e) {
    throw new KfError(`${file}: not a registry credentials file (JSON with "auths"): ${(e as Error).message}`, { where: { file } });
  }
}

/** Keys a host may be stored under (Docker and Helm accept these spellings). */
function keysFor(host: string): string[] {
  return [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`, `https://${host}/v2/`];
}

export async function getCredential(host: string, file = registryConfigFile()): Promise<Credential | undefined> {
  const cfg = await readConfig(file);
  for (const k of keysFor(host)) {
    const a = cfg.auths?.[k];
    if (!a) continue;
    if (a.auth) {
      const dec = Buffer.from(a.auth, 'base64').toString('utf8');
      const i = dec.indexOf(':');
      if (i > 0) return { username: dec.slice(0, i), password: dec.slice(i + 1) };
    }
    if (a.username && a.password !== undefined) return { username: a.username, password: a.password };
  }
  return undefined;
}

export async function storeCredential(host: string, cred: Credential, file = registryConfigFile()): Promise<void> {
  const cfg = await readConfig(file);
  cfg.auths = { ...(cfg.auths ?? {}) };
  for (const k of keysFor(host)) delete cfg.auths[k];
  cfg.auths[host] = { auth: Buffer.from(`${cred.username}:${cred.password}`).toString('base64') };
  await atomicWrite(file, `${JSON.stringify(cfg, null, '\t')}\n`, 0o600);
}

/** Remove the host's entry; false when there was none. */
export async function removeCredential(host: string, file = registryConfigFile()): Promise<boolean> {
  const cfg = await readConfig(file);
  let found = false;
  for (const k of keysFor(host)) {
    if (cfg.auths?.[k]) {
      delete cfg.auths[k];
      found = true;
    }
  }
  if (found) await atomicWrite(file, `${JSON.stringify(cfg, null, '\t')}\n`, 0o600);
  return found;
}
