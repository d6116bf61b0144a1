// UPGrad against its definition: the mean of the projections of each gradient onto the dual cone
// {x : g_j . x >= 0 for all j}, computed here independently by enumerating the cone's faces.
import { expect } from 'chai';
import { makeOptimizer, upgradDirection } from '../../optim/index.js';
import { Mulberry32 } from '../../core/random.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);

/** Solves the small dense system M y = r (Gaussian elimination with partial pivoting); null if singular. */
function solve(M: number[][], r: number[]): number[] | null {
  const n = r.length;
  const A = M.map((row, i) => [...row, r[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(A[i][c]) > Math.abs(A[p][c])) p = i;
    if (Math.abs(A[p][c]) < 1e-12) return null;
    [A[c], A[p]] = [A[p], A[c]];
    for (let i = 0; i < n; i++) {
      if (i === c) continue;
      const f = A[i][c] / A[c][c];
      for (let j = c; j <= n; j++) A[i][j] -= f * A[c][j];
    }
  }
  return A.map((row, i) => row[n] / row[i]);
}

/** Projection of g onto {x : J x >= 0}: the closest feasible point among projections onto every face. */
function projectOntoDualCone(g: number[], J: number[][]): number[] {
  let best: number[] | null = null;
  for (let mask = 0; mask < 1 << J.length; mask++) {
    const rows = J.filter((_, i) => mask & (1 << i));
    let x = g;
    if (rows.length) {
      const y = solve(
        rows.map((a) => rows.map((b) => dot(a, b))),
        rows.map((a) => dot(a, g)),
      );
      if (!y) continue;
      x = g.map((gi, k) => gi - rows.reduce((s, a, i) => s + y[i] * a[k], 0));
    }
    if (J.every((a) => dot(a, x) >= -1e-10) && (!best || dot(sub(x, g), sub(x, g)) < dot(sub(best, g), sub(best, g)))) best = x;
  }
  return best as number[];
}
const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]);

describe('UPGrad (Jacobian descent)', () => {
  it('is the mean of the dual-cone projections (random conflicting gradients, brute-force check)', () => {
    const rng = new Mulberry32(3);
    for (let trial = 0; trial < 20; trial++) {
      const m = 2 + (trial % 3);
      const J = Array.from({ length: m }, () => Array.from({ length: 4 }, () => rng.next() * 2 - 1));
      const d = upgradDirection(J.map((g) => Float64Array.from(g)));
      const want = J.map((g) => projectOntoDualCone(g, J)).reduce((s, p) => s.map((v, k) => v + p[k] / m), [0, 0, 0, 0]);
      expect(Math.hypot(...sub(Array.from(d), want))).to.be.below(1e-8 * Math.max(1, Math.hypot(...want)));
      // conflict-free: no loss increases to first order
      for (const g of J) expect(dot(g, d)).to.be.at.least(-1e-10);
    }
  });

  it('without conflict it is the mean gradient; a zero gradient is ignored', () => {
    const g1 = Float64Array.from([1, 0.2]);
    const g2 = Float64Array.from([0.5, 1]);
    expect(Array.from(upgradDirection([g1, g2]))).to.deep.equal([0.75, 0.6]);
    const d = upgradDirection([g1, new Float64Array(2)]);
    expect(Array.from(d)).to.deep.equal([0.5, 0.1]);
  });

  it('is selectable by name and steps its base optimizer along the aggregate', () => {
    const p = new Float64Array([0, 0]);
    makeOptimizer('upgrad', { base: 'sgd' }).step(p, [1, 1], [Float64Array.from([1, 0]), Float64Array.from([-1, 1])]);
    const d = upgradDirection([Float64Array.from([1, 0]), Float64Array.from([-1, 1])]);
    expect(Array.from(p)).to.deep.equal(Array.from(d, (v) => -1e-2 * v));
  });
});
