// renderChart: context, partials and include, tpl, checksum, generated secrets, subcharts, notes, determinism.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { ctx, kfErr, mkChart, r, renderAll } from './_util.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

test('context: values, release, chart, capabilities, template', () => {
  const out = r(
    '{{release.name}} {{release.namespace}} {{release.revision}} {{release.isInstall}} {{release.isUpgrade}} {{release.service}}\n' +
      '{{chart.name}} {{chart.version}} {{chart.appVersion}}\n' +
      '{{capabilities.kubeVersion.version}} {{capabilities.kubeVersion.minor}} {{has "policy/v1" capabilities.apiVersions}}\n' +
      '{{template.name}} {{template.basePath}} {{values.a}}',
    { a: 'A' },
  );
  assert.is(out, 'demo kubeflow 1 true false kfchart\ndemo 1.2.3 4.5.6\nv1.30.2 30 true\ndemo/templates/t.yaml demo/templates A');
});

test('chart.appVersion is "" when Chart.yaml has none (not a strict error)', () => {
  assert.is(r('[{{chart.appVersion}}]', {}, { meta: { appVersion: undefined } }), '[]');
});

test('files.get / fileGet read the chart\'s own non-template files only', () => {
  const spec = { files: { 'files/dex.conf': 'issuer: x\n' } };
  assert.is(r('{{files.get "files/dex.conf"}}|{{fileGet "files/dex.conf"}}', {}, spec), 'issuer: x\n|issuer: x\n');
  assert.is(r('c:{{nindent 2 (files.get "files/dex.conf")}}', {}, spec), 'c:\n  issuer: x\n  '); // Sprig: every newline is followed by the pad
  const e = kfErr(() => r('a\n{{files.get "/etc/passwd"}}', {}, spec));
  assert.match(e.message, /^demo\/templates\/t\.yaml:2: files\.get: no file "\/etc\/passwd" in chart demo \(files: files\/dex\.conf\)/);
  assert.match(kfErr(() => r('{{fileGet "templates/t.yaml"}}', {}, spec)).message, /no file "templates\/t\.yaml"/);
});

test('partials: {{> name}} on its own line is indented to its column; include + nindent', () => {
  const spec = { partials: { 'templates/_labels.hbs': 'app: {{chart.name}}\nrelease: {{release.name}}\n' } };
  const src = 'metadata:\n  labels:\n    {{> labels}}\n  annotations:{{nindent 4 (include "labels" this)}}\nend: 1\n';
  assert.is(r(src, {}, spec), 'metadata:\n  labels:\n    app: demo\n    release: demo\n  annotations:\n    app: demo\n    release: demo\nend: 1\n');
});

test('include passes the given context; @root stays the template root', () => {
  const spec = { partials: { 'templates/_port.hbs': '{{name}}:{{port}}/{{@root.values.proto}}' } };
  assert.is(r('{{#each values.ports}}{{include "port" this}};{{/each}}', { proto: 'TCP', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }, spec),
    'http:80/TCP;https:443/TCP;');
  assert.is(r('{{include "port" (dict "name" "x" "port" 1)}}', { proto: 'UDP' }, spec), 'x:1/UDP');
});

test('partials in sub-folders register by file name; two of the same name in one chart is an error', () => {
  assert.is(r('{{include "x" this}}', {}, { partials: { 'templates/helpers/_x.hbs': 'X' } }), 'X');
  const chart = mkChart({ templates: { 'templates/t.yaml': '' }, partials: { 'templates/_x.hbs': '1', 'templates/a/_x.hbs': '2' } });
  assert.match(kfErr(() => renderAll(chart, {})).message, /partial "x" is also defined by demo\/templates\/_x\.hbs/);
});

test('tpl renders a string from values as a template with the given context', () => {
  const v = { host: 'kf.example.com', issuer: 'https://{{values.host}}/dex', nested: '{{tpl values.issuer @root}}' };
  assert.is(r('{{tpl values.issuer this}}', v), 'https://kf.example.com/dex');
  assert.is(r('{{tpl values.nested this}}', v), 'https://kf.example.com/dex');
  assert.is(r('{{tpl "{{upper name}}" (dict "name" "x")}}', v), 'X');
  const e = kfErr(() => r('a\nb: {{tpl "{{values.nope}}" this}}', v));
  assert.is(e.message, 'demo/templates/t.yaml:2 (tpl):1: values.nope is not defined');
});

test('checksum = sha256 of another rendered template of the same chart, and follows its values', () => {
  const templates = {
    'templates/configmap.yaml': 'kind: ConfigMap\ndata:\n  level: {{values.logLevel}}\n',
    'templates/deployment.yaml': 'annotations:\n  checksum/config: {{checksum "templates/configmap.yaml"}}\n',
  };
  const chart = mkChart({ templates });
  const a = renderAll(chart, { logLevel: 'info' });
  const cm = a.files.find((f) => f.template === 'demo/templates/configmap.yaml')!.text;
  const dep = a.files.find((f) => f.template === 'demo/templates/deployment.yaml')!.text;
  assert.is(dep, `annotations:\n  checksum/config: ${sha(cm)}\n`);
  const b = renderAll(chart, { logLevel: 'debug' });
  assert.is.not(b.files.find((f) => f.template === 'demo/templates/deployment.yaml')!.text, dep);
});

test('checksum: unknown template and cycles are errors', () => {
  assert.match(kfErr(() => r('{{checksum "templates/nope.yaml"}}')).message, /checksum: no template "templates\/nope\.yaml" in chart demo/);
  const chart = mkChart({ templates: { 'templates/a.yaml': '{{checksum "templates/b.yaml"}}', 'templates/b.yaml': '{{checksum "templates/a.yaml"}}' } });
  assert.match(kfErr(() => renderAll(chart, {})).message, /checksum cycle: templates\/a\.yaml → templates\/b\.yaml → templates\/a\.yaml/);
});

test('genSecret: random alphanumeric, same key twice → same value, recorded in persisted', () => {
  const chart = mkChart({ templates: { 'templates/a.yaml': '{{genSecret "oidc" 32}}', 'templates/b.yaml': '{{genSecret "oidc" 32}} {{genSecret "other" 8}}' } });
  const res = renderAll(chart, {});
  const a = res.files[0].text;
  assert.match(a, /^[A-Za-z0-9]{32}$/);
  assert.is(res.files[1].text.split(' ')[0], a);
  assert.match(res.files[1].text.split(' ')[1], /^[A-Za-z0-9]{8}$/);
  assert.equal(Object.keys(res.persisted).sort(), ['oidc', 'other']);
  assert.is(res.persisted.oidc, a);
  const again = renderAll(chart, {});
  assert.is.not(again.files[0].text, a); // fresh without persisted values
});

test('genSecret reuses ctx.persisted (upgrade/rollback keep the secret)', () => {
  const res = renderAll(mkChart({ templates: { 'templates/a.yaml': '{{b64enc (genSecret "oidc" 32)}}' } }), {}, ctx({ persisted: { oidc: 'keepme' } }));
  assert.is(res.files[0].text, Buffer.from('keepme').toString('base64'));
  assert.equal(res.persisted, { oidc: 'keepme' });
  assert.match(kfErr(() => r('{{genSecret "k" 0}}')).message, /length must be 1\.\.4096/);
});

test('genSelfSignedCert: PEM cert+key with SANs, persisted as JSON and reused', () => {
  const src = '{{#with (genSelfSignedCert "tls" "gw.example.com" (list "10.0.0.1") (list "gw.example.com" "gw") 365)}}{{b64enc cert}}|{{b64enc key}}{{/with}}';
  const res = renderAll(mkChart({ templates: { 'templates/a.yaml': src } }), {});
  const [c, k] = res.files[0].text.split('|').map((s) => Buffer.from(s, 'base64').toString());
  assert.match(c, /^-----BEGIN CERTIFICATE-----/);
  assert.match(k, /^-----BEGIN RSA PRIVATE KEY-----/);
  const x = new X509Certificate(c);
  assert.match(x.subject, /CN=gw\.example\.com/);
  assert.match(x.subjectAltName ?? '', /DNS:gw\.example\.com, DNS:gw, IP Address:10\.0\.0\.1/);
  assert.ok(x.checkPrivateKey(createPrivateKey(k)));
  assert.equal(JSON.parse(res.persisted.tls), { cert: c, key: k });
  const again = renderAll(mkChart({ templates: { 'templates/a.yaml': src } }), {}, ctx({ persisted: res.persisted }));
  assert.is(again.files[0].text, res.files[0].text);
});

test('genCA + genSignedCert: a CA and a server cert it signed, both persisted', () => {
  const src = '{{#with (genCA "ca" "kf-ca" 3650) as |ca|}}{{#with (genSignedCert "srv" "webhook.kubeflow.svc" (list) (list "webhook.kubeflow.svc") 365 ca)}}' +
    '{{b64enc ca.cert}}|{{b64enc cert}}|{{b64enc key}}{{/with}}{{/with}}';
  const res = renderAll(mkChart({ templates: { 'templates/a.yaml': src } }), {});
  const [caPem, certPem, keyPem] = res.files[0].text.split('|').map((s) => Buffer.from(s, 'base64').toString());
  const ca = new X509Certificate(caPem);
  const srv = new X509Certificate(certPem);
  assert.ok(ca.ca);
  assert.not.ok(srv.ca);
  assert.ok(srv.checkIssued(ca));
  assert.ok(srv.verify(ca.publicKey));
  assert.ok(srv.checkPrivateKey(createPrivateKey(keyPem)));
  assert.match(srv.subjectAltName ?? '', /DNS:webhook\.kubeflow\.svc/);
  assert.equal(Object.keys(res.persisted).sort(), ['ca', 'srv']);
  const again = renderAll(mkChart({ templates: { 'templates/a.yaml': src } }), {}, ctx({ persisted: res.persisted }));
  assert.is(again.files[0].text, res.files[0].text);
  assert.match(kfErr(() => r('{{genSignedCert "s" "cn" (list) (list) 1 "notaca"}}')).message, /ca must be the result of genCA/);
  assert.match(kfErr(() => r('{{genCA "c" "cn"}}')).message, /genCA expects 3 arguments/);
});

test('a partial or tpl that includes itself stops with a clear error, not a stack overflow', () => {
  const e = kfErr(() => r('{{> loop}}', {}, { partials: { 'templates/_loop.hbs': 'x{{> loop}}' } }));
  assert.match(e.message, /nested more than 100 deep \(does demo\/templates\/_loop\.hbs include itself\?\)/);
  assert.match(kfErr(() => r('{{tpl values.t this}}', { t: '{{tpl values.t this}}' })).message, /nested more than 100 deep/);
});

test('size bombs are refused: until, repeat, indent', () => {
  assert.match(kfErr(() => r('{{len (until 100000000)}}')).message, /until: 100000000 is over the limit/);
  assert.match(kfErr(() => r('{{repeat 100000000 "abc"}}')).message, /repeat: result would be over/);
  assert.match(kfErr(() => r('{{indent 100000 "x"}}')).message, /indent: indent width 100000 is over 1000/);
  assert.match(kfErr(() => r('{{printf "%999999999s" "x"}}')).message, /printf: width\/precision over 1000/);
});

test('templates that render to whitespace are still returned', () => {
  const res = renderAll(mkChart({ templates: { 'templates/a.yaml': '{{#if values.on}}\nkind: X\n{{/if}}\n' } }), { on: false });
  assert.equal(res.files, [{ template: 'demo/templates/a.yaml', text: '' }].map((f) => ({ ...f, text: res.files[0].text })));
  assert.is(res.files[0].text.trim(), '');
});

function tree() {
  const dex = mkChart({
    name: 'dex', chartPath: 'kubeflow/charts/dex', values: { port: 5556 },
    templates: { 'templates/svc.yaml': 'name: {{chart.name}}\nport: {{values.port}}\nissuer: {{values.global.issuer}}\n{{> common}}\n{{> own}}\n' },
    partials: { 'templates/_own.hbs': 'own: dex' },
  });
  const auth = mkChart({ name: 'authservice', chartPath: 'kubeflow/charts/authservice', templates: { 'templates/a.yaml': 'auth: {{values.x}}\n' } });
  return mkChart({
    name: 'kubeflow', chartPath: 'kubeflow',
    meta: { dependencies: [
      { name: 'dex', version: '1.2.3', condition: 'dex.enabled' },
      { name: 'authservice', version: '1.2.3', alias: 'oidc', condition: 'oidc.enabled' },
    ] },
    templates: { 'templates/ns.yaml': 'ns: {{release.namespace}}\n{{> own}}\n' },
    partials: { 'templates/_common.hbs': 'common: {{chart.name}}', 'templates/_own.hbs': 'own: kubeflow' },
    notes: 'Installed {{chart.name}} as {{release.name}}.',
    subcharts: [dex, auth],
  });
}

test('subcharts: scoped values, own chart, parent partials visible, own partial wins, template names', () => {
  const res = renderAll(tree(), { dex: { enabled: true, port: 1 }, oidc: { enabled: true, x: 'y' }, global: { issuer: 'https://i' } });
  assert.equal(res.files.map((f) => f.template), ['kubeflow/templates/ns.yaml', 'kubeflow/charts/dex/templates/svc.yaml', 'kubeflow/charts/oidc/templates/a.yaml']);
  assert.is(res.files[0].text, 'ns: kubeflow\nown: kubeflow\n');
  assert.is(res.files[1].text, 'name: dex\nport: 1\nissuer: https://i\ncommon: dex\nown: dex\n');
  assert.is(res.files[2].text, 'auth: y\n');
  assert.is(res.notes, 'Installed kubeflow as demo.');
});

test('subcharts: a false condition skips the subchart; errors name the subchart path', () => {
  const res = renderAll(tree(), { dex: { enabled: false }, oidc: { enabled: true, x: 1 }, global: {} });
  assert.equal(res.files.map((f) => f.template), ['kubeflow/templates/ns.yaml', 'kubeflow/charts/oidc/templates/a.yaml']);
  const e = kfErr(() => renderAll(tree(), { dex: { enabled: true, port: 2 }, oidc: { enabled: false }, global: {} }));
  assert.is(e.message, 'kubeflow/charts/dex/templates/svc.yaml:3: values.global.issuer is not defined');
});

test('library subcharts: templates not rendered, partials visible to the parent', () => {
  const lib = mkChart({ name: 'common', chartPath: 'app/charts/common', meta: { type: 'library' }, templates: { 'templates/x.yaml': 'never' }, partials: { 'templates/_fullname.hbs': '{{release.name}}-{{chart.name}}' } });
  const app = mkChart({ name: 'app', chartPath: 'app', templates: { 'templates/a.yaml': 'name: {{include "fullname" this}}' }, subcharts: [lib] });
  const res = renderAll(app, {});
  assert.equal(res.files, [{ template: 'app/templates/a.yaml', text: 'name: demo-app' }]);
});

test('notes: only the top chart\'s NOTES.txt; empty when it has none', () => {
  assert.is(renderAll(mkChart({ templates: {} }), {}).notes, '');
  assert.is(renderAll(mkChart({ notes: '{{values.url}}' }), { url: 'https://x' }).notes, 'https://x');
});

test('deterministic: same inputs give byte-identical output; values are not mutated', () => {
  const values = { dex: { enabled: true, port: 1 }, oidc: { enabled: true, x: { b: 1, a: [2] } }, global: { issuer: 'i' } };
  const before = JSON.stringify(values);
  const a = JSON.stringify(renderAll(tree(), values));
  const b = JSON.stringify(renderAll(tree(), values));
  assert.is(a, b);
  assert.is(JSON.stringify(values), before);
});

test('each render is isolated: helpers and partials do not leak between renders', async () => {
  const Handlebars = (await import('handlebars')).default;
  renderAll(mkChart({ partials: { 'templates/_p.hbs': 'x' }, templates: { 'templates/a.yaml': '{{> p}}' } }), {});
  assert.is(Handlebars.helpers.toYaml, undefined);
  assert.is(Handlebars.partials.p, undefined);
  assert.match(kfErr(() => r('{{> p}}')).message, /no partial named "p"/);
});

test.run();
