// Least squares for a model's linear output layer. When the residual is linear in the output layer's parameters
// theta given the hidden features (a linear PDE operator applied to u = features . theta), the loss over theta alone
// is a quadratic whose minimizer is one small solve, whatever the scale of the solution; Adam, whose steps are
// ~lr per parameter whatever the gradient, needs ~|theta*| / lr steps to get there. For a nonlinear residual the same
// system is one Gauss-Newton step. The caller supplies, per batch, the residual's Jacobian J [m, n] and the target
// t = J theta_b - r(theta_b) at the parameters theta_b the batch was evaluated at, so r(theta) ~ J theta - t;
// batches taken at slightly different parameters add up as one linearized least-squares problem.
import { symmetricEigen } from './linalg.js';

type Vec = ArrayLike<number>;

export interface OutputLsqSolution {
  /** the minimizer of the accumulated (ridge-regularized) quadratic */
  theta: Float64Array;
  /** the quadratic loss (mean over rows of r^2, or of r_1 r_2 for two draws) at the center and at theta */
  before: number;
  after: number;
  /** rows accumulated */
  rows: number;
}

/**
 * Accumulates the normal equations of sum_rows (J theta - t)^2 over batches and solves them for theta (n numbers).
 * With two independent estimator draws per batch (J1, t1) and (J2, t2), as the unbiased STDE loss mean r_1 r_2 uses,
 * it accumulates that loss's quadratic instead: Hessian (J1^T J2 + J2^T J1) / 2, linear term (J1^T t2 + J2^T t1) / 2,
 * so the solve minimizes the same loss the optimizer does (biased: mean r^2; unbiased: mean r_1 r_2).
 */
export class OutputLsq {
  private readonly A: Float64Array;
  private readonly b: Float64Array;
  private c = 0;
  private m = 0;

  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`OutputLsq: n must be a positive integer, got ${n}`);
    this.A = new Float64Array(n * n);
    this.b = new Float64Array(n);
  }

  /** Rows accumulated since the last clear. */
  get rows(): number {
    return this.m;
  }

  /** Adds one batch: J [m, n] row-major and t [m]; a second draw (J2, t2) of the same rows makes it the cross term. */
  add(J: Vec, t: Vec, J2: Vec = J, t2: Vec = t): void {
    const { n, A, b } = this;
    const m = t.length;
    if (J.length !== m * n || J2.length !== m * n || t2.length !== m)
      throw new Error(
        `OutputLsq.add: expected J [${m}, ${n}] and t [${m}] (twice for two draws), got ${J.length}, ${J2.length}, ${t2.length}`,
      );
    for (let r = 0; r < m; r++) {
      const o = r * n;
      for (let i = 0; i < n; i++) {
        const ji = J[o + i];
        const ki = J2[o + i];
        b[i] += 0.5 * (ji * t2[r] + ki * t[r]);
        for (let j = i; j < n; j++) A[i * n + j] += 0.5 * (ji * J2[o + j] + ki * J[o + j]);
      }
      this.c += t[r] * t2[r];
    }
    this.m += m;
  }

  clear(): void {
    this.A.fill(0);
    this.b.fill(0);
    this.c = 0;
    this.m = 0;
  }

  /** mean over rows of (J theta - t)^2 (or the cross term) from the accumulated sums */
  loss(theta: Vec): number {
    const { n, A, b } = this;
    let q = this.c;
    for (let i = 0; i < n; i++) {
      q -= 2 * b[i] * theta[i];
      q += A[i * n + i] * theta[i] * theta[i];
      for (let j = i + 1; j < n; j++) q += 2 * A[i * n + j] * theta[i] * theta[j];
    }
    return q / Math.max(this.m, 1);
  }

  /**
   * theta = center + delta with delta minimizing the quadratic plus ridge * sum_i A_ii delta_i^2: the columns are
   * scaled to unit norm first (the ridge is relative, the same whatever each feature's scale), and theta does not move
   * along directions of zero or negative curvature (possible for the cross term of two draws), so its quadratic loss
   * is never above the center's.
   */
  solve(center: Vec, ridge = 1e-6): OutputLsqSolution {
    const { n, A, b } = this;
    if (center.length !== n) throw new Error(`OutputLsq.solve: center has ${center.length} numbers, expected ${n}`);
    if (!(ridge > 0)) throw new Error(`OutputLsq.solve: ridge must be positive, got ${ridge}`);
    if (!this.m) throw new Error('OutputLsq.solve: no rows accumulated');
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = A[i * n + i] > 0 ? 1 / Math.sqrt(A[i * n + i]) : 1;
    // scaled system: (S A S + ridge I) y = S (b - A center), delta = S y
    const scaled = new Float64Array(n * n);
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let ac = 0;
      for (let j = 0; j < n; j++) {
        const aij = i <= j ? A[i * n + j] : A[j * n + i];
        scaled[i * n + j] = s[i] * aij * s[j];
        ac += aij * center[j];
      }
      g[i] = s[i] * (b[i] - ac);
    }
    const { values, vectors: V } = symmetricEigen(scaled, n);
    const theta = Float64Array.from(center);
    for (let k = 0; k < n; k++) {
      if (!(values[k] > 0)) continue;
      let c = 0;
      for (let i = 0; i < n; i++) c += V[i * n + k] * g[i];
      c /= values[k] + ridge;
      for (let i = 0; i < n; i++) theta[i] += s[i] * c * V[i * n + k];
    }
    return { theta, before: this.loss(center), after: this.loss(theta), rows: this.m };
  }
}
