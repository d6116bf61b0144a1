// Hammersley set: point i of n is (i/n, phi_2(i+1), phi_3(i+1), phi_5(i+1), ...), the first coordinate
// evenly spaced and the others radical inverses in successive primes (Halton without its first axis).
// The radical-inverse index starts at 1 so point 0 is not the origin corner.
import { firstPrimes, radicalInverse } from './halton.js';

/** Streaming Hammersley: each next(n) is an n-point set; the radical-inverse index continues across calls. */
export class HammersleySequence {
  private readonly bases: number[];
  private index = 1;

  constructor(readonly dim: number) {
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`hammersley dim: expected a positive integer, got ${dim}`);
    this.bases = firstPrimes(dim - 1);
  }

  next(n: number): Float64Array {
    const d = this.dim;
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++, this.index++) {
      out[i * d] = i / n;
      for (let j = 1; j < d; j++) out[i * d + j] = radicalInverse(this.index, this.bases[j - 1]);
    }
    return out;
  }
}

export function hammersleyPoints(n: number, dim: number): Float64Array {
  return new HammersleySequence(dim).next(n);
}
