// Particle-grid transfers with quadratic B-splines (MLS-MPM / PIC): one loop over particles and their 3^d
// stencil nodes, nothing stored per (node, particle). All three transfers are slots of one multilinear form
//   B(x; A, g, t_1..t_m) = sum_{c,p,k,r} g[c, i_k(x_p)] A[c, r, p] D^m_{t_1..t_m} (w_k b_r)(x_p)
// with w_k the node's weight, b_0 = 1 and b_{1+a} = (x_node - x_p)_a, D^m the m-th directional derivative in x_p
// along the per-particle tangents t_j. The kernel returns the slot left free: the grid (scatter), the per-particle
// coefficients (gather), or the positions (the gradient in x_p, i.e. one more tangent left open).
import type { TypedArray } from '../dtype.js';

/** The slot a transfer leaves free; 'pos+coef' / 'pos+grid' fill two in one pass (flat: pos first, then the other). */
export type TransferSlot = 'grid' | 'coef' | 'pos' | 'pos+coef' | 'pos+grid';
/** The single slots a transfer's output holds, in order. */
export const slotsOf = (free: TransferSlot): Array<'grid' | 'coef' | 'pos'> =>
  free === 'pos+coef' ? ['pos', 'coef'] : free === 'pos+grid' ? ['pos', 'grid'] : [free];

export interface Transfer {
  nGrid: number;
  /** dimension d, particles n, channels c */
  d: number;
  n: number;
  c: number;
  /** positions [d, n] */
  x: TypedArray;
  /** coefficients [c, 1 + d, n] (absent when free = coef) */
  A: TypedArray | null;
  /** grid values [c, nGrid^d] (absent when free = grid) */
  g: TypedArray | null;
  /** tangents, each [d, n] */
  t: readonly TypedArray[];
  free: TransferSlot;
}

/** Derivative orders above 3 of a product of quadratic and linear factors vanish. */
const MAX_ORDER = 4;

/**
 * Per axis and node k, the derivatives in x of the weight N_k(f) (W) and of N_k(f) (x_node - x_p) (V), orders
 * 0..J; f = x nGrid - base, so d/dx = nGrid d/df and d(x_node - x_p)/dx = -1.
 */
function axisTables(f: number, nGrid: number, J: number, W: Float64Array, V: Float64Array, at: number): void {
  const dx = 1 / nGrid;
  // N_k and its first two f-derivatives (the third vanishes)
  const n0 = [0.5 * (1.5 - f) ** 2, f - 1.5, 1];
  const n1 = [0.75 - (f - 1) ** 2, -2 * (f - 1), -2];
  const n2 = [0.5 * (f - 0.5) ** 2, f - 0.5, 1];
  const ns = [n0, n1, n2];
  for (let k = 0; k < 3; k++) {
    const off = (k - f) * dx;
    let scale = 1;
    for (let j = 0; j <= J; j++) {
      const w = j < 3 ? ns[k][j] * scale : 0;
      const i = at + k * MAX_ORDER + j;
      W[i] = w;
      V[i] = w * off - (j > 0 ? j * W[i - 1] : 0);
      scale *= nGrid;
    }
  }
}

/** The stencil's base node along axis ax of particle p (a range error when the stencil leaves the grid). */
function baseOf(x: TypedArray, n: number, p: number, ax: number, nGrid: number): number {
  const b = Math.floor(x[ax * n + p] * nGrid - 0.5);
  if (!(b >= 0 && b <= nGrid - 3)) outsideGrid(p, ax, x[ax * n + p]);
  return b;
}

/**
 * The transfers of the step and of its gradient (no tangents: scatter, gather, position gradient) in 2D and 3D, one
 * loop per case with the per-axis weights in locals: the step's hot loops. (Small typed arrays for the weights are
 * 3x slower: every store to the output, which may alias them, forces a reload; one loop for both dimensions with the
 * dimension as a branch was 1.6x slower, hence the 2D / 3D twins.) Per node, with f_a = x_a nGrid - base_a:
 * w = prod_a N_{k_a}(f_a), off_a = (k_a - f_a) dx, and
 * d/dx_a [w (A_0 + sum_b A_b off_b)] = dw/dx_a (A_0 + sum_b A_b off_b) - w A_{1+a}.
 */
const N0 = (f: number): number => 0.5 * (1.5 - f) * (1.5 - f);
const N1 = (f: number): number => 0.75 - (f - 1) * (f - 1);
const N2 = (f: number): number => 0.5 * (f - 0.5) * (f - 0.5);
/** the three weights' derivatives in f (times nGrid for x) */
const D0 = (f: number): number => f - 1.5;
const D1 = (f: number): number => -2 * (f - 1);
const D2 = (f: number): number => f - 0.5;
const pick = (k: number, f: number): number => (k === 0 ? N0(f) : k === 1 ? N1(f) : N2(f));
const pickD = (k: number, f: number): number => (k === 0 ? D0(f) : k === 1 ? D1(f) : D2(f));

/** Scatter (A to the grid) or gather (the grid to coefficients) in 2D. */
function transfer2(a: Transfer, dst: TypedArray, scatter: boolean): void {
  const { nGrid, n, c, x } = a;
  const src = (scatter ? a.A : a.g) as TypedArray;
  const G = nGrid * nGrid;
  const dx = 1 / nGrid;
  for (let p = 0; p < n; p++) {
    const bx = baseOf(x, n, p, 0, nGrid);
    const by = baseOf(x, n, p, 1, nGrid);
    const fx = x[p] * nGrid - bx;
    const fy = x[n + p] * nGrid - by;
    const wy0 = N0(fy);
    const wy1 = N1(fy);
    const wy2 = N2(fy);
    const oy0 = -fy * dx;
    const oy1 = oy0 + dx;
    const oy2 = oy1 + dx;
    for (let ch = 0; ch < c; ch++) {
      const o = 3 * ch * n + p;
      if (scatter) {
        const a0 = src[o];
        const a1 = src[o + n];
        const a2 = src[o + 2 * n];
        for (let i = 0; i < 3; i++) {
          const wi = pick(i, fx);
          const q = a0 + a1 * (i - fx) * dx;
          const row = ch * G + (bx + i) * nGrid + by;
          dst[row] += wi * wy0 * (q + a2 * oy0);
          dst[row + 1] += wi * wy1 * (q + a2 * oy1);
          dst[row + 2] += wi * wy2 * (q + a2 * oy2);
        }
        continue;
      }
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < 3; i++) {
        const wi = pick(i, fx);
        const row = ch * G + (bx + i) * nGrid + by;
        const g0 = src[row] * wy0;
        const g1 = src[row + 1] * wy1;
        const g2 = src[row + 2] * wy2;
        const sum = wi * (g0 + g1 + g2);
        s0 += sum;
        s1 += sum * (i - fx) * dx;
        s2 += wi * (g0 * oy0 + g1 * oy1 + g2 * oy2);
      }
      dst[o] = s0;
      dst[o + n] = s1;
      dst[o + 2 * n] = s2;
    }
  }
}

/** transfer2 in 3D. */
function transfer3(a: Transfer, dst: TypedArray, scatter: boolean): void {
  const { nGrid, n, c, x } = a;
  const src = (scatter ? a.A : a.g) as TypedArray;
  const G = nGrid ** 3;
  const dx = 1 / nGrid;
  for (let p = 0; p < n; p++) {
    const bx = baseOf(x, n, p, 0, nGrid);
    const by = baseOf(x, n, p, 1, nGrid);
    const bz = baseOf(x, n, p, 2, nGrid);
    const fx = x[p] * nGrid - bx;
    const fy = x[n + p] * nGrid - by;
    const fz = x[2 * n + p] * nGrid - bz;
    const wz0 = N0(fz);
    const wz1 = N1(fz);
    const wz2 = N2(fz);
    const oz0 = -fz * dx;
    const oz1 = oz0 + dx;
    const oz2 = oz1 + dx;
    for (let ch = 0; ch < c; ch++) {
      const o = 4 * ch * n + p;
      const a0 = scatter ? src[o] : 0;
      const a1 = scatter ? src[o + n] : 0;
      const a2 = scatter ? src[o + 2 * n] : 0;
      const a3 = scatter ? src[o + 3 * n] : 0;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < 3; i++) {
        const wi = pick(i, fx);
        const oi = (i - fx) * dx;
        for (let j = 0; j < 3; j++) {
          const wij = wi * pick(j, fy);
          const oj = (j - fy) * dx;
          const row = ch * G + ((bx + i) * nGrid + by + j) * nGrid + bz;
          if (scatter) {
            const q = a0 + a1 * oi + a2 * oj;
            dst[row] += wij * wz0 * (q + a3 * oz0);
            dst[row + 1] += wij * wz1 * (q + a3 * oz1);
            dst[row + 2] += wij * wz2 * (q + a3 * oz2);
            continue;
          }
          const g0 = src[row] * wz0;
          const g1 = src[row + 1] * wz1;
          const g2 = src[row + 2] * wz2;
          const sum = wij * (g0 + g1 + g2);
          s0 += sum;
          s1 += sum * oi;
          s2 += sum * oj;
          s3 += wij * (g0 * oz0 + g1 * oz1 + g2 * oz2);
        }
      }
      if (!scatter) {
        dst[o] = s0;
        dst[o + n] = s1;
        dst[o + 2 * n] = s2;
        dst[o + 3 * n] = s3;
      }
    }
  }
}

/**
 * The position gradient, optionally with the slot that the same pass can fill (the vjp of a scatter also needs the
 * gather of its cotangent, the vjp of a gather the scatter of its cotangent): pos into dst[0, d N), the other from
 * dst[d N). Per node v = A_0 + sum_b A_b off_b; the sums over a stencil row (fixed x node i, y nodes j) factor into four
 * dot products of the row's grid values with the y weights, their derivatives and their offsets,
 *   r0 = sum_j g w_j, r1 = sum_j g w_j oy_j, r2 = sum_j g w'_j, r3 = sum_j g w'_j oy_j,
 * so that sum_j g w_j v_j = q r0 + A_2 r1 and sum_j g w'_j v_j = q r2 + A_2 r3 with q = A_0 + A_1 ox_i: a third of the
 * multiply-adds of the per-node form (the backward's hot loop; the same values up to rounding).
 */
function gradPos2(a: Transfer, dst: TypedArray, also: 'coef' | 'grid' | null): void {
  const { nGrid, n, c, x } = a;
  const A = a.A as TypedArray;
  const g = a.g as TypedArray;
  const G = nGrid * nGrid;
  const dx = 1 / nGrid;
  const at = 2 * n;
  for (let p = 0; p < n; p++) {
    const bx = baseOf(x, n, p, 0, nGrid);
    const by = baseOf(x, n, p, 1, nGrid);
    const fx = x[p] * nGrid - bx;
    const fy = x[n + p] * nGrid - by;
    const wy0 = N0(fy);
    const wy1 = N1(fy);
    const wy2 = N2(fy);
    const dy0 = D0(fy) * nGrid;
    const dy1 = D1(fy) * nGrid;
    const dy2 = D2(fy) * nGrid;
    const oy0 = -fy * dx;
    const oy1 = oy0 + dx;
    const oy2 = oy1 + dx;
    const wo0 = wy0 * oy0;
    const wo1 = wy1 * oy1;
    const wo2 = wy2 * oy2;
    const do0 = dy0 * oy0;
    const do1 = dy1 * oy1;
    const do2 = dy2 * oy2;
    let gx = 0;
    let gy = 0;
    for (let ch = 0; ch < c; ch++) {
      const o = 3 * ch * n + p;
      const a0 = A[o];
      const a1 = A[o + n];
      const a2 = A[o + 2 * n];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < 3; i++) {
        const wi = pick(i, fx);
        const dwi = pickD(i, fx) * nGrid;
        const oi = (i - fx) * dx;
        const q = a0 + a1 * oi;
        const row = ch * G + (bx + i) * nGrid + by;
        const g0 = g[row];
        const g1 = g[row + 1];
        const g2 = g[row + 2];
        const r0 = g0 * wy0 + g1 * wy1 + g2 * wy2;
        const r1 = g0 * wo0 + g1 * wo1 + g2 * wo2;
        gx += dwi * (q * r0 + a2 * r1) - wi * a1 * r0;
        gy += wi * (q * (g0 * dy0 + g1 * dy1 + g2 * dy2) + a2 * (g0 * do0 + g1 * do1 + g2 * do2 - r0));
        if (also === 'coef') {
          const wr = wi * r0;
          s0 += wr;
          s1 += wr * oi;
          s2 += wi * r1;
        } else if (also === 'grid') {
          // the scatter of A: w_i (q w_j + A_2 w_j oy_j)
          const r = at + row;
          const t = wi * q;
          const u = wi * a2;
          dst[r] += t * wy0 + u * wo0;
          dst[r + 1] += t * wy1 + u * wo1;
          dst[r + 2] += t * wy2 + u * wo2;
        }
      }
      if (also === 'coef') {
        dst[at + o] = s0;
        dst[at + o + n] = s1;
        dst[at + o + 2 * n] = s2;
      }
    }
    dst[p] = gx;
    dst[n + p] = gy;
  }
}

/** gradPos2 in 3D. */
function gradPos3(a: Transfer, dst: TypedArray, also: 'coef' | 'grid' | null): void {
  const { nGrid, n, c, x } = a;
  const A = a.A as TypedArray;
  const g = a.g as TypedArray;
  const G = nGrid ** 3;
  const dx = 1 / nGrid;
  const at = 3 * n;
  for (let p = 0; p < n; p++) {
    const bx = baseOf(x, n, p, 0, nGrid);
    const by = baseOf(x, n, p, 1, nGrid);
    const bz = baseOf(x, n, p, 2, nGrid);
    const fx = x[p] * nGrid - bx;
    const fy = x[n + p] * nGrid - by;
    const fz = x[2 * n + p] * nGrid - bz;
    const wz0 = N0(fz);
    const wz1 = N1(fz);
    const wz2 = N2(fz);
    const dz0 = D0(fz) * nGrid;
    const dz1 = D1(fz) * nGrid;
    const dz2 = D2(fz) * nGrid;
    const oz0 = -fz * dx;
    const oz1 = oz0 + dx;
    const oz2 = oz1 + dx;
    let gx = 0;
    let gy = 0;
    let gz = 0;
    for (let ch = 0; ch < c; ch++) {
      const o = 4 * ch * n + p;
      const a0 = A[o];
      const a1 = A[o + n];
      const a2 = A[o + 2 * n];
      const a3 = A[o + 3 * n];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < 3; i++) {
        const wi = pick(i, fx);
        const dwi = pickD(i, fx) * nGrid;
        const oi = (i - fx) * dx;
        const qi = a0 + a1 * oi;
        for (let j = 0; j < 3; j++) {
          const wj = pick(j, fy);
          const dwj = pickD(j, fy) * nGrid;
          const oj = (j - fy) * dx;
          const q = qi + a2 * oj;
          const row = ch * G + ((bx + i) * nGrid + by + j) * nGrid + bz;
          const v0 = q + a3 * oz0;
          const v1 = q + a3 * oz1;
          const v2 = q + a3 * oz2;
          const g0 = g[row] * wz0;
          const g1 = g[row + 1] * wz1;
          const g2 = g[row + 2] * wz2;
          const u = g0 + g1 + g2;
          const t = g0 * v0 + g1 * v1 + g2 * v2;
          const wij = wi * wj;
          gx += dwi * wj * t - wij * a1 * u;
          gy += wi * dwj * t - wij * a2 * u;
          gz += wij * (g[row] * dz0 * v0 + g[row + 1] * dz1 * v1 + g[row + 2] * dz2 * v2 - a3 * u);
          if (also === 'coef') {
            s0 += wij * u;
            s1 += wij * u * oi;
            s2 += wij * u * oj;
            s3 += wij * (g0 * oz0 + g1 * oz1 + g2 * oz2);
          } else if (also === 'grid') {
            const r = at + row;
            dst[r] += wij * wz0 * v0;
            dst[r + 1] += wij * wz1 * v1;
            dst[r + 2] += wij * wz2 * v2;
          }
        }
      }
      if (also === 'coef') {
        dst[at + o] = s0;
        dst[at + o + n] = s1;
        dst[at + o + 2 * n] = s2;
        dst[at + o + 3 * n] = s3;
      }
    }
    dst[p] = gx;
    dst[n + p] = gy;
    dst[2 * n + p] = gz;
  }
}

/** The specialised loops by dimension and free slot (no tangents). */
const FIRST_ORDER: Record<2 | 3, Record<TransferSlot, (a: Transfer, dst: TypedArray) => void>> = {
  2: {
    grid: (a, dst) => transfer2(a, dst, true),
    coef: (a, dst) => transfer2(a, dst, false),
    pos: (a, dst) => gradPos2(a, dst, null),
    'pos+coef': (a, dst) => gradPos2(a, dst, 'coef'),
    'pos+grid': (a, dst) => gradPos2(a, dst, 'grid'),
  },
  3: {
    grid: (a, dst) => transfer3(a, dst, true),
    coef: (a, dst) => transfer3(a, dst, false),
    pos: (a, dst) => gradPos3(a, dst, null),
    'pos+coef': (a, dst) => gradPos3(a, dst, 'coef'),
    'pos+grid': (a, dst) => gradPos3(a, dst, 'grid'),
  },
};

/** Throws the transfers' RangeError for the first particle whose stencil leaves the grid (for kernels that cannot throw). */
export function checkOnGrid(x: TypedArray, d: number, n: number, nGrid: number): void {
  for (let p = 0; p < n; p++) for (let ax = 0; ax < d; ax++) baseOf(x, n, p, ax, nGrid);
}

/** The error of a particle whose stencil leaves the grid (every transfer kernel's, JS or wasm). */
export function outsideGrid(p: number, ax: number, v: number): never {
  throw new RangeError(
    `bsplineTransfer: particle ${p} at ${v} (axis ${ax}) is outside the grid: its stencil needs 0.5/nGrid <= x < 1 - 1.5/nGrid`,
  );
}

/** The slot left free: grid [c, G], coef [c, 1 + d, n] or pos [d, n], written over `dst`. */
export function bsplineTransfer(a: Transfer, dst: TypedArray): void {
  const { nGrid, d, n, c, x, A, g, t, free } = a;
  const R = 1 + d;
  const K = 3 ** d;
  const G = nGrid ** d;
  const m = t.length;
  const J = m + (free === 'pos' ? 1 : 0);
  if (m === 0 && (d === 2 || d === 3)) {
    dst.fill(0);
    FIRST_ORDER[d][free](a, dst);
    return;
  }
  if (free === 'pos+coef' || free === 'pos+grid') {
    bsplineTransfer({ ...a, free: 'pos' }, dst.subarray(0, d * n));
    bsplineTransfer({ ...a, free: free === 'pos+coef' ? 'coef' : 'grid' }, dst.subarray(d * n));
    return;
  }
  if (J >= MAX_ORDER) throw new Error(`bsplineTransfer: derivatives of order ${J} are not implemented (at most ${MAX_ORDER - 1})`);
  dst.fill(0);
  // stencil node kk: digit k_a per axis and its flat offset from the base node
  const digit = new Int32Array(K * d);
  const nodeOff = new Int32Array(K);
  for (let kk = 0; kk < K; kk++) {
    let rest = kk;
    let off = 0;
    for (let ax = d - 1; ax >= 0; ax--) {
      digit[kk * d + ax] = rest % 3;
      off += (rest % 3) * nGrid ** (d - 1 - ax);
      rest = Math.floor(rest / 3);
    }
    nodeOff[kk] = off;
  }
  const W = new Float64Array(d * 3 * MAX_ORDER);
  const V = new Float64Array(d * 3 * MAX_ORDER);
  // the terms of D^J: each assignment of the J derivative slots to axes; `ord` counts slots per axis, `out` is
  // the free position axis (the last slot) when free = pos
  const terms = d ** J;
  const ord = new Int32Array(terms * d);
  const outAxis = new Int32Array(terms);
  const slotAxis = new Int32Array(terms * Math.max(J, 1));
  for (let s = 0; s < terms; s++) {
    let rest = s;
    for (let j = 0; j < J; j++) {
      const ax = rest % d;
      rest = Math.floor(rest / d);
      slotAxis[s * J + j] = ax;
      ord[s * d + ax]++;
      if (j === J - 1) outAxis[s] = ax;
    }
  }
  const weight = new Float64Array(terms);
  const phi = new Float64Array((free === 'pos' ? d : 1) * R);
  const base = new Int32Array(d);
  const off = new Float64Array(d);
  const wAx = new Float64Array(d * 3);
  for (let p = 0; p < n; p++) {
    let baseIdx = 0;
    for (let ax = 0; ax < d; ax++) {
      const s = x[ax * n + p] * nGrid;
      const b = Math.floor(s - 0.5);
      if (!(b >= 0 && b <= nGrid - 3)) outsideGrid(p, ax, x[ax * n + p]);
      base[ax] = b;
      baseIdx = baseIdx * nGrid + b;
      const f = s - b;
      if (J === 0) {
        wAx[3 * ax] = 0.5 * (1.5 - f) ** 2;
        wAx[3 * ax + 1] = 0.75 - (f - 1) ** 2;
        wAx[3 * ax + 2] = 0.5 * (f - 0.5) ** 2;
        off[ax] = -f / nGrid;
      } else axisTables(f, nGrid, J, W, V, ax * 3 * MAX_ORDER);
    }
    if (J > 0) {
      for (let s = 0; s < terms; s++) {
        let wt = 1;
        // the free slot (pos) carries no tangent
        for (let j = 0; j < m; j++) wt *= t[j][slotAxis[s * J + j] * n + p];
        weight[s] = wt;
      }
    }
    for (let kk = 0; kk < K; kk++) {
      const idx = baseIdx + nodeOff[kk];
      if (J === 0) {
        // phi_0 = w, phi_{1+b} = w (x_node - x_p)_b
        let w = 1;
        for (let ax = 0; ax < d; ax++) w *= wAx[3 * ax + digit[kk * d + ax]];
        phi[0] = w;
        for (let ax = 0; ax < d; ax++) phi[1 + ax] = w * (off[ax] + digit[kk * d + ax] / nGrid);
      } else {
        phi.fill(0);
        for (let s = 0; s < terms; s++) {
          const wt = weight[s];
          if (wt === 0) continue;
          const o = free === 'pos' ? outAxis[s] * R : 0;
          let all = wt;
          for (let ax = 0; ax < d; ax++) all *= W[ax * 3 * MAX_ORDER + digit[kk * d + ax] * MAX_ORDER + ord[s * d + ax]];
          phi[o] += all;
          for (let b = 0; b < d; b++) {
            let v = wt;
            for (let ax = 0; ax < d; ax++) {
              const i = ax * 3 * MAX_ORDER + digit[kk * d + ax] * MAX_ORDER + ord[s * d + ax];
              v *= ax === b ? V[i] : W[i];
            }
            phi[o + 1 + b] += v;
          }
        }
      }
      if (free === 'grid') {
        const Ac = A as TypedArray;
        for (let ch = 0; ch < c; ch++) {
          let q = 0;
          for (let r = 0; r < R; r++) q += Ac[(ch * R + r) * n + p] * phi[r];
          dst[ch * G + idx] += q;
        }
      } else if (free === 'coef') {
        const gc = g as TypedArray;
        for (let ch = 0; ch < c; ch++) {
          const gv = gc[ch * G + idx];
          for (let r = 0; r < R; r++) dst[(ch * R + r) * n + p] += gv * phi[r];
        }
      } else {
        const Ac = A as TypedArray;
        const gc = g as TypedArray;
        for (let ch = 0; ch < c; ch++) {
          const gv = gc[ch * G + idx];
          if (gv === 0) continue;
          for (let ax = 0; ax < d; ax++) {
            let q = 0;
            for (let r = 0; r < R; r++) q += Ac[(ch * R + r) * n + p] * phi[ax * R + r];
            dst[ax * n + p] += gv * q;
          }
        }
      }
    }
  }
}
