// L-BFGS (Nocedal & Wright Alg. 7.4/7.5) with a strong-Wolfe line search, always in f64.
// `minimize` runs to convergence; `step` is the trainer-facing form: it evaluates the objective
// at the current parameters (data may have been resampled since the last call), runs a few
// iterations and writes the parameters back, keeping the curvature history between calls.
import type { ClosureOptimizer, Convergence, ObjectiveFn, OptimState, Vec } from './types.js';
import { strongWolfe, type LinePoint } from './lineSearch.js';
import { OptionReader, type Options } from './options.js';
import { expectKind, readNumber, readNumbers, readVecs, vecToJson } from './state.js';
import { axpy, dot, maxAbs } from './vec.js';

export interface LbfgsOptions {
  /** Number of (s, y) pairs kept; 10-50 is typical. */
  history?: number;
  c1?: number;
  c2?: number;
  /** Objective evaluations allowed per line search. */
  maxLineSearch?: number;
  /**
   * Trainer form (step): converged when max|g| <= toleranceGrad (scipy's gtol, PyTorch's tolerance_grad);
   * the result then carries `stop`, so a trainer can end the run.
   */
  toleranceGrad?: number;
  /** Trainer form: converged when the relative loss change (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1) <= toleranceChange (scipy's ftol). */
  toleranceChange?: number;
}

export interface MinimizeOptions {
  maxIter?: number;
  /** Stop when max|g| <= tolGrad. */
  tolGrad?: number;
  /** Stop when max|x_new - x| or |f_new - f| falls to tolChange or below. */
  tolChange?: number;
}

export type StopReason = 'gradient' | 'change' | 'maxIter' | 'lineSearch';

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  g: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: StopReason;
  /** set by step() when a configured tolerance (toleranceGrad / toleranceChange) is met */
  stop?: Convergence;
}

interface Trial extends LinePoint {
  g: Float64Array;
}

export class LBFGS implements ClosureOptimizer {
  private readonly m: number;
  private readonly c1: number;
  private readonly c2: number;
  private readonly maxLs: number;
  private readonly tolerances: { grad?: number; change?: number };
  private S: Float64Array[] = [];
  private Y: Float64Array[] = [];
  private rho: number[] = [];
  private iters = 0;
  private evals = 0;

  constructor(o: LbfgsOptions = {}) {
    this.m = o.history ?? 10;
    this.c1 = o.c1 ?? 1e-4;
    this.c2 = o.c2 ?? 0.9;
    this.maxLs = o.maxLineSearch ?? 25;
    this.tolerances = { grad: o.toleranceGrad, change: o.toleranceChange };
    for (const [k, v] of [
      ['toleranceGrad', o.toleranceGrad],
      ['toleranceChange', o.toleranceChange],
    ] as const) {
      if (v !== undefined && !(v >= 0)) throw new Error(`optimizer.${k}: expected a number >= 0, got ${v}`);
    }
    if (!(Number.isInteger(this.m) && this.m >= 1)) throw new Error(`optimizer.history: expected an integer >= 1, got ${this.m}`);
    if (!(0 < this.c1 && this.c1 < this.c2 && this.c2 < 1)) {
      throw new Error(`optimizer.c1/c2: expected 0 < c1 < c2 < 1, got c1=${this.c1}, c2=${this.c2}`);
    }
  }

  /** Total iterations and objective evaluations since construction (or the loaded checkpoint). */
  get counters(): { iterations: number; evaluations: number } {
    return { iterations: this.iters, evaluations: this.evals };
  }

  /** Minimises fg from x0 (not modified); the curvature history is reset first. */
  minimize(fg: ObjectiveFn, x0: Vec, o: MinimizeOptions = {}): LbfgsResult {
    this.reset();
    const x = Float64Array.from(x0);
    return this.run(fg, x, o.maxIter ?? 1000, o.tolGrad ?? 1e-7, o.tolChange ?? 1e-9);
  }

  /** Trainer form: `iterations` L-BFGS iterations from `params`, which are updated in place. */
  step(params: Vec, fg: ObjectiveFn, o: MinimizeOptions = {}): LbfgsResult {
    const x = Float64Array.from(params);
    const { grad, change } = this.tolerances;
    const r = this.run(fg, x, o.maxIter ?? 1, o.tolGrad ?? grad ?? 1e-7, o.tolChange ?? change ?? 1e-9, change !== undefined);
    params.set(r.x);
    // only configured tolerances end a training run; the defaults keep stepping as before
    if (r.reason === 'gradient' && grad !== undefined) r.stop = 'tolerance_grad';
    if (r.reason === 'change' && change !== undefined) r.stop = 'tolerance_change';
    return r;
  }

  reset(): void {
    this.S = [];
    this.Y = [];
    this.rho = [];
  }

  private evaluate(fg: ObjectiveFn, x: Float64Array): { f: number; g: Float64Array } {
    this.evals++;
    const r = fg(x);
    if (r.g.length !== x.length) throw new Error(`lbfgs objective: gradient length ${r.g.length}, expected ${x.length}`);
    return { f: r.f, g: Float64Array.from(r.g) };
  }

  /** Two-loop recursion: d = -H g with H the L-BFGS inverse-Hessian approximation. */
  private direction(g: Float64Array): Float64Array {
    const q = Float64Array.from(g);
    const k = this.S.length;
    const alpha = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      alpha[i] = this.rho[i] * dot(this.S[i], q);
      axpy(-alpha[i], this.Y[i], q);
    }
    if (k > 0) {
      const y = this.Y[k - 1];
      const gamma = dot(this.S[k - 1], y) / dot(y, y);
      for (let i = 0; i < q.length; i++) q[i] *= gamma;
    }
    for (let i = 0; i < k; i++) {
      const beta = this.rho[i] * dot(this.Y[i], q);
      axpy(alpha[i] - beta, this.S[i], q);
    }
    for (let i = 0; i < q.length; i++) q[i] = -q[i];
    return q;
  }

  /** `relChange`: stop on scipy's relative loss change only, instead of |step| or |f change| <= tolChange. */
  private run(fg: ObjectiveFn, x: Float64Array, maxIter: number, tolGrad: number, tolChange: number, relChange = false): LbfgsResult {
    const evals0 = this.evals;
    let { f, g } = this.evaluate(fg, x);
    const done = (iterations: number, reason: StopReason): LbfgsResult => ({
      x,
      f,
      g,
      iterations,
      evaluations: this.evals - evals0,
      converged: reason === 'gradient' || reason === 'change',
      reason,
    });
    for (let it = 0; it < maxIter; ) {
      if (maxAbs(g) <= tolGrad) return done(it, 'gradient');
      let d = this.direction(g);
      let gd = dot(g, d);
      if (!(gd < 0)) {
        // not a descent direction (bad curvature pairs): fall back to steepest descent
        this.reset();
        d = this.direction(g);
        gd = dot(g, d);
      }
      let gl1 = 0;
      for (let i = 0; i < g.length; i++) gl1 += Math.abs(g[i]);
      const a0 = this.S.length === 0 ? Math.min(1, 1 / gl1) : 1;
      const xt = new Float64Array(x.length);
      const phi = (a: number): Trial => {
        for (let i = 0; i < x.length; i++) xt[i] = x[i] + a * d[i];
        const r = this.evaluate(fg, xt);
        return { a, f: r.f, df: dot(r.g, d), g: r.g };
      };
      const ls = strongWolfe(phi, { a: 0, f, df: gd, g } as Trial, a0, {
        c1: this.c1,
        c2: this.c2,
        maxEvals: this.maxLs,
        tolBracket: 1e-20,
      });
      const p = ls.point as Trial;
      if (p.a === 0 || !(p.f <= f)) {
        if (this.S.length > 0) {
          this.reset(); // retry once from steepest descent before giving up
          continue;
        }
        return done(it, 'lineSearch');
      }
      const s = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) s[i] = p.a * d[i];
      const y = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) y[i] = p.g[i] - g[i];
      const sy = dot(s, y);
      if (sy > 1e-10 * dot(y, y)) {
        this.S.push(s);
        this.Y.push(y);
        this.rho.push(1 / sy);
        if (this.S.length > this.m) {
          this.S.shift();
          this.Y.shift();
          this.rho.shift();
        }
      }
      axpy(1, s, x);
      const df = Math.abs(p.f - f);
      const rel = (f - p.f) / Math.max(Math.abs(f), Math.abs(p.f), 1);
      f = p.f;
      g = p.g;
      it++;
      this.iters++;
      if (maxAbs(g) <= tolGrad) return done(it, 'gradient');
      if (relChange ? rel <= tolChange : maxAbs(s) <= tolChange || df <= tolChange) return done(it, 'change');
    }
    return done(maxIter, 'maxIter');
  }

  state(): OptimState {
    return {
      kind: 'lbfgs',
      iters: this.iters,
      evals: this.evals,
      S: this.S.map((v) => vecToJson(v) as number[]),
      Y: this.Y.map((v) => vecToJson(v) as number[]),
      rho: this.rho.slice(),
    };
  }

  load(s: OptimState): void {
    expectKind(s, 'lbfgs');
    this.iters = readNumber(s, 'iters');
    this.evals = readNumber(s, 'evals');
    this.S = readVecs(s, 'S');
    this.Y = readVecs(s, 'Y');
    this.rho = readNumbers(s, 'rho').slice();
  }
}

export function parseLbfgs(opts: Options, path: string): LBFGS {
  const r = new OptionReader(opts, path);
  const o: LbfgsOptions = {
    history: r.number('history', 10, { min: 1, integer: true }),
    c1: r.number('c1', 1e-4, { min: 0, minExclusive: true, max: 1, maxExclusive: true }),
    c2: r.number('c2', 0.9, { min: 0, minExclusive: true, max: 1, maxExclusive: true }),
    maxLineSearch: r.number('maxLineSearch', 25, { min: 1, integer: true }),
    // PyTorch's names, as YAML writes them: `optimizer_options: { tolerance_grad: 1e-7 }`
    toleranceGrad: r.has('tolerance_grad') ? r.number('tolerance_grad', undefined, { min: 0 }) : undefined,
    toleranceChange: r.has('tolerance_change') ? r.number('tolerance_change', undefined, { min: 0 }) : undefined,
  };
  r.done();
  if (!((o.c1 as number) < (o.c2 as number)))
    throw new Error(`${path}.c2: expected a number greater than ${path}.c1 (${o.c1}), got ${o.c2}`);
  return new LBFGS(o);
}
