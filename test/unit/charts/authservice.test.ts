// The auth service is oauth2-proxy wired as upstream Kubeflow does it: the objects the release must contain (names,
// namespaces, keys — the auth harness reads them from the cluster), oauth2_proxy.cfg as TOML, the shared Dex client
// secret and the cookie secret (valid for oauth2-proxy, kept across upgrade and rollback), the mesh provider, and
// the arrikto values refused by name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseYaml } from '../../../engine/yaml/index.js';
import { render, refusal, example, sets, get, find, secretText, podAnnotations } from './_charts.js';
import { parseToml, cookieSecretBytes } from './_toml.js';
import type { KObject } from '../../../engine/manifest/index.js';

const MINIMAL = example('minimal');
const LDAP = example('ldap');
const HTTPS = example('expose-https');
const EXAMPLES: [string, string[]][] = [
  ['minimal', [MINIMAL]],
  ['minimal + ldap', [MINIMAL, LDAP]],
  ['minimal + expose-https', [MINIMAL, HTTPS]],
  ['all examples', [MINIMAL, LDAP, HTTPS]],
];

const cfgOf = (objs: KObject[], ns = 'oauth2-proxy') => parseToml((get(objs, 'ConfigMap', 'oauth2-proxy', ns) as any).data['oauth2_proxy.cfg']);
const dexConfig = (objs: KObject[], ns = 'auth') => parseYaml(secretText(get(objs, 'Secret', 'dex-config', ns), 'config.yaml'), 'dex config') as any;
const envOf = (d: any) => Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
const mesh = (objs: KObject[]) => parseYaml((get(objs, 'ConfigMap', 'istio', 'istio-system') as any).data.mesh, 'mesh') as any;

const UPSTREAM_PROVIDER = {
  name: 'oauth2-proxy',
  envoyExtAuthzHttp: {
    service: 'oauth2-proxy.oauth2-proxy.svc.cluster.local',
    port: 80,
    includeRequestHeadersInCheck: ['authorization', 'cookie'],
    headersToUpstreamOnAllow: ['authorization', 'path', 'x-auth-request-email', 'x-auth-request-groups', 'x-auth-request-user'],
    headersToDownstreamOnDeny: ['content-type', 'set-cookie'],
  },
};

/** Everything the request path needs, as rendered by the umbrella (default namespaces). */
function assertAuthObjects(objs: KObject[], label: string, https: boolean) {
  const ns: any = get(objs, 'Namespace', 'oauth2-proxy');
  assert.is(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted', label);
  get(objs, 'ServiceAccount', 'oauth2-proxy', 'oauth2-proxy');

  const cfg = cfgOf(objs);
  assert.is(cfg.oidc_issuer_url, 'http://dex.auth.svc.cluster.local:5556/dex', label);
  assert.is(cfg.redirect_url, '/oauth2/callback');

  const sec = get(objs, 'Secret', 'oauth2-proxy', 'oauth2-proxy');
  assert.equal(Object.keys((sec as any).data).sort(), ['client-id', 'client-secret', 'cookie-secret']);
  assert.is(secretText(sec, 'client-id'), 'kubeflow-authservice-oidc');

  const dep: any = get(objs, 'Deployment', 'oauth2-proxy', 'oauth2-proxy');
  const pod = dep.spec.template.spec;
  assert.is(pod.serviceAccountName, 'oauth2-proxy');
  const c = pod.containers[0];
  assert.is(c.name, 'oauth2-proxy');
  assert.is(c.image, 'quay.io/oauth2-proxy/oauth2-proxy:v7.15.6');
  assert.equal(c.args, ['--http-address=0.0.0.0:4180', '--config=/etc/oauth2_proxy/oauth2_proxy.cfg']);
  assert.equal(c.ports.map((p: any) => [p.name, p.containerPort]), [['http', 4180], ['metrics', 44180]]);
  const env = envOf(dep);
  assert.equal(env.OAUTH2_PROXY_CLIENT_ID, { secretKeyRef: { name: 'oauth2-proxy', key: 'client-id' } });
  assert.equal(env.OAUTH2_PROXY_CLIENT_SECRET, { secretKeyRef: { name: 'oauth2-proxy', key: 'client-secret' } });
  assert.equal(env.OAUTH2_PROXY_COOKIE_SECRET, { secretKeyRef: { name: 'oauth2-proxy', key: 'cookie-secret' } });
  assert.is(env.OAUTH2_PROXY_COOKIE_SECURE, https ? 'true' : 'false', `${label}: cookie secure`);
  assert.is(env.OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS, 'true');
  assert.is(env.OAUTH2_PROXY_EXTRA_JWT_ISSUERS, '');
  assert.equal(c.volumeMounts, [{ name: 'config', mountPath: '/etc/oauth2_proxy/oauth2_proxy.cfg', subPath: 'oauth2_proxy.cfg', readOnly: true }]);
  assert.equal(pod.volumes, [{ name: 'config', configMap: { name: 'oauth2-proxy' } }]);
  assert.equal(c.livenessProbe.httpGet, { path: '/ping', port: 'http', scheme: 'HTTP' });
  assert.equal(c.readinessProbe.httpGet, { path: '/ready', port: 'http', scheme: 'HTTP' });
  assert.is(pod.securityContext.runAsNonRoot, true);
  assert.is(c.securityContext.allowPrivilegeEscalation, false);
  assert.equal(c.securityContext.capabilities.drop, ['ALL']);
  assert.match(podAnnotations(dep)['checksum/config']!, /^[0-9a-f]{64}$/);

  const svc: any = get(objs, 'Service', 'oauth2-proxy', 'oauth2-proxy');
  assert.equal(svc.spec.ports.map((p: any) => [p.port, p.targetPort]), [[80, 'http']]);
  assert.equal(svc.spec.selector, dep.spec.selector.matchLabels);
  for (const [k, v] of Object.entries(svc.spec.selector)) assert.is(dep.spec.template.metadata.labels[k], v);

  const vs: any = get(objs, 'VirtualService', 'oauth2-proxy', 'oauth2-proxy');
  assert.equal(vs.spec.gateways, ['kubeflow/kubeflow-gateway']);
  assert.equal(vs.spec.http[0].match, [{ uri: { prefix: '/oauth2/' } }]);
  assert.equal(vs.spec.http[0].route, [{ destination: { host: 'oauth2-proxy.oauth2-proxy.svc.cluster.local', port: { number: 80 } } }]);

  const notPaths = ['/dex/*', '/dex/**', '/oauth2/*'];
  const custom: any = get(objs, 'AuthorizationPolicy', 'istio-ingressgateway-oauth2-proxy', 'istio-system');
  assert.equal(custom.spec, {
    action: 'CUSTOM',
    provider: { name: 'oauth2-proxy' },
    selector: { matchLabels: { app: 'istio-ingressgateway' } },
    rules: [{ when: [{ key: 'request.headers[authorization]', notValues: ['*'] }], to: [{ operation: { notPaths } }] }],
  });
  const deny: any = get(objs, 'AuthorizationPolicy', 'istio-ingressgateway-require-jwt', 'istio-system');
  assert.equal(deny.spec, {
    action: 'DENY',
    selector: { matchLabels: { app: 'istio-ingressgateway' } },
    rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { notPaths } }] }],
  });
  const dex: any = get(objs, 'RequestAuthentication', 'dex-jwt', 'istio-system');
  assert.equal(dex.spec, {
    selector: { matchLabels: { app: 'istio-ingressgateway' } },
    jwtRules: [{
      issuer: 'http://dex.auth.svc.cluster.local:5556/dex',
      forwardOriginalToken: true,
      outputClaimToHeaders: [{ header: 'kubeflow-userid', claim: 'email' }, { header: 'kubeflow-groups', claim: 'groups' }],
      fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
    }],
  });
  const m2m: any = get(objs, 'RequestAuthentication', 'm2m-token-issuer', 'istio-system');
  assert.equal(m2m.spec, {
    selector: { matchLabels: { app: 'istio-ingressgateway' } },
    jwtRules: [{
      issuer: 'https://kubernetes.default.svc.cluster.local',
      jwksUri: 'https://kubernetes.default.svc.cluster.local/openid/v1/jwks',
      forwardOriginalToken: true,
      outputClaimToHeaders: [{ header: 'kubeflow-userid', claim: 'sub' }, { header: 'kubeflow-groups', claim: 'groups' }],
      fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
    }],
  });
  for (const o of [custom, deny, dex, m2m]) assert.is(o.apiVersion, 'security.istio.io/v1');

  // The policies select the ingress gateway's pods (labels of the istio chart's Deployment).
  const gwPods = (get(objs, 'Deployment', 'istio-ingressgateway', 'istio-system') as any).spec.template.metadata.labels;
  assert.is(gwPods.app, 'istio-ingressgateway', 'the gateway pods carry app: istio-ingressgateway');

  // The mesh config names oauth2-proxy as the CUSTOM provider.
  assert.equal(mesh(objs).extensionProviders, [UPSTREAM_PROVIDER]);

  // Dex sends the browser back to oauth2-proxy's callback, with the same client.
  const client = dexConfig(objs).staticClients[0];
  assert.equal(client.redirectURIs, ['/oauth2/callback']);
  assert.is(client.id, 'kubeflow-authservice-oidc');
  assert.is(client.secret, secretText(sec, 'client-secret'), `${label}: Dex and oauth2-proxy share the client secret`);

  // Nothing of oidc-authservice is left.
  for (const o of objs) {
    assert.not.ok(o.kind === 'EnvoyFilter' || o.kind === 'StatefulSet' && o.metadata.name === 'oidc-authservice' || o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'authservice-pvc', `${label}: ${o.kind}/${o.metadata.name}`);
    assert.not.ok(o.metadata.name === 'oidc-authservice-client' || o.metadata.name === 'authn-filter', `${label}: ${o.kind}/${o.metadata.name}`);
  }
}

for (const [label, files] of EXAMPLES) {
  test(`kubeflow + ${label}: oauth2-proxy, its policies, the mesh provider and Dex's client`, async () => {
    const r = await render('kubeflow', { files });
    assertAuthObjects(r.objects, label, files.includes(HTTPS));
    const kf: any = get(r.objects, 'Namespace', 'kubeflow');
    assert.is(kf.metadata.labels['istio-injection'], 'enabled', 'the kubeflow namespace gets sidecars, as upstream');
    assert.match(r.notes, /302 to \/dex\/auth\?client_id=kubeflow-authservice-oidc&…&redirect_uri=%2Foauth2%2Fcallback/);
    assert.match(r.notes, /\/oauth2\/sign_out/);
    assert.not.match(r.notes, /login%2Foidc/);
    assert.not.match(r.notes, /cookie\.secure is false/, 'the HTTPS example sets the Secure cookie, so no warning');
  });
}

test('oauth2_proxy.cfg is TOML with upstream Kubeflow\'s settings (skip_provider_button true: straight to Dex)', async () => {
  const r = await render('kubeflow', { files: [MINIMAL] });
  assert.equal(cfgOf(r.objects), {
    provider: 'oidc',
    oidc_issuer_url: 'http://dex.auth.svc.cluster.local:5556/dex',
    scope: 'profile email groups openid',
    email_domains: ['*'],
    upstreams: ['static://200'],
    skip_auth_routes: ['^/dex/'],
    api_routes: ['/api/', '/apis/', '^/ml_metadata'],
    skip_oidc_discovery: true,
    login_url: '/dex/auth',
    redeem_url: 'http://dex.auth.svc.cluster.local:5556/dex/token',
    oidc_jwks_url: 'http://dex.auth.svc.cluster.local:5556/dex/keys',
    skip_provider_button: true,
    provider_display_name: 'Dex',
    prompt: 'none',
    set_authorization_header: true,
    set_xauthrequest: true,
    cookie_name: 'oauth2_proxy_kubeflow',
    cookie_expire: '24h',
    cookie_refresh: 0,
    code_challenge_method: 'S256',
    redirect_url: '/oauth2/callback',
    relative_redirect_url: true,
    ssl_insecure_skip_verify: false,
    metrics_address: '0.0.0.0:44180',
  });
  // No secret in the config file: the credentials come from the Secret.
  const text = (get(r.objects, 'ConfigMap', 'oauth2-proxy') as any).data['oauth2_proxy.cfg'];
  assert.not.match(text, /client_secret|cookie_secret|client_id/);
});

test('oauth2_proxy.cfg: values reach it, quoted as TOML (regex backslashes, quotes, scopes, extra lines)', async () => {
  const r = await render('kubeflow', {
    files: [MINIMAL],
    sets: [
      ...sets('global.oidc.issuer=https://login.example.com/dex/', 'authservice.oidc.skipProviderButton=false', 'authservice.oidc.prompt=login',
        'authservice.cookie.expire=12h', 'authservice.cookie.refresh=1h', 'authservice.oidc.providerDisplayName=Corp "SSO"'),
      { kind: 'set-json', expr: 'authservice.routes.api=["^/api/v1\\\\.json$","/apis/"]' },
      { kind: 'set-json', expr: 'authservice.oidc.scopes=["email","openid","offline_access"]' },
      { kind: 'set', expr: 'authservice.extraConfig=whitelist_domains = [".example.com"]\nreverse_proxy = true' },
    ],
  });
  const cfg = cfgOf(r.objects);
  assert.is(cfg.oidc_issuer_url, 'https://login.example.com/dex');
  assert.is(cfg.redeem_url, 'https://login.example.com/dex/token', 'no double slash');
  assert.is(cfg.oidc_jwks_url, 'https://login.example.com/dex/keys');
  assert.is(cfg.skip_provider_button, false);
  assert.is(cfg.prompt, 'login');
  assert.is(cfg.cookie_expire, '12h');
  assert.is(cfg.cookie_refresh, '1h');
  assert.is(cfg.provider_display_name, 'Corp "SSO"');
  assert.equal(cfg.api_routes, ['^/api/v1\\.json$', '/apis/']);
  assert.is(cfg.scope, 'email openid offline_access', 'openid once');
  assert.equal(cfg.whitelist_domains, ['.example.com']);
  assert.is(cfg.reverse_proxy, true);
  // The gateway validates tokens of the same issuer.
  assert.is((get(r.objects, 'RequestAuthentication', 'dex-jwt') as any).spec.jwtRules[0].issuer, 'https://login.example.com/dex');
  // A duplicate key in extraConfig is caught by the parser (oauth2-proxy would refuse to start).
  const dup = await render('kubeflow', { files: [MINIMAL], sets: [{ kind: 'set', expr: 'authservice.extraConfig=prompt = "login"' }] });
  assert.throws(() => cfgOf(dup.objects), /duplicate key prompt/);
});

test('the TOML checker itself refuses what oauth2-proxy would not read', () => {
  assert.throws(() => parseToml('a = "x\\/y"\n'), /invalid escape/);
  assert.throws(() => parseToml('a = x\n'), /not a TOML/);
  assert.throws(() => parseToml('a = "x" b\n'), /unexpected text/);
  assert.throws(() => parseToml('[t]\na = 1\n'), /tables/);
  assert.throws(() => parseToml('a = ["x" "y"]\n'), /expected , or \]/);
  assert.equal(parseToml('a = [\n  "x", # c\n  \'y\',\n]\nb = -3 # n\n'), { a: ['x', 'y'], b: -3 });
});

test('client secret: Dex\'s static client and oauth2-proxy get one generated value, kept by upgrade and rollback', async () => {
  const r1 = await render('kubeflow', { files: [MINIMAL] });
  const client = secretText(get(r1.objects, 'Secret', 'oauth2-proxy', 'oauth2-proxy'), 'client-secret');
  assert.match(client, /^[A-Za-z0-9]{32}$/);
  assert.is(dexConfig(r1.objects).staticClients[0].secret, client);
  assert.is(r1.persisted['oidc-client-secret'], client, 'one genSecret key for both charts');
  const cookie = secretText(get(r1.objects, 'Secret', 'oauth2-proxy'), 'cookie-secret');
  assert.is(r1.persisted['oauth2-proxy-cookie-secret'], cookie);
  assert.is.not(cookie, client);

  // Upgrade (revision 2) adding LDAP, then a rollback to revision 1's values (revision 3) with revision 2's record.
  const r2 = await render('kubeflow', { files: [MINIMAL, LDAP], persisted: r1.persisted, revision: 2 });
  const r3 = await render('kubeflow', { files: [MINIMAL], persisted: r2.persisted, revision: 3 });
  for (const [rev, r] of [[2, r2], [3, r3]] as const) {
    assert.is(secretText(get(r.objects, 'Secret', 'oauth2-proxy'), 'client-secret'), client, `revision ${rev}: client secret kept`);
    assert.is(dexConfig(r.objects).staticClients[0].secret, client, `revision ${rev}: Dex's copy kept`);
    assert.is(secretText(get(r.objects, 'Secret', 'oauth2-proxy'), 'cookie-secret'), cookie, `revision ${rev}: cookie secret kept (sessions survive)`);
  }
  // Unchanged secrets and config: oauth2-proxy's pods do not roll on the rollback.
  const sum = (r: typeof r1) => podAnnotations(get(r.objects, 'Deployment', 'oauth2-proxy'))['checksum/config'];
  assert.is(sum(r3), sum(r1));

  // Set explicitly: both charts take it.
  const set = await render('kubeflow', { files: [MINIMAL], sets: sets('global.oidc.clientSecret=0123456789abcdef-explicit', 'global.oidc.clientId=my-client') });
  assert.is(secretText(get(set.objects, 'Secret', 'oauth2-proxy'), 'client-secret'), '0123456789abcdef-explicit');
  assert.is(secretText(get(set.objects, 'Secret', 'oauth2-proxy'), 'client-id'), 'my-client');
  assert.is(dexConfig(set.objects).staticClients[0].secret, '0123456789abcdef-explicit');
  assert.is(dexConfig(set.objects).staticClients[0].id, 'my-client');
});

test('cookie secret: generated with a length oauth2-proxy accepts; an explicit one is checked by the schema', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await render('authservice');
    const s = secretText(get(r.objects, 'Secret', 'oauth2-proxy'), 'cookie-secret');
    assert.is(s.length, 32);
    assert.ok([16, 24, 32].includes(cookieSecretBytes(s)), `${s} → ${cookieSecretBytes(s)} bytes`);
  }
  // What oauth2-proxy's docs suggest (URL-safe base64 of 32 random bytes) and raw 16/24/32-character strings pass.
  for (const ok of ['MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXY=', '0123456789abcdef', '0123456789abcdef01234567']) {
    const r = await render('authservice', { sets: sets(`cookie.secret=${ok}`) });
    const s = secretText(get(r.objects, 'Secret', 'oauth2-proxy'), 'cookie-secret');
    assert.is(s, ok);
    assert.ok([16, 24, 32].includes(cookieSecretBytes(s)), ok);
    assert.not.ok('oauth2-proxy-cookie-secret' in r.persisted, 'no generated value when one is set');
  }
  const msg = await refusal('kubeflow', { sets: sets('authservice.cookie.secret=too-short') });
  assert.match(msg, /authservice\.cookie\.secret: must be 16, 24 or 32 characters, or URL-safe base64 of 16, 24 or 32 bytes/);
});

test('removed oidc-authservice values are refused, one line each naming the key and where it went', async () => {
  const removed: [string, RegExp][] = [
    ['oidc.provider=http://dex.auth.svc.cluster.local:5556/dex', /authservice\.oidc\.provider: was removed with oidc-authservice: the issuer is global\.oidc\.issuer/],
    ['oidc.urlPrefix=/authservice/', /authservice\.oidc\.urlPrefix: was removed with oidc-authservice: .*\/oauth2\/sign_out/],
    ['oidc.skipAuthURLs={/dex}', /authservice\.oidc\.skipAuthURLs: was removed with oidc-authservice: use routes\.skipAuth/],
    ['oidc.afterLogoutURL=/', /authservice\.oidc\.afterLogoutURL: was removed with oidc-authservice/],
    ['oidc.userIdHeader=kubeflow-userid', /authservice\.oidc\.userIdHeader: was removed with oidc-authservice: the header comes from requestAuthentication\.outputClaimToHeaders/],
    ['oidc.userIdPrefix=x', /authservice\.oidc\.userIdPrefix: was removed with oidc-authservice/],
    ['oidc.userIdClaim=email', /authservice\.oidc\.userIdClaim: was removed with oidc-authservice: the claim comes from requestAuthentication\.outputClaimToHeaders/],
    ['persistence.enabled=true', /authservice\.persistence: was removed with oidc-authservice: oauth2-proxy keeps sessions in encrypted cookies, there is no session store or PVC/],
    ['persistence.size=10Mi', /authservice\.persistence: was removed/],
    ['envoyFilter.enabled=true', /authservice\.envoyFilter: was removed with oidc-authservice: .*AuthorizationPolicy istio-ingressgateway-oauth2-proxy \(CUSTOM\)/],
    ['envoyFilter.timeout=10s', /authservice\.envoyFilter: was removed/],
    ['oidc.redirectURL=/login/oidc', /authservice\.oidc\.redirectURL: must be oauth2-proxy's callback \(\/oauth2\/callback\); \/login\/oidc was oidc-authservice's/],
  ];
  for (const [expr, re] of removed) {
    const msg = await refusal('kubeflow', { files: [MINIMAL], sets: sets(`authservice.${expr}`) });
    const lines = msg.split('\n').filter((l) => /authservice\./.test(l));
    assert.is(lines.length, 1, `${expr}: one line\n${msg}`);
    assert.match(lines[0]!, re, expr);
    assert.match(lines[0]!, new RegExp(`--set authservice\\.${expr.split('=')[0]!.replace(/\./g, '\\.')}`), `${expr}: names the flag`);
  }
  // The standalone chart too.
  assert.match(await refusal('authservice', { sets: sets('envoyFilter.gatewaySelector.istio=ingressgateway') }), /envoyFilter: was removed with oidc-authservice/);
});

test('mesh provider: a moved oauth2-proxy namespace without the provider is refused; with it everything moves', async () => {
  const msg = await refusal('kubeflow', { files: [MINIMAL], sets: sets('global.namespaces.authservice=auth-proxy') });
  assert.match(msg, /istio\.meshConfig\.extensionProviders "oauth2-proxy" points at oauth2-proxy\.oauth2-proxy\.svc\.cluster\.local port 80, but oauth2-proxy is oauth2-proxy\.auth-proxy\.svc\.cluster\.local port 80 \(global\.namespaces\.authservice=auth-proxy\)/);
  const none = await refusal('kubeflow', { files: [MINIMAL], sets: [{ kind: 'set-json', expr: 'istio.meshConfig.extensionProviders=[{"name":"other","envoyExtAuthzHttp":{"service":"x","port":80}}]' }] });
  assert.match(none, /istio\.meshConfig\.extensionProviders has no entry named "oauth2-proxy"/);
  const port = await refusal('kubeflow', { files: [MINIMAL], sets: sets('authservice.service.port=8080') });
  assert.match(port, /port 80, but oauth2-proxy is oauth2-proxy\.oauth2-proxy\.svc\.cluster\.local port 8080/);

  const provider = { ...UPSTREAM_PROVIDER, envoyExtAuthzHttp: { ...UPSTREAM_PROVIDER.envoyExtAuthzHttp, service: 'oauth2-proxy.auth-proxy.svc.cluster.local' } };
  const r = await render('kubeflow', {
    files: [MINIMAL],
    sets: [...sets('global.namespaces.authservice=auth-proxy', 'global.namespaces.istio=mesh', 'global.namespaces.kubeflow=kf'),
      { kind: 'set-json', expr: `istio.meshConfig.extensionProviders=${JSON.stringify([provider])}` }],
  });
  for (const kind of ['Namespace', 'ConfigMap', 'Secret', 'Deployment', 'Service', 'ServiceAccount', 'VirtualService']) {
    const o = find(r.objects, kind, kind === 'Namespace' ? 'auth-proxy' : 'oauth2-proxy', kind === 'Namespace' ? undefined : 'auth-proxy');
    assert.ok(o, `${kind} in auth-proxy`);
  }
  const vs: any = get(r.objects, 'VirtualService', 'oauth2-proxy', 'auth-proxy');
  assert.equal(vs.spec.gateways, ['kf/kubeflow-gateway']);
  assert.is(vs.spec.http[0].route[0].destination.host, 'oauth2-proxy.auth-proxy.svc.cluster.local');
  for (const name of ['istio-ingressgateway-oauth2-proxy', 'istio-ingressgateway-require-jwt']) get(r.objects, 'AuthorizationPolicy', name, 'mesh');
  for (const name of ['dex-jwt', 'm2m-token-issuer']) get(r.objects, 'RequestAuthentication', name, 'mesh');
  // Istio off (the cluster has its own): no check, the policies are still rendered.
  const noIstio = await render('kubeflow', { files: [MINIMAL], sets: sets('istio.enabled=false', 'global.namespaces.authservice=auth-proxy') });
  get(noIstio.objects, 'AuthorizationPolicy', 'istio-ingressgateway-oauth2-proxy', 'istio-system');
});

test('the /oauth2/ route binds to the umbrella\'s gateway: a renamed gateway without the route is refused', async () => {
  const msg = await refusal('kubeflow', { files: [MINIMAL], sets: sets('gateway.name=front') });
  assert.match(msg, /gateway\.name=front but authservice\.virtualService\.gateway=kubeflow-gateway/);
  const r = await render('kubeflow', { files: [MINIMAL], sets: sets('gateway.name=front', 'authservice.virtualService.gateway=front') });
  assert.equal((get(r.objects, 'VirtualService', 'oauth2-proxy') as any).spec.gateways, ['kubeflow/front']);
  assert.equal((get(r.objects, 'VirtualService', 'dex') as any).spec.gateways, ['kubeflow/front']);
});

test('switches: m2m off, require-jwt off, CUSTOM policy off, sidecar injection off, domain as the route host', async () => {
  const r = await render('kubeflow', {
    files: [MINIMAL],
    sets: sets('authservice.m2m.enabled=false', 'authservice.authorizationPolicy.requireJwt=false', 'kubeflowNamespace.istioInjection=false',
      'global.domain=kf.example.com', 'authservice.m2m.skipJwtBearerTokens=false', 'authservice.m2m.extraJwtIssuers=https://issuer.example=kubeflow'),
  });
  assert.not.ok(find(r.objects, 'RequestAuthentication', 'm2m-token-issuer'));
  assert.not.ok(find(r.objects, 'AuthorizationPolicy', 'istio-ingressgateway-require-jwt'));
  get(r.objects, 'AuthorizationPolicy', 'istio-ingressgateway-oauth2-proxy');
  get(r.objects, 'RequestAuthentication', 'dex-jwt');
  assert.not.ok((get(r.objects, 'Namespace', 'kubeflow') as any).metadata.labels['istio-injection']);
  assert.equal((get(r.objects, 'VirtualService', 'oauth2-proxy') as any).spec.hosts, ['kf.example.com']);
  const env = envOf(get(r.objects, 'Deployment', 'oauth2-proxy'));
  assert.is(env.OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS, 'false');
  assert.is(env.OAUTH2_PROXY_EXTRA_JWT_ISSUERS, 'https://issuer.example=kubeflow');
  const off = await render('kubeflow', { files: [MINIMAL], sets: sets('authservice.authorizationPolicy.enabled=false', 'authservice.authorizationPolicy.requireJwt=false') });
  assert.not.ok(off.objects.some((o) => o.kind === 'AuthorizationPolicy'));
  // HTTPS without a Secure cookie: NOTES say so.
  const warn = await render('kubeflow', { files: [MINIMAL], sets: sets('gateway-https.enabled=true') });
  assert.match(warn.notes, /HTTPS is on but authservice\.cookie\.secure is false/);
});

test('checksum/config rolls oauth2-proxy on a config or secret change, not on a replica change', async () => {
  const base = await render('kubeflow', { files: [MINIMAL] });
  const sum = (r: typeof base) => podAnnotations(get(r.objects, 'Deployment', 'oauth2-proxy'))['checksum/config'];
  const p = base.persisted;
  assert.is.not(sum(await render('kubeflow', { files: [MINIMAL], persisted: p, sets: sets('authservice.cookie.expire=12h') })), sum(base));
  assert.is.not(sum(await render('kubeflow', { files: [MINIMAL], persisted: p, sets: sets('global.oidc.clientSecret=another-secret-value') })), sum(base));
  assert.is(sum(await render('kubeflow', { files: [MINIMAL], persisted: p, sets: sets('authservice.replicas=3') })), sum(base));
});

test('authservice alone: its own namespace value, the issuer default, Istio objects in istio.namespace', async () => {
  const r = await render('authservice', { sets: sets('namespace=proxy', 'istio.namespace=gw', 'virtualService.gatewayNamespace=front') });
  for (const kind of ['ConfigMap', 'Secret', 'Deployment', 'Service', 'ServiceAccount', 'VirtualService']) get(r.objects, kind, 'oauth2-proxy', 'proxy');
  get(r.objects, 'Namespace', 'proxy');
  get(r.objects, 'AuthorizationPolicy', 'istio-ingressgateway-oauth2-proxy', 'gw');
  get(r.objects, 'RequestAuthentication', 'dex-jwt', 'gw');
  assert.equal((get(r.objects, 'VirtualService', 'oauth2-proxy') as any).spec.gateways, ['front/kubeflow-gateway']);
  assert.is(cfgOf(r.objects, 'proxy').oidc_issuer_url, 'http://dex.auth.svc.cluster.local:5556/dex');
  assert.match(r.notes, /oauth2-proxy\.proxy\.svc\.cluster\.local port 80/);
  const own = await render('authservice', { sets: sets('oidc.issuer=https://idp.example.com', 'createNamespace=false') });
  assert.is(cfgOf(own.objects).oidc_issuer_url, 'https://idp.example.com');
  assert.not.ok(find(own.objects, 'Namespace', 'oauth2-proxy'));
});

test.run();
