// The closing line CI greps ('^[0-9]+ passed, [0-9]+ failed') also says how many tests skipped and why.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const reporter = require('./summaryReporter.cjs') as {
  summaryLine(passes: number, failures: number, skipped: Map<string, number>): string;
};
const REPORTER = fileURLToPath(new URL('./summaryReporter.cjs', import.meta.url));
const SKIP = fileURLToPath(new URL('./skip.ts', import.meta.url));
const MOCHA = require.resolve('mocha/bin/mocha.js');
const CI_SUMMARY = /^[0-9]+ passed, [0-9]+ failed/; // .ci/run's grep -E

/** Runs mocha with the summary reporter on `files` in a child process; returns its output lines. */
function runMocha(files: string[], env: Record<string, string> = {}): string[] {
  const r = spawnSync(process.execPath, [MOCHA, '--no-config', '--import=tsx', '--reporter', REPORTER, ...files], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return (r.stdout + r.stderr).trimEnd().split('\n');
}

describe('test summary reporter', function () {
  this.timeout(60000);

  it('formats passed, failed and skipped-by-reason counts', () => {
    expect(reporter.summaryLine(5, 0, new Map())).to.equal('5 passed, 0 failed');
    expect(reporter.summaryLine(5, 1, new Map([['no chromium', 7]]))).to.equal('5 passed, 1 failed, 7 skipped (no chromium)');
    expect(
      reporter.summaryLine(
        2,
        0,
        new Map([
          ['', 1],
          ['no chromium', 3],
        ]),
      ),
    ).to.equal('2 passed, 0 failed, 4 skipped (3 no chromium, 1 it.skip)');
    expect(reporter.summaryLine(0, 0, new Map([['', 2]]))).to.equal('0 passed, 0 failed, 2 skipped (it.skip)');
  });

  it("a run with a suite skipped for a reason ends with 'N passed, N failed, K skipped (reason)', which CI's grep matches", () => {
    const dir = mkdtempSync(join(tmpdir(), 'fluxion-reporter-'));
    try {
      const fixture = join(dir, 'fixture.test.ts');
      writeFileSync(
        fixture,
        [
          `import { skipBecause } from ${JSON.stringify(SKIP)};`,
          "describe('browser', function () {",
          "  before(function () { skipBecause(this, 'no chromium'); });",
          "  it('a', () => {}); it('b', () => {});",
          "  describe('nested', () => { it('c', () => {}); });",
          '});',
          "describe('plain', () => { it('passes', () => {}); it('fails', () => { throw new Error('x'); }); });",
        ].join('\n'),
      );
      const last = runMocha([fixture]).pop() as string;
      expect(last).to.equal('1 passed, 1 failed, 3 skipped (no chromium)');
      expect(CI_SUMMARY.test(last)).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the viewer browser tests without Chromium count as skipped (no chromium) in the summary line', () => {
    const file = fileURLToPath(new URL('../viewer/browser.test.ts', import.meta.url));
    const lines = runMocha([file], { FLUXION_CHROMIUM: join(tmpdir(), 'no-such-chromium') });
    expect(lines.some((l) => l.includes('skipped: ') && l.includes('no-such-chromium not found'))).to.equal(true);
    expect(lines.pop()).to.match(/^0 passed, 0 failed, [1-9][0-9]* skipped \(no chromium\)$/);
  });
});
