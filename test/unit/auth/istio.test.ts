// Pure parts of the emulated gateway (test/auth/lib/istio.ts, addresses.ts): Istio's matching rules and the
// in-cluster → loopback address rewrite, checked on the shapes the charts render.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applicable, policyMatches, route, ruleMatches, strMatch, tokenOf, type Req } from '../../auth/lib/istio.js';
import { AddressMap, listenPort } from '../../auth/lib/addresses.js';
import type { KObject } from '../../../engine/manifest/index.js';

const req = (path: string, headers: Record<string, string> = {}, principal?: string): Req => ({ method: 'GET', path, host: 'kf.example.com', headers, principal });
const NOT_PATHS = ['/dex/*', '/dex/**', '/oauth2/*'];
const custom = { when: [{ key: 'request.headers[authorization]', notValues: ['*'] }], to: [{ operation: { notPaths: NOT_PATHS } }] };
const denyNoJwt = { from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { notPaths: NOT_PATHS } }] };

test('string match: exact, presence, prefix, suffix', () => {
  assert.ok(strMatch('/a', '/a'));
  assert.not.ok(strMatch('/a', '/a/'));
  assert.ok(strMatch('*', 'x'));
  assert.not.ok(strMatch('*', undefined));
  assert.ok(strMatch('/dex/*', '/dex/auth/local'));
  assert.not.ok(strMatch('/dex/*', '/dexter'));
  assert.ok(strMatch('*.svc', 'a.svc'));
  assert.not.ok(strMatch('/dex/**', '/dex/auth'), 'a trailing * is a prefix match of the rest, "/dex/*" literally');
});

test('the CUSTOM rule: requests without an authorization header, outside /dex/ and /oauth2/', () => {
  assert.ok(ruleMatches(custom, req('/')));
  assert.ok(ruleMatches(custom, req('/pipelines/')));
  assert.not.ok(ruleMatches(custom, req('/dex/auth')));
  assert.not.ok(ruleMatches(custom, req('/oauth2/callback')));
  assert.not.ok(ruleMatches(custom, req('/', { authorization: 'Bearer x' })));
  assert.ok(ruleMatches(custom, req('/oauth2')), '/oauth2 without the slash is not skipped');
});

test('the DENY rule: no request principal, outside /dex/ and /oauth2/', () => {
  assert.ok(ruleMatches(denyNoJwt, req('/')));
  assert.not.ok(ruleMatches(denyNoJwt, req('/', {}, 'iss/sub')));
  assert.not.ok(ruleMatches(denyNoJwt, req('/dex/keys')));
});

test('a policy with no rules matches nothing; a rule with an unsupported condition is an error, not a silent allow', () => {
  const p = (spec: object) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'istio-system' }, spec }) as unknown as KObject;
  assert.not.ok(policyMatches(p({ action: 'DENY' }), req('/')));
  assert.ok(policyMatches(p({ rules: [{}] }), req('/')));
  assert.throws(() => ruleMatches({ when: [{ key: 'source.ip', values: ['1.2.3.4'] }] }, req('/')), /cannot evaluate/);
  assert.throws(() => ruleMatches({ from: [{ source: { principals: ['x'] } }] }, req('/')), /cannot evaluate/);
});

test('policies apply by selector in the gateway namespace, and without selector from the root namespace', () => {
  const ap = (ns: string, sel?: object) => ({ kind: 'AuthorizationPolicy', metadata: { name: `p-${ns}`, namespace: ns }, spec: sel ? { selector: { matchLabels: sel } } : {} }) as unknown as KObject;
  const items = [ap('istio-system', { app: 'istio-ingressgateway' }), ap('istio-system', { app: 'other' }), ap('kubeflow'), ap('root-ns')];
  const got = applicable(items, 'AuthorizationPolicy', { app: 'istio-ingressgateway', istio: 'ingressgateway' }, 'istio-system', 'root-ns').map((o) => o.metadata.name);
  assert.equal(got, ['p-istio-system', 'p-root-ns']);
});

test('token locations: Authorization Bearer by default, or the rule\'s own', () => {
  const q = new URLSearchParams('access_token=qq');
  assert.equal(tokenOf({ issuer: 'i' }, { authorization: 'Bearer abc' }, q), { token: 'abc', header: 'authorization' });
  assert.equal(tokenOf({ issuer: 'i' }, {}, q), { token: 'qq', param: 'access_token' });
  assert.is(tokenOf({ issuer: 'i', fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }] }, { authorization: 'Basic x' }, new URLSearchParams()), undefined);
  assert.equal(tokenOf({ issuer: 'i', fromHeaders: [{ name: 'X-Token' }] }, { 'x-token': 't' }, q), { token: 't', header: 'x-token' });
});

test('VirtualService routes: gateway binding, prefix, rewrite, short host names', () => {
  const vs = (name: string, ns: string, gw: string, http: object[]) => ({ kind: 'VirtualService', metadata: { name, namespace: ns }, spec: { gateways: [gw], hosts: ['*'], http } }) as unknown as KObject;
  const all = [
    vs('dex', 'auth', 'kubeflow/kubeflow-gateway', [{ match: [{ uri: { prefix: '/dex/' } }], route: [{ destination: { host: 'dex.auth.svc.cluster.local', port: { number: 5556 } } }] }]),
    vs('app', 'kubeflow', 'kubeflow-gateway', [{ match: [{ uri: { prefix: '/app/' } }], rewrite: { uri: '/' }, route: [{ destination: { host: 'app' } }] }]),
    vs('other', 'x', 'x/other-gateway', [{ route: [{ destination: { host: 'nope' } }] }]),
  ];
  const g = 'kubeflow/kubeflow-gateway';
  assert.equal(route(all, g, req('/dex/auth'))?.destination, { host: 'dex.auth.svc.cluster.local', port: 5556 });
  const app = route(all, g, req('/app/x'))!;
  assert.equal(app.destination, { host: 'app.kubeflow.svc.cluster.local', port: undefined });
  assert.is(app.rewriteUri, '/');
  assert.is(route(all, g, req('/nothing')), undefined, 'the catch-all of another gateway does not apply');
});

test('addresses: registered Services are rewritten in every DNS form; others and issuers are left alone', () => {
  const a = new AddressMap();
  a.register('dex', 'auth', 5556, 40001);
  a.register('ldap-service', 'kubeflow', 389, 40002);
  assert.is(a.rewrite('http://dex.auth.svc.cluster.local:5556/dex/token', 'x'), 'http://127.0.0.1:40001/dex/token');
  assert.is(a.rewrite('http://dex.auth.svc:5556/dex', 'x'), 'http://127.0.0.1:40001/dex');
  assert.is(a.rewrite('dex.auth:5556', 'x'), '127.0.0.1:40001');
  assert.is(a.rewrite('ldap-service.kubeflow.svc.cluster.local:389', 'x'), '127.0.0.1:40002');
  assert.is(a.rewrite('ldaps://ldap-service.kubeflow.svc.cluster.local', 'x'), 'ldaps://ldap-service.kubeflow.svc.cluster.local', 'port 636 is not registered');
  assert.is(a.rewrite('http://dex.auth.svc.cluster.local:5557/', 'x'), 'http://dex.auth.svc.cluster.local:5557/', 'another port');
  assert.is(a.rewrite('http://dex.other.svc.cluster.local:5556/', 'x'), 'http://dex.other.svc.cluster.local:5556/');
  assert.is(a.rewrite('user@example.com and www.example.com', 'x'), 'user@example.com and www.example.com');
  assert.is(a.lookup('dex.auth.svc.cluster.local', 5556), 40001);
  assert.is(a.lookup('dex.auth.svc.cluster.local', 80), undefined);
  assert.is(a.log.length, 4);
  assert.is(listenPort('0.0.0.0:4180'), 4180);
  assert.is(listenPort(':80'), 80);
  assert.is(listenPort('[::]:5556'), 5556);
});

test.run();
