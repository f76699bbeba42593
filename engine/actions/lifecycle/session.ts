// Owns: a session with the cluster (client, objects, release storage, namespace) and the one way every verb opens
// and closes it: withSession / withRelease (open unless the caller passed one, close in finally), plus reading a
// release's state. Must not: write to the cluster or to the release records.

import { ClusterObjects, connect, type KubeClient, type Objects } from '../../kube/index.js';
import { checkReleaseName, SecretsStorage, type ReleaseStorage } from '../../release/index.js';
import { releaseState, type ReleaseState } from './state.js';

export interface GlobalOptions {
  kubeconfig?: string;
  kubeContext?: string;
  namespace?: string;
  /** Bounds the whole command (write verbs: --timeout, plus a few seconds to record the outcome). */
  timeoutSeconds?: number;
}

/** The bound of a command without --timeout (status, list, history, get, diff). */
export const READ_TIMEOUT_SECONDS = 60;
/** Beyond --timeout: time to record how the operation ended. */
export const RECORD_GRACE_SECONDS = 5;

export interface Session {
  /** Closed by withSession when it opened the session; setDeadline bounds every request from then on. */
  client: { close(): void; setDeadline?(seconds: number | undefined, label: string): void; remainingMs?(): number | undefined };
  objects: Objects;
  storage: ReleaseStorage;
  namespace: string;
}

/** A session against a real cluster (what openSession returns). */
export interface ClusterSession extends Session {
  client: KubeClient;
}

export async function openSession(g: GlobalOptions): Promise<ClusterSession> {
  const client = await connect({ kubeconfig: g.kubeconfig, context: g.kubeContext });
  return { client, objects: new ClusterObjects(client), storage: new SecretsStorage(client), namespace: g.namespace || client.contextNamespace };
}

export async function loadState(s: Session, name: string, namespace = s.namespace): Promise<ReleaseState> {
  return releaseState(namespace, name, await s.storage.history(namespace, name));
}

/** Run `body` in `o.session`, or in a session opened from the kubeconfig flags and closed when it ends. */
export async function withSession<T>(o: GlobalOptions & { session?: Session }, body: (s: Session) => Promise<T>): Promise<T> {
  const s = o.session ?? (await openSession(o));
  if (!o.session) {
    if (o.timeoutSeconds !== undefined) s.client.setDeadline?.(o.timeoutSeconds + RECORD_GRACE_SECONDS, `--timeout of ${o.timeoutSeconds} s`);
    else s.client.setDeadline?.(READ_TIMEOUT_SECONDS, `${READ_TIMEOUT_SECONDS} s allowed to a command without --timeout`);
  }
  try {
    return await body(s);
  } finally {
    if (!o.session) s.client.close();
  }
}

/** withSession for one release: its name checked first, its state read in the session's namespace. */
export async function withRelease<T>(
  o: GlobalOptions & { name: string; session?: Session },
  body: (s: Session, st: ReleaseState) => Promise<T>,
): Promise<T> {
  checkReleaseName(o.name);
  return withSession(o, async (s) => body(s, await loadState(s, o.name)));
}
