// Under-resolution check for fixed collocation points: a network can fit a few fixed points while missing the
// solution between them. When the RMS PDE residual on fresh random points exceeds the one on the training
// points by more than RATIO_LIMIT, training reports a warning (the runner prints it once and records it).

export const UNDER_RESOLVED = 'collocation points under-resolve the solution: set resample_every or raise points.domain';
export const RATIO_LIMIT = 10;

/** sqrt(sum over residual components of mean(r^2)), the RMS matching a term's squared-residual loss. */
export function rmsResidual(rs: readonly Float64Array[]): number {
  let s = 0;
  for (const r of rs) {
    let a = 0;
    for (const v of r) a += v * v;
    s += a / Math.max(r.length, 1);
  }
  return Math.sqrt(s);
}

/** Fresh-point RMS residual over training-point RMS residual. */
export function residualRatio(fresh: readonly Float64Array[], train: readonly Float64Array[]): number {
  return rmsResidual(fresh) / Math.max(rmsResidual(train), 1e-300);
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
