// Physics-informed (PINO-style) residuals on an operator's output grid: spectral derivatives along periodic
// axes, central differences elsewhere. All are differentiable tensor functions, so they combine with the
// data loss under one valueAndGrad.
import { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { rfft, irfft } from '../core/fft.js';
import { ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';

/** (i k)^order per rfft bin for a period `length`, as [m, 2] (real, imag). */
function ikPower(n: number, order: number, length: number, dtype: Tensor['dtype']): Tensor {
  const m = (n >> 1) + 1;
  const out = dtype === 'f32' ? new Float32Array(2 * m) : new Float64Array(2 * m);
  for (let k = 0; k < m; k++) {
    // the Nyquist mode of an even grid has no well-defined odd derivative: drop it
    const w = n % 2 === 0 && k === m - 1 && order % 2 === 1 ? 0 : (2 * Math.PI * k) / length;
    const mag = w ** order;
    const phase = (order % 4) * (Math.PI / 2);
    out[2 * k] = Math.round(Math.cos(phase)) * mag;
    out[2 * k + 1] = Math.round(Math.sin(phase)) * mag;
  }
  return new Tensor([m, 2], dtype, out);
}

/** d^order u / dx^order along the last axis of periodic samples u [..., n] on a period of `length`. */
export function spectralDerivative(u: Tensor, order = 1, length = 1): Tensor {
  if (!Number.isInteger(order) || order < 0) throw new RangeError(`spectralDerivative: order must be a non-negative integer, got ${order}`);
  if (u.rank < 1) throw new ShapeError('spectralDerivative', `expected samples [..., n], got ${fmt(u.shape)}`);
  if (order === 0) return u;
  const n = u.shape[u.rank - 1];
  const U = rfft(u);
  const f = ikPower(n, order, length, u.dtype);
  const re = ops.sliceAxis(U, -1, 0, 1);
  const im = ops.sliceAxis(U, -1, 1, 2);
  const fr = ops.sliceAxis(f, 1, 0, 1);
  const fi = ops.sliceAxis(f, 1, 1, 2);
  const prod = ops.concat([ops.sub(ops.mul(re, fr), ops.mul(im, fi)), ops.add(ops.mul(re, fi), ops.mul(im, fr))], -1);
  return irfft(prod, n);
}

export interface BurgersResidualOptions {
  nu: number;
  /** time between consecutive rows */
  dt: number;
  /** spatial period (default 1) */
  length?: number;
}

/**
 * Residual u_t + u u_x - nu u_xx of space-time samples u [B, nt, nx] (rows = times, periodic in x), on the
 * interior times 1..nt-2: spectral in x, second-order central difference in t. [B, nt-2, nx].
 */
export function burgersResidual(u: Tensor, o: BurgersResidualOptions): Tensor {
  if (u.rank !== 3 || u.shape[1] < 3) throw new ShapeError('burgersResidual', `expected u [B, nt >= 3, nx], got ${fmt(u.shape)}`);
  if (!(o.nu >= 0) || !(o.dt > 0)) throw new RangeError(`burgersResidual: need nu >= 0 and dt > 0, got nu ${o.nu}, dt ${o.dt}`);
  const L = o.length ?? 1;
  const nt = u.shape[1];
  const inner = ops.sliceAxis(u, 1, 1, nt - 1);
  const ut = ops.div(ops.sub(ops.sliceAxis(u, 1, 2, nt), ops.sliceAxis(u, 1, 0, nt - 2)), 2 * o.dt);
  const ux = spectralDerivative(inner, 1, L);
  const uxx = spectralDerivative(inner, 2, L);
  return ops.sub(ops.add(ut, ops.mul(inner, ux)), ops.mul(uxx, o.nu));
}

/**
 * Residual -div(a grad u) - f of u, a [B, s, s] on the nodes of a uniform grid with spacing h, on the
 * interior nodes (flux form with harmonic face means, as the Darcy reference solver). [B, s-2, s-2].
 */
export function darcyResidual(u: Tensor, a: Tensor, h: number, f = 1): Tensor {
  if (u.rank !== 3 || u.shape.join() !== a.shape.join() || u.shape[1] < 3 || u.shape[2] < 3) {
    throw new ShapeError('darcyResidual', `expected u and a [B, s, s] of one shape (s >= 3), got ${fmt(u.shape)} and ${fmt(a.shape)}`);
  }
  const [, sx, sy] = u.shape;
  const box = (t: Tensor, i: number, j: number) => ops.slice(t, [0, i, j], [t.shape[0], sx - 2, sy - 2]);
  const uc = box(u, 1, 1);
  const ac = box(a, 1, 1);
  let flux: Tensor | null = null;
  for (const [di, dj] of [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
  ] as const) {
    const an = box(a, 1 + di, 1 + dj);
    const face = ops.div(ops.mul(ops.mul(ac, an), 2), ops.add(ac, an));
    const term = ops.mul(face, ops.sub(box(u, 1 + di, 1 + dj), uc));
    flux = flux ? ops.add(flux, term) : term;
  }
  return ops.sub(ops.neg(ops.div(flux as Tensor, h * h)), f);
}
