// charts/istio at Istio 1.29: webhooks labelled for istiod's caBundle patching, the injector ConfigMap's complete
// values (what `istioctl analyze` and the injector read), and meshConfig lists merged into the mesh YAML.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseYaml } from '../../../engine/yaml/index.js';
import { render, get, sets } from './_charts.js';
import type { SetFlag } from '../../../engine/values/index.js';

test('istio 1.29.1: images and appVersion', async () => {
  const r = await render('istio');
  assert.is(r.chart.meta.appVersion, '1.29.1');
  const istiod: any = get(r.objects, 'Deployment', 'istiod', 'istio-system');
  assert.is(istiod.spec.template.spec.containers[0].image, 'docker.io/istio/pilot:1.29.1');
  const gw: any = get(r.objects, 'Deployment', 'istio-ingressgateway', 'istio-system');
  assert.is(gw.spec.template.spec.containers[0].image, 'docker.io/istio/proxyv2:1.29.1');
});

test('istio: both webhook configurations carry istio.io/rev: default (istiod patches caBundle only into those)', async () => {
  const r = await render('istio');
  for (const [kind, name] of [['MutatingWebhookConfiguration', 'istio-sidecar-injector-istio-system'], ['ValidatingWebhookConfiguration', 'istio-validator-istio-system']]) {
    const wh: any = get(r.objects, kind!, name!);
    assert.is(wh.metadata.labels['istio.io/rev'], 'default', `${kind} label`);
    for (const h of wh.webhooks) assert.is(h.clientConfig.caBundle, undefined, `${kind}: caBundle left to istiod`);
  }
  // istiod's REVISION must be the revision the labels name.
  const istiod: any = get(r.objects, 'Deployment', 'istiod');
  assert.is(istiod.spec.template.spec.containers[0].env.find((e: any) => e.name === 'REVISION').value, 'default');
  // The switches still work.
  const ign = await render('istio', { sets: sets('webhooks.sidecarInjector.failurePolicy=Ignore') });
  assert.is((get(ign.objects, 'MutatingWebhookConfiguration', 'istio-sidecar-injector-istio-system') as any).webhooks[0].failurePolicy, 'Ignore');
});

test('istio: injector ConfigMap values are complete JSON in the shape of Istio 1.29 istio-discovery', async () => {
  const r = await render('istio', { sets: sets('global.imageRegistry=registry.local:5000/mirror') });
  const cm: any = get(r.objects, 'ConfigMap', 'istio-sidecar-injector', 'istio-system');
  assert.is(cm.metadata.labels['istio.io/rev'], 'default');
  const v = JSON.parse(cm.data.values);
  assert.equal(Object.keys(v).sort(), ['gateways', 'global', 'pilot', 'revision', 'sidecarInjectorWebhook']);
  // istioctl's injection analyzer type-asserts sidecarInjectorWebhook.enableNamespacesByDefault as a bool.
  assert.is(v.sidecarInjectorWebhook.enableNamespacesByDefault, false);
  assert.equal(v.sidecarInjectorWebhook.neverInjectSelector, []);
  assert.equal(v.sidecarInjectorWebhook.templates, {});
  assert.is(v.global.istioNamespace, 'istio-system');
  assert.is(v.global.hub, 'registry.local:5000/mirror/istio');
  assert.is(v.global.tag, '1.29.1');
  // The image analyzer compares running proxies with global.proxy.image (used as is when it holds a '/').
  assert.is(v.global.proxy.image, 'registry.local:5000/mirror/istio/proxyv2:1.29.1');
  assert.is(v.global.proxy.autoInject, 'enabled');
  assert.is(v.global.proxy.clusterDomain, 'cluster.local');
  assert.is(v.global.pilotCertProvider, 'istiod');
  assert.equal(v.global.sds, { token: { aud: 'istio-ca' } });
  assert.equal(v.pilot.cni, { enabled: false, provider: 'default' });
  assert.is(v.revision, '');
  // config is YAML istiod parses: the sidecar template is there.
  const cfg = parseYaml(cm.data.config, 'istio-sidecar-injector config') as any;
  assert.equal(cfg.defaultTemplates, ['sidecar']);
  assert.ok(cfg.templates.sidecar.includes('istio-proxy'));
});

test('istio: a meshConfig list (extensionProviders) renders into the mesh YAML, defaults kept', async () => {
  const json: SetFlag = {
    kind: 'set-json',
    expr: 'meshConfig={"extensionProviders":[{"name":"oauth2-proxy","envoyExtAuthzHttp":{"service":"oauth2-proxy.oauth2-proxy.svc.cluster.local","port":80}}]}',
  };
  const r = await render('istio', { sets: [json] });
  const cm: any = get(r.objects, 'ConfigMap', 'istio', 'istio-system');
  assert.match(cm.data.mesh, /extensionProviders:\n\s+- /);
  const mesh = parseYaml(cm.data.mesh, 'istio mesh') as any;
  assert.equal(mesh.extensionProviders, [
    { name: 'oauth2-proxy', envoyExtAuthzHttp: { service: 'oauth2-proxy.oauth2-proxy.svc.cluster.local', port: 80 } },
  ]);
  assert.is(mesh.defaultConfig.discoveryAddress, 'istiod.istio-system.svc:15012');
  assert.is(mesh.rootNamespace, 'istio-system');
  assert.is(mesh.accessLogFile, '/dev/stdout');
});

test('istio: CRDs istiod 1.29 watches, with the storage versions of the base chart for the new ones', async () => {
  const r = await render('istio');
  const crds = new Map(r.crds.map((e) => [e.object.metadata.name, e.object as any]));
  const storage = (n: string) => crds.get(n)?.spec.versions.find((v: any) => v.storage)?.name;
  assert.is(storage('wasmplugins.extensions.istio.io'), 'v1alpha1');
  assert.is(storage('proxyconfigs.networking.istio.io'), 'v1beta1');
  assert.is(storage('workloadentries.networking.istio.io'), 'v1');
  assert.is(storage('workloadgroups.networking.istio.io'), 'v1');
  assert.is(storage('telemetries.telemetry.istio.io'), 'v1alpha1');
  assert.equal(crds.get('telemetries.telemetry.istio.io').spec.versions.map((v: any) => v.name).sort(), ['v1', 'v1alpha1']);
  assert.equal(crds.get('wasmplugins.extensions.istio.io').spec.versions[0].schema.openAPIV3Schema.properties.spec.required, ['url']);
  assert.is(crds.size, 14);
});

test('istio: its namespace is labelled istio-injection: disabled, as upstream\'s istio-system', async () => {
  const r = await render('istio');
  assert.is((get(r.objects, 'Namespace', 'istio-system') as any).metadata.labels['istio-injection'], 'disabled');
});

test.run();
