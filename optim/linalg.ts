// Tiny dense linear algebra on n x n matrices, n = number of loss terms (2..10): Gram matrices
// of gradients and a symmetric pseudo-inverse solve. Loss-balancing methods work in this
// n-dimensional "Gram space" so the O(p) work is one Gram pass plus one weighted sum.
import type { Vec } from './types.js';
import { dot } from './vec.js';

/** Row-major n x n Gram matrix G_ij = g_i . g_j. */
export function gram(grads: readonly Vec[]): Float64Array {
  const n = grads.length;
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const d = dot(grads[i], grads[j]);
      G[i * n + j] = d;
      G[j * n + i] = d;
    }
  }
  return G;
}

/** Cyclic Jacobi eigendecomposition of a symmetric matrix: A = V diag(w) V^T (V row-major, columns are vectors). */
export function symmetricEigen(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: V };
}

/** x = A^+ b for symmetric PSD A; eigenvalues below rcond * max are treated as zero. */
export function pinvSolveSymmetric(A: Float64Array, n: number, b: readonly number[], rcond = 1e-12): Float64Array {
  const { values, vectors: V } = symmetricEigen(A, n);
  let maxEig = 0;
  for (const e of values) maxEig = Math.max(maxEig, Math.abs(e));
  const x = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (Math.abs(values[k]) <= rcond * maxEig || values[k] === 0) continue;
    let c = 0;
    for (let i = 0; i < n; i++) c += V[i * n + k] * b[i];
    c /= values[k];
    for (let i = 0; i < n; i++) x[i] += c * V[i * n + k];
  }
  return x;
}
