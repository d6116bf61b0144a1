// Differential operators of row-wise functions f: [N, d] -> [N] or [N, k], built on jets.
import type { Tensor } from './tensor.js';
import * as ops from './ops.js';
import { grad, jet, jvp } from './api.js';
import { checkPoints, tileDirections, tileRows, unitVector, weightedBlockSum } from './directions.js';
import { stdeLaplacian, type StdeOptions } from './stde.js';
import type { Estimator } from './estimators.js';
import { taylor2Along } from './transforms/collapsed.js';

export type RowFn = (x: Tensor) => Tensor;

/** k-th derivative along each direction (rows of `dirs`), all in one jet of order k: [P*N, ...]. */
function directional(f: RowFn, x: Tensor, dirs: readonly (readonly number[])[], k: number): Tensor {
  const [N] = x.shape;
  const series: Array<Tensor | null> = [tileDirections(dirs, N, x.dtype), ...Array<null>(k - 1).fill(null)];
  return jet(f, tileRows(x, dirs.length), series)[1][k - 1];
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * The partial derivative d^|a| f / dx^a for a multi-index a (e.g. [2,0] = d2/dx0^2, [1,1] = d2/dx0dx1).
 * Pure derivatives take one jet; mixed ones use the exact polarization identity
 * d^a f = (1/k!) sum_{0 < b <= a} (-1)^{|a-b|} prod_j C(a_j, b_j) D^k f[b].
 */
export function derivative(f: RowFn, x: Tensor, multiIndex: readonly number[]): Tensor {
  checkPoints('derivative', x);
  const d = x.shape[1];
  if (multiIndex.length !== d || multiIndex.some((a) => !Number.isInteger(a) || a < 0)) {
    throw new Error(`derivative: multiIndex [${multiIndex.join(',')}] must hold ${d} non-negative integers`);
  }
  const k = multiIndex.reduce((s, a) => s + a, 0);
  if (k === 0) return f(x);
  const nonzero = multiIndex.filter((a) => a > 0).length;
  if (nonzero === 1) return directional(f, x, [multiIndex.map((a) => (a > 0 ? 1 : 0))], k);
  const dirs: number[][] = [];
  const weights: number[] = [];
  let kFact = 1;
  for (let i = 2; i <= k; i++) kFact *= i;
  const visit = (j: number, b: number[]): void => {
    if (j === d) {
      if (b.every((v) => v === 0)) return;
      const sign = (k - b.reduce((s, v) => s + v, 0)) % 2 ? -1 : 1;
      dirs.push([...b]);
      weights.push((sign * b.reduce((w, v, i) => w * binomial(multiIndex[i], v), 1)) / kFact);
      return;
    }
    for (let v = 0; v <= multiIndex[j]; v++) visit(j + 1, [...b, v]);
  };
  visit(0, []);
  return weightedBlockSum(directional(f, x, dirs, k), dirs.length, weights);
}

export interface LaplacianOptions extends StdeOptions {
  estimator?: Estimator;
}

/** Laplacian of a row-wise f at points x [N, d]: exact (d second-order jets) or an STDE estimate. */
export function laplacian(f: RowFn, x: Tensor, opts: LaplacianOptions = {}): Tensor {
  checkPoints('laplacian', x);
  const estimator = opts.estimator ?? 'exact';
  if (estimator !== 'exact') return stdeLaplacian(f, x, { ...opts, estimator });
  const d = x.shape[1];
  return sumOfSecondDerivatives(
    f,
    x,
    Array.from({ length: d }, (_, i) => unitVector(d, i)),
  );
}

/**
 * sum_k v_k^T H v_k at every point, directions as rows: collapsed Taylor mode (primal once, first order
 * per direction, second order summed) when f allows it, else one tiled second-order jet.
 */
export function sumOfSecondDerivatives(f: RowFn, x: Tensor, dirs: readonly (readonly number[])[]): Tensor {
  return firstAndSummedSecond(f, x, dirs).second;
}

/**
 * The value, first directional derivatives along every direction ([P*N, ...], block k = direction k) and the
 * summed second order sum_k v_k^T H v_k ([N, ...]) in one pass: collapsed Taylor mode, or a tiled jet as fallback.
 */
export function firstAndSummedSecond(
  f: RowFn,
  x: Tensor,
  dirs: readonly (readonly number[])[],
): { value: Tensor; first: Tensor; second: Tensor } {
  return taylor2Along(f, x, tileDirections(dirs, x.shape[0], x.dtype));
}

/** Trace of the Hessian by forward-over-reverse (jvp of grad): the check on jet-based Laplacians. */
export function hessianTrace(f: RowFn, x: Tensor): Tensor {
  checkPoints('hessianTrace', x);
  const [N, d] = x.shape;
  const dirs = Array.from({ length: d }, (_, i) => unitVector(d, i));
  const V = tileDirections(dirs, N, x.dtype);
  const gradF = (z: Tensor): Tensor => grad((w: Tensor) => ops.sum(f(w)))(z) as Tensor;
  const hv = jvp(gradF, [tileRows(x, d)], [V])[1];
  const diag = ops.sum(ops.mul(hv, V), 1); // e_i . H e_i per block
  const out = weightedBlockSum(
    diag,
    d,
    dirs.map(() => 1),
  );
  const fShape = f(x).shape;
  return ops.reshape(out, fShape);
}
