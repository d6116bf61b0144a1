// 1D Allen-Cahn u_t = eps u_xx + u - u^3, periodic on [0, length): spectral in space, ETDRK4 in
// time with the stiff linear part (1 - eps k^2) treated exactly. It is the L2 gradient flow of
// E(u) = int eps/2 u_x^2 + (u^2 - 1)^2 / 4 dx, so E must not increase.
import { rfft } from '../core/kernels/fft.js';
import { rfftWavenumbers } from './spectral.js';
import { etdrk4Integrate, pointwiseNonlinearity, type Etdrk4Result } from './etdrk4.js';

export interface AllenCahnOptions {
  eps: number;
  T: number;
  dt: number;
  /** period (default 1) */
  length?: number;
  snapshots?: number;
}

export function solveAllenCahn1d(u0: Float64Array, opts: AllenCahnOptions): Etdrk4Result {
  const n = u0.length;
  if (!Number.isInteger(n) || n < 4) throw new RangeError(`solveAllenCahn1d: u0 must have at least 4 points, got ${n}`);
  if (!(opts.eps > 0)) throw new RangeError(`solveAllenCahn1d: eps must be positive, got ${opts.eps}`);
  const k = rfftWavenumbers(n, opts.length ?? 1);
  const L = k.map((kk) => 1 - opts.eps * kk * kk);
  return etdrk4Integrate(
    u0,
    L,
    pointwiseNonlinearity(n, (u) => -u * u * u),
    { T: opts.T, dt: opts.dt, snapshots: opts.snapshots },
  );
}

/** Ginzburg-Landau energy with a spectral derivative and the periodic trapezoid rule. */
export function allenCahnEnergy(u: Float64Array, eps: number, length = 1): number {
  const n = u.length;
  const k = rfftWavenumbers(n, length);
  const f = rfft(u);
  // Parseval on the half spectrum: interior bins count twice
  let gradient = 0;
  for (let j = 1; j < f.re.length; j++) {
    const weight = n % 2 === 0 && j === n / 2 ? 1 : 2;
    gradient += weight * k[j] * k[j] * (f.re[j] ** 2 + f.im[j] ** 2);
  }
  gradient *= length / (n * n);
  let potential = 0;
  for (let j = 0; j < n; j++) potential += (u[j] * u[j] - 1) ** 2 / 4;
  potential *= length / n;
  return (eps / 2) * gradient + potential;
}
