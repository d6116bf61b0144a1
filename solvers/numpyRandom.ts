// NumPy's legacy global generator (np.random.seed / rand / randn), bit-for-bit: MT19937 seeded as
// RandomState._legacy_seeding does, doubles built as random_sample does, normals by the polar Box-Muller
// method of legacy_gauss (which caches the second value). Reference data whose coefficients PINNacle draws
// with NumPy can then be regenerated here exactly instead of being shipped.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** 32-bit unsigned product mod 2^32 without losing bits to float rounding. */
const mul32 = (a: number, b: number): number => {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  return ((((aHi * b) & 0xffff) << 16) + aLo * b) >>> 0;
};

/**
 * The state of `numpy.random.RandomState` (the legacy generator behind `np.random.seed`).
 * `rand(n)` matches `np.random.rand(n)` / `random_sample(n)`, `randn(n)` matches `np.random.randn(n)` /
 * `normal(size=n)`, drawing from the same stream in the same order, so calls interleave exactly as in NumPy.
 */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gauss = 0;

  /**
   * `seed`: an integer in [0, 2^32 - 1] (np.random.seed(int): init_genrand) or an array of such integers
   * (np.random.seed(array): init_by_array).
   */
  constructor(seed: number | readonly number[]) {
    if (typeof seed === 'number') {
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
        throw new RangeError(`NumpyRandomState: seed must be an integer in [0, 2^32 - 1], got ${seed}`);
      }
      this.initGenrand(seed);
    } else {
      if (seed.length === 0) throw new RangeError('NumpyRandomState: seed array must not be empty');
      for (const s of seed) {
        if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) {
          throw new RangeError(`NumpyRandomState: seed array entries must be integers in [0, 2^32 - 1], got ${s}`);
        }
      }
      this.initByArray(seed);
    }
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (mul32(1812433253, prev >>> 0) + i) >>> 0;
    }
    this.pos = N;
    this.hasGauss = false;
    this.gauss = 0;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    const len = key.length;
    for (let k = Math.max(N, len); k > 0; k--) {
      const prev = (mt[i - 1] ^ (mt[i - 1] >>> 30)) >>> 0;
      mt[i] = ((mt[i] ^ mul32(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= len) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = (mt[i - 1] ^ (mt[i - 1] >>> 30)) >>> 0;
      mt[i] = ((mt[i] ^ mul32(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private generate(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** One tempered 32-bit output (NumPy's mt19937_next32 / randomkit's rk_random). */
  nextUint32(): number {
    if (this.pos >= N) this.generate();
    let y = this.mt[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** One double in [0, 1) with 53 random bits, as NumPy's random_sample. */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** One standard normal, as NumPy's legacy_gauss (polar method, second value cached). */
  nextGauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gauss;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.nextDouble() - 1;
      x2 = 2 * this.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** `np.random.rand(n)`: n uniforms in [0, 1), C order for a flattened shape. */
  rand(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextDouble();
    return out;
  }

  /** `np.random.randn(n)` (also `np.random.normal(size=n)` with loc 0, scale 1): n standard normals. */
  randn(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextGauss();
    return out;
  }
}
