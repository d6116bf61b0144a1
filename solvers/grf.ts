// Gaussian random fields with Matern-type covariance C = sigma^2 (-Delta + tau^2 I)^(-alpha),
// sampled by their Karhunen-Loeve expansion truncated to the modes a grid resolves.
// 1D: periodic unit interval, basis 1, sqrt2 cos(2 pi k x), sqrt2 sin(2 pi k x)
//     (FNO Burgers inputs: alpha = 2, tau = 5, sigma = 25, i.e. 625 (-Delta + 25 I)^-2).
// 2D: unit square with Neumann cosine basis c_k1(x) c_k2(y), c_0 = 1, c_k = sqrt2 cos(pi k x),
//     as in the FNO Darcy generator (alpha = 2, tau = 3, sigma = tau^(alpha-1), constant mode dropped).
import { irfft } from '../core/kernels/fft.js';
import { Rng } from '../core/random.js';

export interface GrfParams {
  alpha?: number;
  tau?: number;
  sigma?: number;
  /** zero the constant mode so every sample has mean zero */
  dropConstantMode?: boolean;
}

function checkParams(name: string, alpha: number, tau: number, sigma: number): void {
  if (!(alpha > 0)) throw new RangeError(`${name}: alpha must be positive, got ${alpha}`);
  if (!(tau >= 0)) throw new RangeError(`${name}: tau must be >= 0, got ${tau}`);
  if (!(sigma > 0)) throw new RangeError(`${name}: sigma must be positive, got ${sigma}`);
}

function checkCount(name: string, key: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name}: ${key} must be an integer >= ${min}, got ${v}`);
}

export interface Grf1dOptions extends GrfParams {
  /** grid points on [0, 1), x_j = j / n */
  n: number;
  /** number of samples (default 1) */
  count?: number;
  seed: number;
}

/** KL eigenvalues lambda_k = sigma^2 ((2 pi k)^2 + tau^2)^(-alpha) for k = 0..floor(n/2). */
export function grf1dEigenvalues(n: number, params: GrfParams = {}): Float64Array {
  const { alpha = 2, tau = 5, sigma = 25 } = params;
  checkParams('grf1dEigenvalues', alpha, tau, sigma);
  checkCount('grf1dEigenvalues', 'n', n, 2);
  const lam = new Float64Array((n >> 1) + 1);
  for (let k = 0; k < lam.length; k++) lam[k] = sigma * sigma * ((2 * Math.PI * k) ** 2 + tau * tau) ** -alpha;
  if (params.dropConstantMode) lam[0] = 0;
  if (lam[0] === Infinity) throw new RangeError('grf1dEigenvalues: tau = 0 needs dropConstantMode: true');
  return lam;
}

/** count x n samples (row-major) of the periodic 1D field at x_j = j/n. */
export function sampleGrf1d(opts: Grf1dOptions): Float64Array {
  const { n, count = 1, seed } = opts;
  checkCount('sampleGrf1d', 'n', n, 2);
  checkCount('sampleGrf1d', 'count', count, 1);
  const lam = grf1dEigenvalues(n, opts);
  const rng = new Rng(seed);
  const out = new Float64Array(count * n);
  for (let s = 0; s < count; s++) {
    const X = grf1dSpectrum(lam, n, rng);
    out.set(irfft(X.re, X.im, n), s * n);
  }
  return out;
}

/**
 * One draw of the rfft half-spectrum X of a periodic field with KL eigenvalues lam (n/2+1 bins).
 * irfft divides by n and doubles interior bins: X_k = n sqrt(lam_k/2) (a - i b) gives
 * sqrt(lam_k) (a sqrt2 cos + b sqrt2 sin); the Nyquist bin carries only its cosine.
 */
export function grf1dSpectrum(lam: Float64Array, n: number, rng: Rng): { re: Float64Array; im: Float64Array } {
  const bins = (n >> 1) + 1;
  if (lam.length !== bins) throw new RangeError(`grf1dSpectrum: expected ${bins} eigenvalues for n = ${n}, got ${lam.length}`);
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  re[0] = n * Math.sqrt(lam[0]) * rng.normal();
  for (let k = 1; k < bins; k++) {
    const nyquist = n % 2 === 0 && k === bins - 1;
    const amp = n * Math.sqrt(nyquist ? 2 * lam[k] : lam[k] / 2);
    re[k] = amp * rng.normal();
    im[k] = nyquist ? 0 : -amp * rng.normal();
  }
  return { re, im };
}

export interface Grf2dOptions extends GrfParams {
  /** nodes per side on [0, 1], x_i = i / (s - 1) (the Darcy solver's grid) */
  s: number;
  /** cosine modes per direction (default s) */
  modes?: number;
  count?: number;
  seed: number;
}

/** Standard deviations sqrt(lambda) of the 2D Neumann-cosine modes, row-major modes x modes. */
export function grf2dStd(modes: number, params: GrfParams = {}): Float64Array {
  const { alpha = 2, tau = 3 } = params;
  const sigma = params.sigma ?? tau ** (alpha - 1);
  checkParams('grf2dStd', alpha, tau, sigma);
  checkCount('grf2dStd', 'modes', modes, 1);
  const std = new Float64Array(modes * modes);
  for (let a = 0; a < modes; a++) {
    for (let b = 0; b < modes; b++) {
      std[a * modes + b] = sigma * (Math.PI ** 2 * (a * a + b * b) + tau * tau) ** (-alpha / 2);
    }
  }
  if (params.dropConstantMode ?? true) std[0] = 0;
  if (!Number.isFinite(std[0])) throw new RangeError('grf2dStd: tau = 0 needs dropConstantMode: true');
  return std;
}

/** Cosine basis table c_k(x_i), modes x s. */
function cosineBasis(modes: number, s: number): Float64Array {
  const c = new Float64Array(modes * s);
  for (let k = 0; k < modes; k++) {
    for (let i = 0; i < s; i++) c[k * s + i] = k === 0 ? 1 : Math.SQRT2 * Math.cos((Math.PI * k * i) / (s - 1));
  }
  return c;
}

/** count x s x s samples (row-major, index [sample][iy][ix]) of the 2D field on the node grid. */
export function sampleGrf2d(opts: Grf2dOptions): Float64Array {
  const { s, count = 1, seed } = opts;
  checkCount('sampleGrf2d', 's', s, 2);
  checkCount('sampleGrf2d', 'count', count, 1);
  const modes = opts.modes ?? s;
  checkCount('sampleGrf2d', 'modes', modes, 1);
  const std = grf2dStd(modes, opts);
  const basis = cosineBasis(modes, s);
  const rng = new Rng(seed);
  const out = new Float64Array(count * s * s);
  const coef = new Float64Array(modes * modes);
  const half = new Float64Array(modes * s); // coef (modes_y x modes_x) times basis_x
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < coef.length; i++) coef[i] = std[i] * rng.normal();
    // field[iy][ix] = sum_ky c_ky(y) sum_kx coef[ky][kx] c_kx(x): two small matrix products
    half.fill(0);
    for (let ky = 0; ky < modes; ky++) {
      for (let kx = 0; kx < modes; kx++) {
        const a = coef[ky * modes + kx];
        if (a === 0) continue;
        const row = ky * s,
          brow = kx * s;
        for (let ix = 0; ix < s; ix++) half[row + ix] += a * basis[brow + ix];
      }
    }
    const base = n * s * s;
    for (let ky = 0; ky < modes; ky++) {
      for (let iy = 0; iy < s; iy++) {
        const w = basis[ky * s + iy];
        const o = base + iy * s,
          h = ky * s;
        for (let ix = 0; ix < s; ix++) out[o + ix] += w * half[h + ix];
      }
    }
  }
  return out;
}

/** FNO Darcy coefficient: high where the field is >= 0, low elsewhere (12 and 3 by default). */
export function thresholdCoefficient(field: Float64Array, high = 12, low = 3): Float64Array {
  if (!(high > 0) || !(low > 0)) throw new RangeError(`thresholdCoefficient: high and low must be positive, got ${high} and ${low}`);
  return field.map((v) => (v >= 0 ? high : low));
}
