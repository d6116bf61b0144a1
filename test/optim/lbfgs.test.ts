import { expect } from 'chai';
import { LBFGS, cubicMinimizer, strongWolfe, type LinePoint } from '../../optim/index.js';
import { Mulberry32 } from '../../core/random.js';

function rosenbrock(x: Float64Array): { f: number; g: Float64Array } {
  const [a, b] = x;
  const r = b - a * a;
  return { f: (1 - a) ** 2 + 100 * r * r, g: new Float64Array([-2 * (1 - a) - 400 * a * r, 200 * r]) };
}

/** f = 0.5 x^T A x - b^T x with A = B B^T + 0.5 I (SPD, seeded); minimiser solves A x = b. */
function randomQuadratic(n: number, seed: number) {
  const rng = new Mulberry32(seed);
  const B = Array.from({ length: n * n }, () => rng.next() - 0.5);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let k = 0; k < n; k++) v += B[i * n + k] * B[j * n + k];
      A[i * n + j] = v + (i === j ? 0.5 : 0);
    }
  }
  const b = Float64Array.from({ length: n }, () => rng.next() - 0.5);
  const fg = (x: Float64Array) => {
    const g = new Float64Array(n);
    let f = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += A[i * n + j] * x[j];
      g[i] = v - b[i];
      f += 0.5 * x[i] * v - b[i] * x[i];
    }
    return { f, g };
  };
  return { A, b, fg };
}

describe('optim L-BFGS', () => {
  it('cubic interpolation is exact for a cubic: a^3 - 3a from a=0 and a=2 gives the minimiser a=1', () => {
    const p1: LinePoint = { a: 0, f: 0, df: -3 };
    const p2: LinePoint = { a: 2, f: 2, df: 9 };
    expect(cubicMinimizer(p1, p2, 0, 2)).to.be.closeTo(1, 1e-14);
    expect(cubicMinimizer(p1, p2, 1.5, 2)).to.equal(1.5); // clamped to the safeguard interval
  });

  it('strong-Wolfe search returns a step meeting both conditions', () => {
    // phi(a) = (a - 3)^2 + sin(3a) (non-convex), from a=0 with a tiny first trial
    const phi = (a: number): LinePoint => ({ a, f: (a - 3) ** 2 + Math.sin(3 * a), df: 2 * (a - 3) + 3 * Math.cos(3 * a) });
    const p0 = phi(0);
    for (const a1 of [0.01, 1, 10]) {
      const r = strongWolfe(phi, p0, a1, { c1: 1e-4, c2: 0.1, maxEvals: 30, tolBracket: 1e-14 });
      expect(r.wolfe, `a1=${a1}`).to.equal(true);
      expect(r.point.f).to.be.at.most(p0.f + 1e-4 * r.point.a * p0.df);
      expect(Math.abs(r.point.df)).to.be.at.most(0.1 * Math.abs(p0.df));
    }
  });

  it('minimizes Rosenbrock from (-1.2, 1) to (1, 1) within 1e-8', () => {
    const r = new LBFGS({ history: 10 }).minimize(rosenbrock, new Float64Array([-1.2, 1]), {
      maxIter: 200,
      tolGrad: 1e-12,
      tolChange: 1e-15,
    });
    expect(r.converged).to.equal(true);
    expect(Math.abs(r.x[0] - 1)).to.be.below(1e-8);
    expect(Math.abs(r.x[1] - 1)).to.be.below(1e-8);
    expect(r.iterations).to.be.below(100);
  });

  it('solves an n=8 SPD quadratic in n iterations with a near-exact line search (CG equivalence)', () => {
    const n = 8;
    const { A, b, fg } = randomQuadratic(n, 7);
    const r = new LBFGS({ history: 10, c2: 0.01 }).minimize(fg, new Float64Array(n), { tolGrad: 1e-10, maxIter: 100 });
    expect(r.reason).to.equal('gradient');
    expect(r.iterations).to.be.at.most(n);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += A[i * n + j] * r.x[j];
      expect(v).to.be.closeTo(b[i], 1e-9);
    }
  });

  it('default Wolfe constants still converge on the quadratic within a few n', () => {
    const { fg } = randomQuadratic(8, 7);
    const r = new LBFGS().minimize(fg, new Float64Array(8), { tolGrad: 1e-9, maxIter: 100 });
    expect(r.converged).to.equal(true);
    expect(r.iterations).to.be.at.most(3 * 8);
  });

  it('step-wise form follows exactly the same trajectory as minimize, on Float32 storage too', () => {
    const x0 = new Float64Array([-1.2, 1]);
    const ref = new LBFGS().minimize(rosenbrock, x0, { maxIter: 12, tolGrad: 0, tolChange: 0 });
    const opt = new LBFGS();
    const p = Float64Array.from(x0);
    for (let i = 0; i < 12; i++) opt.step(p, rosenbrock, { tolGrad: 0, tolChange: 0 });
    expect(Array.from(p)).to.deep.equal(Array.from(ref.x));
    expect(opt.counters.iterations).to.equal(12);

    const p32 = new Float32Array([-1.2, 1]);
    const opt32 = new LBFGS();
    for (let i = 0; i < 60; i++) opt32.step(p32, rosenbrock, { tolGrad: 1e-10 });
    expect(p32[0]).to.be.closeTo(1, 1e-6);
    expect(p32[1]).to.be.closeTo(1, 1e-6);
  });

  it('state()/load() through JSON resumes bit-for-bit', () => {
    const a = new LBFGS({ history: 5 });
    const pa = new Float64Array([-1.2, 1]);
    for (let i = 0; i < 7; i++) a.step(pa, rosenbrock, { tolGrad: 0, tolChange: 0 });
    const b = new LBFGS({ history: 5 });
    b.load(JSON.parse(JSON.stringify(a.state())));
    const pb = Float64Array.from(pa);
    for (let i = 0; i < 5; i++) {
      a.step(pa, rosenbrock, { tolGrad: 0, tolChange: 0 });
      b.step(pb, rosenbrock, { tolGrad: 0, tolChange: 0 });
    }
    expect(Array.from(pb)).to.deep.equal(Array.from(pa));
    expect(() => b.load({ kind: 'adam' })).to.throw("optimizer state: expected kind 'lbfgs'");
  });

  it('rejects bad options and a mis-sized gradient', () => {
    expect(() => new LBFGS({ history: 0 })).to.throw('optimizer.history');
    expect(() => new LBFGS({ c1: 0.95, c2: 0.9 })).to.throw('optimizer.c1/c2');
    const bad = () => ({ f: 0, g: new Float64Array(3) });
    expect(() => new LBFGS().minimize(bad, new Float64Array(2))).to.throw('gradient length 3, expected 2');
  });
});
