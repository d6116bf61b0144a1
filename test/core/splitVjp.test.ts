// fx.splitVjp: reverse mode as a compiled forward half (output + residuals) and backward half; fx.jit's reuseOutputs.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { fdGrad, rand64, relErr } from '../support/check.js';

describe('splitVjp', () => {
  const W = rand64([6, 5], 1);
  const x = rand64([5, 4], 2);
  const b = rand64([6, 4], 3);
  // elementwise work around two products: only the products' outputs need keeping
  const f = (w: fx.Tensor, z: fx.Tensor, c: fx.Tensor): fx.Tensor => {
    const h = fx.tanh(fx.add(fx.matmul(w, z), c));
    return fx.mul(fx.matmul(fx.transpose(w), fx.square(h)), fx.sin(z));
  };
  const avals = [W, x, b].map((t) => ({ shape: t.shape, dtype: t.dtype }));
  const ct = rand64([5, 4], 4);

  it('forward equals f; backward equals fx.vjp and central differences', () => {
    const sp = fx.splitVjp(f, avals);
    const { out, residuals } = sp.forward(W, x, b);
    expect(relErr(out.dataSync(), f(W, x, b).dataSync())).to.be.below(1e-15);
    const got = sp.backward([W, x, b], residuals, ct);
    const want = fx.vjp(f, W, x, b)[1](ct);
    got.forEach((g, i) => expect(relErr(g.dataSync(), want[i].dataSync()), `input ${i}`).to.be.below(1e-13));
    const loss = (w: fx.Tensor, z: fx.Tensor, c: fx.Tensor) => fx.sum(fx.mul(f(w, z, c), ct)).item();
    expect(relErr(got[1].dataSync(), fdGrad(loss, [W, x, b], 1))).to.be.below(1e-7);
  });

  it('keeps the products and recomputes the elementwise values (residuals: the two matmul outputs)', () => {
    const { residuals } = fx.splitVjp(f, avals).forward(W, x, b);
    expect(residuals.map((r) => r.shape.join('x')).sort()).to.deep.equal(['5x4', '6x4']);
  });

  it('backward needs the residuals of the same inputs: other inputs give another (consistent) answer', () => {
    const sp = fx.splitVjp(f, avals);
    const x2 = rand64([5, 4], 9);
    const r2 = sp.forward(W, x2, b).residuals;
    const want = fx.vjp(f, W, x2, b)[1](ct);
    expect(relErr(sp.backward([W, x2, b], r2, ct)[0].dataSync(), want[0].dataSync())).to.be.below(1e-13);
  });

  it('fx.jit reuseOutputs: one buffer per output, overwritten by the next call', () => {
    const g = fx.jit((z: fx.Tensor) => fx.mul(z, 2), { reuseOutputs: true });
    const a = g(fx.tensor([1, 2, 3, 4], [4], 'f64'));
    const first = Array.from(a.dataSync());
    const c = g(fx.tensor([5, 6, 7, 8], [4], 'f64'));
    expect(first).to.deep.equal([2, 4, 6, 8]);
    expect(Array.from(c.dataSync())).to.deep.equal([10, 12, 14, 16]);
    // on the wasm backend (compiled) the first result now shows the second call's values
    if (fx.getBackend() === 'wasm') expect(Array.from(a.dataSync())).to.deep.equal([10, 12, 14, 16]);
  });
});
