// Owns: --post-renderer: the rendered templates (one `---` + `# Source: <template>` stream, what `template` prints)
// go to an executable's stdin; its stdout is the manifest kfchart builds the objects from, each document keeping the
// template of the `# Source:` comment above it (documents without one: `post-renderer`). helm 3's meaning (an
// executable; helm 4 takes a plugin name, and kfchart has no plugins). crds/ files and NOTES are not post-rendered.
// Must not: write files.

import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';
import { KfError } from '../errors.js';

export interface PostRenderer {
  command: string;
  args?: string[];
}

interface Source { template: string; text: string }

/** Run the post-renderer over `files`; the returned sources replace them (empty output is an error). */
export function postRender(pr: PostRenderer, files: Source[]): Source[] {
  const input = files
    .filter((f) => f.text.trim())
    .map((f) => `---\n# Source: ${f.template}\n${f.text.replace(/^(---[^\n]*\n)+/, '')}${f.text.endsWith('\n') ? '' : '\n'}`)
    .join('');
  const name = `--post-renderer "${pr.command}"`;
  // node:child_process only when a post-renderer is given (~4 ms of every render's start-up on Node 24 otherwise)
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof ChildProcess;
  const r = spawnSync(pr.command, pr.args ?? [], { input, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  // EPIPE: it exited without reading all of stdin; its exit code and output still decide.
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'EPIPE') {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new KfError(`${name}: cannot run it: ${code === 'ENOENT' ? 'no such executable (give a path, or a name on PATH)' : code === 'EACCES' ? 'not executable' : r.error.message}`);
  }
  if (r.status !== 0) {
    const why = r.stderr.trim().split('\n').filter(Boolean).pop();
    throw new KfError(`${name} failed (${r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`})${why ? `: ${why}` : ''}`);
  }
  if (!r.stdout.trim()) throw new KfError(`${name} printed no manifest on stdout`);
  return splitSources(r.stdout);
}

/** A `---` / `# Source:` stream → one source per template (consecutive documents of one template together). */
function splitSources(text: string): Source[] {
  const out: Source[] = [];
  let cur: Source = { template: 'post-renderer', text: '' };
  for (const doc of text.split(/^---[ \t]*(?:\r?\n|$)/m)) {
    const m = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*?#\s*Source:\s*(\S[^\n]*?)\s*$/m.exec(doc);
    const template = m && doc.slice(0, m.index).trim() === '' ? m[1]! : undefined;
    if (template !== undefined && template !== cur.template) {
      if (cur.text.trim()) out.push(cur);
      cur = { template, text: '' };
    }
    if (doc.trim()) cur.text += `---\n${doc}${doc.endsWith('\n') ? '' : '\n'}`;
  }
  if (cur.text.trim()) out.push(cur);
  return out;
}
