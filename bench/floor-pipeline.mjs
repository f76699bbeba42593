// The floor of kfchart's design, for bench/render.mjs: the least work any `template` built on our libraries must
// do — import handlebars and js-yaml, compile and render the bench chart's template, parse the rendered text back
// into objects — with nothing else: no CLI, no values merge or schema, no checks, no output. `toYaml`/`nindent`
// return precomputed text, so rendering costs as little as it can.
// Usage: node bench/floor-pipeline.mjs <import|render|parse> <chart dir>
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';

// the same V8 setting as bin/kfchart.ts, so memory figures compare
if (process.versions.node.startsWith('20.')) setFlagsFromString('--semi-space-growth-factor=1');

const [mode, dir] = process.argv.slice(2);
const { default: Handlebars } = await import('handlebars');
const yaml = await import('js-yaml');
if (mode === 'import') process.exit(0);

const values = yaml.load(readFileSync(path.join(dir, 'values.yaml'), 'utf8'));
const source = readFileSync(path.join(dir, 'templates/configmaps.yaml'), 'utf8');
const hb = Handlebars.create();
const labels = yaml.dump(values.labels).trimEnd();
const data = yaml.dump(values.data).trimEnd();
hb.registerHelper('toYaml', (v) => (v === values.labels ? labels : data));
hb.registerHelper('nindent', (n, s) => `\n${s.replace(/^/gm, ' '.repeat(n))}`);
const text = hb.compile(source, { noEscape: true, strict: true })({ values });
if (mode === 'render') process.exit(text.length > 0 ? 0 : 1);

const docs = yaml.loadAll(text, { schema: yaml.CORE_SCHEMA });
process.exit(docs.length > 0 ? 0 : 1);
