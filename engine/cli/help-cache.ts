// Owns: one start-up saving in how kfchart drives yargs (see skipHelpCache). Must not: change what yargs parses.

/**
 * yargs 18 renders the complete help text of the chosen command right after starting its handler (so that a later
 * failure could print it; command.js `cacheHelpMessage`). kfchart never prints help on a failure (bin/kfchart.ts
 * turns every yargs failure into an error), and that rendering — string widths of every option line — costs
 * 20-50 ms on every command (A/B runs of `template`). Turn it into a no-op; `--help` does not use the cache. If a
 * yargs release drops this internal, nothing breaks (only the saving goes): test/unit/cli/help-cache.test.ts checks
 * that the hook still exists and runs in the installed yargs.
 */
export function skipHelpCache(cli: unknown): boolean {
  const usage = (cli as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } })
    .getInternalMethods?.()
    .getUsageInstance?.();
  if (!usage || typeof usage.cacheHelpMessage !== 'function') return false;
  usage.cacheHelpMessage = () => {};
  return true;
}
