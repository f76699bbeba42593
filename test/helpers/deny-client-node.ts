// A Node loader hook file that makes loading @kubernetes/client-node fail — the package itself (unbundled runs) or
// the bundle chunk that holds its KubeConfig — so a test can prove a command never loads it (start-up cost).
// Used as NODE_OPTIONS=`--import <file>`; the error text is `client-node loaded`.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes the hook into `dir` and returns its path; `root` is the repository (its dist/bin/chunks is searched). */
export function denyClientNodeHook(root: string, dir: string): string {
  const chunks = path.join(root, 'dist/bin/chunks');
  const kubeChunk = readdirSync(chunks).find((f) => f.endsWith('.js') && readFileSync(path.join(chunks, f), 'utf8').includes('KubeConfig = class'));
  if (!kubeChunk) throw new Error(`no chunk in ${chunks} holds client-node's KubeConfig (is dist/ built by npm run build?)`);
  const hook = path.join(dir, 'deny-client-node.mjs');
  writeFileSync(hook, `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`export async function resolve(s, c, next) {
  if (s.startsWith('@kubernetes/client-node')) throw new Error('client-node loaded');
  const r = await next(s, c);
  if (r.url.endsWith('/chunks/${kubeChunk}')) throw new Error('client-node loaded');
  return r;
}\`));\n`);
  return hook;
}
