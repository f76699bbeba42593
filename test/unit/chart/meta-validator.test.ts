// The Chart.yaml validator ships as ajv "standalone" code (engine/chart/meta-validator.gen.ts) so that loading a
// chart does not load and run the ajv compiler (~60 ms and ~40 ms of meta-schema compile at every start).
// This test regenerates it from schemas/chart.schema.json and fails when the checked-in file is stale.
// Update: KFCHART_UPDATE_GENERATED=1 npx uvu -r tsx test/unit/chart meta-validator
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateMetaValidator } from './meta-validator.gen.js';

const target = fileURLToPath(new URL('../../../engine/chart/meta-validator.gen.ts', import.meta.url));

test('engine/chart/meta-validator.gen.ts matches schemas/chart.schema.json', () => {
  const fresh = generateMetaValidator();
  if (process.env.KFCHART_UPDATE_GENERATED === '1') writeFileSync(target, fresh);
  assert.ok(readFileSync(target, 'utf8') === fresh, 'stale: run KFCHART_UPDATE_GENERATED=1 npx uvu -r tsx test/unit/chart meta-validator');
});

test.run();
