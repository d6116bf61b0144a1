// Exponential time differencing RK4 (Cox & Matthews 2002) for diagonal stiff linear parts,
// with the phi-function coefficients evaluated by Kassam & Trefethen's (2005) contour integral,
// which avoids the cancellation of the direct formulas when h*L is near zero.
import { rfft, irfft } from '../core/kernels/fft.js';

export interface Etdrk4Coefficients {
  /** exp(hL) and exp(hL/2) */
  E: Float64Array;
  E2: Float64Array;
  /** h * phi-type weights (Kassam-Trefethen Q, f1, f2, f3) */
  Q: Float64Array;
  f1: Float64Array;
  f2: Float64Array;
  f3: Float64Array;
}

/** Coefficients for a real diagonal linear operator L (one entry per spectral mode) and step h. */
export function etdrk4Coefficients(L: Float64Array, h: number, contourPoints = 32): Etdrk4Coefficients {
  if (!(h > 0)) throw new RangeError(`etdrk4Coefficients: step h must be positive, got ${h}`);
  if (!Number.isInteger(contourPoints) || contourPoints < 4) {
    throw new RangeError(`etdrk4Coefficients: contourPoints must be an integer >= 4, got ${contourPoints}`);
  }
  const m = L.length;
  const c: Etdrk4Coefficients = {
    E: new Float64Array(m),
    E2: new Float64Array(m),
    Q: new Float64Array(m),
    f1: new Float64Array(m),
    f2: new Float64Array(m),
    f3: new Float64Array(m),
  };
  const M = contourPoints;
  for (let i = 0; i < m; i++) {
    const hl = h * L[i];
    c.E[i] = Math.exp(hl);
    c.E2[i] = Math.exp(hl / 2);
    let q = 0,
      a1 = 0,
      a2 = 0,
      a3 = 0;
    for (let j = 1; j <= M; j++) {
      const th = (Math.PI * (j - 0.5)) / M;
      // z = hL + exp(i*th) on a unit circle around hL; only real parts are kept (conjugate pairs)
      const zr = hl + Math.cos(th),
        zi = Math.sin(th);
      const ez = Math.exp(zr),
        er = ez * Math.cos(zi),
        ei = ez * Math.sin(zi);
      const eh = Math.exp(zr / 2),
        hr = eh * Math.cos(zi / 2),
        hi = eh * Math.sin(zi / 2);
      const z2r = zr * zr - zi * zi,
        z2i = 2 * zr * zi;
      const z3r = z2r * zr - z2i * zi,
        z3i = z2r * zi + z2i * zr;
      q += divRe(hr - 1, hi, zr, zi);
      // (-4 - z + e^z (4 - 3z + z^2)) / z^3
      const p1r = 4 - 3 * zr + z2r,
        p1i = -3 * zi + z2i;
      a1 += divRe(-4 - zr + er * p1r - ei * p1i, -zi + er * p1i + ei * p1r, z3r, z3i);
      // (2 + z + e^z (z - 2)) / z^3
      const p2r = zr - 2,
        p2i = zi;
      a2 += divRe(2 + zr + er * p2r - ei * p2i, zi + er * p2i + ei * p2r, z3r, z3i);
      // (-4 - 3z - z^2 + e^z (4 - z)) / z^3
      const p3r = 4 - zr,
        p3i = -zi;
      a3 += divRe(-4 - 3 * zr - z2r + er * p3r - ei * p3i, -3 * zi - z2i + er * p3i + ei * p3r, z3r, z3i);
    }
    c.Q[i] = (h * q) / M;
    c.f1[i] = (h * a1) / M;
    c.f2[i] = (h * a2) / M;
    c.f3[i] = (h * a3) / M;
  }
  return c;
}

function divRe(ar: number, ai: number, br: number, bi: number): number {
  return (ar * br + ai * bi) / (br * br + bi * bi);
}

/** Spectral nonlinearity: writes N(v) for the half-spectrum v (rfft bins) into out. */
export type SpectralNonlinearity = (vRe: Float64Array, vIm: Float64Array, outRe: Float64Array, outIm: Float64Array) => void;

/** Advances the rfft half-spectrum of a real periodic field by ETDRK4 steps of size h. */
/** A nonlinearity N(u) applied pointwise in physical space: irfft, f at every point, rfft (reaction terms). */
export function pointwiseNonlinearity(n: number, f: (u: number) => number): SpectralNonlinearity {
  return (vRe, vIm, outRe, outIm) => {
    const u = irfft(vRe, vIm, n);
    for (let j = 0; j < n; j++) u[j] = f(u[j]);
    const w = rfft(u);
    outRe.set(w.re);
    outIm.set(w.im);
  };
}

export class Etdrk4Stepper {
  readonly coefficients: Etdrk4Coefficients;
  private readonly bins: number;
  private readonly buf: Float64Array[];

  constructor(
    L: Float64Array,
    readonly h: number,
    private readonly nonlinear: SpectralNonlinearity,
    contourPoints = 32,
  ) {
    this.coefficients = etdrk4Coefficients(L, h, contourPoints);
    this.bins = L.length;
    this.buf = Array.from({ length: 12 }, () => new Float64Array(this.bins));
  }

  /** One step, in place on (vRe, vIm). */
  step(vRe: Float64Array, vIm: Float64Array): void {
    const { E, E2, Q, f1, f2, f3 } = this.coefficients;
    const [nvR, nvI, aR, aI, naR, naI, bR, bI, nbR, nbI, cR, cI] = this.buf;
    const m = this.bins;
    this.nonlinear(vRe, vIm, nvR, nvI);
    for (let k = 0; k < m; k++) {
      aR[k] = E2[k] * vRe[k] + Q[k] * nvR[k];
      aI[k] = E2[k] * vIm[k] + Q[k] * nvI[k];
    }
    this.nonlinear(aR, aI, naR, naI);
    for (let k = 0; k < m; k++) {
      bR[k] = E2[k] * vRe[k] + Q[k] * naR[k];
      bI[k] = E2[k] * vIm[k] + Q[k] * naI[k];
    }
    this.nonlinear(bR, bI, nbR, nbI);
    for (let k = 0; k < m; k++) {
      cR[k] = E2[k] * aR[k] + Q[k] * (2 * nbR[k] - nvR[k]);
      cI[k] = E2[k] * aI[k] + Q[k] * (2 * nbI[k] - nvI[k]);
    }
    // c's nonlinearity can overwrite a's buffers: a is no longer needed
    this.nonlinear(cR, cI, aR, aI);
    for (let k = 0; k < m; k++) {
      vRe[k] = E[k] * vRe[k] + f1[k] * nvR[k] + 2 * f2[k] * (naR[k] + nbR[k]) + f3[k] * aR[k];
      vIm[k] = E[k] * vIm[k] + f1[k] * nvI[k] + 2 * f2[k] * (naI[k] + nbI[k]) + f3[k] * aI[k];
    }
  }
}

export interface Etdrk4RunOptions {
  /** final time */
  T: number;
  /** requested step; the actual step is T / ceil(T / dt) so that T is hit exactly */
  dt: number;
  /** record this many evenly spaced snapshots at t = T*i/snapshots, i = 1..snapshots */
  snapshots?: number;
}

export interface Etdrk4Result {
  u: Float64Array;
  dt: number;
  steps: number;
  /** snapshots[i] is u at times[i] (empty unless requested) */
  snapshots: Float64Array[];
  times: number[];
}

/** Integrates a real periodic field u0 (n points) with linear symbol L (n/2+1 bins) and nonlinearity N. */
export function etdrk4Integrate(u0: Float64Array, L: Float64Array, nonlinear: SpectralNonlinearity, opts: Etdrk4RunOptions): Etdrk4Result {
  const n = u0.length;
  if (L.length !== (n >> 1) + 1) throw new RangeError(`etdrk4Integrate: L must have ${(n >> 1) + 1} bins for n = ${n}, got ${L.length}`);
  if (!(opts.T > 0)) throw new RangeError(`etdrk4Integrate: T must be positive, got ${opts.T}`);
  if (!(opts.dt > 0)) throw new RangeError(`etdrk4Integrate: dt must be positive, got ${opts.dt}`);
  const snaps = opts.snapshots ?? 0;
  if (!Number.isInteger(snaps) || snaps < 0)
    throw new RangeError(`etdrk4Integrate: snapshots must be a non-negative integer, got ${snaps}`);
  const per = snaps > 0 ? Math.ceil(opts.T / snaps / opts.dt) : 0;
  const steps = snaps > 0 ? per * snaps : Math.ceil(opts.T / opts.dt - 1e-9);
  const h = opts.T / steps;
  const stepper = new Etdrk4Stepper(L, h, nonlinear);
  const v = rfft(u0);
  const snapshots: Float64Array[] = [];
  const times: number[] = [];
  for (let s = 1; s <= steps; s++) {
    stepper.step(v.re, v.im);
    if (snaps > 0 && s % per === 0) {
      snapshots.push(irfft(v.re, v.im, n));
      times.push(s * h);
    }
  }
  return { u: irfft(v.re, v.im, n), dt: h, steps, snapshots, times };
}
