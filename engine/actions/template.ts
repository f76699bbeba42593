// Owns: `kfchart template`: prepare a release offline and print it as one YAML stream or write it as files,
// one per template under a folder per chart (ready to commit). Must not: talk to a cluster.
// Everything is rendered and checked before the first byte is written, so a failure leaves nothing half-written.

import { mkdir, writeFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { KfError } from '../errors.js';
import { toYamlStream, type ManifestEntry } from '../manifest/index.js';
import { prepareRelease, type PrepareOptions } from './prepare.js';

export interface TemplateOptions extends PrepareOptions {
  showOnly?: string[];
  includeCrds?: boolean;
  outputDir?: string;
  /** Leave hooks out (helm template --no-hooks); skipTests leaves out only the `test` hooks (--skip-tests). */
  noHooks?: boolean;
  skipTests?: boolean;
  /** --release-name: --output-dir gets a folder named after the release first. */
  releaseNameDir?: boolean;
  /** --validate: `install --dry-run=server` of the same release first (the cluster checks every object; the name must be free). */
  validate?: { kubeconfig?: string; kubeContext?: string };
}

/** Returns the YAML stream (also when writing files, for tests). */
export async function templateAction(opts: TemplateOptions): Promise<{ yaml: string; files: string[] }> {
  if (opts.validate) {
    const { installAction } = await import('./upgrade.js');
    const r = await installAction({
      ...opts.validate, namespace: opts.namespace, name: opts.name, chartRef: opts.chartRef, version: opts.version, devel: opts.devel,
      repo: opts.repo, verify: opts.verify, keyring: opts.keyring, valueFiles: opts.valueFiles?.filter((f): f is string => typeof f === 'string'),
      sets: opts.sets, skipCrds: opts.skipCrds, skipSchemaValidation: opts.skipSchemaValidation, postRenderer: opts.postRenderer, dryRun: 'server',
    });
    opts = { ...opts, kubeVersion: opts.kubeVersion ?? r.record.applied.kubeVersion };
  }
  const p = await prepareRelease(opts);
  // Hooks follow the release's objects, as helm template prints them.
  const hooks = opts.noHooks ? [] : p.hookEntries.filter((_e, i) => !(opts.skipTests && p.hooks[i]!.events.includes('test')));
  let entries: ManifestEntry[] = [...(opts.includeCrds ? [...p.crds, ...p.manifest] : p.manifest), ...hooks];
  if (opts.showOnly?.length) {
    const wanted = opts.showOnly.map((s) => s.replace(/^\.\//, ''));
    const matches = (t: string) => wanted.some((w) => t === w || t.endsWith(`/${w}`));
    const known = [...p.crds, ...p.manifest, ...hooks].map((e) => e.template);
    for (const w of wanted) {
      if (!known.some((t) => t === w || t.endsWith(`/${w}`))) {
        throw new KfError(`--show-only ${w}: no rendered template matches (templates that render nothing are not listed)`, {
          exitCode: 1,
        });
      }
    }
    entries = entries.filter((e) => matches(e.template));
  }
  const yaml = toYamlStream(entries);
  if (!opts.outputDir) return { yaml, files: [] };

  // Group by template, write into a fresh temp folder, then move each file into place.
  const byFile = new Map<string, ManifestEntry[]>();
  for (const e of entries) {
    const list = byFile.get(e.template) ?? [];
    list.push(e);
    byFile.set(e.template, list);
  }
  const root = path.resolve(opts.releaseNameDir ? path.join(opts.outputDir, opts.name) : opts.outputDir);
  const tmp = `${root}.kfchart-tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  const written: string[] = [];
  try {
    for (const [template, list] of byFile) {
      const rel = path.normalize(template);
      if (rel.startsWith('..') || path.isAbsolute(rel)) throw new KfError(`refusing to write template path ${template}`);
      const file = path.join(tmp, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, toYamlStream(list));
      written.push(rel);
    }
    for (const rel of written) {
      const dest = path.join(root, rel);
      await mkdir(path.dirname(dest), { recursive: true });
      await rename(path.join(tmp, rel), dest);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { yaml, files: written.map((r) => path.join(opts.outputDir!, opts.releaseNameDir ? opts.name : '', r)) };
}
