// SGD with (Nesterov) momentum and L2 weight decay, PyTorch conventions.
import type { LearningRate, Optimizer, OptimState, Schedule, Vec } from './types.js';
import { parseLr, resolveLr } from './schedules.js';
import { OptionReader, type Options } from './options.js';
import { checkShapes, expectKind, readNumber, readVec, vecToJson } from './state.js';

export interface SgdOptions {
  lr?: LearningRate;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export class SGD implements Optimizer {
  private readonly lr: Schedule;
  private readonly mu: number;
  private readonly nesterov: boolean;
  private readonly wd: number;
  private buf: Float64Array | null = null;
  private t = 0;

  constructor(o: SgdOptions = {}) {
    this.lr = resolveLr(o.lr ?? 1e-2, 'sgd.lr');
    this.mu = o.momentum ?? 0;
    this.nesterov = o.nesterov ?? false;
    this.wd = o.weightDecay ?? 0;
    if (this.nesterov && this.mu <= 0) throw new Error('optimizer.nesterov: requires momentum > 0');
  }

  step(params: Vec, grad: Vec): void {
    checkShapes(params, [grad], 'sgd grad');
    const lr = this.lr(this.t);
    const { mu, wd } = this;
    if (mu === 0) {
      for (let i = 0; i < params.length; i++) params[i] -= lr * (grad[i] + wd * params[i]);
      this.t++;
      return;
    }
    const first = this.buf === null || this.buf.length !== params.length;
    if (first) this.buf = new Float64Array(params.length);
    const b = this.buf as Float64Array;
    for (let i = 0; i < params.length; i++) {
      const g = grad[i] + wd * params[i];
      const bi = first ? g : mu * b[i] + g;
      b[i] = bi;
      params[i] -= lr * (this.nesterov ? g + mu * bi : bi);
    }
    this.t++;
  }

  currentLr(): number {
    return this.lr(this.t);
  }

  state(): OptimState {
    return { kind: 'sgd', t: this.t, buf: vecToJson(this.buf) };
  }

  load(s: OptimState): void {
    expectKind(s, 'sgd');
    this.t = readNumber(s, 't');
    this.buf = readVec(s, 'buf');
  }
}

export function parseSgd(opts: Options, path: string): SGD {
  const r = new OptionReader(opts, path);
  const o: SgdOptions = {
    lr: parseLr(r.raw('lr'), r.sub('lr'), 1e-2),
    momentum: r.number('momentum', 0, { min: 0, max: 1, maxExclusive: true }),
    nesterov: r.boolean('nesterov', false),
    weightDecay: r.number('weightDecay', 0, { min: 0 }),
  };
  r.done();
  if (o.nesterov && (o.momentum ?? 0) === 0) throw new Error(`${path}.nesterov: requires ${path}.momentum > 0`);
  return new SGD(o);
}
