// ReLoBRaLo (Bischof & Kraus 2021, "Multi-objective loss balancing for physics-informed deep
// learning"): relative loss balancing with random lookback.
//   bal_i(t,t') = n * softmax_i( L_i(t) / (T L_i(t')) )
//   hist_i = rho * lambda_i(t-1) + (1-rho) * bal_i(t,0),   rho ~ Bernoulli(expectedRho)
//   lambda_i(t) = alpha * hist_i + (1-alpha) * bal_i(t,t-1)
// The first step records L(0) and uses weights 1.
import type { JsonValue, Optimizer, OptimState, Vec } from './types.js';
import { CombinedGradientOptimizer } from './combined.js';
import { Mulberry32 } from '../core/random.js';
import { readNumber, readNumbers } from './state.js';

export interface ReLoBRaLoOptions {
  temperature?: number;
  alpha?: number;
  expectedRho?: number;
  seed?: number;
}

/** n * softmax(L(t) / (T L(t'))), shifted by the max exponent for overflow safety. */
export function relativeBalance(now: readonly number[], then: readonly number[], temperature: number): number[] {
  const z = now.map((l, i) => l / (temperature * then[i] + 1e-300));
  const top = Math.max(...z);
  const e = z.map((x) => Math.exp(x - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => (now.length * x) / sum);
}

export class ReLoBRaLo extends CombinedGradientOptimizer {
  private readonly T: number;
  private readonly alpha: number;
  private readonly rho: number;
  private readonly rng: Mulberry32;
  private lambda: number[] = [];
  private first: number[] = [];
  private prev: number[] = [];

  constructor(base: Optimizer, o: ReLoBRaLoOptions = {}) {
    super('relobralo', base);
    this.T = o.temperature ?? 0.1;
    this.alpha = o.alpha ?? 0.999;
    this.rho = o.expectedRho ?? 0.999;
    this.rng = new Mulberry32(o.seed ?? 0);
  }

  protected weights(losses: number[], _grads: Vec[]): number[] {
    const n = losses.length;
    if (this.lambda.length !== n) {
      this.lambda = new Array<number>(n).fill(1);
      this.first = losses.slice();
      this.prev = losses.slice();
      return this.lambda.slice();
    }
    const rho = this.rng.next() < this.rho ? 1 : 0;
    const fromStart = relativeBalance(losses, this.first, this.T);
    const fromPrev = relativeBalance(losses, this.prev, this.T);
    this.lambda = this.lambda.map((l, i) => this.alpha * (rho * l + (1 - rho) * fromStart[i]) + (1 - this.alpha) * fromPrev[i]);
    this.prev = losses.slice();
    return this.lambda.slice();
  }

  protected ownState(): Record<string, JsonValue> {
    return { lambda: this.lambda.slice(), first: this.first.slice(), prev: this.prev.slice(), rng: this.rng.seedState };
  }

  protected loadOwn(s: OptimState): void {
    this.lambda = readNumbers(s, 'lambda').slice();
    this.first = readNumbers(s, 'first').slice();
    this.prev = readNumbers(s, 'prev').slice();
    this.rng.seedState = readNumber(s, 'rng');
  }
}
