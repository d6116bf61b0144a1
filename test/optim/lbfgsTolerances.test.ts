import { expect } from 'chai';
import { LBFGS } from '../../optim/index.js';
import { makeOptimizer } from '../../optim/factory.js';

/** f = sum_i c_i (x_i - 1)^2 / 2 with c = 1..n: an SPD quadratic whose minimiser is all ones. */
function quadratic(n: number) {
  return (x: Float64Array) => {
    const g = new Float64Array(n);
    let f = 0;
    for (let i = 0; i < n; i++) {
      f += 0.5 * (i + 1) * (x[i] - 1) ** 2;
      g[i] = (i + 1) * (x[i] - 1);
    }
    return { f, g };
  };
}

/** Trainer-form steps (one iteration each) until the result carries `stop`, or `max` steps. */
function stepsUntilStop(opt: LBFGS, n: number, max = 200) {
  const x = new Float64Array(n);
  const fg = quadratic(n);
  for (let k = 1; k <= max; k++) {
    const r = opt.step(x, fg, { maxIter: 1 });
    if (r.stop) return { steps: k, stop: r.stop, x, g: fg(x).g };
  }
  return { steps: max, stop: undefined, x, g: fg(x).g };
}

describe('optim L-BFGS: stopping tolerances (tolerance_grad, tolerance_change)', () => {
  it('tolerance_grad: on a 4-D quadratic the trainer form reports convergence within a few steps, with max|g| <= tol', () => {
    const r = stepsUntilStop(new LBFGS({ toleranceGrad: 1e-8 }), 4);
    expect(r.stop).to.equal('tolerance_grad');
    expect(r.steps).to.be.at.most(12);
    expect(Math.max(...Array.from(r.g, Math.abs))).to.be.at.most(1e-8);
    for (const v of r.x) expect(v).to.be.closeTo(1, 1e-8);
  });

  it('tolerance_change: stops once the relative loss change (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1) falls to the tolerance', () => {
    const n = 4;
    const opt = new LBFGS({ toleranceChange: 1e-6 });
    const x = new Float64Array(n);
    const fg = quadratic(n);
    let before = fg(x).f;
    for (let k = 1; k <= 50; k++) {
      const r = opt.step(x, fg, { maxIter: 1 });
      const after = fg(x).f;
      const rel = (before - after) / Math.max(Math.abs(before), Math.abs(after), 1);
      // the flag is set exactly on the first step whose relative change is within the tolerance
      if (rel <= 1e-6) {
        expect(r.stop).to.equal('tolerance_change');
        expect(k).to.be.below(15);
        return;
      }
      expect(r.stop).to.equal(undefined);
      before = after;
    }
    expect.fail('tolerance_change never stopped');
  });

  it('without configured tolerances the trainer form never reports a stop (runs keep every step)', () => {
    expect(stepsUntilStop(new LBFGS(), 4, 40).stop).to.equal(undefined);
  });

  it('YAML option names tolerance_grad / tolerance_change reach the optimizer; bad values are named', () => {
    expect(stepsUntilStop(makeOptimizer('lbfgs', { tolerance_grad: 1e-8 }), 3).stop).to.equal('tolerance_grad');
    expect(stepsUntilStop(makeOptimizer('lbfgs', { tolerance_change: 1e-6 }), 3).stop).to.equal('tolerance_change');
    expect(() => makeOptimizer('lbfgs', { tolerance_grad: -1 }, 'training.optimizer_options')).to.throw(
      /training\.optimizer_options\.tolerance_grad: expected/,
    );
    expect(() => makeOptimizer('lbfgs', { tolerance_chnage: 1e-6 })).to.throw(/tolerance_chnage/);
  });
});
