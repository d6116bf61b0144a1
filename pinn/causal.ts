// Causal training for evolution problems (Wang, Sankaran, Perdikaris 2022, "Respecting causality is all you
// need for training physics-informed neural networks"): the PDE points are split into M time chunks, chunk i
// has the mean squared residual L_i, and the loss is mean_i w_i L_i with w_i = exp(-eps sum_{k<i} L_k) held
// constant in the gradient, so later times only count once earlier ones are resolved. eps follows a list of
// tolerances, moving to the next once min_i w_i > delta.
// Inside the jitted loss the chunking is a static-shape matmul with an [N, M] chunk-averaging matrix passed as
// a batch input, and eps is a scalar batch input, so neither is baked into the compiled step.
import { type Tensor, tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import type { DType } from '../core/dtype.js';

export interface CausalOptions {
  /** time chunks M (default 32) */
  chunks?: number;
  /** the tolerance schedule (default [0.01, 0.1, 1, 10, 100]) */
  epsilon?: readonly number[];
  /** move to the next epsilon once every weight exceeds this (default 0.99) */
  delta?: number;
}

/** The causal weighting's batch inputs for one loss term. */
export interface CausalInputs {
  /** [N, M]: 1/|chunk i| where point n lies in chunk i, else 0 */
  chunks: Tensor;
  /** scalar eps */
  eps: Tensor;
}

/** Aux-output key prefix of the per-term minimum weight (not a loss term; removed by splitStats). */
const STAT = '@causal:';

export function checkCausal(o: CausalOptions, where = 'causal'): Required<CausalOptions> {
  const chunks = o.chunks ?? 32;
  const epsilon = o.epsilon ?? [0.01, 0.1, 1, 10, 100];
  const delta = o.delta ?? 0.99;
  if (!Number.isInteger(chunks) || chunks < 1) throw new Error(`${where}.chunks: expected a positive integer, got ${chunks}`);
  if (!epsilon.length || !epsilon.every((e) => Number.isFinite(e) && e >= 0))
    throw new Error(`${where}.epsilon: expected a non-empty list of finite non-negative numbers, got [${epsilon.join(', ')}]`);
  if (!(delta > 0 && delta < 1)) throw new Error(`${where}.delta: expected a number in (0, 1), got ${delta}`);
  return { chunks, epsilon, delta };
}

/** The [N, M] chunk-averaging matrix of times `t` over [t0, t1] (the last chunk includes t1). */
export function chunkMatrix(t: ArrayLike<number>, t0: number, t1: number, m: number, dtype: DType = 'f32'): Tensor {
  const n = t.length;
  const idx = Int32Array.from({ length: n }, (_, r) => Math.min(m - 1, Math.max(0, Math.floor(((t[r] - t0) / (t1 - t0)) * m))));
  const count = new Float64Array(m);
  for (const i of idx) count[i]++;
  const c = new Float64Array(n * m);
  idx.forEach((i, r) => (c[r * m + i] = 1 / count[i]));
  return tensor(c, [n, m], dtype);
}

/**
 * Causal loss of one term: per residual r (N values), chunk losses L = r^2 C ([1, M]), weights
 * w = exp(-eps stopGradient(L U)) with U strictly upper triangular (exclusive cumulative sums), loss mean(w L);
 * summed over the term's residuals. `minWeight` is the smallest weight over all residuals (the last chunk's:
 * weights never increase).
 */
export function causalLoss(rs: readonly Tensor[], c: CausalInputs): { loss: Tensor; minWeight: Tensor; weights: Tensor[] } {
  const [n, m] = c.chunks.shape;
  const u = tensor(
    Float64Array.from({ length: m * m }, (_, j) => (Math.floor(j / m) < j % m ? 1 : 0)),
    [m, m],
    c.chunks.dtype,
  );
  const weights: Tensor[] = [];
  const losses = rs.map((r) => {
    const l = ops.matmul(ops.reshape(ops.square(r), [1, n]), c.chunks);
    const w = ops.exp(ops.neg(ops.mul(c.eps, ops.stopGradient(ops.matmul(l, u)))));
    weights.push(ops.reshape(w, [m]));
    return ops.mean(ops.mul(w, l));
  });
  const last = ops.stack(weights.map((w) => ops.sliceAxis(w, 0, m - 1, m)));
  return { loss: losses.reduce((a, b) => ops.add(a, b)), minWeight: ops.neg(ops.max(ops.neg(last))), weights };
}

/**
 * Loss of an integral constraint (an equation whose spatial mean must vanish at every time, not each point):
 * per residual r, the chunk means m = r C ([1, M]; an empty chunk's is 0) and the loss mean(m^2), summed over
 * the term's residuals. Unweighted by causality: a balance holds at every time regardless of earlier ones.
 */
export function integralLoss(rs: readonly Tensor[], c: CausalInputs): Tensor {
  const [n] = c.chunks.shape;
  return rs.map((r) => ops.mean(ops.square(ops.matmul(ops.reshape(r, [1, n]), c.chunks)))).reduce((a, b) => ops.add(a, b));
}

/** Records a term's minimum weight among the aux outputs of a loss evaluation. */
export function putStat(aux: Record<string, Tensor> | undefined, term: string, minWeight: Tensor): void {
  if (aux) aux[STAT + term] = minWeight;
}

/** Separates loss terms from causal statistics; minWeight is the smallest over terms (undefined when none). */
export function splitStats(values: Record<string, number>): { terms: Record<string, number>; minWeight: number | undefined } {
  const terms: Record<string, number> = {};
  let minWeight: number | undefined;
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith(STAT)) minWeight = Math.min(minWeight ?? Infinity, v);
    else terms[k] = v;
  }
  return { terms, minWeight };
}

/** The epsilon schedule: its position is checkpointed. */
export class CausalSchedule {
  readonly options: Required<CausalOptions>;
  index = 0;

  constructor(options: CausalOptions) {
    this.options = checkCausal(options);
  }

  get epsilon(): number {
    return this.options.epsilon[this.index];
  }

  /** After a step whose smallest weight was `minWeight`: move on once it exceeds delta. */
  observe(minWeight: number): void {
    if (minWeight > this.options.delta && this.index < this.options.epsilon.length - 1) this.index++;
  }

  load(index: unknown): void {
    const i = typeof index === 'number' && Number.isInteger(index) ? index : 0;
    this.index = Math.min(Math.max(i, 0), this.options.epsilon.length - 1);
  }
}

type TermLike = { x: Tensor; causal?: CausalInputs };

/**
 * Adds the causal inputs to the named terms of a batch: each term's chunk matrix (built once per point tensor)
 * and the current eps. Returns the same object while neither the batch nor eps changes, so caches keyed on the
 * batch (L-BFGS's start-point evaluation) keep working.
 */
export class CausalBatches {
  readonly schedule: CausalSchedule;
  private chunks = new WeakMap<Tensor, Tensor>();
  private last: { base: object; index: number; out: object } | null = null;

  constructor(
    options: CausalOptions,
    private readonly timeIndex: number,
    private readonly t0: number,
    private readonly t1: number,
    private readonly dtype: DType,
  ) {
    this.schedule = new CausalSchedule(options);
  }

  private chunksOf(x: Tensor): Tensor {
    let c = this.chunks.get(x);
    if (!c) {
      const [n, d] = x.shape;
      const v = x.dataSync();
      c = chunkMatrix(
        Float64Array.from({ length: n }, (_, r) => v[r * d + this.timeIndex]),
        this.t0,
        this.t1,
        this.schedule.options.chunks,
        this.dtype,
      );
      this.chunks.set(x, c);
    }
    return c;
  }

  with<B extends Record<string, TermLike>>(batch: B, names: readonly string[]): B {
    const s = this.schedule;
    if (this.last && this.last.base === batch && this.last.index === s.index) return this.last.out as B;
    const eps = tensor([s.epsilon], [], this.dtype);
    const out: Record<string, TermLike> = { ...batch };
    for (const n of names) out[n] = { ...batch[n], causal: { chunks: this.chunksOf(batch[n].x), eps } };
    this.last = { base: batch, index: s.index, out };
    return out as B;
  }
}
