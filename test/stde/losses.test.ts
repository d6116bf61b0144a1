// The unbiased STDE loss: E[r_1 r_2] over independent draws is the squared exact residual; r_1^2 is not.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { independentSeeds, residualLosses, stdeLosses } from '../../core/stde.js';
import { meanAndSe, points, seeds, testFunction } from './helpers.js';

describe('stde: losses', () => {
  const d = 5;
  const f = testFunction(d, 21);
  const x = points(4, d, 22);
  const g = fx.tensor([0.3, -0.2, 0.5, 0.1], [4, 1], 'f64');
  const residual = (rng: number) => fx.sub(fx.laplacian(f, x, { estimator: 'stde-dense', samples: 1, rng }), g);

  it('E[mean r1 r2] = mean r_exact^2, while E[mean r1^2] exceeds it by the estimator variance', () => {
    const exact = fx.sub(fx.laplacian(f, x), g);
    const target = fx.mean(fx.square(exact)).item();
    const draws = seeds(400).map((s) => stdeLosses(residual, s));
    const unbiased = meanAndSe(draws.map((l) => [l.unbiased.item()]));
    const biased = meanAndSe(draws.map((l) => [l.biased.item()]));
    expect(Math.abs(unbiased.mean[0] - target)).to.be.below(4 * unbiased.se[0]);
    expect(biased.mean[0] - target).to.be.above(6 * biased.se[0]);
  });

  it('the two draws are independent seeds, and residualLosses checks shapes', () => {
    const seen = new Set(seeds(50).flatMap((s) => independentSeeds(s)));
    expect(seen.size).to.equal(100);
    const { biased, unbiased } = residualLosses(fx.tensor([1, 2], [2], 'f64'), fx.tensor([3, -1], [2], 'f64'));
    expect(biased.item()).to.equal(2.5);
    expect(unbiased.item()).to.equal(0.5);
    expect(() => residualLosses(fx.tensor([1, 2], [2]), fx.tensor([1], [1]))).to.throw(/residual shapes \[2\] and \[1\] differ/);
  });

  it('grad of the unbiased loss flows through both estimates (finite parameters, nonzero)', () => {
    const net = fx.nn.mlp({ layers: [d, 6, 1], seed: 4, dtype: 'f64' });
    const loss = (p: fx.nn.MlpParams) =>
      stdeLosses(
        (rng) =>
          fx.sub(
            fx.laplacian((z) => net.apply(p, z), x, { estimator: 'stde-sparse', samples: 2, rng }),
            g,
          ),
        7,
      ).unbiased;
    const grads = fx.grad(loss)(net.params) as unknown as fx.nn.MlpParams;
    const w = Array.from(grads[0].W.dataSync());
    expect(w.every(Number.isFinite)).to.equal(true);
    expect(Math.max(...w.map(Math.abs))).to.be.above(1e-6);
  });
});
