// Shared by the issue-14 repo tests: run the built CLI (dist/bin/kfchart.js) asynchronously (so in-process servers
// can answer), with its own config/cache homes, optional stdin, and a time bound.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = path.join(ROOT, 'dist/bin/kfchart.js');

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

export function kfRun(env: Record<string, string | undefined>, args: string[], opts: { input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...env } as NodeJS.ProcessEnv });
    let out = '';
    let err = '';
    const timer = setTimeout(() => c.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    c.stdin.end(opts.input ?? '');
  });
}

/** Run a program (helm, openssl) with a time bound. */
export function runProg(cmd: string, args: string[], opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env } as NodeJS.ProcessEnv });
    let out = '';
    let err = '';
    const timer = setTimeout(() => c.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('error', (e) => (err += String(e)));
    c.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    c.stdin.end(opts.input ?? '');
  });
}
