// Stochastic Taylor derivative estimators (Shi et al., NeurIPS 2024): unbiased randomized operators
// from low-order jets along random directions, and exact mixed partials from one jet whose input
// slots are chosen so that a single Faa di Bruno partition contributes to the read-out coefficient.
import { Tensor } from './tensor.js';
import * as ops from './ops.js';
import { jet } from './api.js';
import { Rng } from './random.js';
import type { Estimator } from './estimators.js';
import { allocate, type DType } from './dtype.js';
import { checkPoints, tileDirections, tileRows, unitVector, weightedBlockSum } from './directions.js';
import { taylor2Along } from './transforms/collapsed.js';
import { fmt } from './shape.js';

export interface StdeOptions {
  /** number of sampled directions (sparse: |J|, dense: Hutchinson probes); default 16 / capped at d */
  samples?: number;
  /** seed of this draw; pass a new one each step for fresh samples */
  rng?: number;
  /** dense probe distribution */
  distribution?: 'rademacher' | 'gaussian';
  /** the coordinates probed (e.g. the spatial ones of a space-time input); default all d */
  axes?: readonly number[];
}

type RowFn = (x: Tensor) => Tensor;

function samplesOf(what: string, opts: StdeOptions): number {
  const samples = opts.samples ?? 16;
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`${what}: samples must be a positive integer, got ${samples}`);
  return samples;
}

/**
 * Laplacian estimate. Sparse: (d/|J|) sum_{j in J} d2f/dx_j^2 over |J| coordinates drawn without replacement.
 * Dense: (1/S) sum_s v_s^T H v_s with E[v v^T] = I (Rademacher or Gaussian probes), one probe set per point.
 */
export function stdeLaplacian(f: RowFn, x: Tensor, opts: StdeOptions & { estimator: Exclude<Estimator, 'exact'> }): Tensor {
  const [N, d] = x.shape;
  const samples = samplesOf('laplacian', opts);
  if (opts.estimator === 'stde-sparse') return probeSum(f, x, coordinateProbes(d, { ...opts, samples }, x.dtype), 2);
  if (opts.estimator !== 'stde-dense') throw new Error(`laplacian: unknown estimator '${String(opts.estimator)}'`);
  return probeSum(f, x, denseProbes(d, N, { ...opts, samples }, x.dtype), 2);
}

// ---------------------------------------------------------------------------------------------
// Probes: the directions of an estimator and the weight of each directional derivative.

/**
 * Directions and weights: an estimate is sum_p weights[p] * D^k f(x)[dirs_p, ..., dirs_p].
 * dirs is [P, d] (shared by all points) or [P, N, d] (one set per point); it may be a traced tensor,
 * which is how a jitted training step gets fresh samples: pass dirs as an argument of the jitted function
 * (concrete tensors drawn inside a jitted function are baked in as constants at trace time).
 */
export interface Probes {
  dirs: Tensor;
  weights: readonly number[];
}

/** The coordinates J of a sparse draw (those coordinateProbes turns into unit vectors), for structured probes. */
export function coordinateSample(d: number, opts: StdeOptions = {}): number[] {
  const n = opts.axes?.length ?? d;
  const J = new Rng(opts.rng ?? 0).choose(n, Math.min(samplesOf('coordinateProbes', opts), n));
  return opts.axes ? J.map((j) => (opts.axes as readonly number[])[j]) : J;
}

/** Coordinate directions e_j: all d with weight 1 (samples >= d), else |J| drawn without replacement, weight d/|J|. */
export function coordinateProbes(d: number, opts: StdeOptions = {}, dtype: DType = 'f32'): Probes {
  const axes = opts.axes ?? [...Array(d).keys()];
  const J = coordinateSample(d, opts);
  return {
    dirs: tileDirections(
      J.map((j) => unitVector(d, j)),
      1,
      dtype,
    ),
    weights: J.map(() => axes.length / J.length),
  };
}

/** Per-point probes [S, N, d] with E[v v^T] = I (Rademacher by default, or Gaussian), weights 1/S. */
export function denseProbes(d: number, N: number, opts: StdeOptions = {}, dtype: DType = 'f32'): Probes {
  const samples = samplesOf('denseProbes', opts);
  const dist = opts.distribution ?? 'rademacher';
  if (dist !== 'rademacher' && dist !== 'gaussian')
    throw new Error(`denseProbes: distribution must be 'rademacher' or 'gaussian', got '${String(dist)}'`);
  const rng = new Rng(opts.rng ?? 0);
  const axes = opts.axes ?? [...Array(d).keys()];
  const v = allocate(dtype, samples * N * d);
  for (let k = 0; k < samples * N; k++) {
    for (const j of axes) v[k * d + j] = dist === 'gaussian' ? rng.normal() : rng.uniform() < 0.5 ? -1 : 1;
  }
  return { dirs: new Tensor([samples, N, d], dtype, v), weights: Array<number>(samples).fill(1 / samples) };
}

/** dirs [P, d] or [P, N, d] -> [P*N, d] in the tileRows block order (works on traced tensors). */
function tileDirs(what: string, dirs: Tensor, N: number, d: number): Tensor {
  const P = dirs.shape[0];
  if (dirs.rank === 2 && dirs.shape[1] === d) return ops.reshape(ops.broadcastTo(ops.reshape(dirs, [P, 1, d]), [P, N, d]), [P * N, d]);
  if (dirs.rank === 3 && dirs.shape[1] === N && dirs.shape[2] === d) return ops.reshape(dirs, [P * N, d]);
  throw new Error(`${what}: directions must have shape [P, ${d}] or [P, ${N}, ${d}], got ${fmt(dirs.shape)}`);
}

/** k-th directional derivatives D^k f(x)[v_p]^k for every probe: [P*N, ...] (block p = probe p). */
export function directionalDerivatives(f: RowFn, x: Tensor, dirs: Tensor, order: number): Tensor {
  checkPoints('directionalDerivatives', x);
  if (!Number.isInteger(order) || order < 1) throw new Error(`directionalDerivatives: order must be a positive integer, got ${order}`);
  const [N, d] = x.shape;
  const V = tileDirs('directionalDerivatives', ops.cast(dirs, x.dtype), N, d);
  return jet(f, tileRows(x, dirs.shape[0]), [V, ...Array<null>(order - 1).fill(null)])[1][order - 1];
}

/** sum_p weights[p] * D^k f(x)[v_p]^k -> [N, ...]: every estimator below is one of these. */
export function probeSum(f: RowFn, x: Tensor, probes: Probes, order: number): Tensor {
  const P = probes.dirs.shape[0];
  if (probes.weights.length !== P) throw new Error(`probeSum: ${probes.weights.length} weights for ${P} directions`);
  const w = probes.weights[0];
  if (order === 2 && probes.weights.every((v) => v === w)) {
    // equal weights (every estimator here): the collapsed mode sums the second order over probes on the fly
    const [N, d] = x.shape;
    return ops.mul(taylor2Along(f, x, tileDirs('probeSum', ops.cast(probes.dirs, x.dtype), N, d)).second, w);
  }
  return weightedBlockSum(directionalDerivatives(f, x, probes.dirs, order), P, probes.weights);
}

/**
 * Coordinate probes through an affine first layer, f(x) = g(x W + b) with W [d, h]: the layer maps e_j to the
 * row W_j and has no second-order term, so D^k f(x)[e_j] = D^k g(a)[W_j] at a = x W + b. The tangents are the
 * gathered rows W_J ([P, h], shared by all points): no [P*N, d] tangent is formed, the activations are
 * O(N * (P + h)) and W's gradient through the tangents reaches only the rows J (the primal a = x W + b still
 * gives the dense x^T da). J may be a traced i32 tensor (a jit argument, fresh coordinates every step).
 * Returns g(a) [N, ...], the first order per probe [P*N, ...] (block p = coordinate J[p]) and the summed
 * second order sum_p D^2 g(a)[W_{J_p}] [N, ...] (unweighted: scale by the estimator's weight d/|J|).
 */
export function affineCoordinateTaylor2(
  g: RowFn,
  a: Tensor,
  W: Tensor,
  J: Tensor | readonly number[],
): { value: Tensor; first: Tensor; second: Tensor } {
  checkPoints('affineCoordinateTaylor2', a);
  const [N, h] = a.shape;
  if (W.rank !== 2 || W.shape[1] !== h) throw new Error(`affineCoordinateTaylor2: W must be [d, ${h}], got ${fmt(W.shape)}`);
  const rows = ops.cast(ops.gather(W, J, 0), a.dtype);
  if (rows.rank !== 2)
    throw new Error(`affineCoordinateTaylor2: J must be a list of coordinates, got shape ${fmt(rows.shape.slice(0, -1))}`);
  return taylor2Along(g, a, tileDirs('affineCoordinateTaylor2', rows, N, h));
}

// ---------------------------------------------------------------------------------------------
// Operators.

/** sum_i d^k f / dx_i^k: exact (d jets of order k) or sparse STDE ((d/|J|) sum over a random J). */
export function diagonalOperator(
  f: RowFn,
  x: Tensor,
  order: number,
  opts: StdeOptions & { estimator?: 'exact' | 'stde-sparse' } = {},
): Tensor {
  checkPoints('diagonalOperator', x);
  const d = x.shape[1];
  const estimator = opts.estimator ?? 'exact';
  if (estimator !== 'exact' && estimator !== 'stde-sparse')
    throw new Error(`diagonalOperator: estimator must be 'exact' or 'stde-sparse', got '${String(estimator)}'`);
  return probeSum(f, x, coordinateProbes(d, estimator === 'exact' ? { samples: d } : opts, x.dtype), order);
}

/** sigma as a constant [d, m] matrix, or a function of the points x [N, d] -> [N, d, m]. */
export type Sigma = Tensor | ((x: Tensor) => Tensor);

function sigmaAt(x: Tensor, sigma: Sigma): Tensor {
  const [N, d] = x.shape;
  const s = ops.cast(sigma instanceof Tensor ? sigma : sigma(x), x.dtype);
  const ok = sigma instanceof Tensor ? s.rank === 2 && s.shape[0] === d : s.rank === 3 && s.shape[0] === N && s.shape[1] === d;
  if (!ok) throw new Error(`sigmaTrace: sigma must be [${d}, m] or a function giving [${N}, ${d}, m], got ${fmt(s.shape)}`);
  return s;
}

/**
 * 0.5 tr(sigma sigma^T Hess f) = 0.5 sum_j D^2 f[sigma e_j]: exact (all m columns), sparse (|J| columns,
 * weight m/|J|) or dense (directions sigma v, E[v v^T] = I_m). sigma may depend on x (evaluated at the
 * points, not differentiated along the jet: the operator is linear in Hess f).
 */
export function sigmaTrace(f: RowFn, x: Tensor, sigma: Sigma, opts: StdeOptions & { estimator?: Estimator } = {}): Tensor {
  checkPoints('sigmaTrace', x);
  const [N, d] = x.shape;
  const s = sigmaAt(x, sigma);
  const m = s.shape[s.rank - 1];
  const estimator = opts.estimator ?? 'exact';
  // columns as directions: constant [m, d], per point [m, N, d]
  const columns = s.rank === 2 ? ops.transpose(s) : ops.transpose(s, [2, 0, 1]);
  if (estimator === 'exact' || estimator === 'stde-sparse') {
    const J = estimator === 'exact' ? [...Array(m).keys()] : new Rng(opts.rng ?? 0).choose(m, Math.min(samplesOf('sigmaTrace', opts), m));
    return probeSum(f, x, { dirs: ops.gather(columns, J, 0), weights: J.map(() => (0.5 * m) / J.length) }, 2);
  }
  if (estimator !== 'stde-dense') throw new Error(`sigmaTrace: unknown estimator '${String(estimator)}'`);
  const v = denseProbes(m, N, opts, x.dtype); // [S, N, m]
  const S = v.dirs.shape[0];
  const dirs =
    s.rank === 2
      ? ops.reshape(ops.matmul(ops.reshape(v.dirs, [S * N, m]), s, { transB: true }), [S, N, d])
      : ops.sum(ops.mul(ops.reshape(s, [1, N, d, m]), ops.reshape(v.dirs, [S, N, 1, m])), 3);
  return probeSum(f, x, { dirs, weights: v.weights.map((w) => 0.5 * w) }, 2);
}

/**
 * Biharmonic lap^2 f. Dense STDE: E[D^4 f[v]] = 3 lap^2 f for v ~ N(0, I) (Isserlis), so the estimate is
 * (1/3) mean_s D^4 f[v_s]. Rademacher probes are refused: for them E[D^4 f[v]] = 3 lap^2 f - 2 sum_i f_iiii.
 * Exact: d^2 jets, lap^2 f = (1 - (d-1)/3) sum_i f_iiii + (1/6) sum_{i<j} (D^4 f[e_i+e_j] + D^4 f[e_i-e_j]).
 */
export function biharmonic(f: RowFn, x: Tensor, opts: StdeOptions & { estimator?: 'exact' | 'stde-dense' } = {}): Tensor {
  checkPoints('biharmonic', x);
  const [N, d] = x.shape;
  const estimator = opts.estimator ?? 'exact';
  if (estimator === 'stde-dense') {
    if ((opts.distribution ?? 'gaussian') !== 'gaussian') {
      throw new Error(
        `biharmonic: distribution '${String(opts.distribution)}' is biased for the 4th-order operator ` +
          `(Rademacher: E[D^4 f[v]] = 3 lap^2 f - 2 sum_i f_iiii); use 'gaussian'`,
      );
    }
    const v = denseProbes(d, N, { ...opts, distribution: 'gaussian' }, x.dtype);
    return probeSum(f, x, { dirs: v.dirs, weights: v.weights.map((w) => w / 3) }, 4);
  }
  if (estimator !== 'exact') throw new Error(`biharmonic: estimator must be 'exact' or 'stde-dense', got '${String(estimator)}'`);
  const dirs: number[][] = [];
  const weights: number[] = [];
  for (let i = 0; i < d; i++) {
    dirs.push(unitVector(d, i));
    weights.push(1 - (d - 1) / 3);
    for (let j = i + 1; j < d; j++) {
      for (const sign of [1, -1]) {
        dirs.push(unitVector(d, i).map((a, k) => (k === j ? sign : a)));
        weights.push(1 / 6);
      }
    }
  }
  return probeSum(f, x, { dirs: tileDirections(dirs, 1, x.dtype), weights }, 4);
}

// ---------------------------------------------------------------------------------------------
// Mixed partials from one jet: Faa di Bruno partitions over the nonzero input slots.

/**
 * Every way to write k as a sum of parts taken (with repetition) from the distinct positive integers
 * `parts`: one multiplicity vector per partition, aligned with `parts`, in lexicographic order.
 */
export function partitionsInto(k: number, parts: readonly number[]): number[][] {
  if (!Number.isInteger(k) || k < 0) throw new Error(`partitionsInto: k must be a non-negative integer, got ${k}`);
  if (parts.some((p) => !Number.isInteger(p) || p < 1) || new Set(parts).size !== parts.length) {
    throw new Error(`partitionsInto: parts must be distinct positive integers, got [${parts.join(',')}]`);
  }
  const out: number[][] = [];
  const counts = parts.map(() => 0);
  const visit = (i: number, rest: number): void => {
    if (i === parts.length) {
      if (rest === 0) out.push([...counts]);
      return;
    }
    for (let m = 0; m * parts[i] <= rest; m++) {
      counts[i] = m;
      visit(i + 1, rest - m * parts[i]);
    }
    counts[i] = 0;
  };
  visit(0, k);
  return out;
}

function factorial(n: number): number {
  let r = 1;
  for (let i = 2; i <= n; i++) r *= i;
  return r;
}

/**
 * Faa di Bruno weight of one partition: the number of set partitions of {1..k} with m_i blocks of size
 * parts[i], k! / prod_i (parts[i]!^m_i m_i!). The k-th output derivative of a jet with v_l in slot l is
 * sum over partitions of weight * D^{sum m} f[v_l repeated m_l times].
 */
export function faaDiBrunoWeight(parts: readonly number[], counts: readonly number[]): number {
  const k = parts.reduce((s, p, i) => s + p * counts[i], 0);
  return parts.reduce((w, p, i) => w / (factorial(p) ** counts[i] * factorial(counts[i])), factorial(k));
}

export interface SlotPattern {
  /** coordinates with a nonzero order, ascending */
  coords: number[];
  /** the input slot (1-based, JAX convention) holding e_coord, aligned with coords */
  slots: number[];
  /** jet order read out: sum_c multiIndex[c] * slot[c] */
  order: number;
}

const partitionText = (parts: readonly number[], counts: readonly number[]): string =>
  parts
    .flatMap((p, i) => Array<number>(counts[i]).fill(p))
    .sort((a, b) => a - b)
    .join('+') || '0';

function nonzeroCoords(what: string, multiIndex: readonly number[], d: number): number[] {
  if (multiIndex.length !== d || multiIndex.some((a) => !Number.isInteger(a) || a < 0)) {
    throw new Error(`${what}: multiIndex [${multiIndex.join(',')}] must hold ${d} non-negative integers`);
  }
  const coords = multiIndex.flatMap((a, i) => (a > 0 ? [i] : []));
  if (!coords.length) throw new Error(`${what}: multiIndex [${multiIndex.join(',')}] has order 0`);
  return coords;
}

/**
 * The lowest-order slot assignment (distinct slots, one per nonzero coordinate) under which the read-out
 * coefficient has exactly one partition, the requested one: e.g. d2/dx_i dx_j -> e_i in slot 2, e_j in
 * slot 3, order 5 (5 = 2+3 only); d3/dx_i^2 dx_j -> slots 2 and 3, order 7 (7 = 2+2+3 only).
 */
export function slotPattern(multiIndex: readonly number[]): SlotPattern {
  const coords = nonzeroCoords('slotPattern', multiIndex, multiIndex.length);
  const a = coords.map((c) => multiIndex[c]);
  const n = coords.length;
  let best: number[] | null = null;
  let bestOrder = Infinity;
  const maxSlot = 2 * n + 6;
  const slots: number[] = [];
  const visit = (i: number): void => {
    if (i === n) {
      const order = slots.reduce((s, l, j) => s + l * a[j], 0);
      if (order < bestOrder && partitionsInto(order, slots).length === 1) {
        best = [...slots];
        bestOrder = order;
      }
      return;
    }
    for (let l = 1; l <= maxSlot; l++) {
      if (slots.includes(l)) continue;
      slots.push(l);
      visit(i + 1);
      slots.pop();
    }
  };
  visit(0);
  if (!best) throw new Error(`slotPattern: no single-partition slot pattern with slots <= ${maxSlot} for [${multiIndex.join(',')}]`);
  return { coords, slots: best, order: bestOrder };
}

export interface JetPartialOptions {
  /** slot of each nonzero coordinate (ascending coordinate order); default: slotPattern(multiIndex) */
  slots?: readonly number[];
  /** what to do when other partitions also reach the read-out coefficient: throw, or subtract them */
  contaminated?: 'reject' | 'correct';
}

/**
 * Partial derivative d^|a| f / dx^a from one jet with e_c in slot l_c, read at order K = sum a_c l_c and
 * divided by the requested partition's Faa di Bruno weight. Extra partitions (other multiplicities m with
 * sum m_c l_c = K) are rejected with an error naming them, or corrected by subtracting their weight times
 * d^m f, each computed by a single-partition jet.
 */
export function jetPartial(f: RowFn, x: Tensor, multiIndex: readonly number[], opts: JetPartialOptions = {}): Tensor {
  checkPoints('jetPartial', x);
  const [N, d] = x.shape;
  const coords = nonzeroCoords('jetPartial', multiIndex, d);
  const slots = opts.slots ? [...opts.slots] : slotPattern(multiIndex).slots;
  if (slots.length !== coords.length || slots.some((l) => !Number.isInteger(l) || l < 1) || new Set(slots).size !== slots.length) {
    throw new Error(
      `jetPartial: slots [${slots.join(',')}] must be ${coords.length} distinct positive integers (one per nonzero coordinate ${coords.join(',')})`,
    );
  }
  const target = coords.map((c) => multiIndex[c]);
  const order = slots.reduce((s, l, j) => s + l * target[j], 0);
  const series: Array<Tensor | null> = Array<null>(order).fill(null);
  coords.forEach((c, j) => (series[slots[j] - 1] = tileDirections([unitVector(d, c)], N, x.dtype)));
  let out = jet(f, x, series)[1][order - 1];
  const extras = partitionsInto(order, slots).filter((m) => m.some((v, j) => v !== target[j]));
  if (extras.length) {
    const pattern = coords.map((c, j) => `e_${c} in slot ${slots[j]}`).join(', ');
    if ((opts.contaminated ?? 'reject') === 'reject') {
      throw new Error(
        `jetPartial: slot pattern {${pattern}} read at order ${order} has extra partitions ` +
          `${extras.map((m) => partitionText(slots, m)).join(', ')} besides ${partitionText(slots, target)}; ` +
          `pass contaminated: 'correct', or omit slots to use [${slotPattern(multiIndex).slots.join(',')}]`,
      );
    }
    for (const m of extras) {
      const b = Array<number>(d).fill(0);
      coords.forEach((c, j) => (b[c] = m[j]));
      out = ops.sub(out, ops.mul(jetPartial(f, x, b), faaDiBrunoWeight(slots, m)));
    }
  }
  return ops.div(out, faaDiBrunoWeight(slots, target));
}

// ---------------------------------------------------------------------------------------------
// Losses.

export interface ResidualLosses {
  /** mean r_1^2: the default; biased upward by the estimator's variance */
  biased: Tensor;
  /** mean r_1 * r_2 over two independent estimates: unbiased for mean r^2 of the exact residual */
  unbiased: Tensor;
}

/** Both losses from two residuals that use independent estimator draws (same points). */
export function residualLosses(r1: Tensor, r2: Tensor): ResidualLosses {
  if (fmt(r1.shape) !== fmt(r2.shape)) throw new Error(`residualLosses: residual shapes ${fmt(r1.shape)} and ${fmt(r2.shape)} differ`);
  return { biased: ops.mean(ops.square(r1)), unbiased: ops.mean(ops.mul(r1, r2)) };
}

/** Seeds of the two independent draws used for step seed `rng` (distinct for distinct rng). */
export const independentSeeds = (rng: number): [number, number] => [2 * rng, 2 * rng + 1];

/** residual(seed) evaluates the residual with an estimator drawn from `seed`; returns both losses. */
export function stdeLosses(residual: (rng: number) => Tensor, rng: number): ResidualLosses {
  const [s1, s2] = independentSeeds(rng);
  return residualLosses(residual(s1), residual(s2));
}
