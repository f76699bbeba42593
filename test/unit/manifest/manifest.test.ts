import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildManifest, toYamlStream, kindRank, objectId } from '../../../engine/manifest/index.js';
import { KfError } from '../../../engine/errors.js';

const t = (template: string, text: string) => ({ template, text });

test('objects are parsed, empty documents dropped, namespaced objects get the release namespace', () => {
  const m = buildManifest(
    [t('c/templates/a.yaml', '---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n')],
    { namespace: 'team' },
  );
  assert.is(m.length, 1);
  assert.is(m[0]!.object.metadata.namespace, 'team');
  assert.is(m[0]!.template, 'c/templates/a.yaml');
});

test('cluster-scoped kinds lose a namespace; an explicit namespace is kept for namespaced kinds', () => {
  const m = buildManifest(
    [
      t('c/templates/r.yaml', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r, namespace: x}\n'),
      t('c/templates/s.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: other}\n'),
    ],
    { namespace: 'team' },
  );
  const byKind = Object.fromEntries(m.map((e) => [e.object.kind, e.object]));
  assert.is(byKind.ClusterRole!.metadata.namespace, undefined);
  assert.is(byKind.Service!.metadata.namespace, 'other');
});

test("a release's own cluster-scoped CRD makes its custom resources cluster-scoped", () => {
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: pools.example.io}
spec: {group: example.io, scope: Cluster, names: {kind: Pool, plural: pools}, versions: []}
`;
  const m = buildManifest(
    [t('c/crds/crd.yaml', crd), t('c/templates/p.yaml', 'apiVersion: example.io/v1\nkind: Pool\nmetadata: {name: p}\n'),
     t('c/templates/q.yaml', 'apiVersion: other.io/v1\nkind: Pool\nmetadata: {name: q}\n')],
    { namespace: 'team' },
  );
  const p = m.find((e) => e.object.metadata.name === 'p')!;
  const q = m.find((e) => e.object.metadata.name === 'q')!;
  assert.is(p.object.metadata.namespace, undefined);
  assert.is(q.object.metadata.namespace, 'team', 'same kind name in another group stays namespaced');
});

test('well-known add-on kinds installed outside the release (cert-manager ClusterIssuer) get no namespace offline', () => {
  const m = buildManifest(
    [t('c/templates/i.yaml', 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: selfsigned}\nspec: {selfSigned: {}}\n---\napiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: local}\n')],
    { namespace: 'team' },
  );
  assert.equal(m.map((e) => [e.object.kind, e.object.metadata.namespace]), [['ClusterIssuer', undefined], ['Issuer', 'team']]);
});

test('install order: Namespace, CRD, config, Services, workloads, webhooks, then custom resources', () => {
  const doc = (apiVersion: string, kind: string, name: string) => `---\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: ${name}}\n`;
  const text = [
    doc('networking.istio.io/v1', 'Gateway', 'gw'),
    doc('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'vw'),
    doc('apps/v1', 'Deployment', 'd'),
    doc('v1', 'Service', 's'),
    doc('v1', 'ConfigMap', 'cm'),
    doc('v1', 'ServiceAccount', 'sa'),
    doc('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'gateways.networking.istio.io'),
    doc('v1', 'Namespace', 'ns'),
  ].join('');
  const kinds = buildManifest([t('c/templates/all.yaml', text)], { namespace: 'x' }).map((e) => e.object.kind);
  assert.equal(kinds, ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'ValidatingWebhookConfiguration', 'Gateway']);
  // uninstall and prune order (engine/actions/lifecycle/prune.ts): reverse kind rank
  const rev = buildManifest([t('c/templates/all.yaml', text)], { namespace: 'x' }).sort((a, b) => kindRank(b.object.kind) - kindRank(a.object.kind)).map((e) => e.object.kind);
  assert.equal(rev, [...kinds].reverse());
});

test('within a kind, template order then document order is kept (deterministic)', () => {
  const cm = (n: string) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\n`;
  const m = buildManifest([t('c/templates/a.yaml', cm('z') + cm('y')), t('c/templates/b.yaml', cm('a'))], { namespace: 'x' });
  assert.equal(m.map((e) => e.object.metadata.name), ['z', 'y', 'a']);
});

test('duplicates anywhere in the release name both templates', () => {
  try {
    buildManifest(
      [
        t('kf/templates/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\n'),
        t('kf/charts/dex/templates/b.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: x}\n'),
      ],
      { namespace: 'x' },
    );
    assert.unreachable();
  } catch (e) {
    assert.instance(e, KfError);
    assert.is((e as Error).message, 'duplicate object v1 ConfigMap x/same: defined in kf/templates/a.yaml and in kf/charts/dex/templates/b.yaml');
  }
});

test('same name in different namespaces or different groups is not a duplicate', () => {
  const m = buildManifest(
    [t('c/templates/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n, namespace: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: n, namespace: b}\n---\napiVersion: x.io/v1\nkind: ConfigMap\nmetadata: {name: n, namespace: a}\n')],
    { namespace: 'x' },
  );
  assert.is(m.length, 3);
});

test('missing apiVersion/kind/metadata.name is an error naming the template and document', () => {
  assert.throws(
    () => buildManifest([t('c/templates/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkind: Secret\nmetadata: {}\n')], { namespace: 'x' }),
    (e: Error) => e.message === 'c/templates/a.yaml (document 2): object (kind Secret) is missing apiVersion, metadata.name',
  );
  assert.throws(() => buildManifest([t('c/templates/l.yaml', '- a\n- b\n')], { namespace: 'x' }), /l\.yaml: expected a Kubernetes object \(a mapping\), got a list/);
});

test('YAML errors in rendered output name the template and line', () => {
  try {
    buildManifest([t('c/templates/bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n    labels: y\n')], { namespace: 'x' });
    assert.unreachable();
  } catch (e) {
    const k = e as KfError;
    assert.match(k.message, /^c\/templates\/bad\.yaml:5: invalid YAML/);
    assert.equal(k.details, ['  5 |     labels: y']);
  }
});

test('the YAML stream has # Source comments and is byte-identical across runs', () => {
  const src = [t('c/templates/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n')];
  const a = toYamlStream(buildManifest(src, { namespace: 'x' }));
  const b = toYamlStream(buildManifest(src, { namespace: 'x' }));
  assert.is(a, b);
  assert.is(a, '---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\ndata:\n  k: v\n');
  assert.is(objectId(buildManifest(src, { namespace: 'x' })[0]!.object), 'v1 ConfigMap x/a');
});

test.run();
