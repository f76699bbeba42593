// Owns: building a publishable repository folder from a folder of charts (`npm run repo:build`): every chart
// folder under `chartsDir` packaged reproducibly into `outDir`, then `outDir/index.yaml` (merging the index already
// there, so published versions stay and a changed archive under an existing version is refused).
// Must not: print (scripts/repo-build.mjs does).

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { KfError } from '../errors.js';
import { packageChart, type PackageResult } from '../actions/package.js';
import { repoIndexAction } from '../actions/repo.js';

export async function buildRepo(opts: {
  chartsDir: string;
  outDir: string;
  url?: string;
  /** Chart folder names to package (default: every folder with a Chart.yaml). */
  only?: string[];
  skipLint?: boolean;
  /** Do not merge the index already in outDir (start the repository over). */
  fresh?: boolean;
}): Promise<{ packaged: PackageResult[]; index: string }> {
  const ents = await readdir(opts.chartsDir, { withFileTypes: true }).catch(() => {
    throw new KfError(`${opts.chartsDir}: no such charts folder`, { where: { file: opts.chartsDir } });
  });
  const dirs: string[] = [];
  for (const e of ents.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!e.isDirectory() || (opts.only && !opts.only.includes(e.name))) continue;
    const dir = path.join(opts.chartsDir, e.name);
    if (await stat(path.join(dir, 'Chart.yaml')).then(() => true, () => false)) dirs.push(dir);
  }
  if (!dirs.length) throw new KfError(`${opts.chartsDir}: no charts found (folders with a Chart.yaml)`);
  const packaged: PackageResult[] = [];
  for (const dir of dirs) packaged.push(await packageChart(dir, { destination: opts.outDir, skipLint: opts.skipLint }));
  const existing = path.join(opts.outDir, 'index.yaml');
  const hasIndex = !opts.fresh && (await readFile(existing).then(() => true, () => false));
  const r = await repoIndexAction(opts.outDir, { url: opts.url, merge: hasIndex ? existing : undefined });
  return { packaged, index: r.file };
}
