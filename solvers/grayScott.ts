// 2D Gray-Scott reaction-diffusion, periodic on [x0, x0 + length)^2:
//   u_t = eps_u lap u + b (1 - u) - u v^2,   v_t = eps_v lap v - d v + u v^2.
// Fourier spectral in space, ETDRK4 in time (Kassam & Trefethen 2005) with the stiff diffusion and the linear decay
// (-eps |k|^2 - b for u, -eps |k|^2 - d for v) treated exactly; b - u v^2 and u v^2 are the nonlinearity.
// The two fields' full 2D spectra sit side by side in one array, so one ETDRK4 stepper advances both.
import { fft2InPlace } from '../core/kernels/fft.js';
import { Etdrk4Stepper } from './etdrk4.js';

export interface GrayScottOptions {
  epsU: number;
  epsV: number;
  b: number;
  d: number;
  /** grid points per axis (a power of two) */
  n: number;
  /** period of both axes */
  length: number;
  T: number;
  dt: number;
  /** record this many evenly spaced snapshots at t = T i / snapshots, i = 1..snapshots */
  snapshots?: number;
}

export interface GrayScottResult {
  u: Float64Array;
  v: Float64Array;
  dt: number;
  steps: number;
  snapshots: { t: number; u: Float64Array; v: Float64Array }[];
}

/** Signed angular wavenumbers of a length-n FFT axis over a period `length`. */
function wavenumbers(n: number, length: number): Float64Array {
  return Float64Array.from({ length: n }, (_, j) => (2 * Math.PI * (j <= n / 2 ? j : j - n)) / length);
}

/** u0, v0: row-major n x n (row = y index, column = x index). */
export function solveGrayScott2d(u0: Float64Array, v0: Float64Array, opts: GrayScottOptions): GrayScottResult {
  const { n } = opts;
  const m = n * n;
  if (u0.length !== m || v0.length !== m)
    throw new RangeError(`solveGrayScott2d: u0 and v0 must have n^2 = ${m} values, got ${u0.length}, ${v0.length}`);
  if (!(opts.T > 0) || !(opts.dt > 0)) throw new RangeError(`solveGrayScott2d: T and dt must be positive, got ${opts.T}, ${opts.dt}`);
  const k = wavenumbers(n, opts.length);
  const L = new Float64Array(2 * m);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const k2 = k[r] * k[r] + k[c] * k[c];
      L[r * n + c] = -opts.epsU * k2 - opts.b;
      L[m + r * n + c] = -opts.epsV * k2 - opts.d;
    }
  }
  const ur = new Float64Array(m),
    ui = new Float64Array(m),
    vr = new Float64Array(m),
    vi = new Float64Array(m);
  const toPhysical = (sRe: Float64Array, sIm: Float64Array): void => {
    ur.set(sRe.subarray(0, m));
    ui.set(sIm.subarray(0, m));
    vr.set(sRe.subarray(m));
    vi.set(sIm.subarray(m));
    fft2InPlace(ur, ui, n, n, true);
    fft2InPlace(vr, vi, n, n, true);
  };
  const nonlinear = (sRe: Float64Array, sIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void => {
    toPhysical(sRe, sIm);
    for (let j = 0; j < m; j++) {
      const uvv = ur[j] * vr[j] * vr[j];
      ur[j] = opts.b - uvv;
      vr[j] = uvv;
      ui[j] = 0;
      vi[j] = 0;
    }
    fft2InPlace(ur, ui, n, n);
    fft2InPlace(vr, vi, n, n);
    outRe.set(ur);
    outRe.set(vr, m);
    outIm.set(ui);
    outIm.set(vi, m);
  };
  const snaps = opts.snapshots ?? 0;
  const per = snaps > 0 ? Math.ceil(opts.T / snaps / opts.dt) : 0;
  const steps = snaps > 0 ? per * snaps : Math.ceil(opts.T / opts.dt - 1e-9);
  const h = opts.T / steps;
  const stepper = new Etdrk4Stepper(L, h, nonlinear);
  const sRe = new Float64Array(2 * m),
    sIm = new Float64Array(2 * m);
  const a = Float64Array.from(u0),
    ai = new Float64Array(m),
    bb = Float64Array.from(v0),
    bi = new Float64Array(m);
  fft2InPlace(a, ai, n, n);
  fft2InPlace(bb, bi, n, n);
  sRe.set(a);
  sRe.set(bb, m);
  sIm.set(ai);
  sIm.set(bi, m);
  const snapshots: GrayScottResult['snapshots'] = [];
  for (let s = 1; s <= steps; s++) {
    stepper.step(sRe, sIm);
    if (snaps > 0 && s % per === 0) {
      toPhysical(sRe, sIm);
      snapshots.push({ t: s * h, u: Float64Array.from(ur), v: Float64Array.from(vr) });
    }
  }
  toPhysical(sRe, sIm);
  return { u: Float64Array.from(ur), v: Float64Array.from(vr), dt: h, steps, snapshots };
}
