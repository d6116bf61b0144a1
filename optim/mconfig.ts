// M-ConFIG (Liu et al. 2024, momentum version): each step back-propagates only ONE loss (round
// robin), updates that loss's first moment, applies ConFIG to the bias-corrected moments, and
// scales the result Adam-like by a pseudo second moment built from the ConFIG output itself.
// The update is a plain SGD-style step params -= lr * direction (no inner Adam, per the paper).
import type { LearningRate, MultiLossOptimizer, OptimState, Schedule, Vec } from './types.js';
import { resolveLr } from './schedules.js';
import { OptionReader, type Options } from './options.js';
import { expectKind, readNumber, readNumbers, readVec, readVecs, vecToJson, vecsToJson } from './state.js';
import { adamMomentOptions } from './adam.js';
import { checkLosses } from './combined.js';
import { configWeightsFromGram } from './config.js';
import { gram } from './linalg.js';

export interface MConfigOptions {
  lr?: LearningRate;
  betas?: [number, number];
  eps?: number;
}

export class MConFIG implements MultiLossOptimizer {
  private readonly lr: Schedule;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private m: Float64Array[] = [];
  private counts: number[] = [];
  private s: Float64Array | null = null;
  private fakeM: Float64Array | null = null;
  private calls = 0;
  private t = 0;

  constructor(o: MConfigOptions = {}) {
    this.lr = resolveLr(o.lr ?? 1e-3, 'mconfig.lr');
    [this.b1, this.b2] = o.betas ?? [0.9, 0.999];
    this.eps = o.eps ?? 1e-8;
  }

  /** Index of the loss whose gradient the next step() reads; the others may be empty arrays. */
  activeLoss(nLosses: number): number {
    return this.calls % nLosses;
  }

  step(params: Vec, losses: number[], grads: Vec[]): { weights: number[] } {
    checkLosses(losses, grads);
    const n = grads.length;
    const p = params.length;
    if (this.m.length !== n || this.m[0].length !== p) {
      this.m = grads.map(() => new Float64Array(p));
      this.counts = new Array<number>(n).fill(0);
      this.s = new Float64Array(p);
      this.fakeM = new Float64Array(p);
    }
    const i = this.activeLoss(n);
    const g = grads[i];
    if (g.length !== p) throw new Error(`mconfig grads[${i}]: expected length ${p} (the parameter count), got ${g.length}`);
    const { b1, b2, eps } = this;
    const mi = this.m[i];
    for (let j = 0; j < p; j++) mi[j] = b1 * mi[j] + (1 - b1) * g[j];
    this.counts[i]++;
    this.calls++;
    // No update until every loss has contributed a moment (an all-zero moment has no direction).
    if (this.counts.some((c) => c === 0)) return { weights: new Array<number>(n).fill(0) };
    const lr = this.lr(this.t);
    this.t++;
    // ConFIG on m_hat_k = m_k / c_k: weights on m_hat, folded into coefficients on m_k.
    const c = this.counts.map((k) => 1 - b1 ** k);
    const G = gram(this.m);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) G[a * n + b] /= c[a] * c[b];
    const w = configWeightsFromGram(G, n);
    const coef = w.map((wk, k) => wk / c[k]);
    const s = this.s as Float64Array;
    const fakeM = this.fakeM as Float64Array;
    const bc1 = 1 - b1 ** this.t;
    const invBc2 = 1 / (1 - b2 ** this.t);
    for (let j = 0; j < p; j++) {
      let d = 0;
      for (let k = 0; k < n; k++) d += coef[k] * this.m[k][j];
      // pseudo gradient: the gradient that would have produced this (un-bias-corrected) momentum
      const fm = d * bc1;
      const fakeGrad = (fm - b1 * fakeM[j]) / (1 - b1);
      fakeM[j] = fm;
      const sj = b2 * s[j] + (1 - b2) * fakeGrad * fakeGrad;
      s[j] = sj;
      params[j] -= (lr * d) / (Math.sqrt(sj * invBc2) + eps);
    }
    return { weights: w };
  }

  currentLr(): number {
    return this.lr(this.t);
  }

  state(): OptimState {
    return {
      kind: 'mconfig',
      calls: this.calls,
      t: this.t,
      counts: this.counts.slice(),
      m: vecsToJson(this.m),
      s: vecToJson(this.s),
      fakeM: vecToJson(this.fakeM),
    };
  }

  load(st: OptimState): void {
    expectKind(st, 'mconfig');
    this.calls = readNumber(st, 'calls');
    this.t = readNumber(st, 't');
    this.counts = readNumbers(st, 'counts').slice();
    this.m = readVecs(st, 'm');
    this.s = readVec(st, 's');
    this.fakeM = readVec(st, 'fakeM');
  }
}

export function parseMConfig(opts: Options, path: string): MConFIG {
  const r = new OptionReader(opts, path);
  const o: MConfigOptions = adamMomentOptions(r, [0.9, 0.999]);
  r.done();
  return new MConFIG(o);
}
