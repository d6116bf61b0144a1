// MultiAdam (Yao et al. 2023): separate Adam moments per loss term, so each term's update is
// normalised by its own gradient scale and rescaling one loss leaves the update unchanged.
//   update = lr/(1-b1^t) * sum_i w_i m_i / (sqrt(v_i)/sqrt(1-b2^t) + eps)
import type { LearningRate, MultiLossOptimizer, OptimState, Schedule, Vec } from './types.js';
import { resolveLr } from './schedules.js';
import { OptionReader, type Options } from './options.js';
import { checkShapes, expectKind, readNumber, readVecs, vecToJson } from './state.js';
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
  private t = 0;

  constructor(o: MultiAdamOptions = {}) {
    this.lr = resolveLr(o.lr ?? 1e-3);
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
    const stepSize = lr / (1 - Math.pow(b1, this.t));
    const invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(b2, this.t));
    // Element-outer loop: each parameter is read and written once whatever the loss count.
    const { m, v } = this;
    for (let j = 0; j < params.length; j++) {
      let u = 0;
      for (let i = 0; i < n; i++) {
        const g = grads[i][j];
        const mi = b1 * m[i][j] + (1 - b1) * g;
        const vi = b2 * v[i][j] + (1 - b2) * g * g;
        m[i][j] = mi;
        v[i][j] = vi;
        u += (w[i] * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
      }
      params[j] -= stepSize * u;
    }
    return { weights: w.slice() };
  }

  state(): OptimState {
    return { kind: 'multiadam', t: this.t, m: this.m.map((x) => vecToJson(x) as number[]), v: this.v.map((x) => vecToJson(x) as number[]) };
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
    lr: r.lr('lr', 1e-3),
    betas: r.betas('betas', [0.99, 0.99]),
    eps: r.number('eps', 1e-8, { min: 0 }),
    weights: r.numbers('weights', { min: 0 }),
  };
  r.done();
  return new MultiAdam(o);
}
