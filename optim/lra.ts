// Learning-rate annealing (Wang, Teng, Perdikaris 2021, "Understanding and mitigating gradient
// pathologies in PINNs"). With L_r the residual loss (index `residualIndex`):
//   lambda_hat_i = max|grad L_r| / mean|grad L_i|,  lambda_i <- (1-alpha) lambda_i + alpha lambda_hat_i
// and the residual keeps weight 1. The combined gradient goes to the inner optimizer.
import type { JsonValue, Optimizer, OptimState, Vec } from './types.js';
import { CombinedGradientOptimizer } from './combined.js';
import { readNumber, readNumbers } from './state.js';
import { maxAbs, meanAbs } from './vec.js';

export interface LraOptions {
  alpha?: number;
  residualIndex?: number;
  /** Recompute lambda_hat every k steps (1 = every step); weights are held in between. */
  updateEvery?: number;
}

export class LearningRateAnnealing extends CombinedGradientOptimizer {
  private readonly alpha: number;
  private readonly residual: number;
  private readonly every: number;
  private lambda: number[] = [];
  private t = 0;

  constructor(base: Optimizer, o: LraOptions = {}) {
    super('lra', base);
    this.alpha = o.alpha ?? 0.1;
    this.residual = o.residualIndex ?? 0;
    this.every = o.updateEvery ?? 1;
  }

  protected weights(_losses: number[], grads: Vec[]): number[] {
    const n = grads.length;
    if (this.residual >= n) throw new Error(`optimizer.residualIndex: expected an index below ${n} (the loss count), got ${this.residual}`);
    if (this.lambda.length !== n) this.lambda = new Array<number>(n).fill(1);
    if (this.t % this.every === 0) {
      const top = maxAbs(grads[this.residual]);
      for (let i = 0; i < n; i++) {
        if (i === this.residual) continue;
        const mean = meanAbs(grads[i]);
        if (mean > 0) this.lambda[i] = (1 - this.alpha) * this.lambda[i] + (this.alpha * top) / mean;
      }
    }
    this.t++;
    return this.lambda.slice();
  }

  protected ownState(): Record<string, JsonValue> {
    return { t: this.t, lambda: this.lambda.slice() };
  }

  protected loadOwn(s: OptimState): void {
    this.t = readNumber(s, 't');
    this.lambda = readNumbers(s, 'lambda').slice();
  }
}
