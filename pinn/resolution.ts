// Under-resolution check for fixed collocation points: a network can fit a few fixed points while missing the
// solution between them. When the RMS PDE residual on fresh random points exceeds the one on the training
// points by more than RATIO_LIMIT, training reports a warning (the runner prints it once and records it).

export const UNDER_RESOLVED = 'collocation points under-resolve the solution: set resample_every or raise points.domain';
export const RATIO_LIMIT = 10;

/**
 * Fresh-point RMS residual over training-point RMS residual, from the mean squared residuals (summed over
 * residual components and PDE terms, as the loss sums them).
 */
export function rmsRatio(freshMse: number, trainMse: number): number {
  return Math.sqrt(freshMse / Math.max(trainMse, 1e-300));
}

/** Every `stride`-th row (at most `max` rows) of row-major points: a spread-out subset even for sequences ordered along one axis. */
export function strideRows(x: Float64Array, dim: number, max: number): Float64Array {
  const n = x.length / dim;
  if (n <= max) return x;
  const stride = n / max;
  const out = new Float64Array(max * dim);
  for (let i = 0; i < max; i++) out.set(x.subarray(Math.floor(i * stride) * dim, (Math.floor(i * stride) + 1) * dim), i * dim);
  return out;
}
