// Helpers for test/cluster/**: the kubeconfig of the cluster the runner started (or the one the
// user pointed at with KFCHART_TEST_KUBECONFIG), a lazily imported KubeConfig, and one fresh
// namespace per test file so files run in any order and never see each other's objects.
// Must not: start clusters (test/run.mjs does), or import @kubernetes/client-node eagerly.
import type { CoreV1Api, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';

export const KUBECONFIG_ENV = 'KFCHART_TEST_KUBECONFIG';

/** Path of the test cluster's admin kubeconfig. Throws a clear error when the runner did not provide one. */
export function kubeconfigPath(): string {
  const p = process.env[KUBECONFIG_ENV];
  if (!p) {
    throw new Error(
      `${KUBECONFIG_ENV} is not set: cluster tests need a control plane. Run them with \`npm test\` ` +
        '(it starts one), or `eval "$(npm run -s cluster:up)"` then ' +
        `\`${KUBECONFIG_ENV}=$KUBECONFIG npx uvu -r tsx test/cluster\`.`,
    );
  }
  return p;
}

let cached: Promise<KubeConfig> | undefined;

/** A KubeConfig loaded from kubeconfigPath() (client-node is imported on first use). */
export function loadKubeConfig(): Promise<KubeConfig> {
  cached ??= (async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfigPath());
    return kc;
  })();
  return cached;
}

export async function coreApi(): Promise<CoreV1Api> {
  const k8s = await import('@kubernetes/client-node');
  return (await loadKubeConfig()).makeApiClient(k8s.CoreV1Api);
}

export async function objectApi(): Promise<KubernetesObjectApi> {
  const k8s = await import('@kubernetes/client-node');
  return k8s.KubernetesObjectApi.makeApiClient(await loadKubeConfig());
}

/** The HTTP status of a client-node ApiException (or undefined for other errors). */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Polls fn until it returns a truthy value; throws `timed out waiting for <what>` after timeoutMs. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

const created = new Set<string>();

/** A unique, valid namespace name: `<prefix>-<base36 time>-<random>`, at most 63 characters. */
export function uniqueName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'test';
  return `${clean}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Creates a fresh namespace (labelled kfchart-test=true) and returns its name; cleanupNamespaces() deletes it. */
export async function newNamespace(prefix: string): Promise<string> {
  const core = await coreApi();
  const name = uniqueName(prefix);
  await core.createNamespace({ body: { metadata: { name, labels: { 'kfchart-test': 'true' } } } });
  created.add(name);
  return name;
}

/** Deletes a namespace; with wait, until the namespace controller has finalized it (it is gone). */
export async function deleteNamespace(name: string, opts: { wait?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const core = await coreApi();
  try {
    await core.deleteNamespace({ name });
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  created.delete(name);
  if (opts.wait) {
    await waitFor(`namespace ${name} to be deleted`, async () => {
      try {
        await core.readNamespace({ name });
        return false;
      } catch (err) {
        if (statusOf(err) === 404) return true;
        throw err;
      }
    }, opts.timeoutMs ?? 60_000);
  }
}

/** Deletes every namespace newNamespace() made in this process (call from a suite's `after`). */
export async function cleanupNamespaces(): Promise<void> {
  for (const name of [...created]) await deleteNamespace(name);
}

/**
 * Waits until no CustomResourceDefinition is being deleted. A test that installs a chart shipping CRDs right after
 * another test's `uninstall --delete-crds` can otherwise meet a CRD that is still Terminating (the API server's CRD
 * finalizer can take minutes on a loaded machine): it then vanishes under the install. Prints what it waits for.
 */
export async function crdsSettled(timeoutMs = 300_000): Promise<void> {
  const { connect } = await import('../../engine/kube/index.js');
  const client = await connect({ kubeconfig: kubeconfigPath() });
  const t0 = Date.now();
  let said = '';
  await waitFor('CustomResourceDefinitions being deleted to be gone', async () => {
    const list = await client.request('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
    const terminating = (list.items as { metadata: { name: string; deletionTimestamp?: string }; status?: { conditions?: { type: string; reason?: string }[] } }[])
      .filter((c) => c.metadata.deletionTimestamp);
    const now = terminating.map((c) => `${c.metadata.name} (${c.status?.conditions?.find((x) => x.type === 'Terminating')?.reason ?? '?'})`).join(', ');
    if (now && now !== said) process.stderr.write(`waiting for CRDs being deleted: ${now}\n`);
    said = now;
    return terminating.length === 0;
  }, timeoutMs, 1000);
  if (said) process.stderr.write(`CRDs settled after ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
}
