// Owns: which kubeconfig files a command reads and how they merge, exactly as kubectl (client-go's loading rules)
// does: --kubeconfig names one file (it must exist); else $KUBECONFIG is a list (':' on POSIX, ';' on Windows) whose
// missing files are skipped and whose duplicates are read once; else ~/.kube/config. The first file that defines a
// cluster, user or context name wins it, and current-context comes from the first file that sets one; relative file
// references (certificate-authority, client-certificate, client-key, tokenFile, an exec command with a path) are
// resolved against the folder of the file they appear in. The merged config is plain kubeconfig data that
// client-node's KubeConfig reads (engine/kube/client.ts).
// Must not: talk to the API server or hold credentials beyond the parsed files.

import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KfError } from '../errors.js';
import { parseYaml } from '../yaml/index.js';

type Obj = Record<string, unknown>;

export interface NamedEntry { name: string; [k: string]: unknown }

/** A kubeconfig as kubectl sees it after merging (the keys kubectl writes). */
export interface MergedKubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  'current-context'?: string;
  clusters: NamedEntry[];
  users: NamedEntry[];
  contexts: NamedEntry[];
  preferences: Obj;
}

export interface LoadedKubeconfig {
  config: MergedKubeconfig;
  /** The files that existed and were read, in order. */
  files: string[];
}

/** The files a command would read, in precedence order (missing ones included; --kubeconfig alone when given). */
export function kubeconfigPaths(explicit?: string, env: string | undefined = process.env.KUBECONFIG): string[] {
  if (explicit) return [explicit];
  if (env && env.trim()) {
    const seen = new Set<string>();
    return env.split(path.delimiter).filter((f) => f.trim() && !seen.has(f) && (seen.add(f), true));
  }
  return [path.join(os.homedir(), '.kube', 'config')];
}

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Path-valued fields of each section, resolved against the file's folder (client-go's GetAuthInfoFileReferences etc.). */
const FILE_FIELDS: Record<'clusters' | 'users', { key: 'cluster' | 'user'; fields: string[] }> = {
  clusters: { key: 'cluster', fields: ['certificate-authority'] },
  users: { key: 'user', fields: ['client-certificate', 'client-key', 'tokenFile'] },
};

function resolveRefs(section: 'clusters' | 'users', entry: NamedEntry, dir: string): NamedEntry {
  const { key, fields } = FILE_FIELDS[section];
  const body = entry[key];
  if (!isObj(body)) return entry;
  const out: Obj = { ...body };
  for (const f of fields) {
    const v = out[f];
    if (typeof v === 'string' && v !== '' && !path.isAbsolute(v)) out[f] = path.resolve(dir, v);
  }
  // An exec plugin named with a path (not a bare command looked up on PATH) is relative to the file, as in client-go.
  const exec = out.exec;
  if (section === 'users' && isObj(exec) && typeof exec.command === 'string' && exec.command.includes('/') && !path.isAbsolute(exec.command)) {
    out.exec = { ...exec, command: path.resolve(dir, exec.command) };
  }
  return { ...entry, [key]: out };
}

/** One file's named list, checked enough to merge it (a clear error names the file and the section). */
function entries(doc: Obj, section: 'clusters' | 'users' | 'contexts', file: string): NamedEntry[] {
  const list = doc[section];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KfError(`${file}: kubeconfig "${section}" must be a list`, { where: { file } });
  return list.map((e, i) => {
    if (!isObj(e) || typeof e.name !== 'string' || !e.name) {
      throw new KfError(`${file}: kubeconfig ${section}[${i}] has no name`, { where: { file, path: `${section}[${i}]` } });
    }
    return e as NamedEntry;
  });
}

/** Merge parsed kubeconfig documents in precedence order (the first definition of a name wins). */
export function mergeKubeconfigs(docs: { file: string; doc: unknown }[]): MergedKubeconfig {
  const merged: MergedKubeconfig = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [], preferences: {} };
  const names = { clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>() };
  for (const { file, doc } of docs) {
    if (doc === null || doc === undefined) continue; // an empty file is an empty config
    if (!isObj(doc)) throw new KfError(`${file}: not a kubeconfig (expected a mapping with clusters, users, contexts)`, { where: { file } });
    const dir = path.dirname(path.resolve(file));
    for (const section of ['clusters', 'users', 'contexts'] as const) {
      for (const e of entries(doc, section, file)) {
        if (names[section].has(e.name)) continue;
        names[section].add(e.name);
        merged[section].push(section === 'contexts' ? e : resolveRefs(section, e, dir));
      }
    }
    const cur = doc['current-context'];
    if (merged['current-context'] === undefined && typeof cur === 'string' && cur) merged['current-context'] = cur;
    if (!Object.keys(merged.preferences).length && isObj(doc.preferences)) merged.preferences = doc.preferences;
  }
  return merged;
}

/**
 * Read and merge the kubeconfig files kubectl would (see kubeconfigPaths). Undefined when no file exists (and none
 * was named): the caller then tries the in-cluster service account or says that a kubeconfig is missing.
 */
export function loadKubeconfig(explicit?: string): LoadedKubeconfig | undefined {
  const docs: { file: string; doc: unknown }[] = [];
  for (const file of kubeconfigPaths(explicit)) {
    if (!existsSync(file)) {
      if (explicit) throw new KfError(`--kubeconfig ${file}: no such file`, { where: { file } });
      continue;
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new KfError(`cannot read kubeconfig ${file}: ${(e as Error).message}`, { where: { file } });
    }
    docs.push({ file, doc: parseYaml(text, file) });
  }
  if (!docs.length) return undefined;
  return { config: mergeKubeconfigs(docs), files: docs.map((d) => d.file) };
}
