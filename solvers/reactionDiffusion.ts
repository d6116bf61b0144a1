// 1D Fisher-KPP reaction-diffusion u_t = nu u_xx + rho u (1 - u), periodic on [0, length):
// spectral in space, ETDRK4 in time with the stiff linear part (rho - nu k^2) treated exactly and
// -rho u^2 as the nonlinearity. The stiff regime (large rho, nu) is a known PINN failure case
// (Krishnapriyan et al. 2021), so this is the reference for configs/reaction-diffusion.yaml.
import { rfftWavenumbers } from './spectral.js';
import { etdrk4Integrate, pointwiseNonlinearity, type Etdrk4Result } from './etdrk4.js';

export interface ReactionDiffusionOptions {
  /** diffusivity, >= 0 */
  nu: number;
  /** reaction rate, >= 0 */
  rho: number;
  T: number;
  dt: number;
  /** period (default 2 pi) */
  length?: number;
  snapshots?: number;
}

export function solveReactionDiffusion1d(u0: Float64Array, opts: ReactionDiffusionOptions): Etdrk4Result {
  const n = u0.length;
  if (!Number.isInteger(n) || n < 4) throw new RangeError(`solveReactionDiffusion1d: u0 must have at least 4 points, got ${n}`);
  if (!(opts.nu >= 0)) throw new RangeError(`solveReactionDiffusion1d: nu must be >= 0, got ${opts.nu}`);
  if (!(opts.rho >= 0)) throw new RangeError(`solveReactionDiffusion1d: rho must be >= 0, got ${opts.rho}`);
  const k = rfftWavenumbers(n, opts.length ?? 2 * Math.PI);
  const L = k.map((kk) => opts.rho - opts.nu * kk * kk);
  const rho = opts.rho;
  return etdrk4Integrate(
    u0,
    L,
    pointwiseNonlinearity(n, (u) => -rho * u * u),
    { T: opts.T, dt: opts.dt, snapshots: opts.snapshots },
  );
}
