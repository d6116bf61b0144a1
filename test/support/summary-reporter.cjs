// Mocha's spec reporter plus the plain closing line CI reads: "N passed, N failed".
'use strict';
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      // printed after Spec's epilogue so it is the last line of the run
      process.nextTick(() => console.log(`${s.passes} passed, ${s.failures} failed`));
    });
  }
}
module.exports = SummaryReporter;
