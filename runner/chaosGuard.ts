// training.chaos_check of `kind: simulation` (Metz et al. 2021, "Gradients are Not All You Need"): every so many
// training steps, the growth of perturbations through the task's rollout at the current parameters (the largest
// Lyapunov exponent, core/lyapunov.ts), reported in metrics.jsonl and summary.json, and one warning when the gradient
// the run trains on is amplified past chaos_check.warn_above (through the horizon, or one truncate_every window).
import { type RolloutGrowth, windowAmplification } from '../core/index.js';
import type { ChaosReport } from './trainer.js';

/** The growth of a task's rollout at `params`, measured in stretches of `stride` steps (sim/segments.ts growth). */
export type GrowthProbe = (params: Float64Array, stride: number) => RolloutGrowth;

/** What a task offers the check: its probe and the segment length of its rollout (the default stride). */
export interface ChaosProbe {
  growth: GrowthProbe;
  segmentLength: number;
}

export interface ChaosCheckOptions {
  /** training steps between checks (each runs at the first evaluation at least this many steps after the last) */
  every: number;
  /** warn when the trained gradient's amplification exceeds this */
  warnAbove: number;
  /** training.truncate_every, if set */
  truncateEvery?: number;
}

/**
 * The stride of the measurement: the segment length, or with truncation the largest divisor of K not above it, so the
 * stretches tile the truncation windows and windowAmplification is exact.
 */
export function checkStride(segmentLength: number, truncateEvery: number | undefined): number {
  if (truncateEvery === undefined) return segmentLength;
  for (let d = Math.min(segmentLength, truncateEvery); d > 1; d--) if (truncateEvery % d === 0) return d;
  return 1;
}

const fmt = (v: number): string => v.toPrecision(3);

export class ChaosGuard {
  private lastStep: number | undefined;
  private warned = false;
  private readonly stride: number;

  constructor(
    private readonly probe: ChaosProbe,
    private readonly opts: ChaosCheckOptions,
  ) {
    this.stride = checkStride(probe.segmentLength, opts.truncateEvery);
  }

  /** Whether a check is due at `step` (the first evaluation runs one). */
  due(step: number): boolean {
    return this.lastStep === undefined || step - this.lastStep >= this.opts.every;
  }

  /** The check at `step` and, the first time the trained gradient is amplified past warn_above, the warning. */
  measure(params: Float64Array, step: number): { report: ChaosReport; warning?: string } {
    const t0 = performance.now();
    const g = this.probe.growth(params, this.stride);
    const seconds = (performance.now() - t0) / 1000;
    this.lastStep = step;
    const K = this.opts.truncateEvery;
    const windowed = K !== undefined && K < g.steps ? windowAmplification(g, K) : undefined;
    const report: ChaosReport = {
      step,
      exponent: g.exponent,
      growthPerStep: Math.exp(g.exponent),
      amplification: g.amplification,
      horizon: g.steps,
      seconds,
      ...(windowed !== undefined ? { windowAmplification: windowed } : {}),
    };
    const trained = windowed ?? g.amplification;
    if (this.warned || !(trained > this.opts.warnAbove)) return { report };
    this.warned = true;
    return { report, warning: this.warning(report, trained) };
  }

  private warning(r: ChaosReport, trained: number): string {
    const head =
      `chaos_check at step ${r.step}: perturbations of the rollout grow ${fmt(r.growthPerStep)}x per simulated step ` +
      `(Lyapunov exponent ${fmt(r.exponent)})`;
    const limit = `chaos_check.warn_above ${fmt(this.opts.warnAbove)}`;
    // the window over which e^(exponent K) stays at the threshold (a window can grow past it on a mean exponent <= 0)
    const about = r.exponent > 0 ? ` (about ${Math.max(1, Math.floor(Math.log(this.opts.warnAbove) / r.exponent))})` : '';
    if (r.windowAmplification !== undefined)
      return (
        `${head}, amplifying the gradient by ${fmt(trained)} within one truncate_every window of ${this.opts.truncateEvery} steps ` +
        `(> ${limit}): lower training.truncate_every${about} or set training.grad_clip`
      );
    return (
      `${head}, amplifying gradients through the ${r.horizon}-step horizon by ${fmt(trained)} (> ${limit}): ` +
      `set training.truncate_every${about} or training.grad_clip`
    );
  }
}
