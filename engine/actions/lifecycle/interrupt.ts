// Owns: turning SIGINT/SIGTERM into an abort of the running operation (every in-flight request listens to one
// AbortSignal) and the one place the handlers are installed and removed. Must not: print.

import { setMaxListeners } from 'node:events';
import { KfError } from '../../errors.js';

export interface Interruption {
  signal: AbortSignal;
  /** Throws `interrupted by SIGINT` once the signal has fired. */
  check(): void;
  /** The error to report for `e` (the interruption when the signal fired, else `e`). */
  cause(e: unknown): unknown;
  /** Remove the process handlers (idempotent). */
  dispose(): void;
}

/**
 * Abort on SIGINT/SIGTERM, or follow `external` (tests) without touching the process handlers; `lost` (the lock's
 * signal) aborts too, with the lock's own error as the cause.
 */
export function interruption(external?: AbortSignal, lost?: AbortSignal): Interruption {
  const ac = new AbortController();
  setMaxListeners(0, ac.signal); // every in-flight request listens to it
  const base = external ?? ac.signal;
  const signal = lost ? AbortSignal.any([base, lost]) : base;
  setMaxListeners(0, signal);
  let caught: string | undefined;
  const onSignal = (sig: NodeJS.Signals) => { caught = sig; ac.abort(); };
  let installed = !external;
  if (installed) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const message = () => (lost?.aborted && lost.reason instanceof KfError ? lost.reason.message : `interrupted by ${caught ?? 'signal'}`);
  return {
    signal,
    check: () => { if (signal.aborted) throw new KfError(message()); },
    cause: (e) => (signal.aborted ? new KfError(message(), { cause: e }) : e),
    dispose: () => {
      if (!installed) return;
      installed = false;
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
