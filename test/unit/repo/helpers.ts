// Shared by the repo tests: temp folders, per-test config/cache homes, a static HTTP server on 127.0.0.1 (port 0)
// with hooks to tamper with responses, and a raw tar builder for hostile archives.

import { mkdtemp, rm, readFile, cp } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Header } from 'tar';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const DEMO = path.join(FIXTURES, 'demo');

const made: string[] = [];
export async function tmpDir(prefix = 'kfchart-repo-'): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}
export async function cleanTmp(): Promise<void> {
  while (made.length) await rm(made.pop()!, { recursive: true, force: true });
}

/** Point config and cache at fresh temp folders (env overrides). */
export async function isolateHomes(): Promise<{ config: string; cache: string }> {
  const config = await tmpDir('kfchart-config-');
  const cache = await tmpDir('kfchart-cache-');
  process.env.KFCHART_CONFIG_HOME = config;
  process.env.KFCHART_CACHE_HOME = cache;
  return { config, cache };
}

/** Copy a fixture chart into a temp folder (so tests can change it). */
export async function copyChart(src = DEMO): Promise<string> {
  const d = await tmpDir();
  const dest = path.join(d, path.basename(src));
  await cp(src, dest, { recursive: true });
  return dest;
}

export interface Served {
  url: string;
  requests: string[];
  /** Per-path override: return a Buffer to serve instead, a number for that status, 'hang' to never answer. */
  override: Map<string, Buffer | number | 'hang'>;
  close(): Promise<void>;
}

/** Serve `dir` statically on 127.0.0.1 at a random port. */
export async function serveDir(dir: string): Promise<Served> {
  const requests: string[] = [];
  const override = new Map<string, Buffer | number | 'hang'>();
  const server = http.createServer(async (req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(p);
    const o = override.get(p);
    if (o === 'hang') return; // never answers
    if (typeof o === 'number') {
      res.writeHead(o).end();
      return;
    }
    if (o) {
      res.writeHead(200).end(o);
      return;
    }
    const file = path.join(dir, path.normalize(p));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'content-length': data.length }).end(data);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    override,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface RawEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'BlockDevice' | 'FIFO';
  data?: Buffer | string;
  linkpath?: string;
  /** Declared size (defaults to data length); used for bombs with streamed zero data. */
  size?: number;
}

/** A raw tar (not gzipped) of exactly these entries, no checks. */
export function rawTar(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : e.data ?? Buffer.alloc(0);
    const size = e.size ?? data.length;
    const h = new Header({
      path: e.path,
      type: e.type ?? 'File',
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: (e.type ?? 'File') === 'File' ? size : 0,
      mtime: new Date(0),
      linkpath: e.linkpath,
      uname: '',
      gname: '',
    });
    const b = Buffer.alloc(512);
    h.encode(b, 0);
    parts.push(b);
    if ((e.type ?? 'File') === 'File' && size) {
      const body = Buffer.alloc(Math.ceil(size / 512) * 512);
      data.copy(body);
      parts.push(body);
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export const gz = (b: Buffer): Buffer => zlib.gzipSync(b);

export const CHART_YAML = 'apiVersion: v2\nname: evil\nversion: 1.0.0\n';
