// 1D Kuramoto-Sivashinsky u_t + alpha u u_x + beta u_xx + gamma u_xxxx = 0, periodic on [0, length):
// spectral in space, ETDRK4 in time (Kassam & Trefethen 2005, their KS example) with the stiff linear part
// beta k^2 - gamma k^4 treated exactly and -alpha (u^2 / 2)_x, dealiased by the 2/3 rule, as the nonlinearity.
// alpha = beta = gamma = 1 on [0, 32 pi) is the classical form; PINNacle's KS rescales it to [0, 2 pi) x [0, 1].
import { rfft, irfft } from '../core/kernels/fft.js';
import { rfftWavenumbers, twoThirdsMask } from './spectral.js';
import { etdrk4Integrate, type Etdrk4Result, type SpectralNonlinearity } from './etdrk4.js';

export interface KuramotoSivashinskyOptions {
  alpha: number;
  beta: number;
  gamma: number;
  T: number;
  dt: number;
  /** period (default 2 pi) */
  length?: number;
  snapshots?: number;
}

export function solveKuramotoSivashinsky1d(u0: Float64Array, opts: KuramotoSivashinskyOptions): Etdrk4Result {
  const n = u0.length;
  if (!Number.isInteger(n) || n < 8) throw new RangeError(`solveKuramotoSivashinsky1d: u0 must have at least 8 points, got ${n}`);
  for (const key of ['alpha', 'beta', 'gamma'] as const) {
    if (!Number.isFinite(opts[key])) throw new RangeError(`solveKuramotoSivashinsky1d: ${key} must be finite, got ${opts[key]}`);
  }
  const k = rfftWavenumbers(n, opts.length ?? 2 * Math.PI);
  const L = k.map((kk) => opts.beta * kk * kk - opts.gamma * kk ** 4);
  const mask = twoThirdsMask(n);
  const a = opts.alpha;
  // N(v) = -alpha/2 * i k * FFT(u^2)
  const nonlinear: SpectralNonlinearity = (vRe, vIm, outRe, outIm) => {
    const u = irfft(vRe, vIm, n);
    for (let j = 0; j < n; j++) u[j] = u[j] * u[j];
    const w = rfft(u);
    for (let j = 0; j < k.length; j++) {
      const g = -0.5 * a * k[j] * mask[j];
      outRe[j] = -g * w.im[j];
      outIm[j] = g * w.re[j];
    }
  };
  return etdrk4Integrate(u0, L, nonlinear, { T: opts.T, dt: opts.dt, snapshots: opts.snapshots });
}
