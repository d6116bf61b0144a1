import { expect } from 'chai';
import {
  LearningRateAnnealing,
  NtkWeighting,
  PCGrad,
  ReLoBRaLo,
  SGD,
  ntkTrace,
  ntkTraceWeights,
  pcgradDirection,
  relativeBalance,
} from '../../optim/index.js';
import { Mulberry32 } from '../../core/random.js';
import { expectClose, randomVec } from './helpers.js';

const sgd1 = () => new SGD({ lr: 1 }); // params -= direction, so the direction is visible in params

describe('optim learning-rate annealing (LRA)', () => {
  it("statistic 'raw' (the paper's formula): lambda_hat = max|g_r| / mean|g_b|, moving average with alpha = 0.1, by hand", () => {
    const opt = new LearningRateAnnealing(sgd1(), { statistic: 'raw' });
    const p = new Float64Array([0, 0, 0]);
    const gr = new Float64Array([0.5, -2, 1]); // max |.| = 2
    const gb = new Float64Array([0.1, -0.1, 0.4]); // mean |.| = 0.2 -> lambda_hat = 10
    const r1 = opt.step(p, [1, 1], [gr, gb]);
    expectClose(r1.weights, [1, 1.9], 1e-14); // 0.9*1 + 0.1*10
    expectClose(p, [-(0.5 + 0.19), -(-2 - 0.19), -(1 + 0.76)], 1e-14);
    const r2 = opt.step(p, [1, 1], [gr, gb]);
    expectClose(r2.weights, [1, 2.71], 1e-14); // 0.9*1.9 + 0.1*10
  });

  it('holds the weights between updates with updateEvery and honours residualIndex', () => {
    const opt = new LearningRateAnnealing(sgd1(), { residualIndex: 1, updateEvery: 2, alpha: 0.5, statistic: 'raw' });
    const p = new Float64Array(2);
    const gb = new Float64Array([1, 1]); // mean 1
    const gr = new Float64Array([4, 0]); // max 4
    expectClose(opt.step(p, [1, 1], [gb, gr]).weights, [2.5, 1], 1e-15); // 0.5*1 + 0.5*4
    expectClose(opt.step(p, [1, 1], [gb, gr]).weights, [2.5, 1], 1e-15); // held
    expectClose(opt.step(p, [1, 1], [gb, gr]).weights, [3.25, 1], 1e-15);
  });

  it("statistic 'weighted' (default, the authors' code): the mean is of |lambda g_b|, by hand", () => {
    const opt = new LearningRateAnnealing(sgd1());
    const p = new Float64Array(3);
    const gr = new Float64Array([0.5, -2, 1]); // max |.| = 2
    const gb = new Float64Array([0.1, -0.1, 0.4]); // mean |.| = 0.2
    expectClose(opt.step(p, [1, 1], [gr, gb]).weights, [1, 1.9], 1e-14); // 0.9 + 0.1 * 2 / (1 * 0.2)
    expectClose(opt.step(p, [1, 1], [gr, gb]).weights, [1, 0.9 * 1.9 + (0.1 * 2) / (1.9 * 0.2)], 1e-14);
  });

  it("with fixed gradients 'weighted' settles at sqrt(max/mean) while 'raw' settles at max/mean", () => {
    const gr = new Float64Array([0, 100]); // max 100
    const gb = new Float64Array([1, 1]); // mean 1
    const settle = (statistic: 'weighted' | 'raw'): number => {
      const opt = new LearningRateAnnealing(new SGD({ lr: 0.1 }), { statistic, alpha: 0.5 }); // fresh params each step: lr plays no part
      let w = 0;
      for (let i = 0; i < 200; i++) w = opt.step(new Float64Array(2), [1, 1], [gr, gb]).weights[1];
      return w;
    };
    expect(settle('weighted')).to.be.closeTo(10, 1e-9);
    expect(settle('raw')).to.be.closeTo(100, 1e-9);
  });

  it('ranges restrict the statistics: max over all ranges, mean per range averaged over ranges', () => {
    const opt = new LearningRateAnnealing(sgd1(), {
      statistic: 'raw',
      alpha: 1,
      ranges: [
        [0, 2],
        [3, 4],
      ],
    });
    const gr = new Float64Array([1, -3, 50, 2]); // 50 lies outside the ranges: max 3
    const gb = new Float64Array([1, 3, 99, 4]); // range means 2 and 4 -> 3
    expectClose(opt.step(new Float64Array(4), [1, 1], [gr, gb]).weights, [1, 1], 1e-15);
    expect(() => new LearningRateAnnealing(sgd1(), { ranges: [[2, 2]] })).to.throw(
      /optimizer.ranges\[0\]: expected integers 0 <= start < end, got \[2, 2\]/,
    );
    const tooLong = new LearningRateAnnealing(sgd1(), { ranges: [[0, 9]] });
    expect(() => tooLong.step(new Float64Array(4), [1, 1], [gr, gb])).to.throw(/range end 9 exceeds the 4 parameters/);
  });
});

describe('optim ReLoBRaLo', () => {
  it("relativeBalance is n * softmax(L(t) / (T L(t')))", () => {
    // ratios (0.5, 1) with T = 1: 2 e^0.5/(e^0.5 + e) = 2/(1 + e^0.5) = 0.755081
    expectClose(relativeBalance([0.5, 1], [1, 1], 1), [0.755081338, 1.244918662], 1e-9);
    // huge ratios must not overflow
    const big = relativeBalance([1e3, 1], [1e-3, 1], 0.1);
    expectClose(big, [2, 0], 1e-12);
  });

  it('by hand with rho = 1 (always look back) and rho = 0 (always reset)', () => {
    const g = [new Float64Array([1]), new Float64Array([1])];
    const keep = new ReLoBRaLo(sgd1(), { temperature: 1, alpha: 0.5, expectedRho: 1 });
    const reset = new ReLoBRaLo(sgd1(), { temperature: 1, alpha: 0.5, expectedRho: 0 });
    const p = new Float64Array(1);
    expect(keep.step(p, [1, 1], g).weights).to.deep.equal([1, 1]); // first step records L(0)
    reset.step(p, [1, 1], g);
    // bal = (0.755081, 1.244919) for both look-backs; rho=1: 0.5*lambda(t-1) + 0.5*bal
    expectClose(keep.step(p, [0.5, 1], g).weights, [0.877540669, 1.122459331], 1e-9);
    // rho=0: 0.5*bal(t,0) + 0.5*bal(t,t-1) = bal
    expectClose(reset.step(p, [0.5, 1], g).weights, [0.755081338, 1.244918662], 1e-9);
  });

  it('is reproducible for a seed and its weights stay positive and sum to n', () => {
    const run = (seed: number) => {
      const opt = new ReLoBRaLo(sgd1(), { expectedRho: 0.5, seed });
      const p = new Float64Array(1);
      const g = [new Float64Array([1]), new Float64Array([1]), new Float64Array([1])];
      const out: number[][] = [];
      for (let t = 0; t < 20; t++) out.push(opt.step(p, [Math.exp(-t / 5), 1 / (1 + t), 0.3 + 0.1 * Math.sin(t)], g).weights);
      return out;
    };
    expect(run(3)).to.deep.equal(run(3));
    expect(run(3)).to.not.deep.equal(run(4));
    for (const w of run(3)) {
      expect(w.every((x) => x > 0)).to.equal(true);
      expect(w.reduce((a, b) => a + b, 0)).to.be.closeTo(3, 1e-12); // convex mix of n*softmax terms
    }
  });
});

/** Textbook PCGrad on explicit vectors, drawing the same random orders (per-loss shuffle). */
function naivePcgrad(grads: Float64Array[], seed: number): Float64Array {
  const rng = new Mulberry32(seed);
  const n = grads.length;
  const dotp = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
  const out = new Float64Array(grads[0].length);
  for (let i = 0; i < n; i++) {
    const gi = Float64Array.from(grads[i]);
    for (const j of rng.shuffle(Array.from({ length: n }, (_, k) => k))) {
      if (j === i) continue;
      const d = dotp(gi, grads[j]);
      if (d < 0) {
        const c = d / dotp(grads[j], grads[j]);
        for (let k = 0; k < gi.length; k++) gi[k] -= c * grads[j][k];
      }
    }
    for (let k = 0; k < out.length; k++) out[k] += gi[k];
  }
  return out;
}

describe('optim PCGrad', () => {
  it('two conflicting gradients by hand: g1=(1,0), g2=(-1,1) -> (0.5, 1.5)', () => {
    // g1 - (-1/2) g2 = (0.5, 0.5); g2 - (-1/1) g1 = (0, 1); sum (0.5, 1.5) = 2 g1 + 1.5 g2
    const opt = new PCGrad(sgd1());
    const p = new Float64Array(2);
    const { weights } = opt.step(p, [1, 1], [new Float64Array([1, 0]), new Float64Array([-1, 1])]);
    expectClose(weights, [2, 1.5], 1e-15);
    expectClose(p, [-0.5, -1.5], 1e-15);
  });

  it('leaves non-conflicting gradients alone (plain sum)', () => {
    expectClose(pcgradDirection([new Float64Array([1, 0]), new Float64Array([1, 1])], 0), [2, 1], 0);
  });

  it('matches a textbook vector implementation for 3-4 losses with seeded orders', () => {
    const rng = new Mulberry32(99);
    for (let trial = 0; trial < 6; trial++) {
      const n = 3 + (trial % 2);
      const grads = Array.from({ length: n }, () => randomVec(5, rng));
      expectClose(pcgradDirection(grads, trial), naivePcgrad(grads, trial), 1e-12, `trial ${trial}`);
    }
  });
});

describe('optim NTK-trace weighting', () => {
  it('trace estimate and weights by hand', () => {
    // per-point gradients (1,2) and (0,1): 5 + 1 = 6
    expect(ntkTrace([new Float64Array([1, 2]), new Float64Array([0, 1])])).to.equal(6);
    // traces (1, 3): total 4 -> (4, 4/3)
    expectClose(ntkTraceWeights([1, 3]), [4, 4 / 3], 1e-15);
    expect(() => ntkTraceWeights([1, 0])).to.throw('ntk traces[1]: expected a positive finite number, got 0');
  });

  it('uses weights 1 until traces are set, then the trace ratios', () => {
    const opt = new NtkWeighting(sgd1());
    const p = new Float64Array(1);
    const g = [new Float64Array([1]), new Float64Array([2])];
    expect(opt.step(p, [1, 1], g).weights).to.deep.equal([1, 1]);
    expect(p[0]).to.equal(-3);
    opt.setTraces([1, 3]);
    opt.step(p, [1, 1], g); // 4*1 + (4/3)*2 = 20/3
    expect(p[0]).to.be.closeTo(-3 - 20 / 3, 1e-14);
    opt.setTraces([1, 1, 1]);
    expect(() => opt.step(p, [1, 1], g)).to.throw('ntk traces: expected 2 values');
  });
});
