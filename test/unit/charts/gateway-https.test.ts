// charts/gateway-https: the certificate names every DNS name once — the common name (global.domain or
// certificate.commonName) is not repeated when it is also in certificate.dnsNames, case is folded, and a bare
// "*" (global.domain or hosts) never becomes a certificate name — in both the self-signed and cert-manager modes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { X509Certificate } from 'node:crypto';
import { render, get, sets, secretText } from './_charts.js';

/** The DNS subject alternative names of the self-signed certificate, in order. */
async function selfSignedSANs(...flags: string[]): Promise<{ cn: string; dns: string[] }> {
  const r = await render('gateway-https', { sets: sets(...flags) });
  const cert = new X509Certificate(secretText(get(r.objects, 'Secret', 'kubeflow-gateway-tls', 'istio-system'), 'tls.crt'));
  const dns = (cert.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  return { cn: /CN=(.*)/.exec(cert.subject)![1]!, dns };
}
async function certManagerNames(...flags: string[]): Promise<{ cn: string; dns: string[] | undefined }> {
  const r = await render('gateway-https', { sets: sets('certificate.source=certManager', ...flags) });
  const c: any = get(r.objects, 'Certificate', 'kubeflow-gateway-tls');
  return { cn: c.spec.commonName, dns: c.spec.dnsNames };
}

test('gateway-https: global.domain also listed in dnsNames appears once (self-signed and cert-manager)', async () => {
  const flags = ['global.domain=kf.example.com', 'certificate.dnsNames={kf.example.com,other.example.com}'];
  assert.equal(await selfSignedSANs(...flags), { cn: 'kf.example.com', dns: ['kf.example.com', 'other.example.com'] });
  assert.equal(await certManagerNames(...flags), { cn: 'kf.example.com', dns: ['kf.example.com', 'other.example.com'] });
});

test('gateway-https: duplicates inside dnsNames and a differently-cased commonName are folded', async () => {
  const flags = ['certificate.commonName=KF.Example.com', 'certificate.dnsNames={kf.example.com,a.example.com,a.example.com}'];
  const cm = await certManagerNames(...flags);
  assert.equal(cm.dns, ['kf.example.com', 'a.example.com']);
  const ss = await selfSignedSANs(...flags);
  assert.equal(ss.dns, ['kf.example.com', 'a.example.com']);
  for (const names of [cm.dns!, ss.dns]) assert.is(new Set(names).size, names.length);
});

test('gateway-https: a bare "*" global.domain is no certificate name: the common name falls back to kubeflow.local', async () => {
  assert.equal(await selfSignedSANs('global.domain=*'), { cn: 'kubeflow.local', dns: ['kubeflow.local'] });
  assert.equal(await certManagerNames('global.domain=*'), { cn: 'kubeflow.local', dns: ['kubeflow.local'] });
  // The Gateway itself still serves "*".
  const r = await render('gateway-https', { sets: sets('global.domain=*') });
  assert.equal((get(r.objects, 'Gateway', 'kubeflow-gateway') as any).spec.servers.map((s: any) => s.hosts), [['*'], ['*']]);
  // Default hosts ["*"] never reach the certificate either.
  assert.equal(await selfSignedSANs(), { cn: 'kubeflow.local', dns: ['kubeflow.local'] });
});

test('gateway-https: a wildcard name stays next to the names it covers (they are different SANs)', async () => {
  const names = await certManagerNames('global.domain=kf.example.com', 'certificate.dnsNames={*.example.com}');
  assert.equal(names.dns, ['*.example.com', 'kf.example.com']);
});

test.run();
