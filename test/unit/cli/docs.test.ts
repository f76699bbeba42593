// docs/cli.md documents every verb and every flag, and the README's command table names every verb: both are
// checked against the yargs command definitions themselves (engine/cli/commands, walked by engine/cli/spec.ts), so
// a verb or flag added anywhere fails here with the exact list of what the docs lack.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../../../engine/cli/commands/index.js';
import { globalOptions } from '../../../engine/cli/flags.js';
import { cliSpec, type CommandSpec, type OptionSpec } from '../../../engine/cli/spec.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const spec = cliSpec(commands, globalOptions);

/** docs/cli.md's sections: `### kfchart <verb> [sub]` and `## Global flags`, each up to the next heading. */
function sections(md: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^(#{2,3}) (.+)$/gm;
  const heads = [...md.matchAll(re)];
  heads.forEach((h, i) => {
    const end = i + 1 < heads.length ? heads[i + 1]!.index : md.length;
    const title = h[2]!.trim();
    const key = title === 'Global flags' ? '' : /^kfchart (.+)$/.exec(title)?.[1];
    if (key !== undefined) out.set(key, md.slice(h.index! + h[0].length, end));
  });
  return out;
}

/** The spellings of an option the docs must show (a boolean that defaults to true may be documented as --no-x). */
function spellings(o: OptionSpec): string[][] {
  const flag = (n: string) => (n.length === 1 ? `-${n}` : `--${n}`);
  return [[flag(o.name), `--no-${o.name}`], ...o.aliases.map((a) => [flag(a)])];
}

function missingIn(doc: Map<string, string>): string[] {
  const missing: string[] = [];
  const check = (key: string, opts: OptionSpec[], label: string) => {
    const text = doc.get(key);
    if (text === undefined) {
      missing.push(`${label}: no "${key ? `### kfchart ${key}` : '## Global flags'}" section`);
      return;
    }
    const lacking = opts.filter((o) => !o.hidden).flatMap((o) => spellings(o).filter((alts) => !alts.some((s) => text.includes(`\`${s}\``))).map((alts) => alts[0]!));
    if (lacking.length) missing.push(`${label}: ${lacking.join(', ')}`);
  };
  check('', spec.options, 'global flags');
  const walk = (c: CommandSpec, pre: string[]) => {
    for (const s of c.commands.filter((x) => !x.hidden)) {
      const p = [...pre, s.name];
      check(p.join(' '), s.options, `kfchart ${p.join(' ')}`);
      walk(s, p);
    }
  };
  walk(spec, []);
  return missing;
}

test('docs/cli.md has a section for every verb and subcommand naming each of its flags (and the global flags)', () => {
  const missing = missingIn(sections(readFileSync(path.join(root, 'docs/cli.md'), 'utf8')));
  assert.equal(missing, [], `docs/cli.md lacks:\n  ${missing.join('\n  ')}`);
});

test("the README's command table names every verb", () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const table = /^## Commands\n([\s\S]*?)\n(?!\|)/m.exec(readme.replace(/^## Commands\n\n/m, '## Commands\n'))?.[1] ?? '';
  const named = new Set<string>();
  for (const row of table.split('\n').filter((l) => l.startsWith('|'))) {
    const first = row.split(/(?<!\\)\|/)[1] ?? '';
    for (const m of first.matchAll(/`([^`]+)`/g)) for (const w of m[1]!.split(/[\s\\|/]+/)) named.add(w);
  }
  const verbs = spec.commands.filter((c) => !c.hidden).map((c) => c.name);
  const lacking = verbs.filter((v) => !named.has(v));
  assert.equal(lacking, [], `README.md's command table lacks: ${lacking.join(', ')}`);
});

test('the check itself: a verb or flag missing from the docs is reported by name', () => {
  const doc = sections(readFileSync(path.join(root, 'docs/cli.md'), 'utf8'));
  doc.delete('env');
  doc.set('list', (doc.get('list') ?? '').replaceAll('`--all-namespaces`', ''));
  assert.equal(missingIn(doc), ['kfchart list: --all-namespaces', 'kfchart env: no "### kfchart env" section']);
});

test.run();
