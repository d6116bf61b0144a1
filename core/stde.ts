// Stochastic Taylor derivative estimators (Shi et al., NeurIPS 2024): unbiased randomized operators
// from low-order jets along random directions.
import { Tensor } from './tensor.js';
import { jet } from './api.js';
import { Rng } from './random.js';
import { tileDirections, tileRows, unitVector, weightedBlockSum } from './directions.js';

export interface StdeOptions {
  /** number of sampled directions (sparse: |J|, dense: Hutchinson probes); default 16 / capped at d */
  samples?: number;
  /** seed of this draw; pass a new one each step for fresh samples */
  rng?: number;
  /** dense probe distribution */
  distribution?: 'rademacher' | 'gaussian';
}

type RowFn = (x: Tensor) => Tensor;

/**
 * Laplacian estimate. Sparse: (d/|J|) sum_{j in J} d2f/dx_j^2 over |J| coordinates drawn without replacement.
 * Dense: (1/S) sum_s v_s^T H v_s with E[v v^T] = I (Rademacher or Gaussian probes), one probe set per point.
 */
export function stdeLaplacian(f: RowFn, x: Tensor, opts: StdeOptions & { estimator: 'stde-sparse' | 'stde-dense' }): Tensor {
  const [N, d] = x.shape;
  const rng = new Rng(opts.rng ?? 0);
  const samples = opts.samples ?? 16;
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`laplacian: samples must be a positive integer, got ${samples}`);
  if (opts.estimator === 'stde-sparse') {
    const J = rng.choose(d, Math.min(samples, d));
    const dirs = J.map((j) => unitVector(d, j));
    const y2 = jet(f, tileRows(x, J.length), [tileDirections(dirs, N, x.dtype), null])[1][1];
    return weightedBlockSum(y2, J.length, J.map(() => d / J.length));
  }
  if (opts.estimator !== 'stde-dense') throw new Error(`laplacian: unknown estimator '${String(opts.estimator)}'`);
  const gaussian = opts.distribution === 'gaussian';
  const probes = x.dtype === 'f64' ? new Float64Array(samples * N * d) : new Float32Array(samples * N * d);
  for (let i = 0; i < probes.length; i++) probes[i] = gaussian ? rng.normal() : rng.uniform() < 0.5 ? -1 : 1;
  const y2 = jet(f, tileRows(x, samples), [new Tensor([samples * N, d], x.dtype, probes), null])[1][1];
  return weightedBlockSum(y2, samples, Array<number>(samples).fill(1 / samples));
}
