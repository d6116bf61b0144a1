// Shared by the solver tests: grid sampling and error norms.
import { expect } from 'chai';

/** g at the s x s nodes (i/(s-1), j/(s-1)) of the unit square, row j = y, as the 2D solvers store fields. */
export function nodes2d(s: number, g: (x: number, y: number) => number): Float64Array {
  const out = new Float64Array(s * s);
  for (let j = 0; j < s; j++) for (let i = 0; i < s; i++) out[j * s + i] = g(i / (s - 1), j / (s - 1));
  return out;
}

/** max_i |a_i - b_i|; the two arrays must have the same length. */
export function maxDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).to.equal(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
