// Owns: reading a chart archive (.tgz) safely IN MEMORY (no disk writes) into chart-relative paths → bytes, with the
// limits of docs/repo.md. tar is loaded on the first archive read (start-up of commands that read no archive pays
// nothing), synchronously, so loadChartFromFiles stays synchronous. Writing and extracting archives is engine/repo.
// Must not: parse chart files (load.ts does), write to disk, touch the network, or print.

import { createRequire } from 'node:module';
import type * as Zlib from 'node:zlib';
import type * as Tar from 'tar';
import { KfError } from '../errors.js';

const requireCjs = createRequire(import.meta.url);
let tar: typeof Tar | undefined;
// node:zlib too, on the first archive read (~3.5 ms of start-up on Node 24 for every `template` of a folder)
let zlib: typeof Zlib | undefined;

export const ARCHIVE_LIMITS = {
  /** Total uncompressed size of the files in an archive. */
  maxBytes: 50 * 1024 * 1024,
  /** Entries (files and folders) in an archive. */
  maxEntries: 5000,
};

/**
 * Read a chart archive into a map of chart-relative POSIX paths → bytes, stripping the single top-level folder
 * (`<name>/...`). Refuses (KfError naming `source` and the entry): corrupt gzip or tar, absolute paths, `..`
 * segments, symlinks, hardlinks, devices, fifos, entries outside the top folder, more than one top folder, more than
 * ARCHIVE_LIMITS.maxEntries entries or ARCHIVE_LIMITS.maxBytes uncompressed bytes (decompression stops as soon as
 * the cap is crossed, so a gzip bomb costs at most the cap).
 */
export function readChartArchive(data: Buffer, source: string): Map<string, Buffer> {
  return readArchive(data, source).files;
}

/** Like readChartArchive, also returning the top-level folder name. */
export function readArchive(data: Buffer, source: string): { top: string; files: Map<string, Buffer> } {
  const fail = (msg: string, entry?: string): never => {
    throw new KfError(`${source}: ${entry === undefined ? '' : `entry "${entry}": `}${msg}`, { where: { file: source } });
  };
  if (data.length < 2 || data[0] !== 0x1f || data[1] !== 0x8b) fail('not a gzip-compressed chart archive (.tgz)');

  // Tar headers and padding add at most ~1 KiB per entry on top of the file bytes.
  const streamCap = ARCHIVE_LIMITS.maxBytes + (ARCHIVE_LIMITS.maxEntries + 8) * 1536;
  let tarBuf: Buffer;
  try {
    tarBuf = (zlib ??= requireCjs('node:zlib') as typeof Zlib).gunzipSync(data, { maxOutputLength: streamCap });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      return fail(`uncompressed size is over the limit of ${ARCHIVE_LIMITS.maxBytes / 1024 / 1024} MiB (gzip bomb?)`);
    }
    return fail(`corrupt gzip data: ${err.message}`);
  }

  // tar's parser would silently decompress a second layer (gzip/zstd inside the gzip), outside the cap above.
  if ((tarBuf[0] === 0x1f && tarBuf[1] === 0x8b) || tarBuf.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) {
    fail('compressed twice (a compressed stream inside the gzip): not a chart archive');
  }

  const files = new Map<string, Buffer>();
  let top: string | undefined;
  let entries = 0;
  let bytes = 0;
  let problem: KfError | undefined;
  const refuse = (msg: string, entry?: string) => {
    problem ??= new KfError(`${source}: ${entry === undefined ? '' : `entry "${entry}": `}${msg}`, { where: { file: source } });
  };

  tar ??= requireCjs('tar') as typeof Tar;
  const parser = new tar.Parser({
    strict: true,
    onwarn: (_code: string, message: string | Error) => refuse(`corrupt tar data: ${message instanceof Error ? message.message : message}`),
    onReadEntry: (entry) => {
      if (problem) return entry.resume();
      const raw = entry.path;
      entries++;
      if (entries > ARCHIVE_LIMITS.maxEntries) {
        refuse(`more than ${ARCHIVE_LIMITS.maxEntries} entries`);
        return entry.resume();
      }
      const type = entry.type;
      if (type === 'SymbolicLink') return refuse(`symbolic links are not allowed (-> ${entry.linkpath})`, raw), entry.resume();
      if (type === 'Link') return refuse(`hard links are not allowed (-> ${entry.linkpath})`, raw), entry.resume();
      if (type !== 'File' && type !== 'OldFile' && type !== 'ContiguousFile' && type !== 'Directory') {
        return refuse(`entry type ${type} is not allowed (only files and folders)`, raw), entry.resume();
      }
      const p = raw.replace(/\\/g, '/');
      if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return refuse('absolute paths are not allowed', raw), entry.resume();
      const segs = p.split('/').filter((s) => s !== '' && s !== '.');
      if (segs.includes('..')) return refuse('".." path segments are not allowed', raw), entry.resume();
      if (segs.length === 0) return entry.resume();
      if (top === undefined) top = segs[0];
      else if (segs[0] !== top) {
        return refuse(`is outside the chart folder "${top}/" (an archive holds exactly one top-level folder)`, raw), entry.resume();
      }
      if (type === 'Directory') return entry.resume();
      if (segs.length === 1) return refuse(`is outside the chart folder "${top}/" (files must be inside one top-level folder)`, raw), entry.resume();
      bytes += entry.size ?? 0;
      if (bytes > ARCHIVE_LIMITS.maxBytes) {
        refuse(`uncompressed size is over the limit of ${ARCHIVE_LIMITS.maxBytes / 1024 / 1024} MiB`, raw);
        return entry.resume();
      }
      const rel = segs.slice(1).join('/');
      if (files.has(rel)) return refuse('appears twice in the archive', raw), entry.resume();
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => files.set(rel, Buffer.concat(chunks)));
    },
  });
  parser.on('error', (e: Error) => refuse(`corrupt tar data: ${e.message}`));
  try {
    parser.end(tarBuf);
  } catch (e) {
    refuse(`corrupt tar data: ${(e as Error).message}`);
  }
  if (problem) throw problem;
  if (top === undefined) fail('archive is empty');
  return { top: top!, files };
}
