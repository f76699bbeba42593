// Owns: the candidates of shell completion (the hidden `kfchart __complete WORD...` the scripts of completion.ts
// call, as cobra's __complete): verbs, subcommands, flags, enum values of flags and arguments, release names (from
// the cluster of the kubeconfig/namespace the words name, 2 s at most, silent on any failure), repository names,
// `repo/chart` names from the cached indexes, the charts shipped with kfchart and local chart folders / archives.
// Output: one candidate per line (`value<TAB>description` unless descriptions are off), then `:<directive>`
// (bit 2: no space after the candidate, bit 4: no file-name fallback; 0: the shell may complete file names).
// Must not: print anything but the candidates, or fail loudly (a broken completion must not disturb the shell).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { indexCacheFile, readRepoConfig } from '../repo/config.js';
import { BUNDLED_REPO, bundledChartsDir } from '../repo/bundled.js';
import { globalOptions, type AnyCommand } from './flags.js';
import { cliSpec, type CommandSpec, type OptionSpec } from './spec.js';

export const NO_SPACE = 2;
export const NO_FILE = 4;

interface Candidate { value: string; description?: string }
interface Result { candidates: Candidate[]; directive: number }

/** Commands whose `name` argument is an existing release. */
const RELEASE_COMMANDS = new Set(['upgrade', 'rollback', 'uninstall', 'history', 'status', 'get', 'diff', 'test']);
/** Commands whose chart argument may be `repo/chart` or a shipped chart, not only a local folder. */
const REPO_CHART_COMMANDS = new Set(['template', 'show', 'install', 'upgrade', 'pull', 'diff']);
/** Flags whose value is a file or folder (the shell completes it). */
const FILE_FLAG = /(^|-)(values|file|kubeconfig|keyring|dir|key|signature|merge|renderer|config)$/;

interface Globals { kubeconfig?: string; kubeContext?: string; namespace?: string }

/** The candidates for `words` (the last one is the word being completed; '' for a new word). */
export async function complete(commands: readonly AnyCommand[], words: string[]): Promise<Result> {
  const root = cliSpec(commands, globalOptions);
  const cur = words.length ? words[words.length - 1]! : '';
  const before = words.slice(0, -1);
  const chain: CommandSpec[] = [root];
  const globals: Globals = { namespace: process.env.KFCHART_NAMESPACE || undefined, kubeContext: process.env.KFCHART_KUBECONTEXT || undefined };
  const args: string[] = [];
  let dashdash = false;
  const flagsOf = () => chain.flatMap((c) => c.options).filter((o) => !o.hidden);
  const findFlag = (word: string): OptionSpec | undefined => {
    const name = word.replace(/^--?/, '').replace(/=.*$/, '');
    return flagsOf().find((o) => o.name === name || o.aliases.includes(name));
  };
  for (let i = 0; i < before.length; i++) {
    const w = before[i]!;
    if (!dashdash && w === '--') { dashdash = true; continue; }
    if (!dashdash && w.startsWith('-') && w !== '-') {
      const f = findFlag(w);
      let value: string | undefined;
      if (w.includes('=')) value = w.slice(w.indexOf('=') + 1);
      else if (f?.takesValue && i + 1 < before.length) value = before[++i];
      if (f && value !== undefined) {
        if (f.name === 'namespace') globals.namespace = value;
        else if (f.name === 'kubeconfig') globals.kubeconfig = value;
        else if (f.name === 'kube-context') globals.kubeContext = value;
      }
      continue;
    }
    const node = chain[chain.length - 1]!;
    const sub = !args.length ? node.commands.find((c) => c.name === w || c.aliases.includes(w)) : undefined;
    if (sub) chain.push(sub);
    else args.push(w);
  }
  const node = chain[chain.length - 1]!;

  // a flag's value: `--output=j` or `--output j`
  const prev = before[before.length - 1];
  if (!dashdash && cur.startsWith('-') && cur.includes('=')) {
    const f = findFlag(cur);
    if (!f) return { candidates: [], directive: NO_FILE };
    const prefix = cur.slice(0, cur.indexOf('=') + 1);
    const r = await flagValues(f, cur.slice(prefix.length), globals);
    return { ...r, candidates: r.candidates.map((c) => ({ ...c, value: prefix + c.value })) };
  }
  if (!dashdash && prev && prev.startsWith('-') && !prev.includes('=') && findFlag(prev)?.takesValue) {
    return flagValues(findFlag(prev)!, cur, globals);
  }
  if (!dashdash && cur.startsWith('-')) {
    const out: Candidate[] = [];
    for (const o of flagsOf()) {
      out.push({ value: `--${o.name}`, description: o.description });
      if (!cur.startsWith('--')) for (const a of o.aliases) if (a.length === 1) out.push({ value: `-${a}`, description: o.description });
    }
    return { candidates: filter(dedupe(out), cur), directive: NO_FILE };
  }
  if (node.commands.length && !args.length) {
    return { candidates: filter(node.commands.filter((c) => !c.hidden).map((c) => ({ value: c.name, description: c.describe })), cur), directive: NO_FILE };
  }
  const pos = positionalAt(node, args.length);
  if (!pos) return { candidates: [], directive: NO_FILE };
  if (pos.choices) return { candidates: filter(pos.choices.map((c) => ({ value: c })), cur), directive: NO_FILE };
  const verb = chain[1]?.name ?? '';
  if (pos.name === 'name' && RELEASE_COMMANDS.has(verb)) {
    return { candidates: filter((await releaseNames(globals)).map((value) => ({ value })), cur), directive: NO_FILE };
  }
  if (pos.name === 'names' && verb === 'repo') return { candidates: filter((await repoNames()).map((value) => ({ value })), cur), directive: NO_FILE };
  if (pos.name === 'chart' || pos.name === 'charts' || (pos.name === 'target' && args[0] === 'upgrade')) {
    return chartCandidates(cur, REPO_CHART_COMMANDS.has(verb));
  }
  // `install CHART` (one positional: the release is named after the chart): the first word may be a chart
  if (pos.name === 'name' && verb === 'install' && args.length === 0) return chartCandidates(cur, true);
  if (pos.name === 'name' || pos.name === 'url' || pos.name === 'keyword' || pos.name === 'revision') return { candidates: [], directive: NO_FILE };
  return { candidates: [], directive: 0 };
}

function positionalAt(node: CommandSpec, i: number) {
  const ps = node.positionals;
  if (i < ps.length) return ps[i];
  const last = ps[ps.length - 1];
  return last?.variadic ? last : undefined;
}

const filter = (cs: Candidate[], prefix: string) => cs.filter((c) => c.value.startsWith(prefix));
const dedupe = (cs: Candidate[]) => cs.filter((c, i) => cs.findIndex((d) => d.value === c.value) === i);

async function flagValues(f: OptionSpec, cur: string, g: Globals): Promise<Result> {
  if (f.choices) return { candidates: filter(f.choices.map((value) => ({ value })), cur), directive: NO_FILE };
  if (f.name === 'kube-context') return { candidates: filter((await contexts(g)).map((value) => ({ value })), cur), directive: NO_FILE };
  if (f.name === 'repo' && !/^[a-z]+:/.test(cur)) return { candidates: [], directive: NO_FILE };
  if (FILE_FLAG.test(f.name)) return { candidates: [], directive: 0 };
  return { candidates: [], directive: NO_FILE };
}

async function contexts(g: Globals): Promise<string[]> {
  try {
    const { loadKubeconfig } = await import('../kube/kubeconfig.js');
    return loadKubeconfig(g.kubeconfig)?.config.contexts.map((c) => c.name) ?? [];
  } catch {
    return [];
  }
}

/** Release names in the namespace the words (or the environment, or the context) name; [] after 2 s or on any error. */
async function releaseNames(g: Globals): Promise<string[]> {
  const work = (async () => {
    const { listAction } = await import('../actions/list.js');
    const r = await listAction({ kubeconfig: g.kubeconfig, kubeContext: g.kubeContext, namespace: g.namespace, allNamespaces: false });
    return [...new Set(r.rows.map((x) => x.name))];
  })().catch(() => [] as string[]);
  const timeout = new Promise<string[]>((r) => setTimeout(() => r([]), 2000).unref());
  return Promise.race([work, timeout]);
}

async function repoNames(): Promise<string[]> {
  try {
    return (await readRepoConfig()).repositories.map((r) => r.name);
  } catch {
    return [];
  }
}

/** Chart names of a cached index (the keys under `entries:`), without parsing the whole index. */
export function indexChartNames(text: string): string[] {
  if (text.trimStart().startsWith('{')) {
    try {
      return Object.keys((JSON.parse(text) as { entries?: object }).entries ?? {});
    } catch {
      return [];
    }
  }
  const names: string[] = [];
  const start = /^entries:[ \t]*$/m.exec(text);
  if (!start) return names;
  const re = /^(?:([ \t]+)(?:"([^"]+)"|'([^']+)'|([^\s:#'"][^:#]*?)):[ \t]*$|(\S))/gm;
  re.lastIndex = start.index + start[0].length;
  let indent: string | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[5] !== undefined) break; // the next top-level key
    if (indent === undefined) indent = m[1];
    if (m[1] === indent) names.push((m[2] ?? m[3] ?? m[4])!);
  }
  return names;
}

async function repoCharts(): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const name of await repoNames()) {
    try {
      for (const c of indexChartNames(readFileSync(indexCacheFile(name), 'utf8'))) {
        out.push({ value: `${name}/${c}`, description: `chart in repository ${name}` });
      }
    } catch { /* no cached index: nothing to offer */ }
  }
  return out;
}

/** The bundled charts (engine/repo/bundled.ts), by name and as `kfchart/<name>`. */
function shippedCharts(): Candidate[] {
  const dir = bundledChartsDir();
  if (!dir) return [];
  try {
    return readdirSync(dir).filter((n) => existsSync(path.join(dir, n, 'Chart.yaml')))
      .flatMap((n) => [{ value: n, description: 'chart shipped with kfchart' }, { value: `${BUNDLED_REPO}/${n}`, description: 'chart shipped with kfchart' }]);
  } catch {
    return [];
  }
}

/** Local chart folders and archives under the typed prefix; folders end in `/` (no space: the user goes on typing). */
function localCharts(cur: string): Candidate[] {
  const dir = cur.includes('/') ? cur.slice(0, cur.lastIndexOf('/') + 1) : '';
  const out: Candidate[] = [];
  try {
    for (const n of readdirSync(dir || '.')) {
      if (n.startsWith('.') && !cur.slice(dir.length).startsWith('.')) continue;
      const full = dir + n;
      let isDir = false;
      try { isDir = statSync(full).isDirectory(); } catch { continue; }
      if (isDir) out.push({ value: `${full}/`, description: existsSync(path.join(full, 'Chart.yaml')) ? 'chart folder' : undefined });
      else if (/\.tgz$/.test(n)) out.push({ value: full, description: 'chart archive' });
    }
  } catch { /* unreadable folder */ }
  return out;
}

async function chartCandidates(cur: string, byName: boolean): Promise<Result> {
  const local = filter(localCharts(cur), cur);
  const named = byName && !cur.startsWith('.') && !cur.startsWith('/') ? filter([...(await repoCharts()), ...shippedCharts()], cur) : [];
  const all = dedupe([...named, ...local]);
  return { candidates: all, directive: NO_FILE | (all.some((c) => c.value.endsWith('/')) ? NO_SPACE : 0) };
}

/** The `__complete` protocol text. */
export function formatCompletion(r: Result, descriptions: boolean): string {
  const lines = r.candidates.map((c) => (descriptions && c.description ? `${c.value}\t${c.description.replace(/\s+/g, ' ')}` : c.value));
  return `${lines.join('\n')}${lines.length ? '\n' : ''}:${r.directive}\n`;
}
