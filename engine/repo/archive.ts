// Owns: chart archives (.tgz) in both directions, with the safety rules of docs/repo.md:
//  - readChartArchive: safe IN-MEMORY read (no disk writes) of a chart .tgz into chart-relative paths → bytes;
//  - extractChartArchive: the same read, then written into a temp dir next to the destination and renamed into place
//    only when everything succeeded (a refused archive leaves nothing behind);
//  - writeChartArchive: a reproducible .tgz from a file map (sorted entries, fixed mtime/owner/modes, fixed gzip
//    header, deflate in plain JavaScript), so the same chart gives the same bytes and digest on any machine and day.
// Must not: parse chart files (engine/chart does), touch the network, or print.

import { mkdir, rename, rm, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { Header, Parser, Pax } from 'tar';
import { gzip as pakoGzip } from 'pako';
import { KfError } from '../errors.js';
import { registerArchiveReader } from '../chart/archive-reader.js';

export const ARCHIVE_LIMITS = {
  /** Total uncompressed size of the files in an archive. */
  maxBytes: 50 * 1024 * 1024,
  /** Entries (files and folders) in an archive. */
  maxEntries: 5000,
};

/** mtime written into every entry of archives we create: 1980-01-01T00:00:00Z (a common reproducible-build epoch). */
export const ARCHIVE_MTIME = new Date(Date.UTC(1980, 0, 1));

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
registerArchiveReader(readChartArchive);

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
    tarBuf = zlib.gunzipSync(data, { maxOutputLength: streamCap });
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

  const parser = new Parser({
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

/**
 * Extract a chart archive into `destDir` (which must not exist yet, or is replaced when `replace`): the archive is
 * read and checked fully in memory, written into a temp folder next to `destDir`, and renamed into place only on
 * success. Nothing is ever written outside that temp folder; a refusal leaves nothing behind.
 */
export async function extractChartArchive(
  data: Buffer,
  destDir: string,
  opts: { source?: string; replace?: boolean } = {},
): Promise<Map<string, Buffer>> {
  const files = readChartArchive(data, opts.source ?? destDir);
  const dest = path.resolve(destDir);
  if (!opts.replace && (await stat(dest).then(() => true, () => false))) {
    throw new KfError(`${destDir}: already exists; remove it first`, { where: { file: destDir } });
  }
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.kfchart-tmp-${process.pid}-${Date.now()}`;
  try {
    for (const [rel, buf] of files) {
      const target = path.resolve(tmp, rel);
      if (!target.startsWith(tmp + path.sep)) throw new KfError(`${opts.source ?? destDir}: entry "${rel}" leaves the target folder`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, buf, { mode: 0o644 });
    }
    if (opts.replace) await rm(dest, { recursive: true, force: true });
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return files;
}

/**
 * A reproducible gzip-compressed tar of `files` under the folder `top/`: entries sorted by path, a folder entry
 * before its contents, mtime ARCHIVE_MTIME, uid/gid 0, empty user/group names, modes 0644 (files) / 0755 (folders),
 * long paths via PAX headers, and a gzip header with no name, mtime 0 and OS byte 255 ("unknown").
 */
export function writeChartArchive(top: string, files: Map<string, Buffer>): Buffer {
  const blocks: Buffer[] = [];
  const dirs = new Set<string>([top]);
  for (const rel of files.keys()) {
    const segs = rel.split('/');
    for (let i = 1; i < segs.length; i++) dirs.add(`${top}/${segs.slice(0, i).join('/')}`);
  }
  const all: { p: string; data?: Buffer }[] = [
    ...[...dirs].map((d) => ({ p: `${d}/` })),
    ...[...files].map(([rel, data]) => ({ p: `${top}/${rel}`, data })),
  ];
  all.sort((a, b) => (a.p < b.p ? -1 : a.p > b.p ? 1 : 0));
  for (const { p, data } of all) {
    const common = { path: p, uid: 0, gid: 0, uname: '', gname: '', mtime: ARCHIVE_MTIME };
    const h = new Header({
      ...common,
      mode: data ? 0o644 : 0o755,
      size: data ? data.length : 0,
      type: data ? 'File' : 'Directory',
    });
    const block = Buffer.alloc(512);
    if (h.encode(block, 0)) {
      blocks.push(new Pax({ path: p, mtime: ARCHIVE_MTIME, uid: 0, gid: 0, uname: '', gname: '', size: data?.length ?? 0 }).encode());
    }
    blocks.push(block);
    if (data && data.length) {
      blocks.push(data);
      const pad = (512 - (data.length % 512)) % 512;
      if (pad) blocks.push(Buffer.alloc(pad));
    }
  }
  blocks.push(Buffer.alloc(1024));
  // pako (zlib ported to plain JavaScript) rather than node:zlib: Node's bundled zlib picks CPU-specific code paths
  // and has changed its output between releases, so the same tar could gzip to different bytes on another machine.
  const gz = Buffer.from(pakoGzip(Buffer.concat(blocks), { level: 9 }));
  gz[9] = 0xff; // OS byte: "unknown", the same on every platform
  return gz;
}
