// Geometric multigrid V-cycle for the five-point operator on nested node grids (n -> n/2).
// Coarse coefficients are homogenized from the fine faces (two faces in series -> harmonic,
// three parallel rows weighted 1/4, 1/2, 1/4 -> arithmetic), transfers are full weighting and
// bilinear interpolation (P = 4 R^T), and smoothing is Gauss-Seidel forward before / backward
// after the coarse correction, so one V-cycle is a symmetric operator usable inside CG.
import type { LinearMap, PcgResult } from './cg.js';
import { FivePointOperator, type NeighbourCouplings } from './stencil2d.js';
import { factorFivePoint, type BandedCholesky } from './bandedCholesky.js';

export interface MultigridOptions {
  /** Gauss-Seidel sweeps before and after the coarse correction (default 2) */
  sweeps?: number;
  /** stop coarsening at or below this many intervals per side (default 4) */
  coarsestN?: number;
}

/** Homogenized operator on the grid with half as many intervals (n must be even). */
export function coarsenOperator(A: FivePointOperator): FivePointOperator {
  const { n, m, kx, ky } = A;
  if (n % 2 !== 0) throw new RangeError(`coarsenOperator: n must be even, got ${n}`);
  const nc = n / 2,
    mc = nc - 1;
  const kxC = new Float64Array(nc * mc);
  const kyC = new Float64Array(nc * mc);
  const series = (a: number, b: number) => 1 / (2 * (1 / a + 1 / b)); // includes the 1/4 of H = 2h
  const weights = [0.25, 0.5, 0.25];
  for (let J = 1; J < nc; J++) {
    for (let I = 0; I < nc; I++) {
      let v = 0;
      for (let d = -1; d <= 1; d++) {
        const row = (2 * J + d - 1) * n;
        v += weights[d + 1] * series(kx[row + 2 * I], kx[row + 2 * I + 1]);
      }
      kxC[(J - 1) * nc + I] = v;
    }
  }
  for (let J = 0; J < nc; J++) {
    for (let I = 1; I < nc; I++) {
      let v = 0;
      for (let d = -1; d <= 1; d++) {
        const col = 2 * I + d - 1;
        v += weights[d + 1] * series(ky[2 * J * m + col], ky[(2 * J + 1) * m + col]);
      }
      kyC[J * mc + I - 1] = v;
    }
  }
  return new FivePointOperator(nc, kxC, kyC, A.shift);
}

interface Level {
  A: FivePointOperator;
  diag: Float64Array;
  nb: NeighbourCouplings;
  x: Float64Array;
  b: Float64Array;
  r: Float64Array;
}

function gaussSeidel(level: Level, forward: boolean): void {
  const { A, diag, x, b } = level;
  const { west, east, south, north } = level.nb;
  const m = A.m;
  const N = m * m;
  // couplings to boundary nodes are zero, so row wrap-around reads contribute nothing
  for (let t = 0; t < N; t++) {
    const p = forward ? t : N - 1 - t;
    let v = b[p];
    if (p >= 1) v += west[p] * x[p - 1];
    if (p + 1 < N) v += east[p] * x[p + 1];
    if (p >= m) v += south[p] * x[p - m];
    if (p + m < N) v += north[p] * x[p + m];
    x[p] = v / diag[p];
  }
}

/** Full weighting of the fine residual onto the coarse interior (boundary values are zero). */
function restrict(fine: Float64Array, m: number, coarse: Float64Array, mc: number): void {
  const at = (i: number, j: number) => (i >= 1 && i <= m && j >= 1 && j <= m ? fine[(j - 1) * m + i - 1] : 0);
  for (let J = 1; J <= mc; J++) {
    for (let I = 1; I <= mc; I++) {
      const i = 2 * I,
        j = 2 * J;
      coarse[(J - 1) * mc + I - 1] =
        (4 * at(i, j) +
          2 * (at(i - 1, j) + at(i + 1, j) + at(i, j - 1) + at(i, j + 1)) +
          at(i - 1, j - 1) +
          at(i + 1, j - 1) +
          at(i - 1, j + 1) +
          at(i + 1, j + 1)) /
        16;
    }
  }
}

/** Adds the bilinear interpolation of the coarse correction to the fine iterate. */
function prolongAdd(coarse: Float64Array, mc: number, fine: Float64Array, m: number): void {
  const at = (I: number, J: number) => (I >= 1 && I <= mc && J >= 1 && J <= mc ? coarse[(J - 1) * mc + I - 1] : 0);
  for (let j = 1; j <= m; j++) {
    for (let i = 1; i <= m; i++) {
      const I = i >> 1,
        J = j >> 1;
      let v: number;
      if (i % 2 === 0 && j % 2 === 0) v = at(I, J);
      else if (j % 2 === 0) v = 0.5 * (at(I, J) + at(I + 1, J));
      else if (i % 2 === 0) v = 0.5 * (at(I, J) + at(I, J + 1));
      else v = 0.25 * (at(I, J) + at(I + 1, J) + at(I, J + 1) + at(I + 1, J + 1));
      fine[(j - 1) * m + i - 1] += v;
    }
  }
}

export class Multigrid {
  readonly levels: Level[] = [];
  private readonly coarse: BandedCholesky;
  private readonly sweeps: number;

  constructor(A: FivePointOperator, opts: MultigridOptions = {}) {
    this.sweeps = opts.sweeps ?? 2;
    const coarsestN = opts.coarsestN ?? 4;
    if (!Number.isInteger(this.sweeps) || this.sweeps < 1)
      throw new RangeError(`Multigrid: sweeps must be an integer >= 1, got ${this.sweeps}`);
    let op = A;
    for (;;) {
      const N = op.size;
      this.levels.push({
        A: op,
        diag: op.diagonal(),
        nb: op.neighbours(),
        x: new Float64Array(N),
        b: new Float64Array(N),
        r: new Float64Array(N),
      });
      if (op.n <= coarsestN || op.n % 2 !== 0) break;
      op = coarsenOperator(op);
    }
    this.coarse = factorFivePoint(op);
  }

  /** One V-cycle from a zero initial guess: x ~= A^-1 b. */
  vcycle(b: Float64Array, x: Float64Array): void {
    this.levels[0].b.set(b);
    this.cycle(0);
    x.set(this.levels[0].x);
  }

  private cycle(l: number): void {
    const level = this.levels[l];
    if (l === this.levels.length - 1) {
      this.coarse.solve(level.b, level.x);
      return;
    }
    level.x.fill(0);
    for (let s = 0; s < this.sweeps; s++) gaussSeidel(level, true);
    level.A.apply(level.x, level.r);
    for (let p = 0; p < level.r.length; p++) level.r[p] = level.b[p] - level.r[p];
    const next = this.levels[l + 1];
    restrict(level.r, level.A.m, next.b, next.A.m);
    this.cycle(l + 1);
    prolongAdd(next.x, next.A.m, level.x, level.A.m);
    for (let s = 0; s < this.sweeps; s++) gaussSeidel(level, false);
  }

  /**
   * V-cycles as a stationary iteration, x <- x + V(b - A x), until ||b - A x||_2 <= tol ||b||_2 (default
   * 1e-10, at most maxIter = 100 cycles). Same result shape as pcg.
   */
  solve(b: Float64Array, opts: { tol?: number; maxIter?: number } = {}): PcgResult {
    const A = this.levels[0].A;
    const tol = opts.tol ?? 1e-10;
    const maxIter = opts.maxIter ?? 100;
    if (b.length !== A.size) throw new RangeError(`Multigrid.solve: b must have ${A.size} values, got ${b.length}`);
    if (!(tol > 0)) throw new RangeError(`Multigrid.solve: tol must be positive, got ${tol}`);
    const x = new Float64Array(b.length);
    const r = Float64Array.from(b);
    const dx = new Float64Array(b.length);
    const norm = (v: Float64Array) => Math.sqrt(v.reduce((acc, e) => acc + e * e, 0));
    const bNorm = norm(b) || 1;
    const history = [norm(r) / bNorm];
    let it = 0;
    while (history[it] > tol && it < maxIter) {
      this.vcycle(r, dx);
      for (let p = 0; p < x.length; p++) x[p] += dx[p];
      A.apply(x, r);
      for (let p = 0; p < x.length; p++) r[p] = b[p] - r[p];
      it++;
      history.push(norm(r) / bNorm);
    }
    return { x, iterations: it, converged: history[it] <= tol, residualHistory: history };
  }

  /** The V-cycle as a CG preconditioner. */
  asPreconditioner(): LinearMap {
    return (r, z) => this.vcycle(r, z);
  }
}
