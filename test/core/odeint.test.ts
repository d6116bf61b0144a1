// fx.odeint: the adaptive host integrator against closed-form solutions, and adjoint gradients against
// finite differences and against backpropagation through RK4; the adjoint's memory is asserted O(1) in solver steps
// (the compiled gradient program's arena at two step counts), the unrolled one's linear.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { dopri5 } from '../../core/ode/dopri5.js';
import { fdGrad, relErr, t64 } from '../support/check.js';
import { gradArenaBytes } from '../../bench/arena.js';

// linear decay with a time-dependent rate: y' = -k (1 + t) y, y = y0 exp(-k (t + t^2 / 2))
const decay = (y: fx.Tensor, t: fx.Tensor, p: { k: fx.Tensor }) => fx.mul(fx.neg(fx.mul(p.k, fx.add(t, 1))), y);
// Lotka-Volterra with parameters [alpha, beta, delta, gamma]
const lv = (y: fx.Tensor, _t: fx.Tensor, p: fx.Tensor) => {
  const [a, b, d, g] = [0, 1, 2, 3].map((i) => fx.reshape(fx.sliceAxis(p, 0, i, i + 1), []));
  const x = fx.reshape(fx.sliceAxis(y, 0, 0, 1), []);
  const z = fx.reshape(fx.sliceAxis(y, 0, 1, 2), []);
  return fx.stack([fx.sub(fx.mul(a, x), fx.mul(fx.mul(b, x), z)), fx.sub(fx.mul(fx.mul(d, x), z), fx.mul(g, z))], 0);
};
const ts = [0, 0.5, 1, 1.5, 2, 3];

describe('odeint (neural ODEs, adjoint method)', () => {
  it('dopri5 meets its tolerance on an oscillator, forwards and backwards in time', () => {
    const f = (_t: number, y: Float64Array) => Float64Array.from([y[1], -y[0]]);
    const y = dopri5(f, Float64Array.from([1, 0]), 0, 10, { rtol: 1e-10, atol: 1e-12 });
    expect(relErr(y, [Math.cos(10), -Math.sin(10)])).to.be.below(1e-8);
    const back = dopri5(f, y, 10, 0, { rtol: 1e-10, atol: 1e-12 });
    expect(relErr(back, [1, 0])).to.be.below(1e-8);
  });

  it('returns the states at ts stacked on a leading axis (closed form)', () => {
    const y0 = t64([1, 2]);
    const ys = fx.odeint(decay, y0, ts, { k: t64([0.7]) }, { rtol: 1e-10, atol: 1e-12 });
    expect(ys.shape).to.deep.equal([ts.length, 2]);
    const want = ts.flatMap((t) => [1, 2].map((v) => v * Math.exp(-0.7 * (t + (t * t) / 2))));
    expect(relErr(ys.dataSync(), want)).to.be.below(1e-8);
  });

  it('adjoint gradients wrt y0 and params match finite differences and backprop through RK4', () => {
    const p = t64([1.1, 0.4, 0.1, 0.4]);
    const y0 = t64([10, 5].map((v) => v / 5));
    const target = t64(ts.flatMap((t) => [1 + 0.1 * t, 1 - 0.1 * t]));
    const loss = (opts: fx.OdeintOptions) => (yy: fx.Tensor, pp: fx.Tensor) =>
      fx.sum(fx.square(fx.sub(fx.reshape(fx.odeint(lv, yy, ts, pp, opts), [ts.length * 2]), target)));
    const adj = loss({ rtol: 1e-10, atol: 1e-12 });
    const [gy, gp] = fx.grad(adj, [0, 1])(y0, p) as fx.Tensor[];
    expect(
      relErr(
        gy.dataSync(),
        fdGrad((a, b) => adj(a, b).item(), [y0, p], 0),
      ),
    ).to.be.below(1e-5);
    expect(
      relErr(
        gp.dataSync(),
        fdGrad((a, b) => adj(a, b).item(), [y0, p], 1),
      ),
    ).to.be.below(1e-5);
    const unrolled = loss({ adjoint: false, steps: 40 });
    const [uy, up] = fx.grad(unrolled, [0, 1])(y0, p) as fx.Tensor[];
    expect(relErr(gy.dataSync(), uy.dataSync())).to.be.below(1e-5);
    expect(relErr(gp.dataSync(), up.dataSync())).to.be.below(1e-5);
  });

  it("the adjoint's working memory does not grow with the solver's steps; backprop through RK4 grows linearly", () => {
    // the compiled gradient program's arena (what bench/odeint.ts reports), over [0, 5] with two observation intervals
    const span = [0, 2.5, 5];
    const y0 = t64([2, 1]);
    const k = t64([0.3]);
    const loss = (opts: fx.OdeintOptions) => (yy: fx.Tensor, kk: fx.Tensor) =>
      fx.sum(fx.square(fx.odeint(decay, yy, span, { k: kk }, opts)));
    const adjoint = (rtol: number) => {
      const stats = { steps: 0, rejected: 0, evaluations: 0 };
      fx.grad(loss({ rtol, atol: rtol, stats }), [0, 1])(y0, k);
      return { steps: stats.steps, bytes: gradArenaBytes(loss({ rtol, atol: rtol }), [y0, k]) };
    };
    const loose = adjoint(1e-4);
    const tight = adjoint(1e-11);
    expect(tight.steps).to.be.above(5 * loose.steps);
    expect(tight.bytes).to.equal(loose.bytes);
    // 20 and 160 RK4 steps in all (10 and 80 per interval): every step's stages are kept for the backward pass
    const [short, long] = [10, 80].map((steps) => gradArenaBytes(loss({ adjoint: false, steps }), [y0, k]));
    expect(long / short).to.be.within(6, 9);
    expect(loose.bytes).to.be.below(short / 10);
  });

  it('composes with jit: a compiled gradient step gives the eager gradient', () => {
    const loss = (pp: fx.Tensor) => fx.sum(fx.odeint(lv, t64([2, 1]), ts, pp));
    const p = t64([1.1, 0.4, 0.1, 0.4]);
    const eager = fx.grad(loss)(p) as fx.Tensor;
    const jitted = fx.jit(fx.grad(loss))(p) as fx.Tensor;
    expect(relErr(jitted.dataSync(), eager.dataSync())).to.be.below(1e-12);
  });

  it('bad input is refused by name', () => {
    const p = { k: t64([1]) };
    expect(() => fx.odeint(decay, t64([1]), [0, 1, 1], p)).to.throw(/ts must be finite and strictly increasing/);
    expect(() => fx.odeint(decay, t64([1]), [0, 1], p, { method: 'rk4' })).to.throw(/pass adjoint: false/);
  });
});
