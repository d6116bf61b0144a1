// fx.forwardGrad: (grad f . v) v from one jvp with v ~ N(0, I). Checked exactly against the true gradient
// projected on the same directions, statistically for unbiasedness, under jit, and by training with it.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { rand64, relErr } from '../support/check.js';

const f = (p: { w: fx.Tensor; b: fx.Tensor }, x: fx.Tensor) => fx.sum(fx.square(fx.sin(fx.add(fx.matmul(x, p.w), p.b))));
const params = { w: rand64([3, 2], 1), b: rand64([2], 2) };
const x = rand64([5, 3], 3);
const key = (k: number): fx.Tensor => fx.scalar(k, 'i32');
const flat = (t: fx.PyTree) => fx.leaves(t).flatMap((l) => Array.from(l.dataSync()));

describe('forwardGrad (gradients without backpropagation)', () => {
  it('returns f and (grad . v) v for the directions its key draws, shaped like the gradient', () => {
    const [value, est] = fx.forwardGrad(f)(key(7), params, x) as [fx.Tensor, { w: fx.Tensor; b: fx.Tensor }];
    expect(value.item()).to.be.closeTo(f(params, x).item(), 1e-12);
    expect(est.w.shape).to.deep.equal([3, 2]);
    expect(est.b.shape).to.deep.equal([2]);
    // the directions of key 7: leaf i (w, then b) draws normal(7 * 2 + i), as forwardGrad documents
    const v = [...fx.random.normal(14, [3, 2], 'f64').dataSync(), ...fx.random.normal(15, [2], 'f64').dataSync()];
    const g = flat(fx.grad(f)(params, x));
    const slope = g.reduce((acc, gi, i) => acc + gi * v[i], 0);
    expect(
      relErr(
        flat(est),
        v.map((vi) => slope * vi),
      ),
    ).to.be.below(1e-12);
  });

  it('different keys draw different directions; the same key the same', () => {
    const a = flat(fx.forwardGrad(f)(key(1), params, x)[1]);
    const b = flat(fx.forwardGrad(f)(key(2), params, x)[1]);
    const c = flat(fx.forwardGrad(f)(key(1), params, x)[1]);
    expect(relErr(a, b)).to.be.above(0.1);
    expect(a).to.deep.equal(c);
  });

  it('is unbiased: the mean over many keys approaches the gradient (within 4 standard errors)', () => {
    const g = flat(fx.grad(f)(params, x));
    const fg = fx.jit(fx.forwardGrad(f));
    const n = 4000;
    const sum = new Float64Array(g.length);
    const sumSq = new Float64Array(g.length);
    for (let k = 0; k < n; k++) {
      const e = flat(fg(fx.scalar(k, 'i32'), params, x)[1]);
      e.forEach((v, i) => {
        sum[i] += v;
        sumSq[i] += v * v;
      });
    }
    g.forEach((gi, i) => {
      const mean = sum[i] / n;
      const se = Math.sqrt((sumSq[i] / n - mean * mean) / n);
      expect(Math.abs(mean - gi)).to.be.below(4 * se + 1e-12);
    });
  });

  it('jit(forwardGrad) with a traced key equals the eager estimate', () => {
    const eager = flat(fx.forwardGrad(f)(key(11), params, x)[1]);
    const jitted = flat(fx.jit(fx.forwardGrad(f))(fx.scalar(11, 'i32'), params, x)[1]);
    expect(relErr(jitted, eager)).to.be.below(1e-12);
  });

  it('trains: forward-gradient descent lowers a least-squares loss', () => {
    const target = rand64([5, 2], 4);
    const loss = (p: { w: fx.Tensor; b: fx.Tensor }) => fx.mean(fx.square(fx.sub(fx.add(fx.matmul(x, p.w), p.b), target)));
    const step = fx.jit(fx.forwardGrad(loss));
    let p = params;
    const start = loss(p).item();
    for (let k = 0; k < 400; k++) {
      const [, est] = step(fx.scalar(k, 'i32'), p) as [fx.Tensor, { w: fx.Tensor; b: fx.Tensor }];
      p = { w: fx.sub(p.w, fx.mul(est.w, 0.05)), b: fx.sub(p.b, fx.mul(est.b, 0.05)) };
    }
    expect(loss(p).item()).to.be.below(0.5 * start);
  });

  it('argnums selects arguments; a non-scalar f is refused by name', () => {
    const [, [gw]] = fx.forwardGrad((w: fx.Tensor, z: fx.Tensor) => fx.sum(fx.mul(w, z)), [0])(key(3), x, x) as [fx.Tensor, fx.Tensor[]];
    expect(gw.shape).to.deep.equal([5, 3]);
    expect(() => fx.forwardGrad((w: fx.Tensor) => fx.mul(w, 2))(key(1), x)).to.throw(/forwardGrad: the function must return a scalar/);
    expect(() => fx.forwardGrad(f)(fx.scalar(1), params, x)).to.throw(/forwardGrad: the key must be an i32 scalar/);
  });
});
