// rolloutGrowth: the largest Lyapunov exponent of known maps, and the amplification it predicts matching
// the gradient of a real rollout.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { t64 } from '../support/check.js';

describe('rolloutGrowth (chaos guard)', () => {
  it('a linear map grows perturbations by its spectral radius per step', () => {
    const A = t64([0.5, 1, 0, 1.2], [2, 2]);
    const step = (x: fx.Tensor) => fx.reshape(fx.matmul(A, fx.reshape(x, [2, 1])), [2]);
    const g = fx.rolloutGrowth(step, t64([1, 1]), t64([1, -1]), 60);
    expect(g.exponent).to.be.closeTo(Math.log(1.2), 0.02);
  });

  it('the logistic map at r = 4 is chaotic with exponent ln 2; at r = 2.5 it is stable (exponent ln 0.5)', () => {
    const logistic = (r: number) => (x: fx.Tensor) => fx.mul(fx.mul(x, fx.sub(1, x)), r);
    expect(fx.rolloutGrowth(logistic(4), t64([0.3123]), t64([1]), 4000).exponent).to.be.closeTo(Math.log(2), 0.03);
    expect(fx.rolloutGrowth(logistic(2.5), t64([0.3]), t64([1]), 400).exponent).to.be.closeTo(Math.log(0.5), 0.02);
  });

  it('its amplification is the growth of the gradient through the rollout', () => {
    const step = (x: fx.Tensor) => fx.add(fx.mul(fx.sin(x), 1.3), 0.1);
    const T = 25;
    const rollout = (x: fx.Tensor) => {
      let y = x;
      for (let k = 0; k < T; k++) y = step(y);
      return fx.sum(y);
    };
    const x0 = t64([0.4]);
    const g = (fx.grad(rollout)(x0) as fx.Tensor).item();
    expect(Math.log(Math.abs(g))).to.be.closeTo(Math.log(fx.rolloutGrowth(step, x0, t64([1]), T).amplification), 1e-9);
  });

  it('windowAmplification is the growth of a gradient truncated every K steps; on a chaotic map it stays bounded as T grows', () => {
    const logistic = (x: fx.Tensor) => fx.mul(fx.mul(x, fx.sub(1, x)), 3.9);
    const K = 6;
    const x0 = t64([0.31]);
    // 1D: the gradient of x_end wrt x_start through one window is the product of the window's growth factors
    const windowGrad = (start: number, end: number) => {
      let x: fx.Tensor = x0;
      for (let k = 0; k < start; k++) x = logistic(x);
      const run = (y: fx.Tensor) => {
        let z = y;
        for (let k = start; k < end; k++) z = logistic(z);
        return fx.sum(z);
      };
      return Math.abs((fx.grad(run)(x) as fx.Tensor).item());
    };
    const small = fx.rolloutGrowth(logistic, x0, t64([1]), 20);
    const perWindow = [0, 6, 12, 18].map((s) => windowGrad(s, Math.min(s + K, 20)));
    expect(Math.log(fx.windowAmplification(small, K))).to.be.closeTo(Math.log(Math.max(...perWindow)), 1e-9);
    // a window as long as the rollout is the whole amplification
    expect(fx.windowAmplification(small, 20)).to.be.closeTo(small.amplification, 1e-9 * small.amplification);
    // chaotic (exponent > 0): the full amplification explodes with T, the windowed one does not
    const long = fx.rolloutGrowth(logistic, x0, t64([1]), 400);
    expect(long.exponent).to.be.greaterThan(0.3);
    expect(long.amplification).to.be.greaterThan(1e50);
    expect(fx.windowAmplification(long, K)).to.be.lessThan(Math.exp(K * 1.4));
    expect(() => fx.windowAmplification(long, 0)).to.throw(/windowAmplification: window must be a positive integer/);
  });

  it('refuses a bad step count by name', () => {
    expect(() => fx.rolloutGrowth((x) => x, t64([1]), t64([1]), 0)).to.throw(/rolloutGrowth: steps must be a positive integer/);
  });
});
