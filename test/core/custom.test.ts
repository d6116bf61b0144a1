// fx.customVjp / fx.customJvp: user rules are used where JAX uses them, and compose with jit, grad, jvp, jet.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { fdGrad, rand64, relErr, t64 } from '../support/check.js';

describe('custom derivative rules', () => {
  // log(1 + e^x) written naively overflows for large x; the custom rule gives the stable sigmoid gradient
  let fwdCalls = 0;
  let bwdCalls = 0;
  const naiveSoftplus = (x: fx.Tensor): fx.Tensor => fx.log(fx.add(fx.exp(x), 1));
  const softplus = fx.customVjp(
    naiveSoftplus,
    (x) => {
      fwdCalls++;
      return [naiveSoftplus(x), [fx.sigmoid(x)]];
    },
    ([s], ct) => {
      bwdCalls++;
      return [fx.mul(ct, s)];
    },
  );

  it('customVjp: grad uses fwd residuals and bwd (finite where plain autodiff gives NaN)', () => {
    fwdCalls = bwdCalls = 0;
    const x = t64([-3, 0.5, 800]);
    const g = fx.grad((z: fx.Tensor) => fx.sum(softplus(z)))(x) as fx.Tensor;
    expect(fwdCalls).to.equal(1);
    expect(bwdCalls).to.equal(1);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    expect(Array.from(g.dataSync())).to.deep.equal([sig(-3), sig(0.5), 1]);
    const plain = fx.grad((z: fx.Tensor) => fx.sum(naiveSoftplus(z)))(x) as fx.Tensor;
    expect(Number.isNaN(plain.dataSync()[2])).to.equal(true); // inf / inf: why the rule exists
  });

  it('customVjp composes with jit(grad) and with grad of grad through the rule', () => {
    const x = rand64([5], 3, -2, 2);
    const loss = (z: fx.Tensor) => fx.sum(fx.mul(softplus(z), z));
    const g = fx.jit(fx.grad(loss))(x) as fx.Tensor;
    const fd = fdGrad((z) => loss(z).item(), [x], 0);
    expect(relErr(g.dataSync(), fd)).to.be.below(1e-6);
    // second derivative: bwd is written in differentiable ops, so grad(grad) goes through it
    const h = fx.grad((z: fx.Tensor) => fx.sum(fx.grad((w: fx.Tensor) => fx.sum(softplus(w)))(z) as fx.Tensor))(x) as fx.Tensor;
    const s = Array.from(x.dataSync()).map((v) => 1 / (1 + Math.exp(-v)));
    expect(
      relErr(
        h.dataSync(),
        s.map((v) => v * (1 - v)),
      ),
    ).to.be.below(1e-12);
  });

  it('customVjp: jvp and jet differentiate the primal; bwd must return one cotangent per input', () => {
    const x = t64([0.2, -1.1]);
    const [, t] = fx.jvp(softplus, [x], [t64([1, 1])]);
    const s = [0.2, -1.1].map((v) => 1 / (1 + Math.exp(-v)));
    expect(relErr(t.dataSync(), s)).to.be.below(1e-12);
    const [, [, second]] = fx.jet(softplus, x, [t64([1, 1]), null]);
    expect(
      relErr(
        second.dataSync(),
        s.map((v) => v * (1 - v)),
      ),
    ).to.be.below(1e-12);
    const bad = fx.customVjp(
      (z) => fx.mul(z, z),
      (z) => [fx.mul(z, z), [z]],
      () => [],
    );
    expect(() => fx.grad((z: fx.Tensor) => fx.sum(bad(z)))(x)).to.throw(/bwd must return one cotangent \(or null\) per input \(1\), got 0/);
  });

  // sqrt by 30 Newton steps (gradient would flow through every step) with the implicit-function rule instead
  let jvpCalls = 0;
  const newtonSqrt = (a: fx.Tensor): fx.Tensor => {
    let r = fx.add(fx.mul(a, 0), 1);
    for (let i = 0; i < 30; i++) r = fx.mul(fx.add(r, fx.div(a, r)), 0.5);
    return r;
  };
  const sqrtImplicit = fx.customJvp(newtonSqrt, ([a], [ta]) => {
    jvpCalls++;
    const r = fx.stopGradient(newtonSqrt(a));
    return [r, fx.div(ta, fx.mul(r, 2))];
  });

  it('customJvp: jvp uses the rule; grad uses its transpose (matches 1/(2 sqrt a))', () => {
    const a = t64([0.5, 2, 9]);
    jvpCalls = 0;
    const [y, t] = fx.jvp(sqrtImplicit, [a], [t64([1, 2, 3])]);
    expect(jvpCalls).to.equal(1);
    expect(relErr(y.dataSync(), [0.5, 2, 9].map(Math.sqrt))).to.be.below(1e-14);
    expect(
      relErr(
        t.dataSync(),
        [0.5, 2, 9].map((v, i) => (i + 1) / (2 * Math.sqrt(v))),
      ),
    ).to.be.below(1e-14);
    jvpCalls = 0;
    const g = fx.jit(fx.grad((z: fx.Tensor) => fx.sum(sqrtImplicit(z))))(a) as fx.Tensor;
    expect(jvpCalls).to.be.greaterThan(0);
    expect(
      relErr(
        g.dataSync(),
        [0.5, 2, 9].map((v) => 0.5 / Math.sqrt(v)),
      ),
    ).to.be.below(1e-12);
  });

  it('customJvp: jet uses the rule at first order and the primal beyond it', () => {
    const a = t64([2]);
    const [, [d1, d2]] = fx.jet(sqrtImplicit, a, [t64([1]), null]);
    expect(d1.item()).to.be.closeTo(0.5 / Math.sqrt(2), 1e-14);
    expect(d2.item()).to.be.closeTo(-0.25 * 2 ** -1.5, 1e-10);
  });
});

describe('custom functions in compiled graphs', () => {
  it('a jitted function runs a custom function as its traced primal (no per-run evaluation of f), nested and repeated', () => {
    let calls = 0;
    const f = (x: fx.Tensor): fx.Tensor => {
      calls++;
      return fx.mul(fx.sin(x), 2);
    };
    const g = fx.customVjp(
      f,
      (x) => [f(x), [x]],
      ([x], ct) => [fx.mul(ct, fx.mul(fx.cos(x), 2))],
    );
    // the same jitted inner function evaluated twice inside a trace: both equations share one primal graph
    const inner = fx.jit((x: fx.Tensor) => fx.add(g(x), 1));
    const outer = fx.jit((x: fx.Tensor) => fx.mul(inner(fx.checkpoint(inner)(x)), inner(x)));
    const x = t64([0.3, -1.2, 2]);
    const want = [0.3, -1.2, 2].map((v) => {
      const h = (z: number) => 2 * Math.sin(z) + 1;
      return h(h(v)) * h(v);
    });
    expect(relErr((outer(x) as fx.Tensor).dataSync(), want)).to.be.below(1e-14);
    const before = calls;
    expect(relErr((outer(x) as fx.Tensor).dataSync(), want)).to.be.below(1e-14);
    expect(calls, 'f is not evaluated again by a compiled run').to.equal(before);
  });
});
