// MultiAdam (Yao et al. 2023): separate Adam moments per loss term, so each term's update is
// normalised by its own gradient scale and rescaling one loss leaves the update unchanged.
//   update = lr/(1-b1^t) * sum_i w_i m_i / (sqrt(v_i)/sqrt(1-b2^t) + eps)
import type { LearningRate, MultiLossOptimizer, OptimState, Schedule, Vec } from './types.js';
import { resolveLr } from './schedules.js';
import { OptionReader, type Options } from './options.js';
import { checkShapes, expectKind, readNumber, readVecs, vecsToJson } from './state.js';
import { adamMomentOptions } from './adam.js';
import { checkLosses } from './combined.js';

export interface MultiAdamOptions {
  lr?: LearningRate;
  betas?: [number, number];
  eps?: number;
  /** Fixed per-loss weights; default 1/n each. */
  weights?: number[];
}

export class MultiAdam implements MultiLossOptimizer {
  private readonly lr: Schedule;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private readonly fixedWeights: number[] | undefined;
  private m: Float64Array[] = [];
  private v: Float64Array[] = [];
  private acc: Float64Array | null = null;
  private t = 0;

  constructor(o: MultiAdamOptions = {}) {
    this.lr = resolveLr(o.lr ?? 1e-3, 'multiadam.lr');
    [this.b1, this.b2] = o.betas ?? [0.99, 0.99];
    this.eps = o.eps ?? 1e-8;
    this.fixedWeights = o.weights;
  }

  step(params: Vec, losses: number[], grads: Vec[]): { weights: number[] } {
    checkLosses(losses, grads);
    checkShapes(params, grads, 'multiadam grads');
    const n = grads.length;
    const w = this.fixedWeights ?? new Array<number>(n).fill(1 / n);
    if (w.length !== n) throw new Error(`optimizer.weights: expected ${n} weights (one per loss), got ${w.length}`);
    if (this.m.length !== n || this.m[0].length !== params.length) {
      this.m = grads.map(() => new Float64Array(params.length));
      this.v = grads.map(() => new Float64Array(params.length));
    }
    const lr = this.lr(this.t);
    this.t++;
    const { b1, b2, eps } = this;
    const stepSize = lr / (1 - b1 ** this.t);
    const invSqrtBc2 = 1 / Math.sqrt(1 - b2 ** this.t);
    // Loss-outer loops keep every inner loop monomorphic over flat typed arrays (an element-outer
    // loop over m[i][j] measured ~3x slower in V8); the f64 accumulator keeps f32 params from
    // rounding each loss's contribution separately.
    if (this.acc === null || this.acc.length !== params.length) this.acc = new Float64Array(params.length);
    const acc = this.acc;
    acc.fill(0);
    for (let i = 0; i < n; i++) {
      const g = grads[i];
      const m = this.m[i];
      const v = this.v[i];
      const wi = w[i];
      for (let j = 0; j < params.length; j++) {
        const gj = g[j];
        const mj = b1 * m[j] + (1 - b1) * gj;
        const vj = b2 * v[j] + (1 - b2) * gj * gj;
        m[j] = mj;
        v[j] = vj;
        acc[j] += (wi * mj) / (Math.sqrt(vj) * invSqrtBc2 + eps);
      }
    }
    for (let j = 0; j < params.length; j++) params[j] -= stepSize * acc[j];
    return { weights: w.slice() };
  }

  currentLr(): number {
    return this.lr(this.t);
  }

  state(): OptimState {
    return { kind: 'multiadam', t: this.t, m: vecsToJson(this.m), v: vecsToJson(this.v) };
  }

  load(s: OptimState): void {
    expectKind(s, 'multiadam');
    this.t = readNumber(s, 't');
    this.m = readVecs(s, 'm');
    this.v = readVecs(s, 'v');
  }
}

export function parseMultiAdam(opts: Options, path: string): MultiAdam {
  const r = new OptionReader(opts, path);
  const o: MultiAdamOptions = {
    ...adamMomentOptions(r, [0.99, 0.99]),
    weights: r.numbers('weights', { min: 0 }),
  };
  r.done();
  return new MultiAdam(o);
}
