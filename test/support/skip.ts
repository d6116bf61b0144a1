// Skips that say why in the closing summary line (test/support/summaryReporter.cjs counts skipped tests
// by the reason stored on their suite), not only in a log line that scrolls away.

/** The property of a suite that summaryReporter.cjs reads; keep the two in step. */
export const SKIP_REASON_KEY = 'skipReason';

/** Skips the current test, or from a before() hook every test of its suite, counting them under `reason`. */
export function skipBecause(ctx: Mocha.Context, reason: string): never {
  const suite = ctx.test?.parent as (Mocha.Suite & { [SKIP_REASON_KEY]?: string }) | undefined;
  if (suite) suite[SKIP_REASON_KEY] = reason;
  ctx.skip();
}
