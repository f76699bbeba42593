// A Node preload file that makes loading @kubernetes/client-node fail — the package itself (unbundled runs: an ES
// module resolve hook) or the side bundle that holds its KubeConfig (dist/bin/chunks/client-node.cjs, which the CLI
// bundle requires on first use) — so a test can prove a command never loads it (start-up cost).
// Used as NODE_OPTIONS=`--import <file>`; the error text is `client-node loaded`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes the hook into `dir` and returns its path; `root` is the repository (its dist/bin/chunks is checked). */
export function denyClientNodeHook(root: string, dir: string): string {
  const side = path.join(root, 'dist/bin/chunks/client-node.cjs');
  if (!existsSync(side) || !readFileSync(side, 'latin1').includes('KubeConfig = class')) throw new Error(`${side} does not hold client-node's KubeConfig (is dist/ built by npm run build?)`);
  const hook = path.join(dir, 'deny-client-node.mjs');
  writeFileSync(hook, `import Module, { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`export async function resolve(s, c, next) {
  if (s.startsWith('@kubernetes/client-node')) throw new Error('client-node loaded');
  return next(s, c);
}\`));
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request.startsWith('@kubernetes/client-node') || /[\\\\/]chunks[\\\\/]client-node\\.cjs$/.test(request)) throw new Error('client-node loaded');
  return load.call(this, request, ...rest);
};\n`);
  return hook;
}
