// Differential check of the --set grammar against the real Helm binary (not part of the unit suite: it needs
// bench/.tools from `bash bench/tools.sh`). Run: npx tsx test/unit/values/helm-compare.ts
// Prints one line per expression whose result differs from `helm template`; known, documented deviations are
// listed in EXPECTED_DIFFERENT (see docs/values.md).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applySet, type SetFlag } from '../../../engine/values/index.js';

const helm = join(import.meta.dirname, '../../../bench/.tools/bin/helm/helm');
if (!existsSync(helm)) {
  console.error(`no helm at ${helm}; run bash bench/tools.sh`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'kfchart-helm-'));
mkdirSync(join(dir, 'templates'));
writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: hc\nversion: 0.1.0\n');
writeFileSync(join(dir, 'templates/v.yaml'), 'v: {{ toJson .Values }}\n');

const CASES: [SetFlag['kind'], string][] = [
  ['set', 'a.b=c'], ['set', 'a=1,b=2'], ['set', 'a[0]=x'], ['set', 'a[2]=x'], ['set', 'a[1].b=y'], ['set', 'a[0][1]=x'],
  ['set', 'a.b[0].c[1].d=z'], ['set', 'a={x,y}'], ['set', 'a={1,true,null,x}'], ['set', 'a={x},b=1'], ['set', 'a={a,}'],
  ['set', 'a=b=c'], ['set', 'a='], ['set', 'a=,b=1'], ['set', 'a=1,'], ['set', 'a= x '], ['set', 'a\\.b=c'],
  ['set', 'a=x\\,y'], ['set', 'a\\=b=c'], ['set', 'a=x\\\\y'], ['set', 'a={x\\,y,z}'], ['set', 'a=x\\'],
  ['set', 'a=true,b=FALSE,c=null,d=NULL,e=0,f=-5,g=+7,h=0123,i=-012,j=-0,k=00'], ['set', 'a=yes,b=off,c=1e3,d=1.10'],
  ['set', 'a.b[0]=1,a.b[2]=3'], ['set', 'a[0].b=1,a[0].c=2'], ['set', 'toString=1'], ['set', 'a[1]={x,y}'],
  ['set-string', 'a=1,b=true,c=null,d={1,2}'], ['set-json', 'a.b={"x":1}'], ['set-json', 'a=[1,2],b="s,t",c=3'],
  ['set-json', 'a=,b=2'], ['set-json', 'a={"k":"}]"},b=1'], ['set-json', 'a[1]={"x":1}'], ['set-json', 'a= 5 ,b=1'],
  ['set-json', '{"a":1}'], ['set-json', ' {"a":{"b":[1]}}'],
  // documented deviations
  ['set', 'a={}'], ['set', 'a=1.5'], ['set', 'a=9007199254740993'],
];
const EXPECTED_DIFFERENT = new Set(['a={}', 'a=1.5', 'a=9007199254740993']);

let diffs = 0;
for (const [kind, expr] of CASES) {
  let theirs: string;
  try {
    const out = execFileSync(helm, ['template', 'hc', dir, `--${kind}`, expr], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    theirs = /^v: (.*)$/m.exec(out)![1]!;
  } catch (e) {
    theirs = 'ERROR';
  }
  let ours: string;
  try {
    ours = JSON.stringify(sortKeys(applySet({}, { kind, expr })));
  } catch {
    ours = 'ERROR';
  }
  theirs = theirs === 'ERROR' ? theirs : JSON.stringify(sortKeys(JSON.parse(theirs)));
  const same = ours === theirs;
  if (!same || EXPECTED_DIFFERENT.has(expr)) {
    if (!same && !EXPECTED_DIFFERENT.has(expr)) diffs++;
    console.log(`${same ? 'same' : EXPECTED_DIFFERENT.has(expr) ? 'known' : 'DIFF'}  --${kind} ${expr}\n    helm:    ${theirs}\n    kfchart: ${ours}`);
  }
}
console.log(`${CASES.length} cases, ${diffs} unexpected differences`);
process.exit(diffs ? 1 : 0);

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
