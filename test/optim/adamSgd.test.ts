import { expect } from 'chai';
import { Adam, SGD } from '../../optim/index.js';
import { expectClose } from './helpers.js';

describe('optim Adam / AdamW / SGD', () => {
  it('Adam first step is lr * sign(g) (bias correction), second step by hand', () => {
    const opt = new Adam({ lr: 0.1 });
    const p = new Float64Array([1, -2, 0.5]);
    opt.step(p, new Float64Array([0.5, -1, 0]));
    // m_hat = g, v_hat = g^2 -> update = 0.1 * g/(|g|+1e-8); a zero gradient leaves p alone
    expectClose(p, [0.9, -1.9, 0.5], 1e-7);
    opt.step(p, new Float64Array([0.25, -1, 0]));
    // element 0: m = 0.9*0.05 + 0.1*0.25 = 0.07, v = 0.999*0.00025 + 0.001*0.0625 = 0.00031225
    // m_hat = 0.07/0.19 = 0.368421, v_hat = 0.00031225/0.001999 = 0.156203, update = 0.1*0.368421/0.395225 = 0.0932180
    // element 1: constant gradient -> another full step of 0.1
    expectClose(p, [0.9 - 0.093218, -1.8, 0.5], 1e-6);
    expect(opt.steps).to.equal(2);
  });

  it('Adam, AdamW and SGD reject a non-positive or non-finite constant lr, naming it', () => {
    expect(() => new Adam({ lr: 0 })).to.throw('adam.lr: expected a number in (0,inf), got 0');
    expect(() => new Adam({ lr: -0.1 })).to.throw('adam.lr: expected a number in (0,inf), got -0.1');
    expect(() => new Adam({ lr: Number.NaN })).to.throw('adam.lr: expected a number in (0,inf), got NaN');
    expect(() => new Adam({ lr: Infinity, decoupled: true })).to.throw('adamw.lr: expected a number in (0,inf), got Infinity');
    expect(() => new SGD({ lr: -1 })).to.throw('sgd.lr: expected a number in (0,inf), got -1');
  });

  it('Adam with L2 weight decay adds wd*p to the gradient; AdamW shrinks p by (1 - lr*wd)', () => {
    const l2 = new Adam({ lr: 0.1, weightDecay: 1 });
    const a = new Float64Array([2]);
    l2.step(a, new Float64Array([-1])); // g' = -1 + 1*2 = 1 > 0, so the step goes down
    expect(a[0]).to.be.closeTo(1.9, 1e-7);
    const w = new Adam({ lr: 0.1, weightDecay: 0.1, decoupled: true });
    const b = new Float64Array([1]);
    w.step(b, new Float64Array([0.5])); // 1*(1 - 0.01) - 0.1 = 0.89
    expect(b[0]).to.be.closeTo(0.89, 1e-7);
    expect(w.state().kind).to.equal('adamw');
  });

  it('Adam updates Float32 parameters in place', () => {
    const p = new Float32Array([1, 1]);
    new Adam({ lr: 0.25 }).step(p, new Float32Array([3, -3]));
    expect(Array.from(p)).to.deep.equal([0.75, 1.25]);
  });

  it('SGD plain, heavy-ball and Nesterov momentum by hand', () => {
    const plain = new SGD({ lr: 0.1 });
    const p0 = new Float64Array([1]);
    plain.step(p0, new Float64Array([2]));
    expect(p0[0]).to.be.closeTo(0.8, 1e-15);

    const hb = new SGD({ lr: 0.1, momentum: 0.9 });
    const p1 = new Float64Array([1]);
    hb.step(p1, new Float64Array([2])); // buf = 2 -> p = 0.8
    hb.step(p1, new Float64Array([1])); // buf = 0.9*2 + 1 = 2.8 -> p = 0.8 - 0.28 = 0.52
    expect(p1[0]).to.be.closeTo(0.52, 1e-15);

    const nv = new SGD({ lr: 0.1, momentum: 0.9, nesterov: true });
    const p2 = new Float64Array([1]);
    nv.step(p2, new Float64Array([2])); // buf = 2, step g + 0.9 buf = 3.8 -> 0.62
    nv.step(p2, new Float64Array([1])); // buf = 2.8, step 1 + 2.52 = 3.52 -> 0.268
    expect(p2[0]).to.be.closeTo(0.268, 1e-14);
  });

  it('Adam converges on a badly scaled quadratic', () => {
    // f = 0.5*(x^2 + 100 y^2); Adam's per-coordinate scaling handles the 100x conditioning
    const opt = new Adam({ lr: 0.05 });
    const p = new Float64Array([3, -2]);
    for (let i = 0; i < 2000; i++) opt.step(p, new Float64Array([p[0], 100 * p[1]]));
    expect(Math.hypot(p[0], p[1])).to.be.below(1e-3);
  });

  it('rejects a gradient of the wrong length, naming it', () => {
    expect(() => new Adam().step(new Float64Array(3), new Float64Array(2))).to.throw('adam grad[0]: expected length 3');
  });
});
