// Owns: reading what the values flags name: -f files in order ("-" is standard input, read once) and --set-file files,
// with the one-line messages of engine/errors.ts `cannotRead`/`fileReason`. The CLI and the actions call it; the rest
// of engine/values works on the text it returns (as Helm's pkg/cli/values reads and pkg/chartutil merges).
// Must not: parse or merge values.

import { readFileCapped } from '../chart/files.js';
import { cannotRead, fileReason, KfError } from '../errors.js';
import { mib, VALUES_LIMITS } from './bounds.js';
import type { ValuesSource } from './load.js';

const LIMIT = 'the limit for one values source';

/** Read every -f file (in order); "-" reads standard input once. Each is at most VALUES_LIMITS.maxBytes. */
export async function readValueFiles(files: readonly string[] = []): Promise<ValuesSource[]> {
  const out: ValuesSource[] = [];
  for (const f of files) {
    if (f === '-') {
      out.push({ file: '<stdin>', text: (await readStdinCapped(process.stdin, VALUES_LIMITS.maxBytes)).toString('utf8') });
      continue;
    }
    let data: Buffer;
    try {
      data = readFileCapped(f, VALUES_LIMITS.maxBytes, LIMIT);
    } catch (e) {
      throw cannotRead(f, 'values file', e);
    }
    out.push({ file: f, text: data.toString('utf8') });
  }
  return out;
}

/** All of a stream, refusing (KfError naming standard input) more than `cap` bytes as soon as they arrive. */
export async function readStdinCapped(input: NodeJS.ReadableStream, cap: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of input as AsyncIterable<Buffer | string>) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    total += b.length;
    if (total > cap) {
      (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new KfError(`<stdin>: values on standard input are larger than ${mib(cap)}, ${LIMIT}`, { where: { file: '<stdin>' } });
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, total);
}

/** --set-file reader: the file's text (at most VALUES_LIMITS.maxBytes); the values layer names flag and file. */
export function readSetFile(p: string): string {
  try {
    return readFileCapped(p, VALUES_LIMITS.maxBytes, LIMIT).toString('utf8');
  } catch (e) {
    throw new Error(fileReason(e));
  }
}
