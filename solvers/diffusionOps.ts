// The five-point operator -div(a grad u) of stencil2d.ts's diffusionOperator, written in differentiable
// tensor ops so the implicit rules (core/implicit.ts) can take its derivative with respect to a. Same
// discretisation: a at the (n+1)^2 nodes, harmonic means on the faces, u = 0 on the boundary.
import * as ops from '../core/ops.js';
import type { Tensor } from '../core/tensor.js';

const harmonic = (p: Tensor, q: Tensor): Tensor => ops.div(ops.mul(ops.mul(p, q), 2), ops.add(p, q));

/**
 * A(a) u for u on the interior nodes ([n-1, n-1], x fastest) and a on all nodes ([n+1, n+1]); equals
 * diffusionOperator(a, n).apply(u) to rounding.
 */
export function diffusionApply(u: Tensor, a: Tensor): Tensor {
  const s = a.shape[0];
  const n = s - 1;
  const m = n - 1;
  if (a.rank !== 2 || a.shape[1] !== s || s < 3) throw new RangeError(`diffusionApply: a must be [s, s] with s >= 3, got [${a.shape}]`);
  if (u.rank !== 2 || u.shape[0] !== m || u.shape[1] !== m)
    throw new RangeError(`diffusionApply: u must be the [${m}, ${m}] interior of a's grid, got [${u.shape}]`);
  const h2 = n * n;
  // rows are y (index j), columns x (index i); faces carry h^-2 as in diffusionOperator
  const rows = ops.sliceAxis(a, 0, 1, n); // interior rows [m, s]
  const cols = ops.sliceAxis(a, 1, 1, n); // interior columns [s, m]
  const kx = ops.mul(harmonic(ops.sliceAxis(rows, 1, 0, n), ops.sliceAxis(rows, 1, 1, s)), h2); // [m, n]
  const ky = ops.mul(harmonic(ops.sliceAxis(cols, 0, 0, n), ops.sliceAxis(cols, 0, 1, s)), h2); // [n, m]
  const p = ops.pad(u, [1, 1], [1, 1]); // Dirichlet zeros, [s, s]
  const pRows = ops.sliceAxis(p, 0, 1, n);
  const pCols = ops.sliceAxis(p, 1, 1, n);
  // flux k (u_right - u_left) on each face; a node's value is its lower face's flux minus its upper face's
  const fx = ops.mul(kx, ops.sub(ops.sliceAxis(pRows, 1, 1, s), ops.sliceAxis(pRows, 1, 0, n)));
  const fy = ops.mul(ky, ops.sub(ops.sliceAxis(pCols, 0, 1, s), ops.sliceAxis(pCols, 0, 0, n)));
  return ops.add(
    ops.sub(ops.sliceAxis(fx, 1, 0, m), ops.sliceAxis(fx, 1, 1, n)),
    ops.sub(ops.sliceAxis(fy, 0, 0, m), ops.sliceAxis(fy, 0, 1, n)),
  );
}

/** The interior [n-1, n-1] of a node grid [n+1, n+1]. */
export function interior(x: Tensor): Tensor {
  const s = x.shape[0];
  return ops.slice(x, [1, 1], [s - 2, s - 2]);
}

/** An interior grid [n-1, n-1] back on the nodes [n+1, n+1] with zero boundary values. */
export function zeroBoundary(u: Tensor): Tensor {
  return ops.pad(u, [1, 1], [1, 1]);
}
