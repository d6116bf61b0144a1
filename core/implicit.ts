// Implicit differentiation (Blondel et al. 2022, "Efficient and Modular Implicit Differentiation"): the
// derivative of a solve comes from the equation it solves, not from unrolling the solver, so any solver
// (a host CG with a tolerance, Newton, multigrid) can be used and memory does not grow with its iterations.
import { bind } from './trace.js';
import { customVjp } from './custom.js';
import { vjp } from './api.js';
import * as ops from './ops.js';
import type { Tensor } from './tensor.js';
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/**
 * fn run on the host inside any program (eager, traced, jitted, vmapped): it receives the inputs' values and
 * returns the output's (`shape`, `dtype`). Not differentiable by itself: wrap it in a rule (linearSolve, root).
 */
export function hostCall(
  name: string,
  fn: (inputs: TypedArray[], shapes: Shape[]) => TypedArray,
  inputs: readonly Tensor[],
  out: { shape: readonly number[]; dtype: DType },
): Tensor {
  return bind('host_call', [...inputs], { name, fn, shape: [...out.shape], dtype: out.dtype });
}

/**
 * solve(first, ...params) whose backward pass keeps only the solution and the params, nothing of the solver's
 * work: `bwd(x, params, ct)` returns one cotangent (or null) per input. The shape of every implicit rule here.
 */
export function solutionVjp(
  solve: (first: Tensor, ...params: Tensor[]) => Tensor,
  bwd: (x: Tensor, params: Tensor[], ct: Tensor) => Array<Tensor | null>,
): (first: Tensor, ...params: Tensor[]) => Tensor {
  return customVjp(
    solve,
    (first, ...params) => {
      const x = solve(first, ...params);
      return [x, [x, ...params]];
    },
    ([x, ...params], ct) => bwd(x, params, ct),
  );
}

type Matvec = (x: Tensor, ...params: Tensor[]) => Tensor;
type Solve = (b: Tensor, ...params: Tensor[]) => Tensor;

export interface LinearSolveOptions {
  /** A(params) is symmetric: the backward pass reuses `solve` for A^T */
  symmetric?: boolean;
  /** solves A(params)^T y = c; required unless symmetric */
  transposeSolve?: Solve;
}

/**
 * x = A(params)^-1 b, computed by `solve(b, ...params)` (any method), differentiated implicitly: with
 * A^T lambda = ct, the cotangents are lambda for b and -lambda^T dA/dparams x for the params, where dA comes
 * from `matvec(x, ...params)` = A(params) x written in differentiable ops. (JAX's custom_linear_solve.)
 */
export function linearSolve(matvec: Matvec, solve: Solve, options: LinearSolveOptions = {}): (b: Tensor, ...params: Tensor[]) => Tensor {
  const solveT = options.transposeSolve ?? (options.symmetric ? solve : undefined);
  if (!solveT) throw new Error('linearSolve: give transposeSolve, or symmetric: true when A(params) is symmetric');
  return solutionVjp(solve, (x, params, ct) => {
    const lambda = solveT(ct, ...params);
    if (!params.length) return [lambda];
    const [, pullback] = vjp((...ps: Tensor[]) => matvec(x, ...ps), ...params);
    return [lambda, ...pullback(ops.neg(lambda))];
  });
}

/**
 * x*(params) with F(x*, params) = 0, found by `solve(x0, ...params)` (Newton, fixed point, a host solver),
 * differentiated by the implicit function theorem: with J = dF/dx at x*, J^T lambda = ct is solved by
 * `tangentSolve(J^T-matvec, ct, x*, params)` and the params' cotangents are -lambda^T dF/dparams. x* and the
 * params let a host solver assemble J itself instead of going through the traced matvec.
 */
export function root(
  F: (x: Tensor, ...params: Tensor[]) => Tensor,
  solve: (x0: Tensor, ...params: Tensor[]) => Tensor,
  tangentSolve: (matvecT: (v: Tensor) => Tensor, ct: Tensor, x: Tensor, params: Tensor[]) => Tensor,
): (x0: Tensor, ...params: Tensor[]) => Tensor {
  return solutionVjp(solve, (x, params, ct) => {
    const [, pullX] = vjp((z: Tensor) => F(z, ...params), x);
    const lambda = tangentSolve((v) => pullX(v)[0], ct, x, params);
    const [, pullP] = vjp((...ps: Tensor[]) => F(x, ...ps), ...params);
    return [null, ...pullP(ops.neg(lambda))];
  });
}

/** JAX's name for `root` (jax.lax.custom_root). */
export const customRoot = root;
/** JAX's name for `linearSolve` (jax.lax.custom_linear_solve). */
export const customLinearSolve = linearSolve;
