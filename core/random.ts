// Counter-based random numbers: value i of stream `key` is a pure function of (key, i),
// so every backend and every re-run draws the same numbers.
import { allocate, type DType, type TypedArray } from './dtype.js';

/** 32-bit avalanche hash (lowbias32 by C. Wellons). */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Uniform in (0, 1) with 53 random bits: two hashed words of counter (key, i, lane). */
export function uniformAt(key: number, i: number, lane = 0): number {
  const k = mix32(key ^ 0x9e3779b9);
  const c = 2 * i + lane * 0x40000000;
  const hi = mix32(k ^ mix32(c)) >>> 5; // 27 bits
  const lo = mix32((k + 0x6a09e667) ^ mix32(c + 1)) >>> 6; // 26 bits
  return (hi * 67108864 + lo + 0.5) / 9007199254740992;
}

export type Distribution = 'normal' | 'uniform' | 'rademacher';

export function sampleInto(dist: Distribution, key: number, size: number, dtype: DType): TypedArray {
  const out = allocate(dtype, size);
  for (let i = 0; i < size; i++) {
    if (dist === 'uniform') out[i] = uniformAt(key, i);
    else if (dist === 'rademacher') out[i] = uniformAt(key, i) < 0.5 ? -1 : 1;
    else {
      // Box-Muller on two independent lanes of the same counter
      const u1 = uniformAt(key, i, 0);
      const u2 = uniformAt(key, i, 1);
      out[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
  }
  return out;
}

/** A small seeded generator for host-side choices (sampling index sets, shuffles). */
export class Rng {
  private counter = 0;
  constructor(readonly seed: number) {}
  uniform(): number {
    return uniformAt(this.seed, this.counter++);
  }
  normal(): number {
    const i = this.counter++;
    return Math.sqrt(-2 * Math.log(uniformAt(this.seed, i, 0))) * Math.cos(2 * Math.PI * uniformAt(this.seed, i, 1));
  }
  int(n: number): number {
    return Math.min(n - 1, Math.floor(this.uniform() * n));
  }
  /** k distinct integers from [0, n), by a partial Fisher-Yates shuffle. */
  choose(n: number, k: number): number[] {
    if (k > n) throw new RangeError(`choose: cannot draw ${k} distinct values from ${n}`);
    const pool = [...Array(n).keys()];
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  }
}
