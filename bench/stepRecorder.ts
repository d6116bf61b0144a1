// Per-label time of the compiled steps (core/compile/profile.ts), one entry per rep, so each label's median over
// reps can be taken: bench/profile.ts and bench/kernelAB.ts.
import type { StepInfo, StepProfiler } from '../core/compile/profile.js';

export class Recorder implements StepProfiler {
  readonly byLabel = new Map<string, { info: StepInfo; calls: number; ms: number[] }>();
  /** The rep being recorded; below 0 nothing is (compile and warm-up runs). */
  rep = -1;
  record(info: StepInfo, ms: number): void {
    if (this.rep < 0) return;
    let r = this.byLabel.get(info.label);
    if (!r) {
      r = { info, calls: 0, ms: [] };
      this.byLabel.set(info.label, r);
    }
    if (this.rep === 0) r.calls++;
    r.ms[this.rep] = (r.ms[this.rep] ?? 0) + ms;
  }
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
};
