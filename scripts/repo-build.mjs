#!/usr/bin/env node
// Owns: `npm run repo:build`: package every chart in charts/ into dist/repo/ with an index.yaml, ready to copy to a
// static host. Flags: --url URL (or KFCHART_REPO_URL), --charts DIR (default charts), --out DIR (default dist/repo),
// --skip-lint, --fresh (ignore the index already in the output folder). Uses the compiled engine in dist/ (built first when missing).
// Must not: contain packaging logic (engine/actions/repo.ts repoBuildAction has it).

import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    charts: { type: 'string', default: path.join(root, 'charts') },
    out: { type: 'string', default: path.join(root, 'dist', 'repo') },
    'skip-lint': { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
  },
});

const built = path.join(root, 'dist', 'engine', 'actions', 'repo.js');
if (!existsSync(built)) {
  const r = spawnSync('npx', ['tsc', '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const { repoBuildAction } = await import(pathToFileURL(built).href);
try {
  const res = await repoBuildAction({
    chartsDir: values.charts,
    outDir: values.out,
    url: values.url ?? process.env.KFCHART_REPO_URL,
    skipLint: values['skip-lint'],
    fresh: values.fresh,
  });
  for (const p of res.packaged) console.log(`packaged ${p.name} ${p.version} -> ${p.file} (sha256 ${p.digest})`);
  console.log(`wrote ${res.index}`);
} catch (e) {
  console.error(`Error: ${e.message}`);
  for (const d of e.details ?? []) console.error(d);
  process.exit(1);
}
