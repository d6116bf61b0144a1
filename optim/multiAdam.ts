// MultiAdam (Yao et al. 2023): separate Adam moments per loss group, so each group's update is
// normalised by its own gradient scale and rescaling one group's losses leaves the update unchanged.
//   update = lr/(1-b1^t) * sum_k w_k m_k / (sqrt(v_k)/sqrt(1-b2^t) + eps)
// with m_k, v_k the moments of g_k = the summed gradients of group k's losses. The authors' code
// (PINNacle's src/optimizer/multiadam.py, to which github.com/i207M/MultiAdam points) sums a group's
// losses and uses two groups, the PDE residuals and all conditions (`pdeConditionGroups`).
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
  /** Group index (0, 1, ...) of each loss; default one group per loss. */
  groups?: number[];
  /** Fixed per-group weights; default 1/(number of groups) each. */
  weights?: number[];
}

/** The authors' grouping: every PDE residual in group 0, every other loss in group 1 (one group if all alike). */
export function pdeConditionGroups(isPde: readonly boolean[]): number[] {
  const mixed = isPde.some((p) => p) && isPde.some((p) => !p);
  return isPde.map((p) => (mixed && !p ? 1 : 0));
}

function checkGroups(groups: readonly number[]): number {
  const count = groups.length === 0 ? 0 : Math.max(...groups) + 1;
  groups.forEach((g, i) => {
    if (!Number.isInteger(g) || g < 0) throw new Error(`optimizer.groups[${i}]: expected an integer >= 0, got ${g}`);
  });
  for (let k = 0; k < count; k++) {
    if (!groups.includes(k)) throw new Error(`optimizer.groups: group ${k} has no loss (groups are numbered 0..${count - 1})`);
  }
  return count;
}

export class MultiAdam implements MultiLossOptimizer {
  private readonly lr: Schedule;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private readonly fixedWeights: number[] | undefined;
  private readonly groups: number[] | undefined;
  private readonly groupCount: number;
  private sums: Float64Array[] = [];
  private m: Float64Array[] = [];
  private v: Float64Array[] = [];
  private acc: Float64Array | null = null;
  private t = 0;

  constructor(o: MultiAdamOptions = {}) {
    this.lr = resolveLr(o.lr ?? 1e-3, 'multiadam.lr');
    [this.b1, this.b2] = o.betas ?? [0.99, 0.99];
    this.eps = o.eps ?? 1e-8;
    this.fixedWeights = o.weights;
    this.groups = o.groups?.slice();
    this.groupCount = this.groups ? checkGroups(this.groups) : 0;
  }

  /** Per-group gradients: a group's loss gradients summed (the gradient of its summed losses). */
  private groupGrads(grads: Vec[], size: number): Vec[] {
    const groups = this.groups;
    if (!groups) return grads;
    if (groups.length !== grads.length) {
      throw new Error(`optimizer.groups: expected ${grads.length} group indices (one per loss), got ${groups.length}`);
    }
    if (this.sums.length !== this.groupCount || this.sums[0].length !== size) {
      this.sums = Array.from({ length: this.groupCount }, () => new Float64Array(size));
    }
    for (const s of this.sums) s.fill(0);
    grads.forEach((g, i) => {
      const s = this.sums[groups[i]];
      for (let j = 0; j < size; j++) s[j] += g[j];
    });
    return this.sums;
  }

  step(params: Vec, losses: number[], grads: Vec[]): { weights: number[] } {
    checkLosses(losses, grads);
    checkShapes(params, grads, 'multiadam grads');
    const gs = this.groupGrads(grads, params.length);
    const n = gs.length;
    const w = this.fixedWeights ?? new Array<number>(n).fill(1 / n);
    if (w.length !== n) {
      throw new Error(`optimizer.weights: expected ${n} weights (one per ${this.groups ? 'group' : 'loss'}), got ${w.length}`);
    }
    if (this.m.length !== n || this.m[0].length !== params.length) {
      this.m = gs.map(() => new Float64Array(params.length));
      this.v = gs.map(() => new Float64Array(params.length));
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
      const g = gs[i];
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
    return { weights: this.groups ? this.groups.map((k) => w[k]) : w.slice() };
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
    groups: r.numbers('groups', { min: 0, integer: true }),
    weights: r.numbers('weights', { min: 0 }),
  };
  r.done();
  return new MultiAdam(o);
}
