import { expect } from 'chai';
import { Adam, MultiAdam } from '../../optim/index.js';
import { pdeConditionGroups } from '../../optim/multiAdam.js';
import { Mulberry32 } from '../../core/random.js';
import { expectClose, randomVec } from './helpers.js';

describe('optim MultiAdam', () => {
  it('first step by hand: lr * sum_i w_i sign(g_i) with w_i = 1/2', () => {
    const opt = new MultiAdam({ lr: 0.1 });
    const p = new Float64Array([0, 0, 0]);
    const r = opt.step(p, [1, 1], [new Float64Array([1, -2, 0]), new Float64Array([-3, 4, 5])]);
    // each term's bias-corrected m/sqrt(v) is sign(g): signs cancel in the first two entries
    expect(r.weights).to.deep.equal([0.5, 0.5]);
    expectClose(p, [0, 0, -0.05], 1e-8);
  });

  it('second step by hand (betas 0.99/0.99)', () => {
    const opt = new MultiAdam({ lr: 1, eps: 0, weights: [1] });
    const p = new Float64Array([0]);
    opt.step(p, [1], [new Float64Array([1])]); // -> -1
    opt.step(p, [1], [new Float64Array([3])]);
    // m = 0.99*0.01 + 0.01*3 = 0.0399, m_hat = 0.0399/0.0199 = 2.005025
    // v = 0.99*0.01 + 0.01*9 = 0.0999, v_hat = 0.0999/0.0199 = 5.020101, sqrt = 2.240558
    // update = 2.005025/2.240558 = 0.894878
    expect(p[0]).to.be.closeTo(-1 - 0.894878, 1e-6);
  });

  it('groups: a group shares one pair of moments of its summed gradients (first step by hand)', () => {
    const grads = () => [new Float64Array([1, -2, 0]), new Float64Array([3, 1, 0]), new Float64Array([-3, 4, 5])];
    // one group per loss: lr * (sign g0 + sign g1 + sign g2) / 3 = 0.1 * [1, 1, 1] / 3
    const perLoss = new Float64Array(3);
    new MultiAdam({ lr: 0.1 }).step(perLoss, [1, 1, 1], grads());
    expectClose(perLoss, [-0.1 / 3, -0.1 / 3, -0.1 / 3], 1e-8);
    // groups [0, 0, 1]: lr * (sign(g0 + g1) + sign g2) / 2 = 0.1 * ([1, -1, 0] + [-1, 1, 1]) / 2
    const grouped = new Float64Array(3);
    const r = new MultiAdam({ lr: 0.1, groups: [0, 0, 1] }).step(grouped, [1, 1, 1], grads());
    expectClose(grouped, [0, 0, -0.05], 1e-8);
    expect(r.weights).to.deep.equal([0.5, 0.5, 0.5]);
  });

  it("groups: the PDE residuals in one group, every condition in the other (the authors' grouping)", () => {
    expect(pdeConditionGroups([true, false, false])).to.deep.equal([0, 1, 1]);
    expect(pdeConditionGroups([true, true, true, false])).to.deep.equal([0, 0, 0, 1]);
    expect(pdeConditionGroups([false, true])).to.deep.equal([1, 0]);
    expect(pdeConditionGroups([true, true])).to.deep.equal([0, 0]);
  });

  it('is invariant to rescaling one loss (its gradient) by 1e4', () => {
    const rng = new Mulberry32(11);
    const n = 12;
    const a = new MultiAdam({ lr: 1e-2 });
    const b = new MultiAdam({ lr: 1e-2 });
    const ca = new Adam({ lr: 1e-2 });
    const cb = new Adam({ lr: 1e-2 });
    const pa = randomVec(n, rng);
    const pb = Float64Array.from(pa);
    const qa = Float64Array.from(pa);
    const qb = Float64Array.from(pa);
    for (let t = 0; t < 30; t++) {
      const g1 = randomVec(n, rng);
      const g2 = randomVec(n, rng);
      const g2big = g2.map((x) => x * 1e4);
      a.step(pa, [1, 1], [g1, g2]);
      b.step(pb, [1, 1e4], [g1, g2big]);
      ca.step(
        qa,
        g1.map((x, i) => x + g2[i]),
      );
      cb.step(
        qb,
        g1.map((x, i) => x + g2big[i]),
      );
    }
    expectClose(pb, pa, 1e-7, 'rescaled run');
    // control: Adam on the summed gradient is not invariant (loss 2 takes over), so the check can fail
    let diff = 0;
    for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(qa[i] - qb[i]));
    expect(diff).to.be.above(1e-3);
  });

  it('rejects wrong weight counts and mismatched losses', () => {
    const opt = new MultiAdam({ weights: [1, 2, 3] });
    const g = new Float64Array(2);
    expect(() => opt.step(new Float64Array(2), [1, 1], [g, g])).to.throw('optimizer.weights: expected 2 weights');
    expect(() => new MultiAdam().step(new Float64Array(2), [1], [g, g])).to.throw('losses: expected 2 values');
    expect(() => new MultiAdam().step(new Float64Array(2), [1, 1], [g, new Float64Array(3)])).to.throw('multiadam grads[1]');
    expect(() => new MultiAdam({ groups: [0, 2] })).to.throw('optimizer.groups: group 1 has no loss');
    expect(() => new MultiAdam({ groups: [0, 1] }).step(new Float64Array(2), [1], [g])).to.throw('optimizer.groups: expected 1 group');
    expect(() => new MultiAdam({ groups: [0, 0], weights: [1, 1] }).step(new Float64Array(2), [1, 1], [g, g])).to.throw(
      'optimizer.weights: expected 1 weights (one per group)',
    );
  });
});
