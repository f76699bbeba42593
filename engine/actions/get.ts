// Owns: `kfchart get values|manifest|notes <name> [--revision] [--all]`: parts of a stored record.
// Must not: print.

import { KfError } from '../errors.js';
import type { Values } from '../chart/types.js';
import { withRelease, type GlobalOptions, type Session } from './lifecycle/session.js';

export interface GetOptions extends GlobalOptions {
  what: 'values' | 'manifest' | 'notes';
  name: string;
  revision?: number;
  /** values: the merged values, not only the user-supplied ones. */
  all?: boolean;
  session?: Session;
}

export async function getAction(o: GetOptions): Promise<{ values?: Values; text?: string; revision: number }> {
  return withRelease(o, async (_s, st) => {
    const pick = o.revision !== undefined ? st.revisions.find((r) => r.record.revision === o.revision) : st.deployed ?? st.latest;
    if (!pick) {
      const b = st.broken.find((x) => x.revision === o.revision);
      if (b) throw new KfError(`release ${o.name} revision ${o.revision} cannot be read: ${b.error}`);
      throw new KfError(o.revision !== undefined ? `release ${o.name} has no revision ${o.revision}` : `release ${o.name} not found in namespace ${st.namespace}`);
    }
    const r = pick.record;
    if (o.what === 'values') return { values: o.all ? r.values : r.config, revision: r.revision };
    return { text: o.what === 'manifest' ? r.manifest : r.notes, revision: r.revision };
  });
}
