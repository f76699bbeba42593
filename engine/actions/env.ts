// Owns: `kfchart env`: every KFCHART_* setting kfchart reads, with its effective value (the variable when set, else
// the default the code uses) and what it does, as `helm env` lists HELM_*. Secrets are never printed.
// Must not: change any setting or print.

import { cacheHome, configHome } from '../repo/config.js';
import { registryConfigFile } from '../repo/oci/credentials.js';
import { FETCH_DEFAULTS } from '../repo/fetch.js';
import { indexMaxBytes } from '../repo/lenient-index.js';
import { leaseSeconds } from './lifecycle/lock.js';

export interface Setting {
  name: string;
  /** The effective value ('' when unset and without a default). */
  value: string;
  description: string;
  /** Set in the environment (rather than the default). */
  set: boolean;
}

const positive = (name: string, fallback: number): string => {
  const n = Number(process.env[name]);
  return String(Number.isFinite(n) && n > 0 ? n : fallback);
};

/** The settings in `kfchart env` order. */
export function envSettings(): Setting[] {
  const rows: [string, () => string, string][] = [
    ['KFCHART_CACHE_HOME', cacheHome, 'cache folder: repository indexes and archives, compiled validators and templates, Node\'s compile cache (default $XDG_CACHE_HOME/kfchart)'],
    ['KFCHART_CONFIG_HOME', configHome, 'configuration folder: repositories.yaml, registry credentials (default $XDG_CONFIG_HOME/kfchart)'],
    ['KFCHART_REGISTRY_CONFIG', registryConfigFile, 'OCI registry credentials file (docker config.json format)'],
    ['KFCHART_NAMESPACE', () => process.env.KFCHART_NAMESPACE ?? '', 'default namespace of every command (-n/--namespace wins; unset: the kubeconfig context\'s)'],
    ['KFCHART_KUBECONTEXT', () => process.env.KFCHART_KUBECONTEXT ?? '', 'default kubeconfig context of every command (--kube-context wins)'],
    ['KFCHART_DEBUG', () => process.env.KFCHART_DEBUG ?? '', 'when 1/true: print stack traces, as --debug'],
    ['KFCHART_MAX_HISTORY', () => process.env.KFCHART_MAX_HISTORY || '10', 'default --history-max of install, upgrade and rollback'],
    ['KFCHART_RENDER_TIMEOUT', () => positive('KFCHART_RENDER_TIMEOUT', 60), 'seconds one chart render may take before it is stopped'],
    ['KFCHART_HTTP_TIMEOUT_MS', () => positive('KFCHART_HTTP_TIMEOUT_MS', FETCH_DEFAULTS.timeoutMs), 'per-request timeout of repository and registry downloads, in ms'],
    ['KFCHART_MAX_INDEX_MB', () => String(indexMaxBytes() / 1024 / 1024), 'largest repository index accepted, in MiB'],
    ['KFCHART_LEASE_SECONDS', () => String(leaseSeconds()), 'lease of the release lock a writer holds (renewed every third of it)'],
    ['KFCHART_KEY_PASSPHRASE', () => (process.env.KFCHART_KEY_PASSPHRASE ? '(set, not shown)' : ''), 'passphrase of the PGP key package --sign uses (never printed)'],
  ];
  return rows.map(([name, value, description]) => ({ name, value: value(), description, set: process.env[name] !== undefined }));
}
