// Owns: running one real program of the auth stack as a child process: its log in a file, readiness by
// polling a URL or a TCP port, and stopping it (TERM, then KILL) — never leaving it behind.
// Must not: decide arguments or configuration (the component modules do).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';

export class Proc {
  readonly child: ChildProcess;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(readonly name: string, cmd: string, args: string[], opts: { env: Record<string, string>; cwd?: string; logFile: string }) {
    const log = fs.openSync(opts.logFile, 'a');
    this.child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.child.on('exit', (code, signal) => { this.exited = { code, signal }; });
    this.logFile = opts.logFile;
  }

  readonly logFile: string;

  get pid(): number | undefined { return this.child.pid; }

  tail(lines = 30): string {
    try { return fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'); } catch { return ''; }
  }

  private dead(): Error | undefined {
    return this.exited ? new Error(`${this.name} exited (${this.exited.signal ?? `code ${this.exited.code}`}) before it was ready; its log:\n${this.tail()}`) : undefined;
  }

  /** Waits until `probe` answers true, failing early if the process exits. */
  async ready(probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = this.dead();
      if (d) throw d;
      if (await probe().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${this.name} was not ready after ${timeoutMs / 1000}s; its log:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(t);
  }
}

export const httpOk = (port: number, path: string) => (): Promise<boolean> => new Promise((resolve) => {
  const r = http.get({ host: '127.0.0.1', port, path, timeout: 2_000 }, (res) => { res.resume(); resolve((res.statusCode ?? 500) < 500); });
  r.on('error', () => resolve(false));
  r.on('timeout', () => { r.destroy(); resolve(false); });
});

export const tcpOpen = (port: number) => (): Promise<boolean> => new Promise((resolve) => {
  const s = net.connect({ host: '127.0.0.1', port }, () => { s.end(); resolve(true); });
  s.on('error', () => resolve(false));
});
