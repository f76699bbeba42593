// Shared by the OCI tests: the real registry (test/registry, built from its Go modules on first use into
// ~/.cache/kfchart/registry/), started on 127.0.0.1 with a time bound, and helm 4 (bench/tools.sh) as the peer client.
// A missing Go or helm fails the test with the reason; nothing is skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './kfcli.js';

export function registryBinary(): string {
  const r = spawnSync('bash', [path.join(ROOT, 'test/registry/build.sh')], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`test/registry/build.sh failed (${r.status}): ${r.stderr}`);
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  return r.stdout.trim().split('\n').pop()!;
}

export function helmBinary(): string {
  const helm = path.join(ROOT, 'bench/.tools/bin/helm/helm');
  if (!existsSync(helm)) {
    const r = spawnSync('bash', [path.join(ROOT, 'bench/tools.sh')], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0 || !existsSync(helm)) throw new Error(`bench/tools.sh could not fetch helm (${r.status}): ${r.stderr}`);
  }
  return helm;
}

export interface Registry {
  url: string;
  host: string;
  proc: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

export function startRegistry(args: string[] = []): Promise<Registry> {
  const bin = registryBinary();
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, ['-addr', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`registry did not start within 15s: ${err}`));
    }, 15_000);
    proc.stderr!.on('data', (d) => (err += d));
    proc.on('exit', (c) => reject(new Error(`registry exited (${c}): ${err}`)));
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (https?:\/\/(127\.0\.0\.1:\d+))/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        host: m[2]!,
        proc,
        log: () => err,
        stop: () =>
          new Promise<void>((r) => {
            if (proc.exitCode !== null) return r();
            proc.once('exit', () => r());
            proc.kill('SIGTERM');
          }),
      });
    });
  });
}

/**
 * Private config/cache homes under `dir` for kfchart (`env`) and helm (`henv`), so neither reads the user's
 * repositories or credentials, and no proxy from the environment (the servers are on 127.0.0.1).
 */
/** What every suite with helm as the peer client keeps: its folder, helm's binary, and each tool's private homes. */
export interface PeerCtx {
  dir: string;
  helm: string;
  env: Record<string, string>;
  henv: Record<string, string>;
}

export function isolatedHomes(dir: string): { env: Record<string, string>; henv: Record<string, string> } {
  const noProxy = { HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '' };
  return {
    env: { KFCHART_CONFIG_HOME: path.join(dir, 'kc'), KFCHART_CACHE_HOME: path.join(dir, 'kk'), ...noProxy },
    henv: { HELM_CONFIG_HOME: path.join(dir, 'hc'), HELM_CACHE_HOME: path.join(dir, 'hk'), HELM_DATA_HOME: path.join(dir, 'hd'), ...noProxy },
  };
}
