// NTK-trace weighting (Wang, Yu, Perdikaris 2022, "When and why PINNs fail to train: a neural
// tangent kernel perspective"): lambda_i = trace(K) / trace(K_ii), trace(K) = sum_j trace(K_jj).
// The trace of a loss's NTK block is estimated by the trainer as the sum over that loss's points
// of |d output(x_p) / d params|^2 (see ntkTrace), and handed over with setTraces().
import type { JsonValue, Optimizer, OptimState, Vec } from './types.js';
import { CombinedGradientOptimizer } from './combined.js';
import { readNumbers } from './state.js';
import { dot } from './vec.js';

/** Trace of one NTK block: sum over points of the squared norm of the output's parameter gradient. */
export function ntkTrace(perPointGrads: readonly Vec[]): number {
  let s = 0;
  for (const g of perPointGrads) s += dot(g, g);
  return s;
}

/** lambda_i = sum_j traces_j / traces_i. */
export function ntkTraceWeights(traces: readonly number[]): number[] {
  traces.forEach((t, i) => {
    if (!(Number.isFinite(t) && t > 0)) throw new Error(`ntk traces[${i}]: expected a positive finite number, got ${t}`);
  });
  const total = traces.reduce((a, b) => a + b, 0);
  return traces.map((t) => total / t);
}

export class NtkWeighting extends CombinedGradientOptimizer {
  private lambda: number[] = [];

  constructor(base: Optimizer) {
    super('ntk', base);
  }

  /** Sets the weights from fresh per-loss NTK trace estimates (the paper refreshes them every ~100-1000 steps). */
  setTraces(traces: readonly number[]): number[] {
    this.lambda = ntkTraceWeights(traces);
    return this.lambda.slice();
  }

  protected weights(_losses: number[], grads: Vec[]): number[] {
    if (this.lambda.length === 0) return new Array<number>(grads.length).fill(1); // no traces yet
    if (this.lambda.length !== grads.length) {
      throw new Error(`ntk traces: expected ${grads.length} values (one per loss), got ${this.lambda.length}`);
    }
    return this.lambda.slice();
  }

  protected ownState(): Record<string, JsonValue> {
    return { lambda: this.lambda.slice() };
  }

  protected loadOwn(s: OptimState): void {
    this.lambda = readNumbers(s, 'lambda').slice();
  }
}
