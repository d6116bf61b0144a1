// The library's random numbers, two algorithms kept apart by name because seeded results depend on both:
// - counter-based (uniformAt, sampleInto, Rng): value i of stream `key` is a pure function of (key, i),
//   so every backend and every re-run draws the same numbers (tensor sampling, STDE probes, solvers' data);
// - mulberry32 (Mulberry32, mulberry32, permutation): a small stateful generator for streams that continue
//   across calls or serialise as one uint32 (meshes/ sampling, optimizer checkpoints, sim/ controllers).
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

/** Box-Muller: a standard normal from two uniforms in (0, 1]. */
export function boxMuller(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export type Distribution = 'normal' | 'uniform' | 'rademacher';

export function sampleInto(dist: Distribution, key: number, size: number, dtype: DType): TypedArray {
  const out = allocate(dtype, size);
  for (let i = 0; i < size; i++) {
    if (dist === 'uniform') out[i] = uniformAt(key, i);
    else if (dist === 'rademacher') out[i] = uniformAt(key, i) < 0.5 ? -1 : 1;
    else {
      // Box-Muller on two independent lanes of the same counter
      out[i] = boxMuller(uniformAt(key, i, 0), uniformAt(key, i, 1));
    }
  }
  return out;
}

/**
 * Uniforms in (0, 1) in bulk, 32 random bits each from one hash of (key, i): about 6x cheaper than
 * uniformAt's 53 bits from two hashed words. For large draws where 32 bits are enough (collocation points
 * at 1e6 dimensions, transformed into normals on the backend); value i is a pure function of (key, i).
 */
export function uniformsInto(out: { length: number; [i: number]: number }, key: number): void {
  const k = mix32(key ^ 0x85ebca6b);
  for (let i = 0; i < out.length; i++) out[i] = (mix32((k + i) >>> 0) + 0.5) / 4294967296;
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
    return boxMuller(uniformAt(this.seed, i, 0), uniformAt(this.seed, i, 1));
  }
  int(n: number): number {
    return Math.min(n - 1, Math.floor(this.uniform() * n));
  }
  /** k distinct integers from [0, n), by a partial Fisher-Yates shuffle. */
  choose(n: number, k: number): number[] {
    if (k > n) throw new RangeError(`choose: cannot draw ${k} distinct values from ${n}`);
    // the swapped entries only (a sparse pool), so a draw of k from n = 1e6 costs O(k), not O(n)
    const pool = new Map<number, number>();
    const at = (i: number): number => pool.get(i) ?? i;
    const out: number[] = [];
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const pj = at(j);
      pool.set(j, at(i));
      out.push(pj);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// mulberry32: stateful streams.

/** splitmix32-style hash of a seed, used to decorrelate derived seeds. */
export function hashSeed(seed: number): number {
  let z = (seed | 0) + 0x9e3779b9;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * mulberry32: the library's one small stateful generator (used where a stream must continue across
 * calls or serialise as a single uint32, e.g. optimizer checkpoints; counter-based draws are above).
 * The state is used as given: `mulberry32(seed)` below hashes its seed first.
 */
export class Mulberry32 {
  private s: number;
  constructor(state: number) {
    if (!Number.isFinite(state)) throw new Error(`Mulberry32: state must be a finite number, got ${state}`);
    this.s = state >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Standard normal by Box-Muller on two draws (the first clamped away from 0 for the log). */
  normal(): number {
    const u1 = Math.max(this.next(), 1e-300);
    return boxMuller(u1, this.next());
  }
  /** Fisher-Yates shuffle in place. */
  shuffle<T>(xs: T[]): T[] {
    return shuffleInPlace(xs, () => this.next());
  }
  /** The whole state: one uint32, so it round-trips through JSON checkpoints. */
  get seedState(): number {
    return this.s;
  }
  set seedState(s: number) {
    this.s = s >>> 0;
  }
}

/** mulberry32 over a hashed seed, as a function returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  const g = new Mulberry32(hashSeed(seed));
  return () => g.next();
}

/** Fisher-Yates shuffle in place (from the back: j = floor(rand() * (i + 1)), capped at i for a rand() of 1). */
export function shuffleInPlace<A extends { length: number; [i: number]: unknown }>(xs: A, rand: () => number): A {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(rand() * (i + 1)));
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t;
  }
  return xs;
}

/** Fisher-Yates shuffle of an index permutation 0..n-1. */
export function permutation(n: number, rand: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, rand);
}

/** Acklam's rational approximation of the standard normal quantile (rel. error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const q0 = Math.min(Math.max(p, 1e-300), 1 - 1e-16);
  const plow = 0.02425;
  if (q0 < plow) {
    const q = Math.sqrt(-2 * Math.log(q0));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (q0 > 1 - plow) {
    const q = Math.sqrt(-2 * Math.log(1 - q0));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = q0 - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
