// Owns: how commands print results: -o json|yaml|table (`print`), plain aligned tables (`formatTable`) and helm's
// tab-separated ones (`helmTable`), both fitted to the terminal's width, whether and how to colour (`useColor`:
// --color, NO_COLOR, FORCE_COLOR; helm's status colours), and the progress renderer of long operations (one
// redrawn line on a terminal, deduplicated plain lines otherwise; stderr).
// Must not: import heavy modules at module load (the YAML writer is imported when -o yaml asks for it); decide what
// a command prints (the command modules do).

import { KfError } from '../errors.js';

export type OutputFormat = 'table' | 'json' | 'yaml';

/** `data` as JSON or YAML, else the table (or text) `table()` makes. */
export async function print(format: OutputFormat, data: unknown, table: () => string): Promise<void> {
  if (format === 'json') process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (format === 'yaml') process.stdout.write((await import('../yaml/index.js')).dumpYaml(data));
  else process.stdout.write(table());
}

/** A plain aligned text table (no colours), for `-o table`; fitted to the terminal's width when stdout is one. */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = fitColumns([headers, ...rows.map((r) => r.map(String))], terminalWidth(), 2);
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export type ColorMode = 'never' | 'auto' | 'always';

/** The global `--color` / `--colour` value (bin/kfchart.ts): never, auto, always; a bare `--color` is always. */
export function parseColorMode(v: unknown): ColorMode {
  const s = v === true || v === '' ? 'always' : v === false ? 'never' : String(v);
  if (s === 'never' || s === 'auto' || s === 'always') return s;
  throw new KfError(`--color must be never, auto or always, not "${s}"`, { exitCode: 2 });
}

/**
 * Whether to colour what goes to `stream`: `--color always|never` decide; otherwise (auto) NO_COLOR (any non-empty
 * value) turns colour off, FORCE_COLOR (non-empty, not 0) on, and else colour only on a terminal.
 */
export function useColor(stream: { isTTY?: boolean } = process.stdout, raw: readonly string[] = process.argv.slice(2)): boolean {
  let mode: ColorMode = 'auto';
  for (let i = 0; i < raw.length; i++) {
    const a = raw[i]!;
    if (a === '--') break;
    const m = /^--colou?r(?:=(.*))?$/.exec(a);
    if (m) mode = parseColorMode(m[1] ?? (raw[i + 1] && /^(never|auto|always)$/.test(raw[i + 1]!) ? raw[++i] : ''));
    else if (a === '--no-color' || a === '--no-colour') mode = 'never';
  }
  if (mode !== 'auto') return mode === 'always';
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return !!stream.isTTY;
}

const SGR = { bold: ['\x1b[1m', '\x1b[22m'], green: ['\x1b[32m', '\x1b[0m'], red: ['\x1b[31m', '\x1b[0m'], yellow: ['\x1b[33m', '\x1b[0m'], cyan: ['\x1b[36m', '\x1b[0m'] } as const;
export type Paint = (style: keyof typeof SGR, text: string) => string;
/** A painter that colours (helm's choice of SGR codes) or returns the text as it is. */
export const painter = (on: boolean): Paint => (style, text) => (on && text ? SGR[style][0] + text + SGR[style][1] : text);

/** A release status in helm's colours: deployed green, failed red, pending and uninstalling yellow, others plain. */
export function paintStatus(paint: Paint, status: string): string {
  if (status === 'deployed') return paint('green', status);
  if (status === 'failed' || status === 'unknown' || status === 'unreadable') return paint('red', status);
  if (status.startsWith('pending-') || status === 'uninstalling') return paint('yellow', status);
  return status;
}

/** The width tables must fit: the terminal's columns when stdout is a terminal (COLUMNS overrides), else none. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  if (!stream.isTTY) return undefined;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? env : stream.columns || undefined;
}

const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;

/**
 * Shrink the widest columns (cutting their cells with "...") until a row of them joined by `gap` spaces fits in
 * `width` - 1 columns; no column is cut below 6. Cells are plain text (colour is added after fitting). Unchanged when
 * `width` is undefined (not a terminal).
 */
export function fitColumns(cells: string[][], width: number | undefined, gap: number): string[][] {
  if (!width || !cells.length) return cells;
  const n = Math.max(...cells.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) => Math.max(0, ...cells.map((r) => visible(r[i] ?? ''))));
  const total = () => widths.reduce((a, w) => a + w, 0) + gap * (n - 1);
  while (total() > width - 1) {
    let widest = 0;
    for (let i = 1; i < n; i++) if (widths[i]! > widths[widest]!) widest = i;
    if (widths[widest]! <= 6) break;
    widths[widest]! -= 1;
  }
  return cells.map((r) => r.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, Math.max(0, widths[i]! - 3))}...` : c)));
}

/**
 * A table laid out as helm prints one (its uitable: every cell padded to its column's width, cells joined by a tab),
 * so text tools that split on tabs read helm's and kfchart's tables alike; on a terminal, cells are joined by two
 * spaces instead and the widest columns cut to fit its width. `noHeaders` drops the header row (widths then come
 * from the rows alone, as in helm); headers are bold and cells painted by `cell` when colour is on.
 */
export function helmTable(
  headers: string[], rows: string[][],
  opts: { noHeaders?: boolean; paint?: Paint; cell?: (col: number, text: string) => string } = {},
): string {
  const width = terminalWidth();
  const all = fitColumns(opts.noHeaders ? rows : [headers, ...rows], width, 2);
  if (!all.length) return '';
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r, ri) => r.map((c, i) => {
    const last = i === r.length - 1;
    const padding = width && last ? '' : ' '.repeat(widths[i]! - c.length);
    if (ri === 0 && !opts.noHeaders) return (opts.paint ? opts.paint('bold', c) : c) + padding;
    return (opts.cell ? opts.cell(i, c) : c) + padding;
  }).join(width ? '  ' : '\t')).join('\n') + '\n';
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
