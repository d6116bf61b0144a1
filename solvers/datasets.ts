// Input/output pairs for operator learning (FNO, DeepONet), stacked row-major as
// [count, ...grid] Float64Arrays. Every dataset is a pure function of its options and seed.
import { irfft } from '../core/kernels/fft.js';
import { Rng } from '../core/random.js';
import { grf1dEigenvalues, grf1dSpectrum, sampleGrf1d, sampleGrf2d, thresholdCoefficient, type GrfParams } from './grf.js';
import { solveBurgers1d } from './burgers.js';
import { solveDarcy } from './darcy.js';
import type { PreconditionerKind } from './spdSolve.js';

export interface OperatorDataset {
  /** count x prod(gridShape) input functions */
  inputs: Float64Array;
  /** count x prod(gridShape) output functions */
  outputs: Float64Array;
  count: number;
  /** points per axis of one sample */
  gridShape: number[];
  /** coordinates along each axis (the same for every axis in 2D) */
  grid: Float64Array;
}

function checkInt(name: string, key: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name}: ${key} must be an integer >= ${min}, got ${v}`);
}

export interface BurgersDatasetOptions {
  /** number of samples */
  n: number;
  /** output grid points on [0, 1) */
  resolution: number;
  nu?: number;
  T?: number;
  seed: number;
  /** solve on a finer grid and subsample (a multiple of resolution; default resolution) */
  solverResolution?: number;
  /** time step; default min(1e-3, 1 / (2 N max|u0|)), an advective CFL bound for the kept modes */
  dt?: number;
  /** initial-condition GRF (default FNO: alpha 2, tau 5, sigma 25) */
  grf?: GrfParams;
}

/** FNO Burgers data: a = u0 ~ GRF, output u(., T), both on x_j = j/resolution. */
export function burgersDataset(opts: BurgersDatasetOptions): OperatorDataset {
  const { n, resolution, seed } = opts;
  const nu = opts.nu ?? 0.1,
    T = opts.T ?? 1;
  checkInt('burgersDataset', 'n', n, 1);
  checkInt('burgersDataset', 'resolution', resolution, 4);
  const N = opts.solverResolution ?? resolution;
  if (!Number.isInteger(N) || N % resolution !== 0) {
    throw new RangeError(`burgersDataset: solverResolution must be a multiple of resolution ${resolution}, got ${N}`);
  }
  const stride = N / resolution;
  const u0s = sampleGrf1d({ ...opts.grf, n: N, count: n, seed });
  const inputs = new Float64Array(n * resolution);
  const outputs = new Float64Array(n * resolution);
  for (let s = 0; s < n; s++) {
    const u0 = u0s.subarray(s * N, (s + 1) * N);
    let peak = 0;
    for (let j = 0; j < N; j++) peak = Math.max(peak, Math.abs(u0[j]));
    const dt = opts.dt ?? Math.min(1e-3, 1 / (2 * N * Math.max(peak, 1e-12)));
    const { u } = solveBurgers1d(u0, { nu, T, dt });
    for (let j = 0; j < resolution; j++) {
      inputs[s * resolution + j] = u0[j * stride];
      outputs[s * resolution + j] = u[j * stride];
    }
  }
  return { inputs, outputs, count: n, gridShape: [resolution], grid: Float64Array.from({ length: resolution }, (_, j) => j / resolution) };
}

export interface DarcyDatasetOptions {
  n: number;
  /** nodes per side on [0, 1] (FNO: 421, 241, 85); s - 1 even enables multigrid */
  resolution: number;
  seed: number;
  /** coefficient field GRF (default FNO Darcy: alpha 2, tau 3) */
  grf?: GrfParams;
  /** coefficient values where the field is >= 0 / < 0 (default 12 / 3) */
  high?: number;
  low?: number;
  preconditioner?: PreconditionerKind;
  tol?: number;
}

/** FNO Darcy data: a = threshold(GRF), output u solving -div(a grad u) = 1, u = 0 on the boundary. */
export function darcyDataset(opts: DarcyDatasetOptions): OperatorDataset {
  const { n, resolution: s, seed } = opts;
  checkInt('darcyDataset', 'n', n, 1);
  checkInt('darcyDataset', 'resolution', s, 3);
  const fields = sampleGrf2d({ ...opts.grf, s, count: n, seed });
  const inputs = thresholdCoefficient(fields, opts.high ?? 12, opts.low ?? 3);
  const outputs = new Float64Array(n * s * s);
  for (let k = 0; k < n; k++) {
    const a = inputs.subarray(k * s * s, (k + 1) * s * s);
    const r = solveDarcy(a, { preconditioner: opts.preconditioner, tol: opts.tol ?? 1e-10 });
    if (!r.converged) throw new Error(`darcyDataset: PCG did not converge for sample ${k}`);
    outputs.set(r.u, k * s * s);
  }
  return { inputs, outputs, count: n, gridShape: [s, s], grid: Float64Array.from({ length: s }, (_, i) => i / (s - 1)) };
}

export interface AntiderivativeDatasetOptions {
  n: number;
  /** grid points x_j = j/resolution on [0, 1) */
  resolution: number;
  seed: number;
  /** GRF for v (default alpha 2, tau 5, sigma 25) */
  grf?: GrfParams;
}

/**
 * DeepONet antiderivative data: v ~ periodic GRF, u(x) = int_0^x v. The GRF sample is the
 * trigonometric polynomial its grid values interpolate, so it is integrated exactly mode by
 * mode (constant mode -> c0 x, mode k -> X_k / (2 pi i k)) instead of by a quadrature rule.
 */
export function antiderivativeDataset(opts: AntiderivativeDatasetOptions): OperatorDataset {
  const { n, resolution: m, seed } = opts;
  checkInt('antiderivativeDataset', 'n', n, 1);
  checkInt('antiderivativeDataset', 'resolution', m, 2);
  const lam = grf1dEigenvalues(m, opts.grf);
  const rng = new Rng(seed);
  const inputs = new Float64Array(n * m);
  const outputs = new Float64Array(n * m);
  const bins = lam.length;
  for (let s = 0; s < n; s++) {
    const X = grf1dSpectrum(lam, m, rng);
    inputs.set(irfft(X.re, X.im, m), s * m);
    const mean = X.re[0] / m;
    const ure = new Float64Array(bins),
      uim = new Float64Array(bins);
    for (let k = 1; k < bins; k++) {
      if (m % 2 === 0 && k === bins - 1) continue; // the Nyquist cosine integrates to sin(pi m x) = 0 on the grid
      const w = 2 * Math.PI * k;
      ure[k] = X.im[k] / w; // X / (i w) = (X.im - i X.re) / w
      uim[k] = -X.re[k] / w;
    }
    const periodic = irfft(ure, uim, m);
    for (let j = 0; j < m; j++) outputs[s * m + j] = mean * (j / m) + periodic[j] - periodic[0];
  }
  return { inputs, outputs, count: n, gridShape: [m], grid: Float64Array.from({ length: m }, (_, j) => j / m) };
}
