// Owns: writing and extracting chart archives (.tgz), with the safety rules of docs/repo.md (the safe in-memory read,
// readChartArchive, is engine/chart/archive.ts, re-exported here):
//  - extractChartArchive: the same read, then written into a temp dir next to the destination and renamed into place
//    only when everything succeeded (a refused archive leaves nothing behind);
//  - writeChartArchive: a reproducible .tgz from a file map (sorted entries, fixed mtime/owner/modes, fixed gzip
//    header, deflate in plain JavaScript), so the same chart gives the same bytes and digest on any machine and day.
// Must not: parse chart files (engine/chart does), touch the network, or print.

import { mkdir, rename, rm, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Header, Pax } from 'tar';
import { gzip as pakoGzip } from 'pako';
import { KfError } from '../errors.js';
import { readChartArchive } from '../chart/archive.js';

export { ARCHIVE_LIMITS, readArchive, readChartArchive } from '../chart/archive.js';

/** mtime written into every entry of archives we create: 1980-01-01T00:00:00Z (a common reproducible-build epoch). */
export const ARCHIVE_MTIME = new Date(Date.UTC(1980, 0, 1));

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
