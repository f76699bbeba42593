// Owns: how commands print results: -o json|yaml|table (`print`), plain aligned tables (`formatTable`), and the
// progress renderer of long operations (one redrawn line on a terminal, deduplicated plain lines otherwise; stderr).
// Must not: import heavy modules at module load (the YAML writer is imported when -o yaml asks for it); decide what
// a command prints (the command modules do).

export type OutputFormat = 'table' | 'json' | 'yaml';

/** `data` as JSON or YAML, else the table (or text) `table()` makes. */
export async function print(format: OutputFormat, data: unknown, table: () => string): Promise<void> {
  if (format === 'json') process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (format === 'yaml') process.stdout.write((await import('../yaml/index.js')).dumpYaml(data));
  else process.stdout.write(table());
}

/** A plain aligned text table (no colours), for `-o table`. */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export interface WaitProgress {
  total: number;
  notReady: { id: string; reason: string }[];
  elapsedMs: number;
}

export interface Progress {
  /** A line of the operation (applied, deleted, …). */
  onLine: (l: string) => void;
  /** A wait poll: redrawn in place on a terminal; otherwise printed when it changes, or every 10 s. */
  onWait: (p: WaitProgress) => void;
  /** End a drawn line (before the result or the error). */
  done: () => void;
}

export function progress(): Progress {
  const tty = !!process.stderr.isTTY;
  let last = '';
  let lastAt = 0;
  let drawn = false;
  return {
    onLine: (l) => {
      if (drawn) { process.stderr.write('\r\x1b[K'); drawn = false; }
      process.stderr.write(`${l}\n`);
    },
    onWait: (p) => {
      const secs = Math.round(p.elapsedMs / 1000);
      if (tty) {
        const first = p.notReady[0];
        const line = p.notReady.length
          ? `waiting ${secs}s: ${p.total - p.notReady.length}/${p.total} ready; ${first!.id}: ${first!.reason}${p.notReady.length > 1 ? ` (+${p.notReady.length - 1} more)` : ''}`
          : `all ${p.total} objects ready after ${secs}s`;
        process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns || 120) - 1)}`);
        drawn = true;
        if (!p.notReady.length) { process.stderr.write('\n'); drawn = false; }
        return;
      }
      const key = p.notReady.map((n) => `${n.id}: ${n.reason}`).join('; ');
      if (key === last && Date.now() - lastAt < 10_000) return;
      last = key;
      lastAt = Date.now();
      process.stderr.write(p.notReady.length ? `waiting (${secs}s): ${p.notReady.length}/${p.total} not ready: ${key}\n` : `all ${p.total} objects ready after ${secs}s\n`);
    },
    done: () => { if (drawn) process.stderr.write('\n'); },
  };
}
