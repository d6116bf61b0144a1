import { expect } from 'chai';
import { ConFIG, MConFIG, SGD, configDirection, configTwo, configWeights } from '../../optim/index.js';
import { Mulberry32 } from '../../core/random.js';
import { cosine, expectClose, randomVec } from './helpers.js';

describe('optim ConFIG', () => {
  it('orthogonal gradients by hand: g1=(2,0), g2=(0,1) -> (1.5, 1.5)', () => {
    // unit gradients e1, e2; d = (1,1), e = d/sqrt2; projections 2/sqrt2 + 1/sqrt2 = 3/sqrt2 -> 1.5*(1,1)
    const g1 = new Float64Array([2, 0]);
    const g2 = new Float64Array([0, 1]);
    expectClose(configDirection([g1, g2]), [1.5, 1.5], 1e-14);
    expectClose(configWeights([g1, g2]), [0.75, 1.5], 1e-14);
  });

  it('conflicting gradients by hand: g1=(1,0), g2=(-1,1) -> (1/(2 sqrt2), (1+sqrt2)/(2 sqrt2))', () => {
    // d solves d1 = 1, (-d1 + d2)/sqrt2 = 1 -> d = (1, 1+sqrt2), |d|^2 = 4 + 2 sqrt2
    // g1.e = 1/|d|, g2.e = sqrt2/|d| -> result = (1+sqrt2)/|d|^2 d = d/(2 sqrt2)
    const g1 = new Float64Array([1, 0]);
    const g2 = new Float64Array([-1, 1]);
    const r = configDirection([g1, g2]);
    expectClose(r, [1 / (2 * Math.SQRT2), (1 + Math.SQRT2) / (2 * Math.SQRT2)], 1e-14);
    expect(r[0] * g1[0] + r[1] * g1[1]).to.be.above(0); // no conflict with either loss
    expect(r[0] * g2[0] + r[1] * g2[1]).to.be.above(0);
    expectClose(configTwo(g1, g2), r, 1e-14);
  });

  it('has equal positive cosine with every gradient (random seeded, n = 2..5)', () => {
    const rng = new Mulberry32(2024);
    for (let n = 2; n <= 5; n++) {
      for (let trial = 0; trial < 4; trial++) {
        const grads = Array.from({ length: n }, (_, i) => randomVec(9, rng, 10 ** (i - 1))); // scales 0.1..1000
        const r = configDirection(grads);
        const cos = grads.map((g) => cosine(r, g));
        for (const c of cos) {
          expect(c).to.be.above(0);
          expect(c).to.be.closeTo(cos[0], 1e-10);
        }
      }
    }
  });

  it('matches the 2-loss closed form (orthogonal components) on random pairs', () => {
    const rng = new Mulberry32(5);
    for (let trial = 0; trial < 10; trial++) {
      const g1 = randomVec(7, rng);
      const g2 = randomVec(7, rng, 30);
      expectClose(configDirection([g1, g2]), configTwo(g1, g2), 1e-11, `trial ${trial}`);
    }
    // parallel gradients: no conflict, both forms give the sum
    const g = new Float64Array([1, 2]);
    const g2x = new Float64Array([2, 4]);
    expectClose(configTwo(g, g2x), [3, 6], 1e-14);
    expectClose(configDirection([g, g2x]), [3, 6], 1e-12);
  });

  it('handles more losses than dimensions when U d = 1 is consistent (rank-deficient Gram)', () => {
    // unit gradients e1, e2, (1,1)/sqrt2: d = (1,1) solves all three; projections 1/sqrt2 + 1/sqrt2 + 2/sqrt2
    // = 4/sqrt2 along e = (1,1)/sqrt2 -> (2, 2)
    const r = configDirection([new Float64Array([1, 0]), new Float64Array([0, 1]), new Float64Array([1, 1])]);
    expectClose(r, [2, 2], 1e-12);
  });

  it('ignores a zero gradient and returns zero for exactly opposing gradients', () => {
    const z = new Float64Array(2);
    expectClose(configDirection([new Float64Array([0, 3]), z]), [0, 3], 1e-14);
    expectClose(configDirection([new Float64Array([1, 0]), new Float64Array([-2, 0])]), [0, 0], 0);
  });

  it('feeds its direction to the inner optimizer', () => {
    const opt = new ConFIG(new SGD({ lr: 0.5 }));
    const p = new Float64Array([1, 1]);
    const { weights } = opt.step(p, [1, 1], [new Float64Array([2, 0]), new Float64Array([0, 1])]);
    expectClose(weights, [0.75, 1.5], 1e-14);
    expectClose(p, [1 - 0.75, 1 - 0.75], 1e-14);
  });
});

describe('optim M-ConFIG', () => {
  it('round robin with pseudo second moment, by hand', () => {
    const opt = new MConFIG({ lr: 0.1 });
    const p = new Float64Array([0, 0]);
    const e1 = new Float64Array([1, 0]);
    const e2 = new Float64Array([0, 1]);
    const none = new Float64Array(0); // only the active loss's gradient is read
    expect(opt.activeLoss(2)).to.equal(0);
    // step 1: m0 = (0.1, 0); loss 1 has no moment yet -> no update
    expect(opt.step(p, [1, 1], [e1, none]).weights).to.deep.equal([0, 0]);
    expectClose(p, [0, 0], 0);
    expect(opt.activeLoss(2)).to.equal(1);
    // step 2: m1 = (0, 0.1); m_hat = e1, e2 -> ConFIG = (1,1); t = 1
    // fake m = 0.1*(1,1), fake grad = 0.1/0.1 = 1, s = 0.001, s_hat = 1 -> step 0.1*(1,1)
    opt.step(p, [1, 1], [none, e2]);
    expectClose(p, [-0.1, -0.1], 1e-8);
    // step 3 (loss 0 again): m0 = (0.19, 0), m_hat0 = e1; ConFIG = (1,1); t = 2, bc1 = 0.19
    // fake m = 0.19, fake grad = (0.19 - 0.9*0.1)/0.1 = 1, s = 0.999*0.001 + 0.001 = 0.001999, s_hat = 1
    opt.step(p, [1, 1], [e1, none]);
    expectClose(p, [-0.2, -0.2], 1e-8);
  });

  it('reaches a common minimiser of two conflicting quadratic losses', () => {
    // L_k = 0.5 (x - x*)^T H_k (x - x*) with H1 = [[1, .5], [.5, .3]], H2 = diag(.2, 1): shared minimiser x* = (1, -2)
    const opt = new MConFIG({ lr: 0.02 });
    const p = new Float64Array([4, 3]);
    for (let t = 0; t < 3000; t++) {
      const g1 = new Float64Array([p[0] - 1 + 0.5 * (p[1] + 2), 0.5 * (p[0] - 1) + 0.3 * (p[1] + 2)]);
      const g2 = new Float64Array([0.2 * (p[0] - 1), p[1] + 2]);
      opt.step(p, [0, 0], [g1, g2]);
    }
    expect(Math.abs(p[0] - 1)).to.be.below(2e-2);
    expect(Math.abs(p[1] + 2)).to.be.below(2e-2);
  });
});
