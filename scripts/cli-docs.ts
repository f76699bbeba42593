// `npm run docs:cli`: rewrites docs/cli.md from its "## Global flags" heading to the end — every verb and flag, read
// from the yargs command definitions (engine/cli/spec.ts), with helm 4's name beside each (bench/.tools' helm
// --help; run bench/tools.sh first). The part above that heading is written by hand. test/unit/cli/docs.test.ts
// fails when the file lacks a verb or flag.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../engine/cli/commands/index.js';
import { globalOptions } from '../engine/cli/flags.js';
import { cliSpec, type CommandSpec, type OptionSpec } from '../engine/cli/spec.js';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const helm = path.join(root, 'bench/.tools/bin/helm/helm');
const spec = cliSpec(commands, globalOptions);
function helmFlags(p: string[]): Set<string> | undefined {
  const r = spawnSync(helm, [...p, '--help'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.includes('Usage:') ) return undefined;
  if (p.length && !new RegExp(`helm ${p.join(' ')}`).test(r.stdout)) return undefined;
  const s = new Set<string>();
  for (const m of r.stdout.matchAll(/^\s+(?:-(\w), )?--([a-z0-9-]+)/gm)) { s.add(m[2]!); if (m[1]) s.add(m[1]); }
  return s;
}
const esc = (t = '') => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
function row(o: OptionSpec, hf?: Set<string>): string {
  const neg = o.description?.startsWith(`--no-${o.name}:`);
  if (neg) o = { ...o, description: o.description!.slice(`--no-${o.name}:`.length).trim() };
  const names0 = [`--${o.name}`, ...o.aliases.map((a) => (a.length === 1 ? `-${a}` : `--${a}`))].map((n) => `\`${n}\``).join(', ');
  const names = neg ? names0.replace(`\`--${o.name}\``, `\`--no-${o.name}\` (\`--${o.name}\`)`) : names0;
  const vals = o.choices ? o.choices.join('\\|') : o.takesValue ? (o.type === 'array' ? 'list' : 'value') : '';
  let h = '';
  if (hf) h = hf.has(o.name) || (neg && hf.has(`no-${o.name}`)) ? 'same' : o.aliases.find((a) => hf.has(a)) ? `\`--${o.aliases.find((a) => hf.has(a))}\`` : 'kfchart only';
  return `| ${names} | ${vals} | ${esc(o.description)} | ${h} |`;
}
const out: string[] = [];
function walk(c: CommandSpec, p: string[]) {
  for (const s of c.commands.filter((x) => !x.hidden)) {
    const path = [...p, s.name];
    let hf = helmFlags(path);
    const first = s.positionals[0];
    if (first?.choices) for (const c of first.choices) { const f = helmFlags([...path, c]); if (f) hf = new Set([...(hf ?? []), ...f]); }
    const usage = [path.join(' '), ...s.positionals.map((x) => (x.required ? `<${x.name}${x.variadic ? '..' : ''}>` : `[${x.name}${x.variadic ? '..' : ''}]`))].join(' ');
    out.push(`### kfchart ${path.join(' ')}`, '', `\`kfchart ${usage}\`${s.aliases.length ? ` (alias ${s.aliases.map((a) => `\`${a}\``).join(', ')})` : ''} — ${s.describe}. ${hf ? `helm: \`helm ${path.join(' ')}\`.` : 'helm: none.'}`, '');
    const pos = s.positionals.filter((x) => x.description || x.choices);
    if (pos.length) { for (const x of pos) out.push(`- \`${x.name}\`: ${x.choices ? x.choices.join(', ') : ''}${x.choices && x.description ? '; ' : ''}${esc(x.description)}`); out.push(''); }
    if (s.options.length) {
      out.push('| flag | value | meaning | helm |', '|---|---|---|---|');
      for (const o of s.options) out.push(row(o, hf));
      out.push('');
    }
    walk(s, path);
  }
}
const hf = helmFlags([]);
out.push('## Global flags', '', '| flag | value | meaning | helm |', '|---|---|---|---|');
for (const o of spec.options) out.push(row(o, hf));
out.push('', '## Commands', '');
walk(spec, []);
const file = path.join(root, 'docs/cli.md');
const text = readFileSync(file, 'utf8');
const at = text.indexOf('\n## Global flags\n');
if (at < 0) throw new Error(`${file}: no "## Global flags" heading`);
if (spawnSync(helm, ['version'], { encoding: 'utf8' }).status !== 0) throw new Error(`${helm}: not found (run bash bench/tools.sh)`);
writeFileSync(file, `${text.slice(0, at + 1)}${out.join("\n").trimEnd()}\n`);
