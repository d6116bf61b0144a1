// Adam (Kingma & Ba) and AdamW (decoupled weight decay, Loshchilov & Hutter), PyTorch conventions.
import type { LearningRate, Optimizer, OptimState, Schedule, Vec } from './types.js';
import { parseLr, resolveLr } from './schedules.js';
import { OptionReader, type Options } from './options.js';
import { checkShapes, expectKind, readNumber, readVec, vecToJson } from './state.js';

export interface AdamOptions {
  lr?: LearningRate;
  betas?: [number, number];
  eps?: number;
  /** L2 penalty added to the gradient (Adam) or decoupled shrinkage (AdamW). */
  weightDecay?: number;
  /** true = AdamW: p -= lr*wd*p before the Adam step instead of adding wd*p to the gradient. */
  decoupled?: boolean;
}

/** AdamOptions with every default filled in and the learning rate as a schedule. */
export type AdamSettings = Required<Omit<AdamOptions, 'lr'>> & { lr: Schedule };

export class Adam implements Optimizer {
  private readonly lr: Schedule;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private readonly wd: number;
  private readonly decoupled: boolean;
  private m: Float64Array | null = null;
  private v: Float64Array | null = null;
  private t = 0;

  constructor(o: AdamOptions = {}) {
    [this.b1, this.b2] = o.betas ?? [0.9, 0.999];
    this.eps = o.eps ?? 1e-8;
    this.wd = o.weightDecay ?? 0;
    this.decoupled = o.decoupled ?? false;
    // checked as configs are (lr in (0, inf)) for direct callers such as sim/
    this.lr = resolveLr(o.lr ?? 1e-3, `${this.kind}.lr`);
  }

  get kind(): string {
    return this.decoupled ? 'adamw' : 'adam';
  }

  /** The hyperparameters, e.g. to run the same method fused into a compiled step (optim/fusedAdam.ts). */
  get settings(): AdamSettings {
    return { lr: this.lr, betas: [this.b1, this.b2], eps: this.eps, weightDecay: this.wd, decoupled: this.decoupled };
  }

  /** Number of updates taken so far. */
  get steps(): number {
    return this.t;
  }

  step(params: Vec, grad: Vec): void {
    checkShapes(params, [grad], 'adam grad');
    if (this.m === null || this.m.length !== params.length) {
      this.m = new Float64Array(params.length);
      this.v = new Float64Array(params.length);
    }
    const m = this.m;
    const v = this.v as Float64Array;
    const lr = this.lr(this.t);
    this.t++;
    const { b1, b2, eps, wd } = this;
    const stepSize = lr / (1 - b1 ** this.t);
    const invSqrtBc2 = 1 / Math.sqrt(1 - b2 ** this.t);
    const l2 = this.decoupled ? 0 : wd;
    const shrink = this.decoupled ? 1 - lr * wd : 1;
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      const g = grad[i] + l2 * p;
      const mi = b1 * m[i] + (1 - b1) * g;
      const vi = b2 * v[i] + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] = p * shrink - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
    }
  }

  currentLr(): number {
    return this.lr(this.t);
  }

  state(): OptimState {
    return { kind: this.kind, t: this.t, m: vecToJson(this.m), v: vecToJson(this.v) };
  }

  load(s: OptimState): void {
    expectKind(s, this.kind);
    this.t = readNumber(s, 't');
    this.m = readVec(s, 'm');
    this.v = readVec(s, 'v');
  }
}

/** lr (default 1e-3), betas and eps (default 1e-8): the options every Adam-style method reads. */
export function adamMomentOptions(r: OptionReader, betas: [number, number]): { lr: LearningRate; betas: [number, number]; eps: number } {
  return {
    lr: parseLr(r.raw('lr'), r.sub('lr'), 1e-3),
    betas: r.betas('betas', betas),
    eps: r.number('eps', 1e-8, { min: 0 }),
  };
}

export function adamOptionsFrom(r: OptionReader, decoupled: boolean): AdamOptions {
  return {
    ...adamMomentOptions(r, [0.9, 0.999]),
    weightDecay: r.number('weightDecay', decoupled ? 1e-2 : 0, { min: 0 }),
    decoupled,
  };
}

export function parseAdam(opts: Options, path: string, decoupled: boolean): Adam {
  const r = new OptionReader(opts, path);
  const o = adamOptionsFrom(r, decoupled);
  r.done();
  return new Adam(o);
}
