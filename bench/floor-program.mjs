// The floor program (bench/floor-pipeline.mjs builds it into one script and runs it the way kfchart runs its CLI: from
// V8's code cache, engine/cache/code.ts runScriptBundle). Steps: `import` (handlebars and js-yaml evaluated), `render`
// (+ compile and render the bench chart's template), `parse` (+ parse the text back with kfchart's parseYamlAll).
import Handlebars from 'handlebars';
import * as yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export async function run(mode, dir) {
  if (mode === 'import') process.exit(Handlebars && yaml.load ? 0 : 1);
  const values = yaml.load(readFileSync(path.join(dir, 'values.yaml'), 'utf8'));
  const source = readFileSync(path.join(dir, 'templates/configmaps.yaml'), 'utf8');
  const hb = Handlebars.create();
  const labels = yaml.dump(values.labels).trimEnd();
  const data = yaml.dump(values.data).trimEnd();
  hb.registerHelper('toYaml', (v) => (v === values.labels ? labels : data));
  hb.registerHelper('nindent', (n, s) => `\n${s.replace(/^/gm, ' '.repeat(n))}`);
  const text = hb.compile(source, { noEscape: true, strict: true })({ values });
  if (mode === 'render') process.exit(text.length > 0 ? 0 : 1);
  // loaded on this step only (esbuild makes the import a function it calls here)
  const { parseYamlAll } = await import('../dist/engine/yaml/index.js');
  const docs = parseYamlAll(text, 'configmaps.yaml');
  process.exit(docs.length > 0 ? 0 : 1);
}
