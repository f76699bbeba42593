// Races on one release against the real control plane (issue 12): upgrade∥upgrade, upgrade∥uninstall,
// upgrade∥rollback, install∥install, ROUNDS rounds each, the two operations started 0–80 ms apart. After every
// round: no pending revision, at most one deployed, no ConfigMap of the release that no record names (no orphan),
// and every loser was told plainly why. Figures (rounds, outcomes, time) are printed for the issue's closing note.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { kubeconfigPath, newNamespace, cleanupNamespaces } from '../helpers/cluster.js';
import { invariants } from '../helpers/faults.js';
import { installAction, upgradeAction } from '../../engine/actions/upgrade.js';
import { rollbackAction } from '../../engine/actions/rollback.js';
import { uninstallAction } from '../../engine/actions/uninstall.js';
import type { SetFlag } from '../../engine/values/index.js';

const CHART = fileURLToPath(new URL('./fixtures/lc', import.meta.url));
const ROUNDS = Number(process.env.KFCHART_RACE_ROUNDS) || 20;
const sets = (...e: string[]): SetFlag[] => e.map((expr) => ({ kind: 'set', expr }));
const LOSER = /another operation is in progress|not found in namespace|already exists in namespace|has no deployed revision|was written by another operation meanwhile|changed while it was being recovered/;

type Op = (ns: string, name: string) => Promise<unknown>;
const g = (ns: string) => ({ kubeconfig: kubeconfigPath(), namespace: ns });
const up = (v: string, cfg: string): Op => (ns, name) => upgradeAction({ ...g(ns), name, chartRef: CHART, sets: sets(`data=${v}`, `configs={${cfg}}`) });
const inst = (cfg: string): Op => (ns, name) => installAction({ ...g(ns), name, chartRef: CHART, sets: sets(`configs={${cfg}}`) });
const un: Op = (ns, name) => uninstallAction({ ...g(ns), name });
const rb: Op = (ns, name) => rollbackAction({ ...g(ns), name, revision: 1 });

const figures: string[] = [];
test.after(async () => {
  console.log(`\nrace suite (${ROUNDS} rounds each):\n${figures.join('\n')}`);
  await cleanupNamespaces();
});

async function race(label: string, setup: Op | undefined, a: [string, Op], b: [string, Op]) {
  const ns = await newNamespace(`race-${label.replace(/[^a-z]/g, '')}`);
  const t0 = Date.now();
  const outcome: Record<string, number> = {};
  for (let i = 0; i < ROUNDS; i++) {
    const name = `r${i}`;
    if (setup) await setup(ns, name);
    const gap = Math.floor(Math.random() * 80);
    const first = Math.random() < 0.5;
    const run = async ([n, op]: [string, Op], delay: number) => {
      await new Promise((r) => setTimeout(r, delay));
      try {
        await op(ns, name);
        return `${n} ok`;
      } catch (e) {
        assert.match((e as Error).message, LOSER, `${label} round ${i}: ${n} failed unclearly: ${(e as Error).message}`);
        return `${n} refused`;
      }
    };
    const res = await Promise.all([run(a, first ? 0 : gap), run(b, first ? gap : 0)]);
    const key = res.join(', ');
    outcome[key] = (outcome[key] ?? 0) + 1;
    const inv = await invariants(ns, name);
    assert.is(inv.pending, 0, `${label} round ${i}: pending left ${JSON.stringify(inv.statuses)}`);
    assert.ok(inv.deployed <= 1, `${label} round ${i}: ${JSON.stringify(inv.statuses)}`);
    assert.equal(inv.orphans, [], `${label} round ${i}: orphans (statuses ${JSON.stringify(inv.statuses)})`);
    if (!Object.keys(inv.statuses).length) assert.equal(inv.objects, [], `${label} round ${i}: objects without a release`);
    assert.ok(res.some((r) => r.endsWith('ok')) || label === 'upgrade∥uninstall', `${label} round ${i}: neither succeeded: ${key}`);
  }
  figures.push(`  ${label}: ${ROUNDS} rounds in ${((Date.now() - t0) / 1000).toFixed(1)} s — ${Object.entries(outcome).map(([k, v]) => `${v}× ${k}`).join('; ')}; 0 orphans, 0 pending, never 2 deployed`);
}

test('upgrade ∥ upgrade', () => race('upgrade∥upgrade', inst('a,b'), ['upgrade A', up('A', 'a,c')], ['upgrade B', up('B', 'a,d')]));
test('upgrade ∥ uninstall', () => race('upgrade∥uninstall', inst('a,b'), ['upgrade', up('A', 'a,c')], ['uninstall', un]));
test('upgrade ∥ rollback', () => race('upgrade∥rollback', async (ns, name) => { await inst('a,b')(ns, name); await up('E', 'a,e')(ns, name); }, ['upgrade', up('A', 'a,c')], ['rollback', rb]));
test('install ∥ install', () => race('install∥install', undefined, ['install A', inst('a,c')], ['install B', inst('a,d')]));

test.run();
