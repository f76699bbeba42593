// Owns: reading a chart folder from disk into a file map (path → bytes), honouring `.kfchartignore`
// (gitignore syntax) and the size limits; shared by the loader and by `package`.
// Must not: parse chart files (load.ts does) or write anything.

import { closeSync, fstatSync, openSync, readFileSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { KfError } from '../errors.js';

export const CHART_LIMITS = { maxFiles: 5000, maxBytes: 50 * 1024 * 1024, maxFileBytes: 16 * 1024 * 1024 };

/**
 * The bytes of `file`, refusing (an Error whose message says so, for fileReason) anything over `cap` bytes after
 * reading at most `cap + 1` (code ETOOLARGE, message `it is larger than N MiB, <limit>`): a device (`/dev/zero`), a pipe or a growing file cannot exhaust memory or time.
 */
export function readFileCapped(file: string, cap: number, limit = 'the limit'): Buffer {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error('it is a folder'), { code: 'EISDIR' });
    const tooLarge = () => Object.assign(new Error(`it is larger than ${Math.round((cap / 1024 / 1024) * 10) / 10} MiB, ${limit}`), { code: 'ETOOLARGE' });
    if (st.isFile() && st.size > cap) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(cap + 1 - total, 1024 * 1024));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      if (total > cap) throw tooLarge();
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** Names never part of a chart, at any depth, whatever .kfchartignore says. */
const ALWAYS_IGNORED = new Set(['.git', '.svn', '.hg', 'node_modules', '.DS_Store']);

/**
 * Read every file of the chart folder `dir` (sorted POSIX paths relative to it). Symbolic links are followed only
 * when they stay inside the chart folder; a link leading out of it is an error (it would smuggle host files in).
 */
export async function readChartDir(dir: string): Promise<Map<string, Buffer>> {
  // Synchronous reads on purpose: a chart is tens of small files, and one thread-pool round trip per file made
  // `template charts/kubeflow` wait ~50 ms with nothing to do (cpu profile, bench/render.mjs).
  const root = tryOr(() => realpathSync(dir), () => {
    throw new KfError(`${dir}: no such chart folder`, { where: { file: dir } });
  });
  // The gitignore matcher is loaded only for charts that have a .kfchartignore (start-up time).
  const ignoreText = tryOr(() => readFileSync(path.join(root, '.kfchartignore'), 'utf8'), () => undefined);
  const ig = ignoreText === undefined ? undefined : (await import('ignore')).default().add(ignoreText);

  const out = new Map<string, Buffer>();
  let bytes = 0;
  /** Real paths of the folders being walked (a link back to one of them is a loop). */
  const open: string[] = [];
  const walk = (rel: string): void => {
    const real = tryOr(() => realpathSync(path.join(root, rel)), () => path.join(root, rel));
    const loopAt = open.indexOf(real);
    if (loopAt >= 0) {
      const back = path.relative(root, real) || '.';
      throw new KfError(`${dir}: ${rel} is a symbolic link loop (it leads back to ${back === '.' ? 'the chart folder' : back})`, {
        where: { file: path.join(dir, rel) },
      });
    }
    open.push(real);
    const entries = readdirSync(path.join(root, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      const relPath = rel ? `${rel}/${ent.name}` : ent.name;
      const abs = path.join(root, relPath);
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      if (ent.isSymbolicLink()) {
        const target = tryOr(() => realpathSync(abs), () => undefined);
        if (!target || (target !== root && !target.startsWith(root + path.sep))) {
          throw new KfError(`${dir}: ${relPath} is a symbolic link leading outside the chart folder`, {
            where: { file: path.join(dir, relPath) },
          });
        }
        const st = statSync(target);
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (ALWAYS_IGNORED.has(ent.name) || ig?.ignores(isDir ? `${relPath}/` : relPath)) continue;
      if (isDir) {
        walk(relPath);
      } else if (isFile) {
        let data: Buffer;
        try {
          data = readFileCapped(abs, Math.min(CHART_LIMITS.maxFileBytes, CHART_LIMITS.maxBytes - bytes));
        } catch (e) {
          const over = CHART_LIMITS.maxBytes - bytes < CHART_LIMITS.maxFileBytes;
          throw new KfError(
            (e as NodeJS.ErrnoException).code === 'ETOOLARGE'
              ? over
                ? `${dir}: chart is larger than ${CHART_LIMITS.maxBytes / 1024 / 1024} MiB (at ${relPath}); leave build output out with .kfchartignore`
                : `${dir}: ${relPath} is larger than ${CHART_LIMITS.maxFileBytes / 1024 / 1024} MiB, the limit for one chart file; leave it out with .kfchartignore`
              : `${dir}: cannot read ${relPath}: ${(e as Error).message}`,
            { where: { file: path.join(dir, relPath) } },
          );
        }
        bytes += data.length;
        if (out.size + 1 > CHART_LIMITS.maxFiles) {
          throw new KfError(`${dir}: chart has more than ${CHART_LIMITS.maxFiles} files (at ${relPath}); leave build output out with .kfchartignore`, {
            where: { file: dir },
          });
        }
        out.set(relPath, data);
      }
    }
    open.pop();
  };
  walk('');
  return out;
}

function tryOr<T, U>(f: () => T, otherwise: () => U): T | U {
  try {
    return f();
  } catch {
    return otherwise();
  }
}
