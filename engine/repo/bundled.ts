// Owns: the built-in repository `kfchart`: the chart folders shipped in the npm package (`charts/` next to `dist/`,
// as `npm pack` lays it out), found from this module's own location, listed as an index (for `search repo`) and
// looked up by name (`kubeflow`, `kfchart/kubeflow`). A configured repository named `kfchart` hides it.
// Must not: write anything or touch the network.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYaml } from '../yaml/index.js';
import type { IndexVersion, RepoIndex } from './repoindex.js';

/** The built-in repository's name: `kfchart/<chart>`. */
export const BUNDLED_REPO = 'kfchart';

let dirMemo: string | null | undefined;

/**
 * The package's `charts/` folder: the nearest folder above this module (engine/repo/ in the sources, dist/bin/ or
 * dist/bin/chunks/ in the bundle) holding kfchart's package.json and a charts/ folder.
 */
export function bundledChartsDir(): string | undefined {
  if (dirMemo !== undefined) return dirMemo ?? undefined;
  dirMemo = null;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && existsSync(path.join(dir, 'charts'))) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kfchart') {
          dirMemo = path.join(dir, 'charts');
          break;
        }
      } catch {
        /* not ours */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dirMemo ?? undefined;
}

/** The folder of bundled chart `name`, when the package ships one. */
export function bundledChartPath(name: string): string | undefined {
  const dir = bundledChartsDir();
  if (!dir || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return undefined;
  const p = path.join(dir, name);
  return existsSync(path.join(p, 'Chart.yaml')) ? p : undefined;
}

/** The bundled charts as a repository index (one version each: the folder's Chart.yaml). */
export function bundledIndex(): RepoIndex {
  const index: RepoIndex = { apiVersion: 'v1', entries: {} } as RepoIndex;
  const dir = bundledChartsDir();
  if (!dir) return index;
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name, 'Chart.yaml');
    if (!existsSync(file)) continue;
    const meta = parseYaml(readFileSync(file, 'utf8'), file) as Partial<IndexVersion> & { name: string; version: string };
    const v: IndexVersion = {
      name: meta.name, version: String(meta.version), urls: [`file://${path.join(dir, name)}`], digest: '', created: '',
      ...(meta.appVersion !== undefined ? { appVersion: String(meta.appVersion) } : {}),
      ...(meta.description ? { description: meta.description } : {}),
      ...(meta.keywords ? { keywords: meta.keywords } : {}),
      ...(meta.deprecated ? { deprecated: meta.deprecated } : {}),
    } as IndexVersion;
    index.entries[meta.name] = [v];
  }
  return index;
}
