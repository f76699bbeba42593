// The charts' values.schema.json files refuse what would otherwise deploy something broken or insecure,
// each with a message that says what is wrong and where (the values path and the flag or file:line).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { render, refusal, sets, example, chartDir, ROOT } from './_charts.js';
import { lintChart } from '../../../engine/actions/lint.js';

const GOOD_HASH = '$2b$10$W47HUkRs8pug9VNGofS2L.kUFj5gS0YYC8scwm9zQ/y6JUyybk6UW';
const user = (hash: string, i = 0, email = 'u@example.com') =>
  `dex.staticPasswords[${i}].email=${email},dex.staticPasswords[${i}].username=u${i},dex.staticPasswords[${i}].hash=${hash}`;

test('a typo in a key is refused, naming the key and the flag', async () => {
  const msg = await refusal('kubeflow', { sets: sets('dex.replicaz=2') });
  assert.match(msg, /--set dex\.replicaz=2: dex: unknown property "replicaz"/);
  const msg2 = await refusal('kubeflow', { sets: sets('global.namespace.auth=x') });
  assert.match(msg2, /global: unknown property "namespace"/);
  const msg3 = await refusal('istio', { sets: sets('gateway.servce.type=LoadBalancer') });
  assert.match(msg3, /gateway: unknown property "servce"/);
});

test('a typo in a values file is refused with file:line', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kfchart-charts-'));
  const f = path.join(dir, 'typo.yaml');
  writeFileSync(f, 'dex:\n  staticPasswords: []\n  logLevl: debug\n');
  try {
    const msg = await refusal('kubeflow', { files: [f] });
    assert.match(msg, /typo\.yaml:3: dex: unknown property "logLevl"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wrong types and enum values are refused', async () => {
  const msg = await refusal('kubeflow', { sets: sets('dex.replicas=two', 'istio.gateway.service.type=Ingress', 'authservice.cookie.secure=yes') });
  assert.match(msg, /dex\.replicas: must be integer \(got string\)/);
  assert.match(msg, /istio\.gateway\.service\.type: must be one of "ClusterIP", "NodePort", "LoadBalancer" \(got "Ingress"\)/);
  assert.match(msg, /authservice\.cookie\.secure: must be boolean/);
  assert.match(msg, /\(3 errors\)/);
});

test('a password hash that is not bcrypt is refused with how to make one', async () => {
  const msg = await refusal('kubeflow', { sets: sets(user('not-a-hash')) });
  assert.match(msg, /dex\.staticPasswords\[0\]\.hash: must be a bcrypt hash of cost >= 10 .*kfchart hash-password/);
  // Plain text that looks like a password.
  const msg2 = await refusal('dex', { sets: sets('staticPasswords[0].email=a@b.io,staticPasswords[0].username=a,staticPasswords[0].hash=12341234') });
  assert.match(msg2, /staticPasswords\[0\]\.hash: must be a bcrypt hash/);
});

test('a bcrypt hash of cost 4 is refused (cost >= 10)', async () => {
  const cost4 = '$2b$04$KW12ZMqwMx9AVmFW77rLiOcm7kuGG2BZMx/59sDKMary0PfuJe/jm';
  const msg = await refusal('kubeflow', { sets: sets(user(cost4)) });
  assert.match(msg, /dex\.staticPasswords\[0\]\.hash: must be a bcrypt hash of cost >= 10/);
  const cost9 = '$2b$09$KW12ZMqwMx9AVmFW77rLiOcm7kuGG2BZMx/59sDKMary0PfuJe/jm';
  assert.match(await refusal('kubeflow', { sets: sets(user(cost9)) }), /cost >= 10/);
  await render('kubeflow', { sets: sets(user(GOOD_HASH)) }); // cost 10 passes
});

test('the well-known default password (admin@kubeflow.org / 12341234) is refused unless allowInsecureDefaults', async () => {
  for (const known of ['$2y$12$4K/VkmDd1q1Orb3xAt82zu8gk7Ad6ReFR4LCP9UeYE90NLiN9Df72', '$2y$12$ruoM7FqXrpVgaol44eRZW.4HWS8SAvg6KYVVSCIwKQPBmTpCm.EeO']) {
    const msg = await refusal('kubeflow', { sets: sets(user(known, 0, 'admin@kubeflow.org')) });
    assert.match(msg, /dex\.staticPasswords\[0\]\.hash: is the well-known Kubeflow demo password \(12341234\)/);
    assert.match(msg, /kfchart hash-password/);
    assert.match(msg, /allowInsecureDefaults: true/);
  }
  // The same hash under another e-mail is just as guessable.
  assert.match(await refusal('dex', { sets: sets('staticPasswords[0].email=me@corp.io,staticPasswords[0].username=me,staticPasswords[0].hash=$2y$12$4K/VkmDd1q1Orb3xAt82zu8gk7Ad6ReFR4LCP9UeYE90NLiN9Df72') }), /well-known/);
  // Explicitly allowed for a throw-away demo.
  const r = await render('kubeflow', { sets: sets(user('$2y$12$4K/VkmDd1q1Orb3xAt82zu8gk7Ad6ReFR4LCP9UeYE90NLiN9Df72', 0, 'admin@kubeflow.org'), 'dex.allowInsecureDefaults=true') });
  assert.ok(r.objects.length > 0);
});

test('the charts ship no usable default password', async () => {
  const dex = (await render('dex')).values as { staticPasswords: unknown[] };
  assert.equal(dex.staticPasswords, []);
});

test('bad MetalLB addresses are refused; CIDRs and a.b.c.d-e.f.g.h ranges pass', async () => {
  for (const bad of ['10.0.0.300/24', '10.0.0.0/33', '10.0.0.1-10.0.0', '10.0.0.100 - 10.0.0.110', 'ten.0.0.1/24', '10.0.0.1']) {
    const msg = await refusal('kubeflow', { sets: sets('metallb.enabled=true', `metallb.pool.addresses={${bad}}`) });
    assert.match(msg, /metallb\.pool\.addresses\[0\]: must be a CIDR \(10\.0\.0\.96\/28\) or a range a\.b\.c\.d-e\.f\.g\.h/, bad);
  }
  const ok = await render('metallb', { sets: sets('pool.addresses={10.0.0.96/28,10.0.0.100-10.0.0.110,fd00::/120}') });
  assert.equal((ok.objects.find((o) => o.kind === 'IPAddressPool') as any).spec.addresses, ['10.0.0.96/28', '10.0.0.100-10.0.0.110', 'fd00::/120']);
});

test('other pattern checks: load-balancer IP, namespace names, domain, certificate source', async () => {
  const msg = await refusal('kubeflow', {
    sets: sets('istio.gateway.service.loadBalancerIP=10.0.0', 'global.namespaces.auth=Auth_NS', 'global.domain=https://kf.example.com', 'gateway-https.enabled=true', 'gateway-https.certificate.source=letsencrypt'),
  });
  assert.match(msg, /istio\.gateway\.service\.loadBalancerIP: must be an IPv4 address/);
  assert.match(msg, /global\.namespaces\.auth: must be a namespace name/);
  assert.match(msg, /global\.domain: must be a DNS name/);
  assert.match(msg, /gateway-https\.certificate\.source: must be one of "selfSigned", "existingSecret", "certManager"/);
});

test('every chart: Chart.yaml, values.yaml with every key commented, a schema, a README with a values table', () => {
  for (const name of readdirSync(`${ROOT}charts`)) {
    const dir = chartDir(name);
    const files = readdirSync(dir);
    for (const f of ['Chart.yaml', 'values.yaml', 'values.schema.json', 'README.md']) assert.ok(files.includes(f), `${name}/${f}`);
    const schema = JSON.parse(readFileSync(`${dir}/values.schema.json`, 'utf8'));
    assert.is(schema.additionalProperties, false, `${name}: top-level additionalProperties false`);
    const lines = readFileSync(`${dir}/values.yaml`, 'utf8').split('\n');
    // Every key line needs a comment above it (or inline), except map headers (`image:` whose keys are commented)
    // and the entries of a commented map or list value given as data (e.g. `selector:` → `istio: ingressgateway`).
    let dataIndent = -1;
    lines.forEach((line, i) => {
      const m = /^(\s*)(- )?([A-Za-z][\w.-]*):(\s|$)/.exec(line);
      if (!m) return;
      const indent = m[1]!.length;
      if (dataIndent >= 0 && indent > dataIndent) return;
      dataIndent = -1;
      if (m[2]) return; // list items are data
      const prev = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '';
      const next = lines.slice(i + 1).find((l) => l.trim() !== '') ?? '';
      const isMapHeader = /:\s*$/.test(line);
      const commented = /^\s*#/.test(prev) || /#/.test(line.replace(/"[^"]*"|'[^']*'/g, ''));
      if (isMapHeader && commented && !/^\s*#/.test(next)) dataIndent = indent;
      assert.ok(commented || isMapHeader, `${name}/values.yaml:${i + 1}: "${line.trim()}" has no comment`);
    });
    const readme = readFileSync(`${dir}/README.md`, 'utf8');
    assert.match(readme, /\| *Key *\| *Default *\| *Description *\|/i, `${name}/README.md has a values table`);
  }
});

test('kfchart lint: every chart (and the umbrella with every example) has no errors or warnings', async () => {
  const runs: [string, string[]][] = [
    ...readdirSync(`${ROOT}charts`).map((n) => [n, []] as [string, string[]]),
    ['kubeflow', [example('minimal'), example('ldap'), example('expose-https')]],
  ];
  for (const [name, valueFiles] of runs) {
    const { findings } = await lintChart(chartDir(name), { valueFiles });
    const bad = findings.filter((f) => f.severity !== 'info');
    assert.equal(bad.map((f) => `${f.where}: ${f.message}`), [], `${name}`);
  }
});

test.run();
