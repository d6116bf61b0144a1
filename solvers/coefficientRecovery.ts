// Recovering the diffusion coefficient k(x, y) > 0 of -div(k grad u) = f_j (unit square, u = 0 on the boundary)
// from observations of the solutions u_j, by gradient descent through a differentiable grid solver
// (differentiable.ts: the gradient of a solve is one adjoint solve, by the implicit function theorem). The pieces
// examples/implicit/diffusionCoefficient.ts and the runner's `kind: inverse` share: node grids, the positive
// parametrisation of k, synthetic observations and the regularised misfit.
import * as ops from '../core/ops.js';
import { vmap } from '../core/vmap.js';
import { random } from '../core/index.js';
import { tensor, type Tensor } from '../core/tensor.js';
import type { GridSolver } from './differentiable.js';

/** How the trained parameter theta maps to k > 0 at each node: k = exp(theta) or k = softplus(theta). */
export type Positivity = 'exp' | 'softplus';

/** g at the (n + 1)^2 nodes of the unit square, row-major with x fastest (the solvers' layout). */
export function nodeGrid(n: number, g: (x: number, y: number) => number): Float64Array {
  const s = n + 1;
  return Float64Array.from({ length: s * s }, (_, q) => g((q % s) / n, Math.floor(q / s) / n));
}

/** k(theta) node by node, differentiable. */
export function coefficientOf(theta: Tensor, positivity: Positivity): Tensor {
  return positivity === 'exp' ? ops.exp(theta) : ops.softplus(theta);
}

/** theta with coefficientOf(theta) = k, for a starting value k > 0. */
export function parameterOf(k: number, positivity: Positivity): number {
  if (!(k > 0)) throw new RangeError(`parameterOf: k must be > 0, got ${k}`);
  return positivity === 'exp' ? Math.log(k) : k + Math.log(-Math.expm1(-k)); // log(e^k - 1) without overflow
}

/** max |v| (a loop: spreading a million values into Math.max overflows the stack). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** The solver mapped over a stack of forcings [m, s, s] with one coefficient grid [s, s]. */
export function solveEach(solver: GridSolver): (forcings: Tensor, k: Tensor) => Tensor {
  return vmap(solver, [0, null]) as (forcings: Tensor, k: Tensor) => Tensor;
}

/** u_j for k plus Gaussian noise of standard deviation `noise` x max |u| (seeded), and that scale. */
export function syntheticObservations(
  solver: GridSolver,
  forcings: Tensor,
  k: Tensor,
  noise: number,
  seed: number,
): { clean: Tensor; observed: Tensor; scale: number } {
  const clean = solveEach(solver)(forcings, k);
  const scale = maxAbs(clean.dataSync());
  const observed = noise > 0 ? ops.add(clean, ops.mul(random.normal(seed, clean.shape, clean.dtype), noise * scale)) : clean;
  return { clean, observed, scale };
}

export interface RecoveryLossOptions {
  solver: GridSolver;
  /** f_j at the nodes, [m, s, s] */
  forcings: Tensor;
  /** observed u_j at the nodes, [m, s, s] */
  observed: Tensor;
  positivity: Positivity;
  /** weight of sum |theta_i - theta_j|^2 over neighbouring nodes (the discrete integral of |grad theta|^2) */
  smoothness: number;
  /** misfits are divided by scale^2 (default max |observed|), so the loss does not depend on u's units */
  scale?: number;
}

/** The loss's terms: the scaled mean squared misfit of the solutions and the smoothness penalty (unweighted). */
export type RecoveryTerms = {
  misfit: Tensor;
  smoothness: Tensor;
};

/**
 * theta -> [misfit + smoothness weight x penalty, terms]: the regularised least-squares loss of theta ([s, s],
 * k = coefficientOf(theta)), in the shape valueAndGrad's hasAux takes.
 */
export function recoveryLoss(o: RecoveryLossOptions): (theta: Tensor) => [Tensor, RecoveryTerms] {
  const scale = o.scale ?? maxAbs(o.observed.dataSync());
  if (!(scale > 0)) throw new RangeError('recoveryLoss: the observations are all zero; nothing to fit');
  const solveAll = solveEach(o.solver);
  const s = o.forcings.shape[1];
  const diffSq = (t: Tensor, axis: number) => ops.sum(ops.square(ops.sub(ops.sliceAxis(t, axis, 1, s), ops.sliceAxis(t, axis, 0, s - 1))));
  return (theta) => {
    const u = solveAll(o.forcings, coefficientOf(theta, o.positivity));
    const misfit = ops.div(ops.mean(ops.square(ops.sub(u, o.observed))), scale * scale);
    const smoothness = ops.add(diffSq(theta, 0), diffSq(theta, 1));
    return [ops.add(misfit, ops.mul(smoothness, o.smoothness)), { misfit, smoothness }];
  };
}

/** Relative L2 error of a coefficient grid against the truth. */
export function relativeL2(k: ArrayLike<number>, truth: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < truth.length; i++) {
    num += (k[i] - truth[i]) ** 2;
    den += truth[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** A stack [m, s, s] of m node grids (each of (n + 1)^2 values, nodeGrid's layout). */
export function gridStack(n: number, grids: readonly Float64Array[]): Tensor {
  const s = n + 1;
  return tensor(
    grids.flatMap((g) => Array.from(g)),
    [grids.length, s, s],
    'f64',
  );
}

/** A stack of node grids [m, s, s] from m functions of (x, y). */
export function forcingStack(n: number, fs: ReadonlyArray<(x: number, y: number) => number>): Tensor {
  return gridStack(
    n,
    fs.map((f) => nodeGrid(n, f)),
  );
}
