// Owns: the Secrets storage driver: one Secret per revision, `kfchart.release.v1.<name>.v<rev>` of type
// `kfchart.io/release.v1`, labelled owner=kfchart,name,version,status,createdAt,modifiedAt, with the gzip'd JSON
// record as `data.release` (the Secret's own base64 is the only one). Create is POST (409 = someone else made that
// revision first); update is PUT with the resourceVersion it was read at (409 = changed meanwhile).
// Must not: decide statuses or revisions.

import { ApiError, FIELD_MANAGER, isNotFound, type KubeClient } from '../kube/index.js';
import { decodeRecord, parseRecordName, recordName, type ReleaseRecord } from './record.js';
import {
  encodeChecked, LEASE_ANNOTATION, parseLease, recordLabels, RevisionExistsError, StaleRecordError,
  type Broken, type HistoryResult, type LeaseInfo, type ReleaseStorage, type Stored,
} from './storage.js';

export const RECORD_TYPE = 'kfchart.io/release.v1';

interface SecretObj {
  metadata: { name: string; namespace: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  type?: string;
  data?: Record<string, string>;
}

export class SecretsStorage implements ReleaseStorage {
  constructor(private readonly client: KubeClient) {}

  async history(namespace: string, name: string): Promise<HistoryResult> {
    return this.read(namespace, `owner=kfchart,name=${name}`, name);
  }

  async listAll(namespace: string | undefined): Promise<HistoryResult> {
    return this.read(namespace, 'owner=kfchart');
  }

  private async read(namespace: string | undefined, selector: string, name?: string): Promise<HistoryResult> {
    const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets` : '/api/v1/secrets';
    const out: HistoryResult = { revisions: [], broken: [] };
    let cont: string | undefined;
    do {
      const list = await this.client.request<{ items: SecretObj[]; metadata?: { continue?: string } }>('GET', path, {
        query: { labelSelector: selector, limit: 250, continue: cont },
      });
      for (const s of list.items) {
        const got = this.decode(s);
        if ('record' in got) {
          if (name === undefined || got.record.name === name) out.revisions.push(got);
        } else out.broken.push(got);
      }
      cont = list.metadata?.continue || undefined;
    } while (cont);
    out.revisions.sort((a, b) => a.record.namespace.localeCompare(b.record.namespace) || a.record.name.localeCompare(b.record.name) || a.record.revision - b.record.revision);
    return out;
  }

  private decode(s: SecretObj): Stored | Broken {
    const where = `Secret ${s.metadata.namespace}/${s.metadata.name}`;
    const parsed = parseRecordName(s.metadata.name);
    const broken = (error: string): Broken => ({
      storageName: s.metadata.name,
      namespace: s.metadata.namespace,
      name: parsed?.name ?? s.metadata.labels?.name,
      revision: parsed?.revision ?? (Number(s.metadata.labels?.version) || undefined),
      error,
    });
    if (s.type !== RECORD_TYPE) return broken(`${where}: labelled owner=kfchart but of type ${s.type ?? '(none)'}, not ${RECORD_TYPE} (foreign object)`);
    const b64 = s.data?.release;
    if (!b64) return broken(`${where}: has no data.release (corrupt record)`);
    try {
      const bytes = Buffer.from(b64, 'base64');
      const record = decodeRecord(bytes, where);
      if (record.namespace !== s.metadata.namespace || recordName(record.name, record.revision) !== s.metadata.name) {
        return broken(`${where}: holds release ${record.name} revision ${record.revision} of namespace ${record.namespace} (moved or foreign record)`);
      }
      const lease = parseLease(s.metadata.annotations?.[LEASE_ANNOTATION]);
      return { record, token: s.metadata.resourceVersion ?? '', size: bytes.length, ...(lease ? { lease } : {}), ...(s.metadata.labels ? { labels: s.metadata.labels } : {}) };
    } catch (e) {
      return broken((e as Error).message);
    }
  }

  private body(r: ReleaseRecord, bytes: Buffer, resourceVersion?: string, lease?: LeaseInfo): SecretObj & { apiVersion: string; kind: string } {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: recordName(r.name, r.revision), namespace: r.namespace, labels: recordLabels(r),
        ...(resourceVersion ? { resourceVersion } : {}),
        ...(lease ? { annotations: { [LEASE_ANNOTATION]: JSON.stringify(lease) } } : {}),
      },
      type: RECORD_TYPE,
      data: { release: bytes.toString('base64') },
    };
  }

  async create(record: ReleaseRecord, lease?: LeaseInfo): Promise<Stored> {
    const bytes = encodeChecked(record);
    try {
      const s = await this.client.request<SecretObj>('POST', `/api/v1/namespaces/${encodeURIComponent(record.namespace)}/secrets`, {
        body: this.body(record, bytes, undefined, lease),
        query: { fieldManager: FIELD_MANAGER },
        retry: true,
      });
      return { record, token: s.metadata.resourceVersion ?? '', size: bytes.length, ...(lease ? { lease } : {}) };
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // A retried create whose first attempt did arrive finds its own Secret: the same bytes and lease.
        const mine = await this.ifMine(record, bytes, lease);
        if (mine) return { record, token: mine, size: bytes.length, ...(lease ? { lease } : {}) };
        throw new RevisionExistsError(record.name, record.revision);
      }
      throw e;
    }
  }

  async renew(record: ReleaseRecord, token: string, lease: LeaseInfo): Promise<Stored> {
    const name = recordName(record.name, record.revision);
    try {
      // A merge patch of the annotation only, with the resourceVersion as precondition: the record is not resent.
      const s = await this.client.request<SecretObj>('PATCH', `/api/v1/namespaces/${encodeURIComponent(record.namespace)}/secrets/${name}`, {
        body: { metadata: { resourceVersion: token, annotations: { [LEASE_ANNOTATION]: JSON.stringify(lease) } } },
        contentType: 'application/merge-patch+json',
        query: { fieldManager: FIELD_MANAGER },
        retry: true,
      });
      return { record, token: s.metadata.resourceVersion ?? '', size: 0, lease };
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        const mine = await this.ifMine(record, undefined, lease);
        if (mine) return { record, token: mine, size: 0, lease };
      }
      if (e instanceof ApiError && (e.status === 409 || e.status === 404)) throw new StaleRecordError(record.name, record.revision);
      throw e;
    }
  }

  async update(record: ReleaseRecord, token: string): Promise<Stored> {
    const bytes = encodeChecked(record);
    const name = recordName(record.name, record.revision);
    try {
      const s = await this.client.request<SecretObj>('PUT', `/api/v1/namespaces/${encodeURIComponent(record.namespace)}/secrets/${name}`, {
        body: this.body(record, bytes, token),
        query: { fieldManager: FIELD_MANAGER },
        retry: true,
      });
      return { record, token: s.metadata.resourceVersion ?? '', size: bytes.length };
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        const mine = await this.ifMine(record, bytes, undefined);
        if (mine) return { record, token: mine, size: bytes.length };
      }
      if (e instanceof ApiError && (e.status === 409 || e.status === 404)) throw new StaleRecordError(record.name, record.revision);
      throw e;
    }
  }

  /**
   * After a 409 on a retried write: the Secret's resourceVersion when it holds exactly what this write sent (the
   * first attempt arrived, its answer was lost), else undefined. `bytes`/`lease` undefined: not compared.
   */
  private async ifMine(record: ReleaseRecord, bytes: Buffer | undefined, lease: LeaseInfo | undefined): Promise<string | undefined> {
    const cur = await this.client.request<SecretObj>('GET', `/api/v1/namespaces/${encodeURIComponent(record.namespace)}/secrets/${recordName(record.name, record.revision)}`).catch(() => undefined);
    if (!cur) return undefined;
    if (bytes && cur.data?.release !== bytes.toString('base64')) return undefined;
    const have = cur.metadata.annotations?.[LEASE_ANNOTATION];
    if (lease ? have !== JSON.stringify(lease) : bytes ? have !== undefined : true) return undefined;
    return cur.metadata.resourceVersion;
  }

  async remove(namespace: string, name: string, revision: number): Promise<void> {
    try {
      await this.client.request('DELETE', `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${recordName(name, revision)}`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
