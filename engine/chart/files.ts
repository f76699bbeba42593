// Owns: reading a chart folder from disk into a file map (path → bytes), honouring `.kfchartignore`
// (gitignore syntax) and the size limits; shared by the loader and by `package`.
// Must not: parse chart files (load.ts does) or write anything.

import { readFile, readdir, lstat, realpath, stat } from 'node:fs/promises';
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
  const root = await realpath(dir).catch(() => {
    throw new KfError(`${dir}: no such chart folder`, { where: { file: dir } });
  });
  // The gitignore matcher is loaded only for charts that have a .kfchartignore (start-up time).
  const ignoreText = await readFile(path.join(root, '.kfchartignore'), 'utf8').catch(() => undefined);
  const ig = ignoreText === undefined ? undefined : (await import('ignore')).default().add(ignoreText);

  const out = new Map<string, Buffer>();
  let bytes = 0;
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(root, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      const relPath = rel ? `${rel}/${ent.name}` : ent.name;
      const abs = path.join(root, relPath);
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      if (ent.isSymbolicLink()) {
        const target = await realpath(abs).catch(() => undefined);
        if (!target || (target !== root && !target.startsWith(root + path.sep))) {
          throw new KfError(`${dir}: ${relPath} is a symbolic link leading outside the chart folder`, {
            where: { file: path.join(dir, relPath) },
          });
        }
        const st = await stat(target);
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (ALWAYS_IGNORED.has(ent.name) || ig?.ignores(isDir ? `${relPath}/` : relPath)) continue;
      if (isDir) {
        await walk(relPath);
      } else if (isFile) {
        const st = await lstat(abs);
        bytes += st.size;
        if (out.size + 1 > CHART_LIMITS.maxFiles || bytes > CHART_LIMITS.maxBytes) {
          throw new KfError(
            `${dir}: chart is larger than ${CHART_LIMITS.maxFiles} files or ${CHART_LIMITS.maxBytes / 1024 / 1024} MiB; ` +
              'leave build output out with .kfchartignore',
            { where: { file: dir } },
          );
        }
        out.set(relPath, await readFile(abs));
      }
    }
  };
  await walk('');
  return out;
}
