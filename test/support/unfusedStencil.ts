/**
 * The quadratic B-spline stencil of MLS-MPM written with plain tensor ops (the unfused reference of the
 * bspline_transfer primitive that sim/coreMpm uses, core/prims/bspline.ts): for particles at x
 * (d rows of [N]), the 3^d grid nodes each particle touches (flat node indices, i32), their weights and
 * their offsets x_node - x_p. Stencil-major layout [3^d, N]: per-particle values broadcast along the
 * leading axis, which compiled loops read in place.
 */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import { rows } from '../../sim/coreMpm/smallMat.js';

export interface Stencil {
  /** flat grid node of each (stencil node, particle), i32 [3^d * N] in stencil-major order */
  index: Tensor;
  /** B-spline weight prod_a w_a, [3^d, N] */
  weight: Tensor;
  /** per axis a: (x_node - x_p)_a, [3^d, N] */
  offset: Tensor[];
  /** per axis a: the particle's position in cells from its first stencil node, f_a = x_a / dx - base_a, [N] */
  frac: Tensor[];
  /** [1 + d, 3^d] constants: a row of ones, then per axis a each stencil node's index i_a in {0, 1, 2} */
  moments: Tensor;
}

/** Quadratic B-spline weights of the 3 nodes at fractional offset f in [0.5, 1.5): [3, N]. */
export function bsplineWeights(f: Tensor): Tensor {
  const w0 = fx.mul(0.5, fx.square(fx.sub(1.5, f)));
  const w1 = fx.sub(0.75, fx.square(fx.sub(f, 1)));
  const w2 = fx.mul(0.5, fx.square(fx.sub(f, 0.5)));
  return fx.stack([w0, w1, w2], 0);
}

/** Shape [3^d, N] with the 3 entries of axis a varying at position a of [3, 3, ..., N]. */
function along(t: Tensor, a: number, d: number): Tensor {
  const n = t.shape[1];
  const shape = Array.from({ length: d }, (_, k) => (k === a ? 3 : 1));
  const full = [...Array.from({ length: d }, () => 3), n];
  return fx.reshape(fx.broadcastTo(fx.reshape(t, [...shape, n]), full), [3 ** d, n]);
}

/** Stencil of particles x (d rows of [N]) on an nGrid^d grid of spacing 1 / nGrid. */
export function stencil(x: readonly Tensor[], nGrid: number): Stencil {
  const d = x.length;
  const n = x[0].shape[0];
  const dx = 1 / nGrid;
  const k3 = fx.tensor([0, 1, 2], [3, 1], x[0].dtype);
  let weight: Tensor | null = null;
  let node: Tensor | null = null;
  const offset: Tensor[] = [];
  const frac: Tensor[] = [];
  for (let a = 0; a < d; a++) {
    const s = fx.mul(x[a], nGrid);
    // base node: floor has zero derivative, so f carries all of x's
    const base = fx.floor(fx.sub(s, 0.5));
    const f = fx.sub(s, base);
    frac.push(f);
    const w = along(bsplineWeights(f), a, d);
    weight = weight ? fx.mul(weight, w) : w;
    offset.push(along(fx.mul(fx.sub(k3, fx.reshape(f, [1, n])), dx), a, d));
    // flat index = ((b0 + i) nGrid + b1 + j) nGrid + ..., exact in floating point for any grid that fits memory
    const coord = along(fx.add(k3, fx.reshape(base, [1, n])), a, d);
    node = node ? fx.add(fx.mul(node, nGrid), coord) : coord;
  }
  const K = 3 ** d;
  const moments = Array.from({ length: (1 + d) * K }, (_, r) => {
    const [row, k] = [Math.floor(r / K), r % K];
    return row === 0 ? 1 : Math.floor(k / 3 ** (d - row)) % 3;
  });
  return {
    index: fx.reshape(fx.cast(node as Tensor, 'i32'), [K * n]),
    weight: weight as Tensor,
    offset,
    frac,
    moments: fx.tensor(moments, [1 + d, K], x[0].dtype),
  };
}

/** bsplineP2G as scatterAdd of [3^d, N] stencil values: x [d, N], A [c, 1 + d, N] -> [c, nGrid^d]. */
export function unfusedP2G(x: Tensor, A: Tensor, nGrid: number): Tensor {
  const [d, n] = x.shape;
  const st = stencil(rows(x), nGrid);
  const K = 3 ** d;
  const grid = Array.from({ length: A.shape[0] }, (_, ch) => {
    const a = (r: number): Tensor => fx.reshape(fx.slice(A, [ch, r, 0], [1, 1, n]), [1, n]);
    let q = fx.broadcastTo(a(0), [K, n]);
    for (let b = 0; b < d; b++) q = fx.add(q, fx.mul(a(1 + b), st.offset[b]));
    return fx.scatterAdd(fx.zeros([nGrid ** d], x.dtype), st.index, fx.reshape(fx.mul(st.weight, q), [K * n]));
  });
  return fx.stack(grid, 0);
}

/** bsplineG2P as gather of [3^d, N] stencil values: x [d, N], g [c, nGrid^d] -> [c, 1 + d, N]. */
export function unfusedG2P(x: Tensor, g: Tensor, nGrid: number): Tensor {
  const [d, n] = x.shape;
  const st = stencil(rows(x), nGrid);
  const K = 3 ** d;
  const out = rows(g).map((gc) => {
    const wg = fx.mul(st.weight, fx.reshape(fx.gather(gc, st.index), [K, n]));
    return fx.stack([fx.sum(wg, 0), ...st.offset.map((o) => fx.sum(fx.mul(wg, o), 0))], 0);
  });
  return fx.stack(out, 0);
}
