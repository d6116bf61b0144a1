// Fourier helpers for periodic pseudo-spectral solvers on [0, length) with n points.

/** Angular wavenumbers 2*pi*j/length of the rfft bins j = 0..floor(n/2). */
export function rfftWavenumbers(n: number, length = 1): Float64Array {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`rfftWavenumbers: n must be an integer >= 2, got ${n}`);
  if (!(length > 0)) throw new RangeError(`rfftWavenumbers: length must be positive, got ${length}`);
  const k = new Float64Array((n >> 1) + 1);
  for (let j = 0; j < k.length; j++) k[j] = (2 * Math.PI * j) / length;
  return k;
}

/**
 * Orszag's 2/3 rule for quadratic nonlinearities: keep bins j with 3j < n, so a product of two
 * kept modes can alias only onto discarded ones. 1 = keep, 0 = drop.
 */
export function twoThirdsMask(n: number): Float64Array {
  const mask = new Float64Array((n >> 1) + 1);
  for (let j = 0; j < mask.length; j++) mask[j] = 3 * j < n ? 1 : 0;
  return mask;
}

/** Uniform periodic grid x_j = j*length/n. */
export function periodicGrid(n: number, length = 1): Float64Array {
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = (j * length) / n;
  return x;
}
