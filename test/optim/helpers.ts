// Seeded test data and tolerance checks for the optim tests.
import { expect } from 'chai';
import type { Mulberry32 } from '../../core/random.js';

/** Gaussian-ish (sum of uniforms) random vector, seeded. */
export function randomVec(n: number, rng: Mulberry32, scale = 1): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = scale * (rng.next() + rng.next() + rng.next() - 1.5);
  return v;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = 'value'): void {
  expect(actual.length, `${what} length`).to.equal(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    expect(err, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).to.be.at.most(tol * Math.max(1, Math.abs(expected[i])));
  }
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}
