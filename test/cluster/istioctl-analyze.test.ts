// `istioctl analyze` (the real istioctl 1.29.1, test/auth/build.sh) against a live install: charts/kubeflow with
// examples/values-minimal.yaml on the test control plane (webhooks at their defaults, as test/cluster/charts.test.ts
// installs them: validation failurePolicy Ignore, so Istio objects are accepted with no istiod pod running), in fresh
// namespaces; then `istioctl analyze -A --kubeconfig …`. No Error-level message about the release's objects, and
// every Warning/Info is on the allow-list shared with the offline test (test/unit/charts/_istioctl.ts).
// Uninstalled (CRDs included) afterwards. A missing istioctl fails the test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { crdsSettled, kubeconfigPath, newNamespace, cleanupNamespaces, uniqueName } from '../helpers/cluster.js';
import { installAction } from '../../engine/actions/upgrade.js';
import { uninstallAction } from '../../engine/actions/uninstall.js';
import { allowed, analyze, describe } from '../unit/charts/_istioctl.js';
import type { SetFlag } from '../../engine/values/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sets = (...e: string[]): SetFlag[] => e.map((expr) => ({ kind: 'set', expr }));

// A release name of its own: cluster-scoped names carry it (`<release>-dex`), so it never meets another suite's.
const RELEASE = 'kf-analyze';
let release: { namespace: string } | undefined;

test.after(async () => {
  if (release) await uninstallAction({ kubeconfig: kubeconfigPath(), namespace: release.namespace, name: RELEASE, deleteCrds: true, wait: true, timeoutSeconds: 300 });
  await cleanupNamespaces();
});

test('istioctl analyze on a live kubeflow install (values-minimal): no errors, only allow-listed warnings', async () => {
  await crdsSettled();
  const releaseNs = await newNamespace('kf-analyze');
  const ns = { istio: uniqueName('kfa-istio'), auth: uniqueName('kfa-auth'), kubeflow: uniqueName('kfa-main'), metallb: uniqueName('kfa-mlb'), authservice: uniqueName('kfa-o2p') };
  const r = await installAction({
    kubeconfig: kubeconfigPath(), namespace: releaseNs, name: RELEASE, chartRef: `${ROOT}charts/kubeflow`,
    valueFiles: [`${ROOT}examples/values-minimal.yaml`],
    sets: sets(
      `global.namespaces.istio=${ns.istio},global.namespaces.auth=${ns.auth},global.namespaces.kubeflow=${ns.kubeflow},global.namespaces.metallb=${ns.metallb},global.namespaces.authservice=${ns.authservice}`,
      `global.oidc.issuer=http://dex.${ns.auth}.svc.cluster.local:5556/dex`,
    ).concat({
      kind: 'set-json',
      expr: `istio.meshConfig={"extensionProviders":[{"name":"oauth2-proxy","envoyExtAuthzHttp":{"service":"oauth2-proxy.${ns.authservice}.svc.cluster.local","port":80}}]}`,
    }),
  });
  release = { namespace: releaseNs };
  assert.is(r.record.status, 'deployed');

  const found = analyze(['--kubeconfig', kubeconfigPath(), '--istioNamespace', ns.istio]);
  // Only what names the release's namespaces (or its cluster-scoped objects, which carry the Istio namespace in
  // their names): other suites may leave objects behind on a shared control plane.
  const ours = found.filter((f) => Object.values(ns).some((n) => f.origin.includes(n)));
  assert.ok(found.length >= ours.length);
  const errors = ours.filter((f) => f.level === 'Error');
  assert.is(errors.length, 0, `Error-level messages:\n${describe(errors)}`);
  const unexpected = ours.filter((f) => !allowed(f));
  assert.is(unexpected.length, 0, `messages not on the allow-list of test/unit/charts/_istioctl.ts:\n${describe(unexpected)}`);
});

test.run();
