// Unbiasedness of every STDE estimator against exact operators from fx.derivative / fx.laplacian / jets.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { biharmonic, coordinateProbes, denseProbes, diagonalOperator, probeSum, sigmaTrace } from '../../core/stde.js';
import { exactDiagonal, expectUnbiased, meanAndSe, points, seeds, testFunction } from './helpers.js';

const d = 4;
const f = testFunction(d, 3);
const x = points(3, d, 7);

describe('stde: estimators', () => {
  it('sparse and dense Laplacians are unbiased (Rademacher and Gaussian probes)', () => {
    const exact = fx.laplacian(f, x).dataSync();
    const sparse = seeds(200).map((r) => fx.laplacian(f, x, { estimator: 'stde-sparse', samples: 2, rng: r }).dataSync());
    expectUnbiased(sparse, exact, 'sparse');
    for (const distribution of ['rademacher', 'gaussian'] as const) {
      const dense = seeds(200).map((r) => fx.laplacian(f, x, { estimator: 'stde-dense', samples: 2, rng: r, distribution }).dataSync());
      const { se } = expectUnbiased(dense, exact, distribution);
      expect(Math.max(...se)).to.be.above(1e-6); // really random
    }
  });

  it('sparse diagonal k-th order operators (k = 1..4) are unbiased and exact at |J| = d', () => {
    for (const k of [1, 2, 3, 4]) {
      const exact = exactDiagonal(f, x, k);
      const all = diagonalOperator(f, x, k).dataSync();
      all.forEach((v, i) => expect(v).to.be.closeTo(exact[i], 1e-9 * (1 + Math.abs(exact[i]))));
      const draws = seeds(150, 50).map((r) => diagonalOperator(f, x, k, { estimator: 'stde-sparse', samples: 1, rng: r }).dataSync());
      expectUnbiased(draws, exact, `order ${k}`);
    }
  });

  // Hessian entries by polarization, the reference for the sigma operator
  const hessian = (): number[][][] => {
    const H = Array.from({ length: x.shape[0] }, () => Array.from({ length: d }, () => new Array<number>(d).fill(0)));
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const a = Array<number>(d).fill(0);
        a[i] += 1;
        a[j] += 1;
        fx.derivative(f, x, a)
          .dataSync()
          .forEach((v, n) => (H[n][i][j] = H[n][j][i] = v));
      }
    }
    return H;
  };

  it('0.5 tr(sigma sigma^T H): constant and x-dependent sigma, exact / sparse / dense all unbiased', () => {
    const m = 3;
    const A = fx.random.normal(5, [d, m], 'f64');
    const sigmaOf = (z: fx.Tensor): fx.Tensor =>
      fx.mul(fx.reshape(A, [1, d, m]), fx.add(1, fx.mul(0.5, fx.sin(fx.reshape(z, [z.shape[0], d, 1])))));
    const H = hessian();
    const Ad = A.dataSync();
    const Xd = x.dataSync();
    for (const [name, sigma, entry] of [
      ['constant', A, (_n: number, i: number, j: number) => Ad[i * m + j]],
      ['x-dependent', sigmaOf, (n: number, i: number, j: number) => Ad[i * m + j] * (1 + 0.5 * Math.sin(Xd[n * d + i]))],
    ] as const) {
      const exact = H.map((Hn, n) => {
        let s = 0;
        for (let c = 0; c < m; c++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s += entry(n, i, c) * Hn[i][j] * entry(n, j, c);
        return 0.5 * s;
      });
      const ex = sigmaTrace(f, x, sigma).dataSync();
      ex.forEach((v, i) => expect(v, name).to.be.closeTo(exact[i], 1e-9 * (1 + Math.abs(exact[i]))));
      for (const estimator of ['stde-sparse', 'stde-dense'] as const) {
        const draws = seeds(150, 300).map((r) => sigmaTrace(f, x, sigma, { estimator, samples: 1, rng: r }).dataSync());
        expectUnbiased(draws, exact, `${name} ${estimator}`);
      }
    }
  });

  it('sigmaTrace with sigma = I equals half the Laplacian; bad sigma shapes are named', () => {
    const half = sigmaTrace(f, x, fx.eye(d, 'f64')).dataSync();
    const lap = fx.laplacian(f, x).dataSync();
    half.forEach((v, i) => expect(v).to.be.closeTo(0.5 * lap[i], 1e-10));
    expect(() => sigmaTrace(f, x, fx.eye(d + 1, 'f64'))).to.throw(/sigma must be \[4, m\]/);
  });

  it('biharmonic: exact (d^2 jets) matches fx.derivative; Gaussian 4-jets / 3 are unbiased; Rademacher is biased', () => {
    // a quartic part makes sum_i g_iiii (the Rademacher bias) large everywhere
    const g = (z: fx.Tensor): fx.Tensor => fx.add(f(z), fx.mul(0.5, fx.sum(fx.pow(z, 4), 1, true)));
    // reference: sum_i f_iiii + 2 sum_{i<j} f_iijj from polarized partials
    const ref = new Float64Array(x.shape[0]);
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const a = Array<number>(d).fill(0);
        a[i] += 2;
        a[j] += 2;
        fx.derivative(g, x, a)
          .dataSync()
          .forEach((v, n) => (ref[n] += (i === j ? 1 : 2) * v));
      }
    }
    const exact = biharmonic(g, x).dataSync();
    exact.forEach((v, n) => expect(v).to.be.closeTo(ref[n], 1e-8 * (1 + Math.abs(ref[n]))));
    const gauss = seeds(60, 900).map((r) => biharmonic(g, x, { estimator: 'stde-dense', samples: 20, rng: r }).dataSync());
    expectUnbiased(gauss, ref, 'gaussian');
    // Rademacher: (1/3) E[D^4 f[v]] = lap^2 f - (2/3) sum_i f_iiii, many standard errors off
    const quartic = exactDiagonal(g, x, 4);
    const rad = seeds(60, 900).map((r) => {
      const p = denseProbes(d, x.shape[0], { samples: 80, rng: r, distribution: 'rademacher' }, 'f64');
      return probeSum(g, x, { dirs: p.dirs, weights: p.weights.map((w) => w / 3) }, 4).dataSync();
    });
    const { mean, se } = meanAndSe(rad);
    mean.forEach((mu, n) => {
      expect(Math.abs(mu - ref[n]), `Rademacher bias at ${n}`).to.be.above(6 * se[n]);
      expect(Math.abs(mu - (ref[n] - (2 / 3) * quartic[n])), `predicted bias at ${n}`).to.be.below(4 * se[n] + 1e-10);
    });
    expect(() => biharmonic(g, x, { estimator: 'stde-dense', distribution: 'rademacher' })).to.throw(/biased.*gaussian/);
  });

  it('coordinate probes: without replacement, weight d/|J|; a probe set passed as a jit argument is fresh each call', () => {
    const p = coordinateProbes(10, { samples: 4, rng: 3 }, 'f64');
    const rows = Array.from({ length: 4 }, (_, r) => Array.from(p.dirs.dataSync().slice(r * 10, r * 10 + 10)));
    expect(new Set(rows.map((r) => r.indexOf(1))).size).to.equal(4);
    rows.forEach((r) => expect(r.reduce((s, v) => s + v, 0)).to.equal(1));
    expect(p.weights).to.deep.equal([2.5, 2.5, 2.5, 2.5]);
    const step = fx.jit((z: fx.Tensor, dirs: fx.Tensor) => probeSum(f, z, { dirs, weights: [d / 2, d / 2] }, 2));
    const a = step(x, coordinateProbes(d, { samples: 2, rng: 1 }, 'f64').dirs).dataSync();
    const b = step(x, coordinateProbes(d, { samples: 2, rng: 2 }, 'f64').dirs).dataSync();
    const a2 = fx.laplacian(f, x, { estimator: 'stde-sparse', samples: 2, rng: 1 }).dataSync();
    const b2 = fx.laplacian(f, x, { estimator: 'stde-sparse', samples: 2, rng: 2 }).dataSync();
    a.forEach((v, i) => expect(v).to.be.closeTo(a2[i], 1e-12));
    b.forEach((v, i) => expect(v).to.be.closeTo(b2[i], 1e-12));
  });

  it('probes restricted to some axes (the spatial ones of a space-time input) never touch the others', () => {
    const sparse = coordinateProbes(4, { samples: 2, rng: 5, axes: [0, 2, 3] }, 'f64');
    const s = sparse.dirs.dataSync();
    expect([1, 5].map((i) => s[i])).to.deep.equal([0, 0]); // axis 1 of both rows
    expect(sparse.weights).to.deep.equal([1.5, 1.5]); // 3 probed axes / 2 samples
    const dense = denseProbes(4, 3, { samples: 2, rng: 5, axes: [0, 2, 3] }, 'f64').dirs.dataSync();
    for (let k = 0; k < 6; k++) {
      expect(dense[k * 4 + 1]).to.equal(0);
      for (const j of [0, 2, 3]) expect(Math.abs(dense[k * 4 + j])).to.equal(1);
    }
  });
});
