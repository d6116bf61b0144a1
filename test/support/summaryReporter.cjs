// Mocha's spec reporter plus the plain closing line CI reads: "N passed, N failed", followed by
// ", K skipped (reason)" when tests were skipped (reasons set by test/support/skip.ts skipBecause), so a
// green run that skipped the browser tests says so where CI looks.
'use strict';
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

/** The reason stored on the test or its nearest suite (skip.ts SKIP_REASON_KEY), or '' for a bare skip. */
function skipReason(test) {
  for (let node = test; node; node = node.parent) if (typeof node.skipReason === 'string') return node.skipReason;
  return '';
}

/** "N passed, N failed[, K skipped (reasons)]"; `skipped` maps each reason ('' = none given) to its count. */
function summaryLine(passes, failures, skipped) {
  const line = `${passes} passed, ${failures} failed`;
  const total = [...skipped.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return line;
  const reasons = [...skipped.entries()].sort((a, b) => b[1] - a[1]);
  const why = reasons.length === 1 ? reasons[0][0] || 'it.skip' : reasons.map(([reason, n]) => `${n} ${reason || 'it.skip'}`).join(', ');
  return `${line}, ${total} skipped (${why})`;
}

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = new Map();
    runner.on(EVENT_TEST_PENDING, (test) => {
      const reason = skipReason(test);
      skipped.set(reason, (skipped.get(reason) || 0) + 1);
    });
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      // printed after Spec's epilogue so it is the last line of the run
      process.nextTick(() => console.log(summaryLine(s.passes, s.failures, skipped)));
    });
  }
}
SummaryReporter.summaryLine = summaryLine;
module.exports = SummaryReporter;
