// Golden render of the fixture chart test/unit/render/fixtures/front (loaded from disk with loadChart,
// values coalesced with computeValues): every byte of every rendered file and of NOTES.txt.
// Regenerate after an intended change: UPDATE_GOLDEN=1 npx uvu -r tsx test/unit/render golden
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadChart } from '../../../engine/chart/load.js';
import { computeValues } from '../../../engine/values/index.js';
import { ctx, renderAll } from './_util.js';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const persisted = { 'front-oidc-client': 'c2VjcmV0LWNsaWVudC1zZWNyZXQtMzItY2g', 'front-cookie': 'cookiecookie1234' };

async function renderFront(sets: { kind: 'set'; expr: string }[] = []) {
  const chart = await loadChart(dir + 'front');
  const { values } = computeValues(chart, [], sets);
  const res = renderAll(chart, values, ctx({ persisted }));
  return res.files.map((f) => `# Source: ${f.template}\n${f.text}`).join('---\n') + `=== NOTES\n${res.notes}`;
}

test('golden render of fixtures/front', async () => {
  const got = await renderFront();
  const file = dir + 'front.golden.txt';
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, got);
  assert.fixture(got, readFileSync(file, 'utf8'));
});

test('golden render is deterministic and reuses persisted secrets', async () => {
  const a = await renderFront();
  assert.is(await renderFront(), a);
  assert.ok(a.includes(Buffer.from(persisted['front-oidc-client']).toString('base64')));
  assert.ok(a.includes(`secret: ${persisted['front-oidc-client']}`)); // same key shared by parent and subchart
});

test('a config value change changes the checksum annotation (pods roll)', async () => {
  const sum = (s: string) => /checksum\/config: ([0-9a-f]{64})/.exec(s)![1];
  const a = await renderFront();
  const b = await renderFront([{ kind: 'set', expr: 'logLevel=debug' }]);
  assert.is.not(sum(a), sum(b));
  const c = await renderFront([{ kind: 'set', expr: 'replicas=5' }]); // not in the ConfigMap
  assert.is(sum(c), sum(a));
});

test('subchart disabled by its condition is not rendered', async () => {
  const out = await renderFront([{ kind: 'set', expr: 'dex.enabled=false' }]);
  assert.not.ok(out.includes('charts/dex'));
});

test.run();
