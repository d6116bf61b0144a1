// Learning-rate annealing (Wang, Teng, Perdikaris 2021, "Understanding and mitigating gradient
// pathologies in PINNs"). With L_r the residual loss (index `residualIndex`), every `updateEvery` steps
//   lambda_hat_i = max|grad L_r| / mean|s_i|,  lambda_i <- (1-alpha) lambda_i + alpha lambda_hat_i,
// the residual keeping weight 1, and the combined gradient goes to the inner optimizer. Two readings of
// s_i exist: the authors' released code takes the gradient of the term as currently weighted,
// s_i = lambda_i grad L_i ('weighted', default: it reproduces the paper's Helmholtz error, 1.27e-2 with
// our bench); the paper's equation takes s_i = grad L_i ('raw'), whose weight ran away to ~5e9 on the same
// problem. Like that code, the statistics may be restricted to parameter ranges (the weight matrices):
// the max over all ranges, the mean taken per range and averaged over ranges.
import type { JsonValue, Optimizer, OptimState, Vec } from './types.js';
import { CombinedGradientOptimizer } from './combined.js';
import { readNumber, readNumbers } from './state.js';
import { maxAbs, meanAbs } from './vec.js';

export type LraStatistic = 'weighted' | 'raw';
export type ParamRange = readonly [start: number, end: number];

export interface LraOptions {
  alpha?: number;
  residualIndex?: number;
  /** Recompute lambda_hat every k steps (1 = every step); weights are held in between. */
  updateEvery?: number;
  /** Mean of |lambda_i grad L_i| ('weighted', the authors' code) or of |grad L_i| ('raw', the paper's formula). */
  statistic?: LraStatistic;
  /** [start, end) ranges of the parameter vector the statistics read; default the whole vector. */
  ranges?: readonly ParamRange[];
}

export class LearningRateAnnealing extends CombinedGradientOptimizer {
  private readonly alpha: number;
  private readonly residual: number;
  private readonly every: number;
  private readonly statistic: LraStatistic;
  private readonly ranges: readonly ParamRange[] | undefined;
  private lambda: number[] = [];
  private t = 0;

  constructor(base: Optimizer, o: LraOptions = {}) {
    super('lra', base);
    this.alpha = o.alpha ?? 0.1;
    this.residual = o.residualIndex ?? 0;
    this.every = o.updateEvery ?? 1;
    this.statistic = o.statistic ?? 'weighted';
    this.ranges = o.ranges?.length ? o.ranges : undefined;
    this.ranges?.forEach(([a, b], k) => {
      if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b > a)) {
        throw new Error(`optimizer.ranges[${k}]: expected integers 0 <= start < end, got [${a}, ${b}]`);
      }
    });
  }

  protected weights(_losses: number[], grads: Vec[]): number[] {
    const n = grads.length;
    if (this.residual >= n) throw new Error(`optimizer.residualIndex: expected an index below ${n} (the loss count), got ${this.residual}`);
    const ranges = this.ranges ?? [[0, grads[0].length] as const];
    const end = Math.max(...ranges.map((r) => r[1]));
    if (end > grads[0].length) throw new Error(`optimizer.ranges: range end ${end} exceeds the ${grads[0].length} parameters`);
    if (this.lambda.length !== n) this.lambda = new Array<number>(n).fill(1);
    if (this.t % this.every === 0) {
      const top = Math.max(...ranges.map(([a, b]) => maxAbs(grads[this.residual].subarray(a, b))));
      for (let i = 0; i < n; i++) {
        if (i === this.residual) continue;
        const scale = this.statistic === 'weighted' ? this.lambda[i] : 1;
        const mean = (scale * ranges.reduce((s, [a, b]) => s + meanAbs(grads[i].subarray(a, b)), 0)) / ranges.length;
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
