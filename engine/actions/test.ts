// Owns: `kfchart test <name>`: run the `test` hooks of a release's deployed revision (helm test), optionally only
// those named by --filter name=X (or all but !name=X), record each hook's last run in that revision's record, and
// collect the logs of the test pods (--logs: after the tests, before hook-succeeded/hook-failed deletions).
// Must not: print (the CLI prints helm's TEST SUITE lines).

import { KfError } from '../errors.js';
import type { HookRecord, ReleaseRecord } from '../release/index.js';
import type { KubeClient } from '../kube/index.js';
import { hookObject, hookTimeoutMs, runHooks } from './lifecycle/hooks.js';
import { withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';

export interface TestOptions extends GlobalOptions {
  name: string;
  /** helm's --filter: `name=X` runs only X (repeatable), `!name=X` leaves X out; values may be comma-separated. */
  filter?: string[];
  logs?: boolean;
  onLine?: (l: string) => void;
  session?: Session;
}

export interface PodLog { pod: string; container: string; text: string }

export interface TestResult {
  record: ReleaseRecord;
  /** The release's test hooks (every one, run or skipped), in run order. */
  tests: HookRecord[];
  logs: PodLog[];
  /** Why the tests failed (the CLI prints the record first, then this as the error). */
  error?: KfError;
}

/** --filter values → names to run and names to leave out (helm: `name=` and `!name=` / `! name=`). */
export function parseTestFilter(filter: string[] = []): { include: string[]; exclude: string[] } {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const f of filter.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)) {
    const m = /^(!\s?)?name=(.*)$/.exec(f);
    if (!m) throw new KfError(`--filter ${f}: use name=NAME or '!name=NAME'`, { exitCode: 2 });
    (m[1] ? exclude : include).push(m[2]!);
  }
  return { include, exclude };
}

export async function testAction(o: TestOptions): Promise<TestResult> {
  const { include, exclude } = parseTestFilter(o.filter);
  return withRelease(o, async (s, st) => {
    const rev = st.deployed;
    if (!rev) {
      throw new KfError(st.latest ? `release ${o.name} has no deployed revision to test (latest ${st.latest.record.revision} is ${st.latest.record.status})`
        : `release ${o.name} not found in namespace ${st.namespace}`);
    }
    const record = rev.record;
    const all = (record.hooks ?? []).filter((h) => h.events.includes('test'));
    const chosen = all.filter((h) => !exclude.includes(h.name) && (!include.length || include.includes(h.name)));
    for (const n of include) if (!all.some((h) => h.name === n)) throw new KfError(`--filter name=${n}: release ${o.name} has no test named ${n} (tests: ${all.map((h) => h.name).join(', ') || 'none'})`);
    const logs: PodLog[] = [];
    let error: KfError | undefined;
    try {
      await runHooks(s.objects, chosen, 'test', {
        timeoutMs: hookTimeoutMs(o.timeoutSeconds, s.client.remainingMs?.()),
        onLine: o.onLine,
        beforeCleanup: o.logs ? async (ran) => { logs.push(...(await podLogs(s, ran))); } : undefined,
      });
    } catch (e) {
      if (!(e instanceof KfError)) throw e;
      error = e;
    }
    // The runs are kept in the deployed revision's record (helm updates the release it tested).
    await s.storage.update(record, rev.token);
    return { record, tests: all, logs, ...(error ? { error } : {}) };
  });
}

/** Logs of every container of the test pods (a Pod hook, or the pods of a Job hook). */
async function podLogs(s: Session, hooks: HookRecord[]): Promise<PodLog[]> {
  const client = s.client as Partial<KubeClient>;
  if (typeof client.request !== 'function') return [];
  const req = client.request.bind(client);
  const out: PodLog[] = [];
  for (const h of hooks) {
    const obj = hookObject(h);
    const ns = obj.metadata.namespace ?? s.namespace;
    const base = `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
    let pods: { metadata: { name: string }; spec?: { initContainers?: { name: string }[]; containers?: { name: string }[] } }[] = [];
    try {
      if (h.kind === 'Pod') pods = [await req('GET', `${base}/${encodeURIComponent(h.name)}`)];
      else if (h.kind === 'Job') pods = (await req('GET', `${base}?labelSelector=${encodeURIComponent(`job-name=${h.name}`)}`)).items ?? [];
    } catch (e) {
      out.push({ pod: h.name, container: '', text: `(no pod to read logs from: ${(e as Error).message})` });
      continue;
    }
    for (const p of pods) {
      for (const c of [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])]) {
        let text: string;
        try {
          const r: unknown = await req('GET', `${base}/${encodeURIComponent(p.metadata.name)}/log?container=${encodeURIComponent(c.name)}`);
          text = typeof r === 'string' ? r : JSON.stringify(r);
        } catch (e) {
          text = `(logs unavailable: ${(e as Error).message})`;
        }
        out.push({ pod: p.metadata.name, container: c.name, text });
      }
    }
  }
  return out;
}
