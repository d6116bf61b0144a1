// Model selection without the reference: every `every` steps the PDE residual on a fixed held-out point set is
// scored, the parameters with the lowest score are kept, and when training completes the trainer goes back to them.
// It guards the end of a run against what the training loss cannot see, e.g. L-BFGS on fixed points fitting the
// residual there while it grows between them. As a wrapper it holds across both phases of a finetune run.
import type { FinishReport, HeldOutScore, StepMetrics, EvalMetrics, Trainer } from '../optim/trainer.js';

/** A PINN trainer whose parameters can be read and set and whose held-out residual can be scored. */
export interface SelectableTrainer extends Trainer {
  parameters(): Float64Array;
  setParameters(values: ArrayLike<number>): void;
  heldOutResidual(points: number): number;
}

export interface KeepBestOptions {
  /** Held-out domain points the residual is scored on. */
  points: number;
  /** Steps between scores. */
  every: number;
}

interface Best {
  step: number;
  score: number;
  params: Float64Array;
}

interface KeepBestState {
  format: 'fluxion-pinn-keep-best-1';
  trainer: unknown;
  best: { step: number; score: number; params: number[] } | null;
}

export class KeepBest implements Trainer {
  private best: Best | null = null;

  constructor(
    private readonly inner: SelectableTrainer,
    private readonly options: KeepBestOptions,
  ) {
    for (const key of ['points', 'every'] as const) {
      const v = options[key];
      if (!Number.isInteger(v) || v < 1) throw new Error(`keep_best.${key}: expected a positive integer, got ${v}`);
    }
  }

  get step(): number {
    return this.inner.step;
  }

  /** The best held-out score so far and its step (null before the first score). */
  get selection(): { step: number; score: number } | null {
    return this.best && { step: this.best.step, score: this.best.score };
  }

  /** Scores the current parameters and keeps them if they beat the best (a non-finite score never does). */
  private score(): HeldOutScore {
    const residual = this.inner.heldOutResidual(this.options.points);
    if (Number.isFinite(residual) && (this.best === null || residual < this.best.score)) {
      this.best = { step: this.inner.step, score: residual, params: this.inner.parameters() };
    }
    return { residual, best: this.best?.score ?? residual, bestStep: this.best?.step ?? this.inner.step };
  }

  trainStep(): StepMetrics {
    const m = this.inner.trainStep();
    return m.step % this.options.every === 0 ? { ...m, heldOut: this.score() } : m;
  }

  evaluate(): EvalMetrics {
    return this.inner.evaluate();
  }

  predict(points: Float64Array, n: number): Record<string, Float64Array> {
    return this.inner.predict(points, n);
  }

  /** Scores the final parameters too, then goes back to the best ones (the inner trainer's finish runs first). */
  finish(): FinishReport | undefined {
    this.inner.finish?.();
    const last = this.score();
    const best = this.best;
    if (!best) return undefined;
    const restore = best.step !== this.inner.step;
    if (restore) this.inner.setParameters(best.params);
    const held = `held-out PDE residual ${best.score.toExponential(3)}`;
    const message = restore
      ? `keep_best: parameters of step ${best.step} restored (${held}; ${last.residual.toExponential(3)} at step ${this.inner.step})`
      : `keep_best: the final parameters have the lowest ${held}`;
    return { message, selectedStep: best.step, heldOutResidual: best.score };
  }

  state(): KeepBestState {
    const b = this.best;
    return {
      format: 'fluxion-pinn-keep-best-1',
      trainer: this.inner.state(),
      best: b && { step: b.step, score: b.score, params: Array.from(b.params) },
    };
  }

  load(state: unknown): void {
    const s = state as Partial<KeepBestState> | null;
    if (s?.format !== 'fluxion-pinn-keep-best-1' || s.best === undefined) {
      throw new Error(`load: expected a keep_best trainer state (format 'fluxion-pinn-keep-best-1'), got ${JSON.stringify(s?.format)}`);
    }
    this.inner.load(s.trainer);
    this.best = s.best && { step: s.best.step, score: s.best.score, params: Float64Array.from(s.best.params) };
  }
}
