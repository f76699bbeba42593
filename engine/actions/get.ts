// Owns: `kfchart get all|hooks|metadata|values|manifest|notes <name> [--revision]`: the stored record of the chosen
// revision (the latest unless --revision, as helm picks it) and its Secret's labels. Must not: print.

import type { Values } from '../chart/types.js';
import type { ReleaseRecord } from '../release/index.js';
import { withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';
import { storedLabels } from './list.js';
import { pickRevision, stateWarnings } from './status.js';

export interface GetOptions extends GlobalOptions {
  /** Also answer one part: values (user-supplied, or merged with `all`), manifest or notes. */
  what?: 'values' | 'manifest' | 'notes';
  all?: boolean;
  name: string;
  revision?: number;
  session?: Session;
}

export interface GetResult {
  record: ReleaseRecord;
  labels: Record<string, string>;
  warnings: string[];
  revision: number;
  values?: Values;
  text?: string;
}

export async function getAction(o: GetOptions): Promise<GetResult> {
  return withRelease(o, async (_s, st) => {
    const pick = pickRevision(st, o.name, o.revision);
    const r = pick.record;
    const part = o.what === 'values' ? { values: o.all ? r.values : r.config } : o.what ? { text: o.what === 'manifest' ? r.manifest : r.notes } : {};
    return { record: r, labels: storedLabels(pick), warnings: stateWarnings(st), revision: r.revision, ...part };
  });
}
