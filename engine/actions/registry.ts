// Owns: the OCI registry verbs: `push CHART.tgz oci://…` (Helm's layout, with the .prov next to the archive when
// present), `registry login HOST` (credentials checked against the registry before they are stored, 0600, in the
// docker-style file Helm reads) and `registry logout HOST`.
// Must not: print.

import { KfError } from '../errors.js';
import { pushChart, type PushResult } from '../repo/oci/chart.js';
import { RegistryClient, type RegistryOptions } from '../repo/oci/client.js';
import { registryConfigFile, removeCredential, storeCredential } from '../repo/oci/credentials.js';
import { connectionDefaults } from '../repo/session.js';

const withDefaults = (o: RegistryOptions): RegistryOptions => ({ ...connectionDefaults(), ...o });

export async function pushAction(archive: string, remote: string, opts: RegistryOptions = {}): Promise<PushResult> {
  if (!remote.startsWith('oci://')) throw new KfError(`${remote}: push needs an oci:// registry reference (oci://HOST/PATH)`, { exitCode: 2 });
  return pushChart(archive, remote, withDefaults(opts));
}

function hostOf(h: string): string {
  const host = h.replace(/^oci:\/\//, '').replace(/\/.*$/, '');
  if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(host)) throw new KfError(`${h}: not a registry host[:port]`, { exitCode: 2 });
  return host;
}

export async function loginAction(hostArg: string, opts: RegistryOptions & { username: string; password: string }): Promise<{ host: string; file: string }> {
  const host = hostOf(hostArg);
  if (!opts.username) throw new KfError('registry login needs --username', { exitCode: 2 });
  if (!opts.password) throw new KfError('registry login needs a password: --password-stdin (or --password)', { exitCode: 2 });
  const o = withDefaults(opts);
  await new RegistryClient(host, o).ping();
  const file = o.registryConfig ?? registryConfigFile();
  await storeCredential(host, { username: opts.username, password: opts.password }, file);
  return { host, file };
}

export async function logoutAction(hostArg: string, opts: { registryConfig?: string } = {}): Promise<{ host: string; file: string }> {
  const host = hostOf(hostArg);
  const file = opts.registryConfig ?? connectionDefaults().registryConfig ?? registryConfigFile();
  if (!(await removeCredential(host, file))) throw new KfError(`not logged in to ${host} (${file})`);
  return { host, file };
}
