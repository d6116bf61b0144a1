// Particle-grid transfers with quadratic B-splines (the P2G and G2P of MLS-MPM / APIC): one fused primitive each
// way instead of [3^d, N] stencil arrays, differentiable in positions and values (core/prims/bspline.ts).
import { bind } from './trace.js';
import type { Tensor } from './tensor.js';

/**
 * Scatter to an nGrid^d grid over [0, 1)^d (spacing 1 / nGrid): for particles at x [d, N] with affine coefficients
 * A [c, 1 + d, N], grid[ch, i] = sum_p w_ip (A[ch, 0, p] + sum_b A[ch, 1 + b, p] (x_i - x_p)_b), w the quadratic
 * B-spline weight of node i. Returns [c, nGrid^d] (row-major flat node index).
 */
export const bsplineP2G = (x: Tensor, A: Tensor, nGrid: number): Tensor =>
  bind('bspline_transfer', [x, A], { nGrid, free: 'grid', tangents: 0 });

/**
 * Gather from the grid, the transpose of bsplineP2G in A: for grid values g [c, nGrid^d],
 * out[ch, 0, p] = sum_i w_ip g[ch, i] and out[ch, 1 + b, p] = sum_i w_ip g[ch, i] (x_i - x_p)_b. Returns [c, 1 + d, N].
 */
export const bsplineG2P = (x: Tensor, g: Tensor, nGrid: number): Tensor =>
  bind('bspline_transfer', [x, g], { nGrid, free: 'coef', tangents: 0 });
