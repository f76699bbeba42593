// Owns: reading a chart folder from disk into a file map (path → bytes), honouring `.kfchartignore`
// (gitignore syntax) and the size limits; shared by the loader and by `package`.
// Must not: parse chart files (load.ts does) or write anything.

import { readFileSync, readdirSync, lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { KfError } from '../errors.js';

export const CHART_LIMITS = { maxFiles: 5000, maxBytes: 50 * 1024 * 1024 };

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
  const walk = (rel: string): void => {
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
        const st = lstatSync(abs);
        bytes += st.size;
        if (out.size + 1 > CHART_LIMITS.maxFiles || bytes > CHART_LIMITS.maxBytes) {
          throw new KfError(
            `${dir}: chart is larger than ${CHART_LIMITS.maxFiles} files or ${CHART_LIMITS.maxBytes / 1024 / 1024} MiB; ` +
              'leave build output out with .kfchartignore',
            { where: { file: dir } },
          );
        }
        out.set(relPath, readFileSync(abs));
      }
    }
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
