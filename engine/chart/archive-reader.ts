// Owns: the hand-off of the .tgz reader to the chart loader. engine/repo/archive.ts registers its reader when it is
// evaluated, so the loader never imports tar/pako itself (start-up) and needs no file path to find it (the CLI is
// bundled). Must not: import engine/repo (that is the point).

import { KfError } from '../errors.js';

export type ArchiveReader = (data: Buffer, source: string) => Map<string, Buffer>;

let reader: ArchiveReader | undefined;

export function registerArchiveReader(fn: ArchiveReader): void {
  reader = fn;
}

/** The registered reader; a program error (not a user one) when no code path has loaded engine/repo/archive. */
export function archiveReader(): ArchiveReader {
  if (!reader) throw new KfError('internal error: the chart archive reader is not loaded (import engine/repo/archive first)');
  return reader;
}
