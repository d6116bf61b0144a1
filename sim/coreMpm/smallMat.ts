/**
 * Small d x d matrices (d = 2, 3) stored as lists of per-particle component tensors, row-major:
 * a[d * i + j] is entry (i, j) of every particle at once. Keeping each entry its own [N] tensor makes
 * every product and sum below an elementwise op, which the compiler fuses into single loops.
 */
import * as fx from '../../core/index.js';
import type { Tensor, TensorLike } from '../../core/index.js';

export type Mat = Tensor[];
export type Vec = Tensor[];

/** The dimension of a row-major d x d component list. */
export const dimOf = (a: Mat): number => Math.round(Math.sqrt(a.length));

/** Sum of products, left to right (the order the hand-written loops use, so f64 results agree to rounding). */
function dot(terms: Array<[Tensor, Tensor]>): Tensor {
  let s = fx.mul(terms[0][0], terms[0][1]);
  for (let k = 1; k < terms.length; k++) s = fx.add(s, fx.mul(terms[k][0], terms[k][1]));
  return s;
}

/** a b */
export function matMul(a: Mat, b: Mat): Mat {
  const d = dimOf(a);
  const out: Mat = [];
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) out.push(dot(Array.from({ length: d }, (_, k): [Tensor, Tensor] => [a[d * i + k], b[d * k + j]])));
  return out;
}

/** a b^T */
export function matMulNT(a: Mat, b: Mat): Mat {
  const d = dimOf(a);
  const out: Mat = [];
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) out.push(dot(Array.from({ length: d }, (_, k): [Tensor, Tensor] => [a[d * i + k], b[d * j + k]])));
  return out;
}

/** a^T b */
export function matMulTN(a: Mat, b: Mat): Mat {
  const d = dimOf(a);
  const out: Mat = [];
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) out.push(dot(Array.from({ length: d }, (_, k): [Tensor, Tensor] => [a[d * k + i], b[d * k + j]])));
  return out;
}

/** a v */
export function matVec(a: Mat, v: ReadonlyArray<TensorLike>): Vec {
  const d = dimOf(a);
  return Array.from({ length: d }, (_, i) => {
    let s = fx.mul(a[d * i], v[0]);
    for (let k = 1; k < d; k++) s = fx.add(s, fx.mul(a[d * i + k], v[k]));
    return s;
  });
}

export const transpose = (a: Mat): Mat => {
  const d = dimOf(a);
  return a.map((_, k) => a[d * (k % d) + Math.floor(k / d)]);
};

export const addMat = (a: Mat, b: Mat): Mat => a.map((x, k) => fx.add(x, b[k]));
export const subMat = (a: Mat, b: Mat): Mat => a.map((x, k) => fx.sub(x, b[k]));
export const scaleMat = (a: Mat, s: TensorLike): Mat => a.map((x) => fx.mul(s, x));

/** a + s I */
export function addDiagonal(a: Mat, s: TensorLike): Mat {
  const d = dimOf(a);
  return a.map((x, k) => (k % (d + 1) === 0 ? fx.add(x, s) : x));
}

export function trace(a: Mat): Tensor {
  const d = dimOf(a);
  let s = a[0];
  for (let i = 1; i < d; i++) s = fx.add(s, a[(d + 1) * i]);
  return s;
}

/** The cofactor matrix (det(a) a^{-T}), i.e. d det(a) / d a. */
export function cofactor(a: Mat): Mat {
  if (a.length === 4) return [a[3], fx.neg(a[2]), fx.neg(a[1]), a[0]];
  const m = (i: number, j: number, k: number, l: number): Tensor => fx.sub(fx.mul(a[i], a[j]), fx.mul(a[k], a[l]));
  return [
    m(4, 8, 5, 7),
    m(5, 6, 3, 8),
    m(3, 7, 4, 6),
    m(2, 7, 1, 8),
    m(0, 8, 2, 6),
    m(1, 6, 0, 7),
    m(1, 5, 2, 4),
    m(2, 3, 0, 5),
    m(0, 4, 1, 3),
  ];
}

export function det(a: Mat): Tensor {
  if (a.length === 4) return fx.sub(fx.mul(a[0], a[3]), fx.mul(a[1], a[2]));
  const c = cofactor(a);
  return fx.add(fx.add(fx.mul(a[0], c[0]), fx.mul(a[1], c[1])), fx.mul(a[2], c[2]));
}

/** The rows each stacked tensor was made of (stackRows then rows gives the same tensors back, not slices of a copy). */
const stackedFrom = new WeakMap<Tensor, readonly Tensor[]>();

/** Rows of a [rows, N] tensor as [N] tensors (how per-particle vectors and matrices are unpacked). */
export function rows(t: Tensor): Tensor[] {
  const parts = stackedFrom.get(t);
  if (parts) return [...parts];
  const [r, n] = t.shape;
  return Array.from({ length: r }, (_, i) => fx.reshape(fx.slice(t, [i, 0], [1, n]), [n]));
}

/** The inverse of rows: stacks [N] tensors into [rows, N]. */
export function stackRows(xs: readonly Tensor[]): Tensor {
  const t = fx.stack(xs, 0);
  stackedFrom.set(t, [...xs]);
  return t;
}
