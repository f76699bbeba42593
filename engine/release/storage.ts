// Owns: the storage interface for release records and the in-memory driver (unit tests of actions, dry runs).
// Records are written create-if-absent (the lock that makes two operations on one release exclusive) and
// updated with an optimistic-concurrency token. Reading never throws for a bad record: it comes back as `broken`.
// Must not: decide statuses or revisions (engine/actions/lifecycle does).

import { KfError } from '../errors.js';
import { decodeRecord, encodeRecord, MAX_RECORD_BYTES, parseRecordName, recordName, type ReleaseRecord, type ReleaseStatus } from './record.js';

/** A stored revision: the record and the token (resourceVersion) to update it with. */
export interface Stored {
  record: ReleaseRecord;
  token: string;
  size: number;
  /** The labels the record's Secret carries (Secrets storage; `list -l` and `get metadata` read them). */
  labels?: Record<string, string>;
  /** The lock of a revision being written (pending-*, uninstalling): who holds it and until when. */
  lease?: LeaseInfo;
}

/**
 * Who holds a release's lock, like a coordination.k8s.io Lease: the holder (host, pid, start, operation) renews
 * `renewedAt` every ~duration/3 while it works; once `renewedAt + durationSeconds` has passed (or the process is
 * known gone) the revision may be recovered by another command. Kept beside the record (a Secret annotation), so
 * renewing never rewrites the record; any update of the record drops it (the lock is released).
 */
export interface LeaseInfo {
  host: string;
  pid: number;
  /** When the holder process started working on it (ISO). */
  startedAt: string;
  operation: string;
  renewedAt: string;
  durationSeconds: number;
  tool?: string;
}

export const LEASE_ANNOTATION = 'kfchart.io/lease';

/** A lease annotation's value back to a LeaseInfo (undefined when absent or malformed). */
export function parseLease(v: string | undefined): LeaseInfo | undefined {
  if (!v) return undefined;
  try {
    const l = JSON.parse(v) as LeaseInfo;
    if (typeof l.host !== 'string' || typeof l.pid !== 'number' || typeof l.renewedAt !== 'string' || typeof l.durationSeconds !== 'number') return undefined;
    return l;
  } catch {
    return undefined;
  }
}

/** A stored object that claims to be a release record but cannot be read. */
export interface Broken {
  storageName: string;
  namespace: string;
  name?: string;
  revision?: number;
  error: string;
}

export interface HistoryResult {
  revisions: Stored[];
  broken: Broken[];
}

export interface ReleaseStorage {
  /** Every revision of a release in one namespace, oldest first. */
  history(namespace: string, name: string): Promise<HistoryResult>;
  /** Every revision of every release (one namespace, or all when undefined). */
  listAll(namespace: string | undefined): Promise<HistoryResult>;
  /** Create a revision (with its lock when `lease` is given); throws RevisionExistsError when it already exists. */
  create(record: ReleaseRecord, lease?: LeaseInfo): Promise<Stored>;
  /** Replace a revision, only if still at `token` (releases its lease); throws StaleRecordError otherwise. */
  update(record: ReleaseRecord, token: string): Promise<Stored>;
  /** Renew the lease of a revision, only if still at `token` (the record itself is not rewritten). */
  renew(record: ReleaseRecord, token: string, lease: LeaseInfo): Promise<Stored>;
  remove(namespace: string, name: string, revision: number): Promise<void>;
}

export class RevisionExistsError extends KfError {
  constructor(readonly releaseName: string, readonly revision: number) {
    super(`release ${releaseName}: revision ${revision} was just created by another operation; only one operation may run on a release at a time`);
  }
}

export class StaleRecordError extends KfError {
  constructor(readonly releaseName: string, readonly revision: number) {
    super(`release ${releaseName}: revision ${revision} was changed by another operation while this one ran`);
  }
}

export class RecordTooLargeError extends KfError {
  constructor(readonly releaseName: string, readonly revision: number, readonly bytes: number) {
    super(`release ${releaseName} revision ${revision}: the release record is ${bytes} bytes compressed, over the ${MAX_RECORD_BYTES}-byte limit of a Secret (split the release into several)`);
  }
}

/** Encode and enforce the size limit (the caller says whether anything was changed). */
export function encodeChecked(r: ReleaseRecord): Buffer {
  const bytes = encodeRecord(r);
  if (bytes.length > MAX_RECORD_BYTES) throw new RecordTooLargeError(r.name, r.revision, bytes.length);
  return bytes;
}

/** Keeps records in a Map, encoded exactly like the Secrets driver (so sizes and validation are the same). */
export class MemoryStorage implements ReleaseStorage {
  private readonly data = new Map<string, { ns: string; bytes: Buffer; version: number; lease?: LeaseInfo }>();
  /** Test hook: called before every write (`create`/`update`/`renew`/`remove` and the revision); throw to inject a failure. */
  beforeWrite?: (op: 'create' | 'update' | 'renew' | 'remove', revision: number, record?: ReleaseRecord) => void | Promise<void>;
  private seq = 0;

  private key(ns: string, name: string, rev: number) {
    return `${ns}/${recordName(name, rev)}`;
  }

  /** Test hook: store raw bytes under a storage name, as a corrupt or foreign record would be. */
  putRaw(ns: string, storageName: string, bytes: Buffer): void {
    this.data.set(`${ns}/${storageName}`, { ns, bytes, version: ++this.seq });
  }

  async history(namespace: string, name: string): Promise<HistoryResult> {
    const all = await this.listAll(namespace);
    return {
      revisions: all.revisions.filter((s) => s.record.name === name),
      broken: all.broken.filter((b) => b.name === name),
    };
  }

  async listAll(namespace: string | undefined): Promise<HistoryResult> {
    const out: HistoryResult = { revisions: [], broken: [] };
    for (const [k, v] of this.data) {
      if (namespace !== undefined && v.ns !== namespace) continue;
      const storageName = k.slice(v.ns.length + 1);
      try {
        out.revisions.push({ record: decodeRecord(v.bytes, `${v.ns}/${storageName}`), token: String(v.version), size: v.bytes.length, ...(v.lease ? { lease: { ...v.lease } } : {}) });
      } catch (e) {
        const m = parseRecordName(storageName);
        out.broken.push({ storageName, namespace: v.ns, name: m?.name, revision: m?.revision, error: (e as Error).message });
      }
    }
    out.revisions.sort((a, b) => a.record.revision - b.record.revision);
    return out;
  }

  async create(record: ReleaseRecord, lease?: LeaseInfo): Promise<Stored> {
    await this.beforeWrite?.('create', record.revision, record);
    const bytes = encodeChecked(record);
    const k = this.key(record.namespace, record.name, record.revision);
    if (this.data.has(k)) throw new RevisionExistsError(record.name, record.revision);
    const version = ++this.seq;
    this.data.set(k, { ns: record.namespace, bytes, version, lease });
    return { record, token: String(version), size: bytes.length, ...(lease ? { lease } : {}) };
  }

  async renew(record: ReleaseRecord, token: string, lease: LeaseInfo): Promise<Stored> {
    await this.beforeWrite?.('renew', record.revision, record);
    const k = this.key(record.namespace, record.name, record.revision);
    const cur = this.data.get(k);
    if (!cur || String(cur.version) !== token) throw new StaleRecordError(record.name, record.revision);
    const version = ++this.seq;
    this.data.set(k, { ...cur, version, lease });
    return { record, token: String(version), size: cur.bytes.length, lease };
  }

  async update(record: ReleaseRecord, token: string): Promise<Stored> {
    await this.beforeWrite?.('update', record.revision, record);
    const bytes = encodeChecked(record);
    const k = this.key(record.namespace, record.name, record.revision);
    const cur = this.data.get(k);
    if (!cur || String(cur.version) !== token) throw new StaleRecordError(record.name, record.revision);
    const version = ++this.seq;
    this.data.set(k, { ns: record.namespace, bytes, version });
    return { record, token: String(version), size: bytes.length };
  }

  async remove(namespace: string, name: string, revision: number): Promise<void> {
    await this.beforeWrite?.('remove', revision);
    this.data.delete(this.key(namespace, name, revision));
  }
}

/** Labels kept on every stored record (Secret labels; also what `list --status` filters on). */
export function recordLabels(r: ReleaseRecord): Record<string, string> {
  return {
    ...r.labels, // the release's own (--labels); the names below are reserved (engine/cli/flags.ts RESERVED_LABELS)
    owner: 'kfchart',
    name: r.name,
    version: String(r.revision),
    status: r.status,
    createdAt: String(Math.floor(Date.parse(r.firstDeployed) / 1000)),
    modifiedAt: String(Math.floor(Date.now() / 1000)),
  };
}

export type { ReleaseStatus };
