// Owns: the one error type every layer throws for user-facing problems.
// Must not: print, exit, or know about the CLI. The CLI maps KfError to exit code 1 (usage errors to 2)
// and prints `Error: <message>` (stack only with --debug).

export interface ErrorWhere {
  /** File the problem is in (chart file, values file, archive, rendered template name). */
  file?: string;
  /** 1-based line in that file. */
  line?: number;
  /** Values path (`dex.staticPasswords[0].hash`) or object id (`apps/v1 Deployment auth/dex`). */
  path?: string;
}

export class KfError extends Error {
  readonly where: ErrorWhere;
  /** 1 = user error (default), 2 = usage error, other codes for special cases (e.g. diff). */
  readonly exitCode: number;
  /** Extra lines shown under the message (e.g. the offending source line, a list of findings). */
  readonly details: string[];
  constructor(message: string, opts: { where?: ErrorWhere; exitCode?: number; details?: string[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KfError';
    this.where = opts.where ?? {};
    this.exitCode = opts.exitCode ?? 1;
    this.details = printableLines(opts.details ?? []);
  }
}

/**
 * An array of lines that also answers `split()` like the joined text. Test runners (uvu) treat an error's `details`
 * as a string and call `details.split('\n')` when printing a failure; with a plain array they crash and drop the
 * failure's message. With this, a failing test shows the KfError's detail lines instead.
 */
function printableLines(lines: string[]): string[] {
  const arr = [...lines];
  Object.defineProperty(arr, 'split', { value: (sep: string) => arr.join('\n').split(sep), enumerable: false });
  return arr;
}

/** `file:line: ` prefix, or '' when unknown. */
export function formatWhere(w: ErrorWhere): string {
  if (!w.file) return '';
  return w.line ? `${w.file}:${w.line}: ` : `${w.file}: `;
}

/** The one-line error for a file the user named that cannot be read: `f: cannot read <what>: no such file`. */
export function cannotRead(file: string, what: string, e: unknown): KfError {
  return new KfError(`${file}: cannot read ${what}: ${fileReason(e)}`, { where: { file }, cause: e });
}

/** Why a file could not be read, in words: the one errno → message mapping (`no such file`, `it is a folder`). */
export function fileReason(e: unknown, noEntry = 'no such file'): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code === 'ENOENT' ? noEntry : err?.code === 'EISDIR' ? 'it is a folder' : (err?.message ?? String(e));
}

export function isKfError(e: unknown): e is KfError {
  return e instanceof KfError;
}
