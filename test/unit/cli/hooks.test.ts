// Hooks offline, through the compiled CLI (dist/bin/kfchart.js): template prints them after the release's objects
// (as helm template does), --no-hooks and --skip-tests leave them out, lint warns about an unknown hook event (an
// error with --strict), and `kfchart test` refuses a malformed --filter as a usage error before any cluster is asked.
// Running hooks is tested on the control plane (test/cluster/hooks.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitHooks, hookOrder } from '../../../engine/actions/lifecycle/hooks.js';
import type { KObject } from '../../../engine/manifest/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const bin = path.join(root, 'dist/bin/kfchart.js');
const chart = path.join(here, 'fixtures/hooked');

function kf(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', KUBECONFIG: '/nonexistent' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const names = (yaml: string) => [...yaml.matchAll(/^---\n# Source: .+\n(?:.*\n)*?  name: (\S+)/gm)].map((m) => m[1]);

test('template prints the hooks after the release objects; --skip-tests drops test hooks, --no-hooks all hooks', () => {
  const all = kf(['template', 'x', chart]);
  assert.is(all.code, 0, all.err);
  assert.equal(names(all.out), ['main', 'a-config', 'odd', 't', 'b-job']);
  assert.match(all.out, /---\n# Source: hooked\/templates\/all.yaml\napiVersion: batch\/v1\nkind: Job\nmetadata:\n  name: b-job\n  namespace: default\n  annotations:\n    helm.sh\/hook: pre-install,pre-upgrade\n/);
  assert.equal(names(kf(['template', 'x', chart, '--skip-tests']).out), ['main', 'a-config', 'odd', 'b-job']);
  assert.equal(names(kf(['template', 'x', chart, '--no-hooks']).out), ['main']);
  // An unknown event leaves the object out entirely, as helm does.
  assert.equal(names(kf(['template', 'x', chart, '--set', 'oddEvent=post-instal']).out), ['main', 'a-config', 't', 'b-job']);
});

test('lint warns about an unknown hook event (and fails with --strict)', () => {
  const ok = kf(['lint', chart]);
  assert.is(ok.code, 0, ok.out);
  assert.not.match(ok.out, /unknown event/);
  const r = kf(['lint', chart, '--set', 'oddEvent=post-instal']);
  assert.is(r.code, 0);
  assert.match(r.out, /\[WARNING\] hooked\/templates\/all.yaml: v1 ConfigMap default\/odd: helm.sh\/hook "post-instal" names unknown event\(s\) post-instal \(known: pre-install, .+\): the object is left out of the release, as helm does/);
  const strict = kf(['lint', chart, '--set', 'oddEvent=post-instal', '--strict']);
  assert.is(strict.code, 1);
  assert.not.match(ok.out, /hook-delete-policy/, 'hook-succeeded is a known policy');
});

test('kfchart test: a malformed --filter is a usage error (exit 2), before any cluster is asked', () => {
  const r = kf(['test', 'x', '--filter', 'kind=Pod']);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /^Error: --filter kind=Pod: use name=NAME or '!name=NAME'\n$/);
  assert.match(kf(['test', '--help']).out, /--filter/);
  assert.match(kf(['install', '--help']).out, /--no-hooks/);
  assert.match(kf(['rollback', '--help']).out, /--no-hooks/);
  assert.match(kf(['uninstall', '--help']).out, /--no-hooks/);
});

const obj = (kind: string, name: string, ann: Record<string, string>): KObject => ({ apiVersion: 'v1', kind, metadata: { name, annotations: ann } });

test('splitHooks reads helm.sh/ and kfchart.io/ annotations as helm does; hookOrder is weight, then name, then kind order', () => {
  const s = splitHooks([
    { template: 'c/templates/a.yaml', object: obj('ServiceAccount', 'z', { 'helm.sh/hook': 'test', 'helm.sh/hook-weight': 'x' }) },
    { template: 'c/templates/a.yaml', object: obj('ConfigMap', 'plain', {}) },
    { template: 'c/templates/a.yaml', object: obj('ConfigMap', 'b', { 'kfchart.io/hook': ' Pre-Install , test-success', 'kfchart.io/hook-weight': '-3', 'kfchart.io/hook-delete-policy': 'hook-succeeded,bogus' }) },
    { template: 'c/templates/a.yaml', object: obj('Pod', 'z', { 'helm.sh/hook': 'test', 'helm.sh/hook-weight': '0' }) },
    { template: 'c/templates/a.yaml', object: obj('Pod', 'a', { 'helm.sh/hook': 'test', 'helm.sh/hook-weight': '+2' }) },
    { template: 'c/templates/a.yaml', object: obj('Pod', 'q', { 'helm.sh/hook': 'crd-install' }) },
  ]);
  assert.equal(s.manifest.map((e) => e.object.metadata.name), ['plain']);
  assert.equal(s.unknown.map((u) => [u.id, u.unknown]), [['v1 Pod q', ['crd-install']]]);
  assert.equal(s.unknownPolicies.map((u) => u.policy), ['bogus']);
  const b = s.hooks.find((h) => h.name === 'b')!;
  assert.equal({ events: b.events, weight: b.weight, policies: b.delete_policies, phase: b.last_run.phase }, { events: ['pre-install', 'test'], weight: -3, policies: ['hook-succeeded', 'bogus'], phase: '' });
  assert.is(s.hooks[0]!.weight, 0, 'a weight that is not an integer is 0 (strconv.Atoi)');
  assert.equal(hookOrder(s.hooks).map((h) => `${h.kind}/${h.name}`), ['ConfigMap/b', 'ServiceAccount/z', 'Pod/z', 'Pod/a']);
});

const kubeflow = path.join(root, 'charts/kubeflow');
const ex = (n: string) => path.join(root, `examples/values-${n}.yaml`);
const env = (yaml: string, pod: string, name: string) => {
  const doc = yaml.split('\n---\n').find((d) => d.includes(`  name: ${pod}\n`));
  return doc ? new RegExp(`- name: ${name}\n\\s+value: (.*)`).exec(doc)?.[1] : undefined;
};

test("the charts' tests: the front door over HTTP, or HTTPS by global.domain; the MetalLB test only with a pool; mirror and off switch", () => {
  const minimal = kf(['template', 'kf', kubeflow, '-f', ex('minimal')]);
  assert.is(minimal.code, 0, minimal.err);
  assert.is(env(minimal.out, 'kf-test-front-door', 'URL'), 'http://istio-ingressgateway.istio-system.svc.cluster.local/');
  assert.is(env(minimal.out, 'kf-test-front-door', 'CONNECT_TO'), "''");
  assert.is(env(minimal.out, 'kf-dex-test-discovery', 'URL'), 'http://dex.auth.svc.cluster.local:5556/dex/.well-known/openid-configuration');
  assert.not.match(minimal.out, /kf-metallb-test/, 'no pool, no MetalLB test');
  const https = kf(['template', 'kf', kubeflow, '-f', ex('minimal'), '-f', ex('expose-https'), '--set', 'global.domain=kf.example.com,global.imageRegistry=mirror.example.com']);
  assert.is(https.code, 0, https.err);
  assert.is(env(https.out, 'kf-test-front-door', 'URL'), 'https://kf.example.com/');
  assert.is(env(https.out, 'kf-test-front-door', 'CONNECT_TO'), 'kf.example.com:443:istio-ingressgateway.istio-system.svc.cluster.local:443');
  assert.match(https.out, /name: kf-metallb-test-pool\n(?:.*\n)*?\s+image: mirror.example.com\/curlimages\/curl:8.17.0\n/);
  assert.match(https.out, /kind: Service\nmetadata:\n  name: kf-metallb-test\n(?:.*\n)*?    metallb.io\/address-pool: kubeflow-pool\n(?:.*\n)*?  type: LoadBalancer\n/);
  const off = kf(['template', 'kf', kubeflow, '-f', ex('minimal'), '--set', 'tests.enabled=false,dex.tests.enabled=false']);
  assert.not.match(off.out, /helm.sh\/hook: test/);
  assert.equal(names(kf(['template', 'kf', kubeflow, '-f', ex('minimal'), '--skip-tests']).out).filter((n) => n.includes('test')), []);
});

test.run();
