// Assertions the uvu suites share. Must not: know about any engine folder.
import * as assert from 'uvu/assert';

/** Awaits `p`, which must reject with a message matching `re`; returns the error (for further checks). */
export async function rejects(p: Promise<unknown>, re: RegExp): Promise<Error> {
  try {
    await p;
  } catch (e) {
    assert.match((e as Error).message, re);
    return e as Error;
  }
  assert.unreachable(`expected a rejection matching ${re}`);
  throw new Error('unreachable');
}
