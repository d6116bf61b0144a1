// A sweep directory as `fluxion sweep` leaves it, written with the sweep's own results writer
// (runner/sweepResults.ts): results.csv and summary.md at the root, and per run its summary.json and
// metrics.jsonl in runs/<sweep>/<run id>/. Two learning rates x two seeds, one run failed, one pending.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from '../../runner/outputs.js';
import { settingId, type PlannedRun } from '../../runner/sweepPlan.js';
import { resultsCsv, rowFromSummary, summaryMarkdown, type RunRow } from '../../runner/sweepResults.js';

export const SWEEP_STEPS = 12;

/** Each run's metrics decay at its own rate, so its final l2re (the table's value) orders the runs. */
function metrics(rate: number, steps: number): string {
  return Array.from({ length: steps }, (_, step) => {
    const loss = Math.exp(-rate * step) + 1e-4;
    return `${JSON.stringify({ step, loss, terms: { pde: loss }, lr: 1e-3, wall_time: step * 0.01, l2re: 0.5 * Math.exp(-rate * step * 0.5) })}\n`;
  }).join('');
}

export interface SweepFixture {
  dir: string;
  runs: PlannedRun[];
  /** The runs' final l2re, undefined for those without one (failed, pending). */
  l2re: Map<string, number | undefined>;
}

export function writeFixtureSweep(dir: string): SweepFixture {
  const lrs = [0.003, 1e-7]; // results.csv writes 1e-7 as "1e-7": text order would put it after "0.003"
  const runs: PlannedRun[] = lrs.flatMap((lr) =>
    [0, 1].map((seed) => {
      const setting = { 'training.lr': lr };
      const id = `${settingId(setting)}-s${seed}`;
      return { id, settingId: settingId(setting), setting, seed };
    }),
  );
  // rates: completed, completed, failed (log only), pending (no directory)
  const rates = [0.25, 0.4, undefined, undefined]; // the second run ends with the lower l2re
  const rows: RunRow[] = runs.map((run, i) => {
    const rate = rates[i];
    if (i === 3) return rowFromSummary(run, undefined);
    const runDir = join(dir, run.id);
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'config.resolved.yaml'), `kind: pinn\nname: lr-${run.id}\nfields: [u]\n`);
    if (rate === undefined) {
      writeFileSync(join(runDir, 'run.log'), 'error: boom\n');
      return { run, status: 'failed' };
    }
    const text = metrics(rate, SWEEP_STEPS);
    writeFileSync(join(runDir, 'metrics.jsonl'), text);
    const last = JSON.parse(text.trim().split('\n').at(-1)!) as { loss: number; l2re: number };
    const summary: Summary = {
      name: 'lr',
      kind: 'pinn',
      status: 'completed',
      steps: SWEEP_STEPS,
      wall_time: 0.5 + i,
      backend: 'js',
      loss: last.loss,
      l2re: last.l2re,
    };
    writeFileSync(join(runDir, 'summary.json'), JSON.stringify(summary));
    return rowFromSummary(run, summary);
  });
  writeFileSync(join(dir, 'results.csv'), resultsCsv(rows));
  writeFileSync(join(dir, 'summary.md'), summaryMarkdown('lr', rows, 'l2re'));
  return { dir, runs, l2re: new Map(rows.map((r) => [r.run.id, r.l2re])) };
}
