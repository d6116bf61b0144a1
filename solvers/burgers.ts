// 1D viscous Burgers u_t + (u^2/2)_x = nu u_xx, periodic on [0, 1): pseudo-spectral in space
// with 2/3-rule dealiasing of the quadratic flux, ETDRK4 in time (diffusion treated exactly).
import { rfft, irfft } from '../core/kernels/fft.js';
import { rfftWavenumbers, twoThirdsMask } from './spectral.js';
import { etdrk4Integrate, Etdrk4Stepper, type Etdrk4Result, type SpectralNonlinearity } from './etdrk4.js';

export interface BurgersOptions {
  /** viscosity, > 0 */
  nu: number;
  /** final time */
  T: number;
  /** time step (rounded down so that T is reached exactly); default 1e-3 */
  dt?: number;
  /** also return this many evenly spaced snapshots */
  snapshots?: number;
}

function checkBurgers(n: number, nu: number): void {
  if (!Number.isInteger(n) || n < 4) throw new RangeError(`burgers: grid size must be an integer >= 4, got ${n}`);
  if (!(nu > 0)) throw new RangeError(`burgers: nu must be positive, got ${nu}`);
}

/** Linear symbol -nu k^2 and the dealiased flux term -(1/2) i k FFT(u^2). */
export function burgersOperators(n: number, nu: number): { L: Float64Array; nonlinear: SpectralNonlinearity } {
  checkBurgers(n, nu);
  const k = rfftWavenumbers(n, 1);
  const mask = twoThirdsMask(n);
  const L = k.map((kk) => -nu * kk * kk);
  const nonlinear: SpectralNonlinearity = (vRe, vIm, outRe, outIm) => {
    const u = irfft(vRe, vIm, n);
    for (let j = 0; j < n; j++) u[j] *= u[j];
    const w = rfft(u);
    for (let j = 0; j < k.length; j++) {
      const g = 0.5 * k[j] * mask[j];
      outRe[j] = g * w.im[j];
      outIm[j] = -g * w.re[j];
    }
  };
  return { L, nonlinear };
}

/** Solves Burgers from u0 (n equispaced samples of one period) up to time T. */
export function solveBurgers1d(u0: Float64Array, opts: BurgersOptions): Etdrk4Result {
  const { L, nonlinear } = burgersOperators(u0.length, opts.nu);
  return etdrk4Integrate(u0, L, nonlinear, { T: opts.T, dt: opts.dt ?? 1e-3, snapshots: opts.snapshots });
}

/** A reusable stepper on the rfft half-spectrum (benchmarks, custom output schedules). */
export function burgersStepper(n: number, nu: number, dt: number): Etdrk4Stepper {
  const { L, nonlinear } = burgersOperators(n, nu);
  return new Etdrk4Stepper(L, dt, nonlinear);
}
