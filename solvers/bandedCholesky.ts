// Direct Cholesky factorization of a symmetric positive definite band matrix (cost N b^2).
// Used as the exact coarsest-grid solve of multigrid and as a direct 2D Poisson solver.
import type { FivePointOperator } from './stencil2d.js';

export class BandedCholesky {
  /** L stored by rows: entry (i, i-q) at i*(b+1) + q, q = 0..b */
  private readonly L: Float64Array;

  /**
   * @param size matrix order N
   * @param bandwidth b, A[i][j] = 0 for |i - j| > b
   * @param entry A[i][j] for i >= j >= i - b
   */
  constructor(
    readonly size: number,
    readonly bandwidth: number,
    entry: (i: number, j: number) => number,
  ) {
    const b = bandwidth,
      w = b + 1;
    const L = new Float64Array(size * w);
    for (let i = 0; i < size; i++) {
      for (let j = Math.max(0, i - b); j <= i; j++) {
        let v = entry(i, j);
        const k0 = Math.max(0, i - b);
        for (let k = k0; k < j; k++) v -= L[i * w + (i - k)] * L[j * w + (j - k)];
        if (j === i) {
          if (!(v > 0)) throw new Error(`BandedCholesky: matrix is not positive definite (pivot ${v} at row ${i})`);
          L[i * w] = Math.sqrt(v);
        } else {
          L[i * w + (i - j)] = v / L[j * w];
        }
      }
    }
    this.L = L;
  }

  /** Solves A x = rhs (rhs is not modified). */
  solve(rhs: Float64Array, out: Float64Array = new Float64Array(this.size)): Float64Array {
    const { size: N, bandwidth: b, L } = this;
    const w = b + 1;
    if (rhs.length !== N) throw new RangeError(`BandedCholesky.solve: rhs must have length ${N}, got ${rhs.length}`);
    for (let i = 0; i < N; i++) {
      let v = rhs[i];
      for (let k = Math.max(0, i - b); k < i; k++) v -= L[i * w + (i - k)] * out[k];
      out[i] = v / L[i * w];
    }
    for (let i = N - 1; i >= 0; i--) {
      let v = out[i];
      for (let k = i + 1; k <= Math.min(N - 1, i + b); k++) v -= L[k * w + (k - i)] * out[k];
      out[i] = v / L[i * w];
    }
    return out;
  }
}

/** Factor a five-point operator exactly (bandwidth n-1), plus an optional diagonal (per unknown, e.g. a mass term). */
export function factorFivePoint(A: FivePointOperator, extraDiagonal?: Float64Array): BandedCholesky {
  const { m } = A;
  const diag = A.diagonal();
  if (extraDiagonal && extraDiagonal.length !== A.size)
    throw new RangeError(`factorFivePoint: extraDiagonal must have ${A.size} entries, got ${extraDiagonal.length}`);
  return new BandedCholesky(A.size, m, (p, q) => {
    if (p === q) return diag[p] + (extraDiagonal ? extraDiagonal[p] : 0);
    const i = (p % m) + 1,
      j = Math.floor(p / m) + 1;
    const c = A.couplings(i, j);
    if (q === p - 1 && i > 1) return -c.w;
    if (q === p - m) return -c.s;
    return 0;
  });
}
