// Shared by test/unit/charts/istioctl-analyze.test.ts and test/cluster/istioctl-analyze.test.ts: where the real
// istioctl 1.29.1 is (test/auth/build.sh builds it), how to run `istioctl analyze`, and the allow-list of the
// messages that stay (each with its reason; docs/charts.md "istioctl analyze" lists the same).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const ISTIOCTL = join(process.env.KFCHART_AUTH_CACHE || join(homedir(), '.cache/kfchart/auth'), 'istioctl-1.29.1');

export interface Finding {
  level: string;
  code: string;
  origin: string;
  message: string;
}

/** Messages allowed to stay, matched on code and origin (the resource istioctl names), with the reason. */
export const ALLOWED: { code: string; origin: RegExp; reason: string; liveOnly?: boolean }[] = [
  {
    code: 'IST0133',
    origin: /^AuthorizationPolicy [a-z0-9-]+\/istio-ingressgateway-require-jwt$/,
    reason:
      "the authservice chart's DENY policy (no request principal and not /dex, /oauth2) uses only HTTP attributes, so " +
      'it would deny all TCP traffic under its scope; the ingress gateway serves only HTTP/HTTPS, and upstream ' +
      "Kubeflow's common/oauth2-proxy policy of the same name has the same shape (and the same warning)",
  },
  {
    code: 'IST0102',
    // the live test renames the namespaces: kfa-auth-…, kfa-o2p-…
    origin: /^Namespace (auth|oauth2-proxy|kfa-auth-[a-z0-9-]+|kfa-o2p-[a-z0-9-]+)$/,
    reason:
      'live analysis only: the Dex (auth) and oauth2-proxy namespaces carry no istio-injection label, exactly as ' +
      "upstream Kubeflow's common/dex/base/namespace.yaml and common/oauth2-proxy/base/namespace.yaml; an Info, no sidecar needed",
    liveOnly: true,
  },
];

export function allowed(f: Finding) {
  return ALLOWED.find((a) => a.code === f.code && a.origin.test(f.origin));
}

/** Runs istioctl analyze on YAML files (or, with kubeconfig, on a cluster) and returns its messages. */
export function analyze(args: string[]): Finding[] {
  if (!existsSync(ISTIOCTL)) {
    throw new Error(`istioctl 1.29.1 is missing at ${ISTIOCTL}: build it with \`bash test/auth/build.sh istioctl\` (KFCHART_AUTH_CACHE moves the cache)`);
  }
  const r = spawnSync(ISTIOCTL, ['analyze', '-A', '-o', 'json', ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 });
  if (r.error) throw r.error;
  // istioctl analyze exits 0 (nothing at or above the failure threshold) or 79 (it found some); anything else
  // (2, a panic) means it did not analyze.
  if (r.status !== 0 && r.status !== 79) throw new Error(`istioctl analyze exited ${r.status}:\n${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  const out = r.stdout.trim();
  if (!out.startsWith('[')) throw new Error(`istioctl analyze printed no JSON list:\n${out.slice(0, 2000)}\n${r.stderr}`);
  return (JSON.parse(out) as any[]).map((m) => ({ level: m.level, code: m.code, origin: m.origin ?? '', message: m.message }));
}

export function describe(fs: Finding[]): string {
  return fs.map((f) => `  ${f.level} [${f.code}] ${f.origin}: ${f.message}`).join('\n');
}

