// OutputLsq: the least-squares output layer's normal equations and ridge solve, checked against optimality
// conditions computed directly from the rows (not from the accumulated sums) and against the losses it reports.
import { expect } from 'chai';
import { OutputLsq } from '../../optim/outputLsq.js';
import { Rng } from '../../core/random.js';

const rng = new Rng(42);
const normals = (k: number): Float64Array => Float64Array.from({ length: k }, () => rng.normal());

/** J theta - t per row, straight from the rows. */
function residuals(J: Float64Array, t: Float64Array, theta: ArrayLike<number>, n: number): Float64Array {
  return t.map((tr, r) => {
    let s = -tr;
    for (let i = 0; i < n; i++) s += J[r * n + i] * theta[i];
    return s;
  });
}

/** J^T (J theta - t) (single draw) or the cross-term gradient J1^T r2 + J2^T r1, halved. */
function gradient(draws: Array<[Float64Array, Float64Array]>, theta: ArrayLike<number>, n: number): Float64Array {
  const [[J1, t1], [J2, t2] = draws[0]] = draws;
  const r1 = residuals(J1, t1, theta, n);
  const r2 = residuals(J2, t2, theta, n);
  const g = new Float64Array(n);
  r1.forEach((_, r) => {
    for (let i = 0; i < n; i++) g[i] += 0.5 * (J1[r * n + i] * r2[r] + J2[r * n + i] * r1[r]);
  });
  return g;
}

describe('optim: OutputLsq (least-squares output layer)', () => {
  const n = 6;
  const batches = [0, 1, 2].map(() => ({ J: normals(10 * n), t: normals(10) }));

  it('the solve over several batches zeroes the least-squares gradient computed from the rows; losses are the mean r^2', () => {
    const lsq = new OutputLsq(n);
    for (const b of batches) lsq.add(b.J, b.t);
    expect(lsq.rows).to.equal(30);
    const center = normals(n);
    const sol = lsq.solve(center, 1e-12);
    const J = Float64Array.from(batches.flatMap((b) => [...b.J]));
    const t = Float64Array.from(batches.flatMap((b) => [...b.t]));
    const g = gradient([[J, t]], sol.theta, n);
    const g0 = gradient([[J, t]], center, n);
    for (let i = 0; i < n; i++) expect(Math.abs(g[i])).to.be.below(1e-9 * Math.max(...g0.map(Math.abs)));
    const mse = (th: ArrayLike<number>): number => residuals(J, t, th, n).reduce((a, r) => a + r * r, 0) / 30;
    expect(sol.before).to.be.closeTo(mse(center), 1e-12 * mse(center));
    expect(sol.after).to.be.closeTo(mse(sol.theta), 1e-9 * mse(center));
    expect(sol.after).to.be.below(sol.before);
    // the minimum does not depend on where the ridge step starts
    const again = lsq.solve(new Float64Array(n), 1e-12).theta;
    sol.theta.forEach((v, i) => expect(again[i]).to.be.closeTo(v, 1e-8 * (1 + Math.abs(v))));
  });

  it('a column of any scale (1e6 x) is solved for alike: the ridge is relative to each column', () => {
    const scaled = batches.map((b) => ({ J: b.J.map((v, k) => (k % n === 0 ? 1e6 * v : v)), t: b.t }));
    const [a, b] = [batches, scaled].map((bs) => {
      const lsq = new OutputLsq(n);
      for (const x of bs) lsq.add(x.J, x.t);
      return lsq.solve(new Float64Array(n), 1e-4).theta;
    });
    expect(b[0] * 1e6).to.be.closeTo(a[0], 1e-9 * (1 + Math.abs(a[0])));
    for (let i = 1; i < n; i++) expect(b[i]).to.be.closeTo(a[i], 1e-9 * (1 + Math.abs(a[i])));
  });

  it('two draws: the cross term of the unbiased loss mean r_1 r_2; the same draw twice is plain least squares', () => {
    const [b1, b2] = batches;
    const J2 = b1.J.map((v, k) => v + 0.1 * b2.J[k]); // a second, correlated estimate of the same rows
    const t2 = b1.t.map((v, k) => v + 0.1 * b2.t[k]);
    const cross = new OutputLsq(n);
    cross.add(b1.J, b1.t, J2, t2);
    const sol = cross.solve(new Float64Array(n), 1e-12);
    const g = gradient(
      [
        [b1.J, b1.t],
        [J2, t2],
      ],
      sol.theta,
      n,
    );
    for (const v of g) expect(Math.abs(v)).to.be.below(1e-8);
    const r1 = residuals(b1.J, b1.t, sol.theta, n);
    const r2 = residuals(J2, t2, sol.theta, n);
    expect(sol.after).to.be.closeTo(r1.reduce((a, r, k) => a + r * r2[k], 0) / 10, 1e-9);
    const [once, twice] = [new OutputLsq(n), new OutputLsq(n)];
    once.add(b1.J, b1.t);
    twice.add(b1.J, b1.t, b1.J, b1.t);
    const [x, y] = [once, twice].map((l) => l.solve(new Float64Array(n), 1e-8).theta);
    x.forEach((v, i) => expect(y[i]).to.equal(v));
  });

  it('never raises the loss, also where the cross term is indefinite (those directions stay put)', () => {
    for (let trial = 0; trial < 5; trial++) {
      const lsq = new OutputLsq(n);
      lsq.add(normals(4 * n), normals(4), normals(4 * n), normals(4)); // independent draws: an indefinite quadratic
      const center = normals(n);
      const sol = lsq.solve(center, 1e-6);
      expect(sol.after).to.be.at.most(sol.before + 1e-12 * Math.abs(sol.before));
    }
  });

  it('names bad input', () => {
    const lsq = new OutputLsq(n);
    expect(() => lsq.solve(new Float64Array(n))).to.throw(/no rows/);
    expect(() => lsq.add(new Float64Array(5), new Float64Array(1))).to.throw(/expected J \[1, 6\]/);
    lsq.add(batches[0].J, batches[0].t);
    expect(() => lsq.solve(new Float64Array(2))).to.throw(/center has 2 numbers, expected 6/);
    expect(() => lsq.solve(new Float64Array(n), 0)).to.throw(/ridge must be positive/);
    expect(() => new OutputLsq(0)).to.throw(/n must be a positive integer/);
  });
});
