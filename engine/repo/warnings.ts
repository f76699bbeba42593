// Owns: where repository warnings go (an index entry skipped, a deprecated chart): one line each on standard error
// by default ("Warning: …", as Helm prints them); callers (tests, the CLI) may collect them instead.
// Must not: throw, or write to standard output.

export type WarningSink = (message: string) => void;

let sink: WarningSink = (m) => {
  process.stderr.write(`Warning: ${m}\n`);
};

/** Send repository warnings to `fn` (returns the previous sink, to restore it). */
export function setWarningSink(fn: WarningSink): WarningSink {
  const prev = sink;
  sink = fn;
  return prev;
}

export function warn(message: string): void {
  sink(message);
}
