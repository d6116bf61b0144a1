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

  it('refuses a bad step count by name', () => {
    expect(() => fx.rolloutGrowth((x) => x, t64([1]), t64([1]), 0)).to.throw(/rolloutGrowth: steps must be a positive integer/);
  });
});
