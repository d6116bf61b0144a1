// Halton sequence: radical inverse in the first `dim` primes.

export function firstPrimes(count: number): number[] {
  const primes: number[] = [];
  for (let c = 2; primes.length < count; c++) {
    if (primes.every((p) => p * p > c || c % p !== 0)) primes.push(c);
  }
  return primes;
}

export function radicalInverse(i: number, base: number): number {
  let f = 1;
  let r = 0;
  while (i > 0) {
    f /= base;
    r += f * (i % base);
    i = Math.floor(i / base);
  }
  return r;
}

export class HaltonSequence {
  private readonly bases: number[];
  private index: number;

  constructor(
    readonly dim: number,
    skip = 0,
  ) {
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`halton dim: expected a positive integer, got ${dim}`);
    this.bases = firstPrimes(dim);
    this.index = skip;
  }

  next(n: number): Float64Array {
    const out = new Float64Array(n * this.dim);
    for (let i = 0; i < n; i++, this.index++) {
      for (let j = 0; j < this.dim; j++) out[i * this.dim + j] = radicalInverse(this.index, this.bases[j]);
    }
    return out;
  }
}

export function haltonPoints(n: number, dim: number, skip = 0): Float64Array {
  return new HaltonSequence(dim, skip).next(n);
}
