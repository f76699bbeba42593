// charts/metallb at MetalLB v0.15.3: images, the speaker's and controller's environment (as metallb-native.yaml
// sets it, via the downward API), the metallb-excludel2 ConfigMap, upstream's RBAC and the v0.15 CRDs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseYaml } from '../../../engine/yaml/index.js';
import { render, get, sets } from './_charts.js';
import type { KObject } from '../../../engine/manifest/index.js';

const env = (c: any) => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom?.fieldRef?.fieldPath]));
/** Every (apiGroup, resource, verb) a Role/ClusterRole grants, as `group/resource:verb` strings. */
const grants = (role: any): Set<string> => {
  const out = new Set<string>();
  for (const r of role.rules) for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) out.add(`${g}/${res}${r.resourceNames ? `[${r.resourceNames.join(',')}]` : ''}:${v}`);
  return out;
};
const has = (objs: KObject[], kind: string, name: string, ...want: string[]) => {
  const g = grants(get(objs, kind, name));
  for (const w of want) assert.ok(g.has(w), `${kind}/${name} grants ${w}`);
};

test('metallb v0.15.3: images and appVersion', async () => {
  const r = await render('metallb');
  assert.is(r.chart.meta.appVersion, 'v0.15.3');
  assert.is((get(r.objects, 'Deployment', 'controller') as any).spec.template.spec.containers[0].image, 'quay.io/metallb/controller:v0.15.3');
  assert.is((get(r.objects, 'DaemonSet', 'speaker') as any).spec.template.spec.containers[0].image, 'quay.io/metallb/speaker:v0.15.3');
});

test('metallb: speaker and controller environment as upstream sets it (downward API)', async () => {
  const r = await render('metallb');
  const speaker: any = get(r.objects, 'DaemonSet', 'speaker', 'metallb-system');
  const sc = speaker.spec.template.spec.containers[0];
  assert.equal(env(sc), {
    METALLB_NODE_NAME: 'spec.nodeName',
    METALLB_POD_NAME: 'metadata.name',
    METALLB_HOST: 'status.hostIP',
    METALLB_ML_BIND_ADDR: 'status.podIP',
    METALLB_ML_LABELS: 'app=metallb,component=speaker',
    METALLB_ML_SECRET_KEY_PATH: '/etc/ml_secret_key',
  });
  assert.equal(sc.env.map((e: any) => e.name), ['METALLB_NODE_NAME', 'METALLB_POD_NAME', 'METALLB_HOST', 'METALLB_ML_BIND_ADDR', 'METALLB_ML_LABELS', 'METALLB_ML_SECRET_KEY_PATH']);
  // METALLB_ML_LABELS must select the speaker pods themselves (memberlist peers).
  const labels = speaker.spec.template.metadata.labels;
  assert.is(labels.app, 'metallb');
  assert.is(labels.component, 'speaker');
  const controller: any = get(r.objects, 'Deployment', 'controller', 'metallb-system');
  assert.equal(env(controller.spec.template.spec.containers[0]), { METALLB_ML_SECRET_NAME: 'memberlist', METALLB_DEPLOYMENT: 'controller' });
  assert.is(controller.metadata.name, 'controller', 'METALLB_DEPLOYMENT names this Deployment');
});

test('metallb: the metallb-excludel2 ConfigMap is mounted at /etc/metallb and rolls the speaker', async () => {
  const r = await render('metallb');
  const cm: any = get(r.objects, 'ConfigMap', 'metallb-excludel2', 'metallb-system');
  const ex = parseYaml(cm.data['excludel2.yaml'], 'excludel2.yaml') as any;
  assert.ok(ex.announcedInterfacesToExclude.includes('^veth.*'));
  assert.ok(ex.announcedInterfacesToExclude.includes('^lo$'));
  assert.is(ex.announcedInterfacesToExclude.length, 14);
  const spec: any = (get(r.objects, 'DaemonSet', 'speaker') as any).spec.template.spec;
  const vol = spec.volumes.find((v: any) => v.name === 'metallb-excludel2');
  assert.equal(vol.configMap, { name: 'metallb-excludel2', defaultMode: 256 });
  assert.equal(spec.containers[0].volumeMounts.find((m: any) => m.name === 'metallb-excludel2'), { name: 'metallb-excludel2', mountPath: '/etc/metallb', readOnly: true });
  const before = (get(r.objects, 'DaemonSet', 'speaker') as any).spec.template.metadata.annotations['checksum/excludel2'];
  const r2 = await render('metallb', { sets: sets('speaker.excludeInterfaces={^eth1$}') });
  assert.equal((parseYaml((get(r2.objects, 'ConfigMap', 'metallb-excludel2') as any).data['excludel2.yaml'], 'excludel2.yaml') as any).announcedInterfacesToExclude, ['^eth1$']);
  assert.is.not((get(r2.objects, 'DaemonSet', 'speaker') as any).spec.template.metadata.annotations['checksum/excludel2'], before);
});

test('metallb: RBAC has the rules v0.15 needs (ConfigurationState, ServiceBGPStatus, controller Role)', async () => {
  const r = await render('metallb');
  const o = r.objects;
  has(o, 'ClusterRole', 'metallb-system-controller', '/nodes:list', '/services/status:update', 'metallb.io/configurationstates:create',
    'metallb.io/configurationstates/status:patch', 'apiextensions.k8s.io/customresourcedefinitions:list',
    'admissionregistration.k8s.io/validatingwebhookconfigurations[metallb-webhook-configuration]:patch');
  has(o, 'ClusterRole', 'metallb-system-speaker', 'metallb.io/configurationstates:*', 'metallb.io/servicel2statuses/status:*',
    'discovery.k8s.io/endpointslices:watch', '/nodes:watch');
  has(o, 'Role', 'controller', '/secrets:create', '/secrets[memberlist]:list', 'apps/deployments[controller]:get',
    'metallb.io/ipaddresspools/status:update', 'metallb.io/l2advertisements:watch', 'metallb.io/bgppeers:list');
  has(o, 'Role', 'pod-lister', '/pods:list', '/configmaps:watch', 'metallb.io/servicebgpstatuses:*', 'metallb.io/ipaddresspools:watch');
  const rb = (n: string) => (get(o, 'RoleBinding', n) as any).subjects.map((s: any) => s.name);
  assert.equal(rb('controller'), ['controller']);
  assert.equal(rb('pod-lister'), ['speaker']);
});

test('metallb: the CRDs of v0.15 (ConfigurationState and ServiceBGPStatus added)', async () => {
  const r = await render('metallb');
  assert.equal(r.crds.map((e) => e.object.metadata.name).sort(), [
    'bfdprofiles.metallb.io', 'bgpadvertisements.metallb.io', 'bgppeers.metallb.io', 'communities.metallb.io', 'configurationstates.metallb.io',
    'ipaddresspools.metallb.io', 'l2advertisements.metallb.io', 'servicebgpstatuses.metallb.io', 'servicel2statuses.metallb.io',
  ]);
});

test.run();
