// Owns: `kfchart hash-password`: read a password (a prompt without echo on a terminal, else standard input) and
// return its bcrypt hash for Dex's staticPasswords, so nobody pastes a password into a website.
// Must not: print anything itself (the CLI prints the hash), keep the password longer than needed, or log it.

import { KfError } from '../errors.js';
import { WEAK_PASSWORDS } from '../render/weak-passwords.js';

export const DEFAULT_COST = 12;
export const MIN_COST = 10;
export const MAX_COST = 31;
/** bcrypt only uses the first 72 bytes of a password; longer ones would silently lose their end. */
export const MAX_BYTES = 72;
/** Shortest password accepted, in characters (NIST SP 800-63B's minimum for user-chosen secrets). */
export const MIN_CHARS = 8;

export function checkCost(cost: unknown): number {
  if (typeof cost !== 'number' || !Number.isInteger(cost)) {
    throw new KfError(`--cost must be an integer between ${MIN_COST} and ${MAX_COST} (got ${String(cost)})`, { exitCode: 2 });
  }
  if (cost < MIN_COST) {
    throw new KfError(`--cost ${cost} is too weak: Dex and the kubeflow charts require a bcrypt cost of at least ${MIN_COST} (default ${DEFAULT_COST})`, { exitCode: 2 });
  }
  if (cost > MAX_COST) throw new KfError(`--cost ${cost} is above bcrypt's maximum of ${MAX_COST}`, { exitCode: 2 });
  return cost;
}

export function checkPassword(password: string): string {
  if (password.length === 0) throw new KfError('the password is empty');
  const chars = [...password].length;
  if (chars < MIN_CHARS) {
    throw new KfError(`the password is ${chars} character${chars === 1 ? '' : 's'} long; use at least ${MIN_CHARS}`);
  }
  if (WEAK_PASSWORDS.includes(password)) {
    throw new KfError('the password is a well-known weak password (the kubeflow charts refuse its hash): choose another');
  }
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > MAX_BYTES) {
    throw new KfError(`the password is ${bytes} bytes long; bcrypt uses only the first ${MAX_BYTES}, so use a shorter one`);
  }
  return password;
}

/** The bcrypt hash ($2b$<cost>$...) of a password. */
export async function hashPassword(password: string, cost: number = DEFAULT_COST): Promise<string> {
  checkCost(cost);
  checkPassword(password);
  const bcrypt = (await import('bcryptjs')).default;
  return bcrypt.hash(password, cost);
}

export interface PasswordInput {
  /** The stream to read from (process.stdin). */
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** Where prompts go (process.stderr), so stdout carries only the hash. */
  prompt: NodeJS.WritableStream;
}

/** Reads all of a non-terminal input; one trailing newline (`\n` or `\r\n`) is removed, as `echo` adds it. */
export async function readPiped(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input as AsyncIterable<Buffer | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads one line from a terminal in raw mode, echoing nothing. Ctrl-C / Ctrl-D abort, Backspace deletes. */
export function readHidden(io: PasswordInput, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { input } = io;
    io.prompt.write(question);
    let value = '';
    const done = (err?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      io.prompt.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (data: Buffer | string) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new KfError('cancelled', { exitCode: 130 }));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    input.setRawMode?.(true);
    input.resume();
    input.on('data', onData);
  });
}

/** Reads the password (asking twice on a terminal) and returns its hash. */
export async function hashPasswordAction(opts: { cost?: number } & PasswordInput): Promise<string> {
  const cost = checkCost(opts.cost ?? DEFAULT_COST);
  let password: string;
  if (opts.input.isTTY) {
    password = checkPassword(await readHidden(opts, 'Password: '));
    const again = await readHidden(opts, 'Repeat password: ');
    if (again !== password) throw new KfError('the passwords do not match');
  } else {
    password = checkPassword(await readPiped(opts.input));
  }
  return hashPassword(password, cost);
}
