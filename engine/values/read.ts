// Owns: reading what the values flags name: -f files in order ("-" is standard input, read once) and --set-file files,
// with the one-line messages of engine/errors.ts `cannotRead`/`fileReason`. The CLI and the actions call it; the rest
// of engine/values works on the text it returns (as Helm's pkg/cli/values reads and pkg/chartutil merges).
// Must not: parse or merge values.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cannotRead, fileReason } from '../errors.js';
import type { ValuesSource } from './load.js';

/** Read every -f file (in order); "-" reads standard input once. */
export async function readValueFiles(files: readonly string[] = []): Promise<ValuesSource[]> {
  const out: ValuesSource[] = [];
  for (const f of files) {
    if (f === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      out.push({ file: '<stdin>', text: Buffer.concat(chunks).toString('utf8') });
      continue;
    }
    const text = await readFile(f, 'utf8').catch((e: unknown) => {
      throw cannotRead(f, 'values file', e);
    });
    out.push({ file: f, text });
  }
  return out;
}

/** --set-file reader: the file's text; the values layer wraps a failure into a message naming flag and file. */
export function readSetFile(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch (e) {
    throw new Error(fileReason(e));
  }
}
