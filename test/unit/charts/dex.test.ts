// charts/dex at v2.45.1: the dex.coreos.com CRDs its Kubernetes storage uses ship in crds/, LDAP group search uses
// userMatchers (the deprecated userAttr/groupAttr pair is still accepted as input), and the default static client
// is oauth2-proxy's (redirect /oauth2/callback) with the shared generated secret.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseYaml } from '../../../engine/yaml/index.js';
import { render, refusal, get, sets, secretText } from './_charts.js';

const config = (objs: any[]) => parseYaml(secretText(get(objs, 'Secret', 'dex-config'), 'config.yaml'), 'dex') as any;
const LDAP_ON = 'connectors.ldap.enabled=true,connectors.ldap.bindPW=not-a-real-pw';

test('dex v2.45.1: image and appVersion', async () => {
  const r = await render('dex');
  assert.is(r.chart.meta.appVersion, 'v2.45.1');
  assert.is((get(r.objects, 'Deployment', 'dex') as any).spec.template.spec.containers[0].image, 'ghcr.io/dexidp/dex:v2.45.1');
});

test('dex: ships every dex.coreos.com kind of its Kubernetes storage as a v1 CRD (no 429 crash on a fresh cluster)', async () => {
  const r = await render('dex');
  const crds = r.crds.map((e) => e.object as any);
  // storage/kubernetes/types.go customResourceDefinitions() at v2.45.1 (plural names as Dex spells them).
  assert.equal(crds.map((c) => c.metadata.name).sort(), [
    'authcodes', 'authrequests', 'connectors', 'devicerequests', 'devicetokens', 'oauth2clients', 'offlinesessionses',
    'passwords', 'refreshtokens', 'signingkeies',
  ].map((p) => `${p}.dex.coreos.com`));
  for (const c of crds) {
    assert.is(c.spec.group, 'dex.coreos.com');
    assert.is(c.spec.scope, 'Namespaced');
    assert.is(`${c.spec.names.plural}.dex.coreos.com`, c.metadata.name);
    assert.equal(c.spec.versions.map((v: any) => [v.name, v.served, v.storage]), [['v1', true, true]]);
    assert.equal(c.spec.versions[0].schema.openAPIV3Schema, { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  }
  const kinds = new Map(crds.map((c) => [c.spec.names.kind, c.spec.names.singular]));
  assert.is(kinds.get('SigningKey'), 'signingkey');
  assert.is(kinds.get('OfflineSessions'), 'offlinesessions');
  assert.is(kinds.get('OAuth2Client'), 'oauth2client');
});

test('dex: default static client is oauth2-proxy\'s: /oauth2/callback, generated secret shared as oidc-client-secret', async () => {
  const r = await render('dex');
  const c = config(r.objects).staticClients[0];
  assert.equal(c.redirectURIs, ['/oauth2/callback']);
  assert.is(c.name, 'Kubeflow oauth2-proxy');
  assert.is(c.id, 'kubeflow-authservice-oidc');
  assert.is(c.secret, r.persisted['oidc-client-secret']);
  assert.is(c.secret.length, 32);
  const again = await render('dex', { persisted: r.persisted, revision: 2 });
  assert.is(config(again.objects).staticClients[0].secret, c.secret);
});

test('dex: LDAP groupSearch renders userMatchers (defaults, several matchers, recursion)', async () => {
  const d = await render('dex', { sets: sets(LDAP_ON) });
  const gs = config(d.objects).connectors[0].config.groupSearch;
  assert.equal(gs.userMatchers, [{ userAttr: 'DN', groupAttr: 'member' }]);
  assert.not.ok('userAttr' in gs || 'groupAttr' in gs, 'no deprecated keys in the rendered config');
  const many = await render('dex', {
    sets: [...sets(LDAP_ON), { kind: 'set-json', expr: 'connectors.ldap.groupSearch.userMatchers=[{"userAttr":"uid","groupAttr":"memberUid"},{"userAttr":"DN","groupAttr":"member","recursionGroupAttr":"member"}]' }],
  });
  assert.equal(config(many.objects).connectors[0].config.groupSearch.userMatchers, [
    { userAttr: 'uid', groupAttr: 'memberUid' },
    { userAttr: 'DN', groupAttr: 'member', recursionGroupAttr: 'member' },
  ]);
});

test('dex: the deprecated groupSearch.userAttr/groupAttr values become the one userMatcher', async () => {
  const r = await render('dex', { sets: sets(LDAP_ON, 'connectors.ldap.groupSearch.userAttr=uid', 'connectors.ldap.groupSearch.groupAttr=memberUid') });
  const gs = config(r.objects).connectors[0].config.groupSearch;
  assert.equal(gs.userMatchers, [{ userAttr: 'uid', groupAttr: 'memberUid' }]);
  assert.not.ok('userAttr' in gs);
  const one = await render('dex', { sets: sets(LDAP_ON, 'connectors.ldap.groupSearch.groupAttr=uniqueMember') });
  assert.equal(config(one.objects).connectors[0].config.groupSearch.userMatchers, [{ userAttr: 'DN', groupAttr: 'uniqueMember' }]);
});

test('dex: the demo LDAP connector (global.ldapDemo) uses userMatchers too', async () => {
  const r = await render('dex', { sets: sets('global.ldapDemo.enabled=true') });
  const gs = config(r.objects).connectors[0].config.groupSearch;
  assert.equal(gs.userMatchers, [{ userAttr: 'DN', groupAttr: 'member' }]);
  assert.not.ok('userAttr' in gs);
});

test('dex: a userMatcher without groupAttr, an empty list and unknown keys are refused', async () => {
  assert.match(await refusal('dex', { sets: [...sets(LDAP_ON), { kind: 'set-json', expr: 'connectors.ldap.groupSearch.userMatchers=[{"userAttr":"DN"}]' }] }), /groupAttr/);
  assert.match(await refusal('dex', { sets: [...sets(LDAP_ON), { kind: 'set-json', expr: 'connectors.ldap.groupSearch.userMatchers=[]' }] }), /userMatchers/);
  assert.match(await refusal('dex', { sets: [...sets(LDAP_ON), { kind: 'set-json', expr: 'connectors.ldap.groupSearch.userMatchers=[{"userAttr":"DN","groupAttr":"member","typo":1}]' }] }), /typo/);
});

test.run();
