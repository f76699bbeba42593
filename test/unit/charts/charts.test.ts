// The shipped charts through the real offline pipeline: defaults and examples render, objects are well formed,
// secrets stay in Secrets, generated secrets are shared and persisted, checksums roll pods.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseYaml, dumpYaml } from '../../../engine/yaml/index.js';
import { toYamlStream } from '../../../engine/manifest/index.js';
import { render, example, sets, get, find, secretText, podAnnotations, WORKLOADS } from './_charts.js';
import type { KObject } from '../../../engine/manifest/index.js';

const MINIMAL = example('minimal');
const LDAP = example('ldap');
const HTTPS = example('expose-https');

const counts: Record<string, number> = {};
function count(label: string, objs: KObject[]) {
  counts[label] = objs.length;
}

/** Checks every chart must pass: labels, checksum annotations on pod templates, no secret material outside Secrets. */
function wellFormed(objs: KObject[], label: string) {
  const secrets = new Set<string>();
  for (const o of objs) {
    if (o.kind === 'Secret') for (const v of Object.values((o as any).data ?? {})) secrets.add(Buffer.from(String(v), 'base64').toString('utf8'));
  }
  for (const o of objs) {
    const where = `${label}: ${o.kind}/${o.metadata.name}`;
    assert.ok(o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'kfchart', `${where} has app.kubernetes.io/managed-by`);
    assert.ok(o.metadata.labels?.['app.kubernetes.io/name'], `${where} has app.kubernetes.io/name`);
    if (WORKLOADS.has(o.kind)) {
      const ann = podAnnotations(o);
      const spec = (o as any).spec.template.spec;
      // A pod that reads a Secret or ConfigMap of the release carries a checksum of it, so changes roll it.
      const ns = o.metadata.namespace;
      const ours = (kind: string, name: string) => objs.some((x) => x.kind === kind && x.metadata.name === name && x.metadata.namespace === ns);
      const reads =
        (spec.volumes ?? []).some((v: any) => (v.secret && ours('Secret', v.secret.secretName)) || (v.configMap && ours('ConfigMap', v.configMap.name))) ||
        [...(spec.containers ?? [])].some((c: any) => (c.env ?? []).some((e: any) => e.valueFrom?.secretKeyRef && ours('Secret', e.valueFrom.secretKeyRef.name)));
      if (reads) {
        assert.ok(Object.keys(ann).some((k) => k.startsWith('checksum/')), `${where} has a checksum annotation`);
        assert.match(Object.entries(ann).find(([k]) => k.startsWith('checksum/'))![1], /^[0-9a-f]{64}$/);
      }
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        assert.ok(c.image && !c.image.includes('undefined') && /:[^/]+$/.test(c.image), `${where} image ${c.image}`);
        for (const e of c.env ?? []) {
          if (e.value === undefined) continue;
          for (const s of secrets) if (s.length >= 12 && !s.includes('\n')) assert.not.ok(String(e.value).includes(s), `${where}: env ${e.name} holds a secret literal`);
          assert.not.match(e.name, /(PASSWORD|SECRET|BIND_PW)$/, `${where}: env ${e.name} must come from a secretKeyRef`);
        }
      }
    }
    if (o.kind === 'ConfigMap') {
      const text = JSON.stringify((o as any).data ?? {});
      for (const s of secrets) if (s.length >= 12 && !s.includes('\n')) assert.not.ok(text.includes(s), `${where}: a ConfigMap holds secret material`);
    }
  }
}

for (const chart of ['istio', 'dex', 'authservice', 'ldap-demo', 'metallb', 'gateway-https', 'kubeflow']) {
  test(`${chart}: renders with its defaults`, async () => {
    const r = await render(chart);
    assert.ok(r.objects.length > 0);
    wellFormed(r.objects, chart);
    count(`${chart} (defaults)`, r.objects);
  });
}

test('istio: CRDs of the stack with structural schemas, istiod, gateway Service 80/443/15021, webhooks', async () => {
  const r = await render('istio');
  const crds = r.crds.map((e) => e.object);
  const kinds = crds.map((c: any) => `${c.spec.group}/${c.spec.names.kind}`).sort();
  assert.equal(kinds, [
    'extensions.istio.io/WasmPlugin',
    'networking.istio.io/DestinationRule', 'networking.istio.io/EnvoyFilter', 'networking.istio.io/Gateway',
    'networking.istio.io/ProxyConfig', 'networking.istio.io/ServiceEntry', 'networking.istio.io/Sidecar',
    'networking.istio.io/VirtualService', 'networking.istio.io/WorkloadEntry', 'networking.istio.io/WorkloadGroup',
    'security.istio.io/AuthorizationPolicy', 'security.istio.io/PeerAuthentication', 'security.istio.io/RequestAuthentication',
    'telemetry.istio.io/Telemetry',
  ]);
  for (const c of crds as any[]) {
    assert.is(c.spec.versions.filter((v: any) => v.storage).length, 1, `${c.metadata.name}: one storage version`);
    for (const v of c.spec.versions) {
      const s = v.schema.openAPIV3Schema;
      assert.is(s.type, 'object');
      assert.is(s.properties.spec.type, 'object', `${c.metadata.name} spec is typed`);
    }
  }
  get(r.objects, 'Namespace', 'istio-system');
  get(r.objects, 'Deployment', 'istiod', 'istio-system');
  get(r.objects, 'ConfigMap', 'istio', 'istio-system');
  const svc: any = get(r.objects, 'Service', 'istio-ingressgateway', 'istio-system');
  assert.equal(svc.spec.ports.map((p: any) => p.port).sort(), [15021, 443, 80]);
  assert.is(svc.spec.type, 'ClusterIP');
  const gw: any = get(r.objects, 'Deployment', 'istio-ingressgateway');
  assert.is(gw.spec.template.metadata.labels.istio, 'ingressgateway');
  assert.is(gw.spec.template.spec.containers[0].image, 'docker.io/istio/proxyv2:1.29.1');
  const vwh: any = get(r.objects, 'ValidatingWebhookConfiguration', 'istio-validator-istio-system');
  assert.is(vwh.webhooks[0].failurePolicy, 'Ignore');
  const mwh: any = get(r.objects, 'MutatingWebhookConfiguration', 'istio-sidecar-injector-istio-system');
  assert.is(mwh.webhooks[0].failurePolicy, 'Fail');
});

test('istio: version, registry override, service type, webhook failurePolicy and switches are values', async () => {
  const r = await render('istio', {
    sets: sets('version=1.27.3', 'global.imageRegistry=registry.local:5000/mirror', 'gateway.service.type=NodePort',
      'gateway.service.nodePorts.http=30080', 'webhooks.validation.failurePolicy=Fail', 'webhooks.sidecarInjector.enabled=false'),
  });
  const gw: any = get(r.objects, 'Deployment', 'istio-ingressgateway');
  assert.is(gw.spec.template.spec.containers[0].image, 'registry.local:5000/mirror/istio/proxyv2:1.27.3');
  const svc: any = get(r.objects, 'Service', 'istio-ingressgateway');
  assert.is(svc.spec.type, 'NodePort');
  assert.is(svc.spec.ports.find((p: any) => p.name === 'http2').nodePort, 30080);
  assert.is((get(r.objects, 'ValidatingWebhookConfiguration', 'istio-validator-istio-system') as any).webhooks[0].failurePolicy, 'Fail');
  assert.not.ok(r.objects.some((o) => o.kind === 'MutatingWebhookConfiguration'));
  const off = await render('istio', { sets: sets('webhooks.validation.enabled=false', 'webhooks.sidecarInjector.enabled=false') });
  assert.not.ok(off.objects.some((o) => o.kind.endsWith('WebhookConfiguration')));
});

test('kubeflow + values-minimal: the auth stack, plain HTTP gateway, /dex route, one shared client secret', async () => {
  const r = await render('kubeflow', { files: [MINIMAL] });
  wellFormed(r.objects, 'minimal');
  count('kubeflow + minimal', r.objects);
  const gw: any = get(r.objects, 'Gateway', 'kubeflow-gateway', 'kubeflow');
  assert.equal(gw.spec.servers.map((s: any) => s.port.number), [80]);
  assert.equal(gw.spec.selector, { istio: 'ingressgateway' });
  const vs: any = get(r.objects, 'VirtualService', 'dex', 'auth');
  assert.equal(vs.spec.gateways, ['kubeflow/kubeflow-gateway']);
  assert.is(vs.spec.http[0].match[0].uri.prefix, '/dex/');
  const dexCfg = parseYaml(secretText(get(r.objects, 'Secret', 'dex-config', 'auth'), 'config.yaml'), 'dex config') as any;
  assert.is(dexCfg.issuer, 'http://dex.auth.svc.cluster.local:5556/dex');
  assert.equal(dexCfg.storage, { type: 'kubernetes', config: { inCluster: true } });
  assert.is(dexCfg.staticPasswords[0].email, 'user@example.com');
  assert.is(dexCfg.staticClients[0].id, 'kubeflow-authservice-oidc');
  assert.equal(dexCfg.staticClients[0].redirectURIs, ['/oauth2/callback']);
  const client = secretText(get(r.objects, 'Secret', 'oauth2-proxy', 'oauth2-proxy'), 'client-secret');
  assert.is(client.length, 32);
  assert.is(dexCfg.staticClients[0].secret, client, 'Dex and the auth service share the generated secret');
  assert.is(r.persisted['oidc-client-secret'], client, 'the generated secret is recorded for the next revision');
  // The auth service (oauth2-proxy): settings as in Kubeflow, the secrets by reference, the gateway's CUSTOM policy.
  // (test/unit/charts/authservice.test.ts checks every field.)
  const dep: any = get(r.objects, 'Deployment', 'oauth2-proxy', 'oauth2-proxy');
  const env = Object.fromEntries(dep.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
  const cfg = (get(r.objects, 'ConfigMap', 'oauth2-proxy', 'oauth2-proxy') as any).data['oauth2_proxy.cfg'];
  assert.match(cfg, /^oidc_issuer_url = "http:\/\/dex\.auth\.svc\.cluster\.local:5556\/dex"$/m);
  assert.match(cfg, /^login_url = "\/dex\/auth"$/m);
  assert.match(cfg, /^scope = "profile email groups openid"$/m);
  assert.match(cfg, /^redirect_url = "\/oauth2\/callback"$/m);
  assert.match(cfg, /^skip_auth_routes = \["\^\/dex\/"\]$/m);
  assert.is(secretText(get(r.objects, 'Secret', 'oauth2-proxy'), 'client-id'), 'kubeflow-authservice-oidc');
  assert.equal(env.OAUTH2_PROXY_CLIENT_SECRET, { secretKeyRef: { name: 'oauth2-proxy', key: 'client-secret' } });
  assert.is(dep.spec.template.spec.securityContext.runAsNonRoot, true);
  const ap: any = get(r.objects, 'AuthorizationPolicy', 'istio-ingressgateway-oauth2-proxy', 'istio-system');
  assert.equal(ap.spec.selector.matchLabels, { app: 'istio-ingressgateway' });
  assert.is(ap.spec.action, 'CUSTOM');
  assert.is(ap.spec.provider.name, 'oauth2-proxy');
  const mesh = parseYaml((get(r.objects, 'ConfigMap', 'istio', 'istio-system') as any).data.mesh, 'mesh') as any;
  const http = mesh.extensionProviders.find((p: any) => p.name === 'oauth2-proxy').envoyExtAuthzHttp;
  assert.is(http.service, 'oauth2-proxy.oauth2-proxy.svc.cluster.local');
  assert.is(http.port, 80);
  assert.equal(http.includeRequestHeadersInCheck, ['authorization', 'cookie']);
  const ra: any = get(r.objects, 'RequestAuthentication', 'dex-jwt', 'istio-system');
  assert.equal(ra.spec.jwtRules[0].outputClaimToHeaders[0], { header: 'kubeflow-userid', claim: 'email' });
  // No optional parts.
  assert.not.ok(find(r.objects, 'StatefulSet', 'ldap'));
  assert.not.ok(r.objects.some((o) => o.kind === 'IPAddressPool' || o.kind === 'DaemonSet'));
  assert.ok(r.notes.includes('user@example.com'));
});

test('kubeflow + values-ldap: ldap-demo deployed, seeded, and Dex points at it with the same admin password', async () => {
  const r = await render('kubeflow', { files: [MINIMAL, LDAP] });
  wellFormed(r.objects, 'ldap');
  count('kubeflow + minimal + ldap', r.objects);
  const sts: any = get(r.objects, 'StatefulSet', 'ldap', 'kubeflow');
  const mounts = sts.spec.template.spec.containers[0].volumeMounts.map((m: any) => m.mountPath);
  assert.ok(mounts.includes('/container/service/slapd/assets/config/bootstrap/ldif/custom'));
  get(r.objects, 'Service', 'ldap-service', 'kubeflow');
  get(r.objects, 'Deployment', 'phpldapadmin', 'kubeflow');
  assert.not.ok(find(r.objects, 'Namespace', 'kubeflow')?.metadata.labels?.['app.kubernetes.io/name'] === 'ldap-demo', 'the umbrella owns the kubeflow namespace');
  const ldif = secretText(get(r.objects, 'Secret', 'ldap-seed', 'kubeflow'), '50-seed.ldif');
  assert.match(ldif, /dn: uid=nkili,ou=People,dc=example,dc=com/);
  assert.match(ldif, /dn: cn=developers,ou=Groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: developers\nmember: uid=nkili,ou=People,dc=example,dc=com\nmember: uid=rspanakopita,ou=People,dc=example,dc=com/);
  const admin = secretText(get(r.objects, 'Secret', 'ldap-admin', 'kubeflow'), 'LDAP_ADMIN_PASSWORD');
  const dexCfg = parseYaml(secretText(get(r.objects, 'Secret', 'dex-config', 'auth'), 'config.yaml'), 'dex config') as any;
  const ldap = dexCfg.connectors.find((c: any) => c.type === 'ldap');
  assert.is(ldap.config.host, 'ldap-service.kubeflow.svc.cluster.local:389');
  assert.is(ldap.config.bindDN, 'cn=admin,dc=example,dc=com');
  assert.is(ldap.config.bindPW, admin);
  assert.is(ldap.config.userSearch.baseDN, 'ou=People,dc=example,dc=com');
  assert.is(ldap.config.groupSearch.baseDN, 'ou=Groups,dc=example,dc=com');
  const env = sts.spec.template.spec.containers[0].env;
  assert.equal(env.find((e: any) => e.name === 'LDAP_ADMIN_PASSWORD').valueFrom, { secretKeyRef: { name: 'ldap-admin', key: 'LDAP_ADMIN_PASSWORD' } });
});

test('kubeflow: ldap-demo.enabled without the global switch is refused with a pointer to global.ldapDemo.enabled', async () => {
  let msg = '';
  try {
    await render('kubeflow', { files: [MINIMAL], sets: sets('ldap-demo.enabled=true') });
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.match(msg, /set global\.ldapDemo\.enabled=true/);
  let msg2 = '';
  try {
    await render('kubeflow', { files: [MINIMAL, LDAP], sets: sets('ldap-demo.enabled=false') });
  } catch (e) {
    msg2 = (e as Error).message;
  }
  assert.match(msg2, /ldap-demo\.enabled=false turns the directory off/);
});

test('kubeflow + values-expose-https: MetalLB pool, LoadBalancer gateway, HTTPS gateway with redirect and a kept certificate', async () => {
  const r = await render('kubeflow', { files: [MINIMAL, HTTPS] });
  wellFormed(r.objects, 'https');
  count('kubeflow + minimal + expose-https', r.objects);
  const pool: any = get(r.objects, 'IPAddressPool', 'kubeflow-pool', 'metallb-system');
  assert.equal(pool.spec.addresses, ['10.0.0.100-10.0.0.110']);
  const l2: any = get(r.objects, 'L2Advertisement', 'kubeflow-pool', 'metallb-system');
  assert.equal(l2.spec.ipAddressPools, ['kubeflow-pool']);
  get(r.objects, 'DaemonSet', 'speaker', 'metallb-system');
  get(r.objects, 'Deployment', 'controller', 'metallb-system');
  assert.is(secretText(get(r.objects, 'Secret', 'memberlist', 'metallb-system'), 'secretkey').length, 128);
  assert.ok(r.crds.some((e) => e.object.metadata.name === 'ipaddresspools.metallb.io'));
  const svc: any = get(r.objects, 'Service', 'istio-ingressgateway');
  assert.is(svc.spec.type, 'LoadBalancer');
  assert.is(svc.spec.loadBalancerIP, '10.0.0.100');
  const gws = r.objects.filter((o) => o.kind === 'Gateway');
  assert.is(gws.length, 1, 'only the HTTPS kubeflow-gateway (the plain one is off)');
  const gw: any = gws[0];
  assert.is(gw.metadata.name, 'kubeflow-gateway');
  assert.is(gw.spec.servers[0].tls.httpsRedirect, true);
  assert.equal(gw.spec.servers[1].port, { number: 443, name: 'https', protocol: 'HTTPS' });
  assert.equal(gw.spec.servers[1].tls.mode, 'SIMPLE');
  assert.is(gw.spec.servers[1].tls.credentialName, 'kubeflow-gateway-tls');
  const tls: any = get(r.objects, 'Secret', 'kubeflow-gateway-tls', 'istio-system');
  assert.is(tls.type, 'kubernetes.io/tls');
  const cert = secretText(tls, 'tls.crt');
  assert.match(cert, /^-----BEGIN CERTIFICATE-----/);
  const { X509Certificate } = await import('node:crypto');
  const x = new X509Certificate(cert);
  assert.match(x.subjectAltName ?? '', /IP Address:10\.0\.0\.100/);
  assert.match(x.subjectAltName ?? '', /DNS:kubeflow\.local/);
  // Upgrade with the recorded values: the same certificate and secrets.
  const again = await render('kubeflow', { files: [MINIMAL, HTTPS], persisted: r.persisted, revision: 2 });
  assert.is(secretText(get(again.objects, 'Secret', 'kubeflow-gateway-tls'), 'tls.crt'), cert);
  assert.is(secretText(get(again.objects, 'Secret', 'memberlist'), 'secretkey'), secretText(get(r.objects, 'Secret', 'memberlist'), 'secretkey'));
});

test('kubeflow: all examples together, persisted secrets make the render reproducible', async () => {
  const a = await render('kubeflow', { files: [MINIMAL, LDAP, HTTPS] });
  count('kubeflow + all examples', a.objects);
  const b = await render('kubeflow', { files: [MINIMAL, LDAP, HTTPS], persisted: a.persisted, revision: 2 });
  assert.equal(b.objects, a.objects);
  assert.equal(Object.keys(a.persisted).sort(), ['gateway-https-kubeflow-gateway-tls', 'ldap-admin-password', 'ldap-config-password', 'ldap-user-nkili', 'ldap-user-rspanakopita', 'metallb-member' + 'list', 'oauth2-proxy-cookie-secret', 'oidc-client-secret'].sort());
});

test('kubeflow: the printed stream (fast writer) is what js-yaml writes, object for object', async () => {
  const a = await render('kubeflow', { files: [MINIMAL, LDAP, HTTPS] });
  const entries = [...a.crds, ...a.manifest];
  assert.ok(entries.length > 60, String(entries.length));
  for (const e of entries) assert.fixture(toYamlStream([e]), `---\n# Source: ${e.template}\n${dumpYaml(e.object)}`);
});

test('dex: adding a static user changes the pod template checksum (pods roll), a replica change does not', async () => {
  const sum = (o: KObject) => podAnnotations(o)['checksum/config']!;
  const base = await render('kubeflow', { files: [MINIMAL] });
  const persisted = base.persisted;
  const added = await render('kubeflow', {
    files: [MINIMAL],
    persisted,
    sets: sets('dex.staticPasswords[1].email=second@example.com,dex.staticPasswords[1].username=second,dex.staticPasswords[1].hash=$2b$10$W47HUkRs8pug9VNGofS2L.kUFj5gS0YYC8scwm9zQ/y6JUyybk6UW'),
  });
  // --set on a list index replaces the user's list: re-add the first user.
  const first = (base as any).values.dex.staticPasswords[0];
  assert.ok(first);
  const two = await render('kubeflow', {
    persisted,
    sets: sets(
      `dex.staticPasswords[0].email=${first.email},dex.staticPasswords[0].username=${first.username},dex.staticPasswords[0].hash=${first.hash}`,
      'dex.staticPasswords[1].email=second@example.com,dex.staticPasswords[1].username=second,dex.staticPasswords[1].hash=$2b$10$W47HUkRs8pug9VNGofS2L.kUFj5gS0YYC8scwm9zQ/y6JUyybk6UW',
    ),
  });
  const d0 = get(base.objects, 'Deployment', 'dex');
  assert.is.not(sum(get(added.objects, 'Deployment', 'dex')), sum(d0));
  assert.is.not(sum(get(two.objects, 'Deployment', 'dex')), sum(d0));
  const scaled = await render('kubeflow', { files: [MINIMAL], persisted, sets: sets('dex.replicas=2') });
  assert.is(sum(get(scaled.objects, 'Deployment', 'dex')), sum(d0));
});

test('dex: LDAP connector from values with bindPW from an existing Secret, and passthrough connectors', async () => {
  const r = await render('dex', {
    sets: sets(
      'staticPasswords[0].email=u@example.com,staticPasswords[0].username=u,staticPasswords[0].hash=$2b$10$W47HUkRs8pug9VNGofS2L.kUFj5gS0YYC8scwm9zQ/y6JUyybk6UW',
      'connectors.ldap.enabled=true,connectors.ldap.host=ad.corp.example:636,connectors.ldap.bindDN=cn=svc\\,dc=corp',
      'connectors.ldap.bindPWSecretRef.name=ad-bind,connectors.ldap.bindPWSecretRef.key=pw',
    ),
  });
  const cfg = parseYaml(secretText(get(r.objects, 'Secret', 'dex-config'), 'config.yaml'), 'dex') as any;
  const ldap = cfg.connectors[0];
  assert.is(ldap.type, 'ldap');
  assert.is(ldap.config.host, 'ad.corp.example:636');
  assert.is(ldap.config.bindDN, 'cn=svc,dc=corp');
  assert.is(ldap.config.bindPW, '$DEX_LDAP_BIND_PW');
  assert.equal(ldap.config.userSearch, { baseDN: 'ou=People,dc=example,dc=com', filter: '(objectClass=person)', username: 'uid', idAttr: 'uid', emailAttr: 'mail', nameAttr: 'cn' });
  assert.equal(ldap.config.groupSearch, { baseDN: 'ou=Groups,dc=example,dc=com', filter: '(objectClass=groupOfNames)', userMatchers: [{ userAttr: 'DN', groupAttr: 'member' }], nameAttr: 'cn' });
  const env = (get(r.objects, 'Deployment', 'dex') as any).spec.template.spec.containers[0].env;
  assert.equal(env, [{ name: 'DEX_LDAP_BIND_PW', valueFrom: { secretKeyRef: { name: 'ad-bind', key: 'pw' } } }]);

  const gh = await render('dex', {
    sets: [{ kind: 'set-json', expr: 'connectors.extra=[{"type":"github","id":"github","name":"GitHub","config":{"clientID":"$GITHUB_CLIENT_ID","clientSecret":"$GITHUB_CLIENT_SECRET","redirectURI":"http://dex/callback"}}]' },
      { kind: 'set-json', expr: 'extraEnvFromSecrets=[{"name":"GITHUB_CLIENT_SECRET","secretName":"gh","key":"secret"}]' }],
  });
  const cfg2 = parseYaml(secretText(get(gh.objects, 'Secret', 'dex-config'), 'config.yaml'), 'dex') as any;
  assert.equal(cfg2.connectors, [{ type: 'github', id: 'github', name: 'GitHub', config: { clientID: '$GITHUB_CLIENT_ID', clientSecret: '$GITHUB_CLIENT_SECRET', redirectURI: 'http://dex/callback' } }]);
});

test('gateway-https: cert-manager and existing-Secret certificates', async () => {
  const cm = await render('gateway-https', { sets: sets('certificate.source=certManager', 'certificate.dnsNames={kf.example.com}') });
  const cert: any = get(cm.objects, 'Certificate', 'kubeflow-gateway-tls', 'istio-system');
  assert.equal(cert.spec.issuerRef, { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'kubeflow-self-signing-issuer' });
  assert.equal(cert.spec.dnsNames, ['kf.example.com', 'kubeflow.local']);
  assert.equal((get(cm.objects, 'ClusterIssuer', 'kubeflow-self-signing-issuer') as any).spec, { selfSigned: {} });
  const ex = await render('gateway-https', { sets: sets('certificate.source=existingSecret', 'certificate.secretName=my-tls') });
  assert.equal(ex.objects.map((o) => o.kind), ['Gateway']);
  assert.is((ex.objects[0] as any).spec.servers[1].tls.credentialName, 'my-tls');
});

test.after(() => {
  // Object counts (defaults and examples), for the report.
  if (process.env.KFCHART_CHART_COUNTS) console.log(JSON.stringify(counts, null, 2));
});

test.run();
