// Owns: what the API client does about the network: the per-request timeouts and retry budget (Timeouts), which
// failures are worth another attempt (5xx but 501, resets, refused connections, answers cut off, first-byte and idle
// timeouts; not a connect or TLS-handshake timeout, where a hung server would only cost another 10 s), the jittered
// exponential back-off, and the plain-words message naming the request that failed.
// Must not: send requests (client.ts does).

export interface Timeouts {
  /** TCP connect. */
  connectMs: number;
  /** TLS handshake after the connect. */
  tlsMs: number;
  /** Request sent → response headers. */
  firstByteMs: number;
  /** Longest gap between two chunks of an answer. */
  idleMs: number;
  /** Attempts of a retryable request (client-go retries up to 10 times when told to; network faults here 5). */
  attempts: number;
  /** First back-off; doubles each time, capped at 5 s, with ±50 % jitter. */
  backoffMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, tlsMs: 10_000, firstByteMs: 30_000, idleMs: 30_000, attempts: 5, backoffMs: 200 };

export type NetKind = 'connect' | 'tls' | 'firstByte' | 'idle' | 'deadline' | 'reset' | 'refused' | 'cutoff' | 'dns' | 'tlsError' | 'other';

/** A request that got no (complete) answer. */
export class NetError extends Error {
  constructor(readonly kind: NetKind, readonly text: string, readonly code?: string) {
    super(text);
    this.name = 'NetError';
  }

  get retryable(): boolean {
    return this.kind === 'reset' || this.kind === 'refused' || this.kind === 'cutoff' || this.kind === 'firstByte' || this.kind === 'idle';
  }

  /** From a socket or response error; `midAnswer` when the response had started. */
  static from(e: NodeJS.ErrnoException, midAnswer: boolean): NetError {
    if (e instanceof NetError) return e;
    const code = e.code ?? '';
    if (midAnswer || e.message === 'aborted' || code === 'ECONNABORTED') return new NetError('cutoff', 'the connection closed in the middle of the answer', code);
    if (code === 'ECONNRESET' || code === 'EPIPE' || e.message === 'socket hang up') {
      return new NetError('reset', 'the connection was reset before an answer came' + (code ? ` (${code})` : ''), code);
    }
    if (code === 'ECONNREFUSED') return new NetError('refused', 'the connection was refused (is the API server running at that address?)', code);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new NetError('dns', `the host name does not resolve (${code})`, code);
    if (code === 'ETIMEDOUT') return new NetError('connect', 'no TCP connection (ETIMEDOUT)', code);
    if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|ERR_TLS|EPROTO/.test(code) || /certificate|handshake|tls|ssl/i.test(e.message)) {
      return new NetError('tlsError', `TLS failed: ${e.message}${code && !e.message.includes(code) ? ` (${code})` : ''}`, code);
    }
    return new NetError('other', `${e.message}${code && !e.message.includes(code) ? ` (${code})` : ''}`, code);
  }
}

/** HTTP statuses worth another attempt of an idempotent request. */
export function retryableStatus(status: number): boolean {
  return status >= 500 && status !== 501 && status <= 599;
}

/** Back-off before attempt n+1: the server's Retry-After when it gives one (≤ 5 s), else 200 ms · 2ⁿ⁻¹ ±50 %, ≤ 5 s. */
export function backoffMs(attempt: number, baseMs: number, retryAfter?: string): number {
  const told = Number(retryAfter);
  if (retryAfter && Number.isFinite(told) && told >= 0) return Math.min(5, told) * 1000;
  const exp = Math.min(5000, baseMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.5 + Math.random()));
}

/** `cannot reach the Kubernetes API server at <origin> (<METHOD path>): <what happened>[, after N attempts]`. */
export function netMessage(e: NetError, origin: string, what: string, attempts: number, deadlineLabel: string): string {
  const tries = attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
  if (e.kind === 'deadline') return `${what} to the Kubernetes API server at ${origin} did not complete: ${e.text}${deadlineLabel ? '' : ''}${tries}`;
  const verb = e.kind === 'cutoff' || e.kind === 'firstByte' || e.kind === 'idle' ? 'no complete answer from' : 'cannot reach';
  return `${verb} the Kubernetes API server at ${origin} (${what}): ${e.text}${tries}`;
}
