// Cheap preconditioners for the five-point operator.
import type { LinearMap } from './cg.js';
import type { FivePointOperator } from './stencil2d.js';

export function jacobiPreconditioner(A: FivePointOperator): LinearMap {
  const inv = A.diagonal().map((d) => 1 / d);
  return (r, z) => {
    for (let i = 0; i < r.length; i++) z[i] = inv[i] * r[i];
  };
}

/**
 * Zero fill-in incomplete Cholesky, M = (D + L) D^-1 (D + L^T) with L the strict lower part of A.
 * For the five-point stencil only the pivots D change: d_p = a_pp - w^2/d_(p-1) - s^2/d_(p-m).
 */
export function ic0Preconditioner(A: FivePointOperator): LinearMap {
  const { m } = A;
  const diag = A.diagonal();
  const d = new Float64Array(A.size);
  const { west, east, south, north } = A.neighbours();
  for (let p = 0; p < A.size; p++) {
    let v = diag[p];
    if (west[p] !== 0) v -= (west[p] * west[p]) / d[p - 1];
    if (south[p] !== 0) v -= (south[p] * south[p]) / d[p - m];
    if (!(v > 0)) throw new Error(`ic0Preconditioner: non-positive pivot ${v} at unknown ${p}`);
    d[p] = v;
  }
  return (r, z) => {
    const N = r.length;
    for (let p = 0; p < N; p++) {
      let v = r[p];
      if (west[p] !== 0) v += west[p] * z[p - 1];
      if (south[p] !== 0) v += south[p] * z[p - m];
      z[p] = v / d[p];
    }
    for (let p = N - 1; p >= 0; p--) {
      let v = 0;
      if (east[p] !== 0) v += east[p] * z[p + 1];
      if (north[p] !== 0) v += north[p] * z[p + m];
      z[p] += v / d[p];
    }
  };
}
