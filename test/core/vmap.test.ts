// fx.vmap against the loop it replaces: for every primitive family, the batched program must give what
// calling f once per example and stacking gives, with any mix of mapped and shared arguments, and it must
// compose with grad, jvp, jet and jit. jacfwd / jacrev / hessian are checked against finite differences and
// closed forms.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { fdGrad, rand64, relErr, t64 } from '../support/check.js';

type Fn = (...xs: fx.Tensor[]) => fx.Tensor;

/** Example i of x along `axis` (the axis removed). */
const example = (x: fx.Tensor, axis: number, i: number): fx.Tensor => {
  const s = fx.sliceAxis(x, axis, i, i + 1);
  return fx.reshape(
    s,
    x.shape.filter((_, a) => a !== axis),
  );
};

/** f called once per example, the results stacked along `outAxis`. */
function loop(f: Fn, args: fx.Tensor[], inAxes: Array<number | null>, outAxis = 0): fx.Tensor {
  const mapped = args.findIndex((_, i) => inAxes[i] !== null);
  const n = args[mapped].shape[inAxes[mapped] as number];
  const ys = Array.from({ length: n }, (_, b) => f(...args.map((x, i) => (inAxes[i] === null ? x : example(x, inAxes[i] as number, b)))));
  return fx.stack(ys, outAxis);
}

function expectSameAsLoop(f: Fn, args: fx.Tensor[], inAxes: Array<number | null>, tol = 1e-12, outAxis = 0): void {
  const batched = fx.vmap(f, inAxes, outAxis)(...args) as fx.Tensor;
  const looped = loop(f, args, inAxes, outAxis);
  expect(batched.shape).to.deep.equal(looped.shape);
  expect(batched.dtype).to.equal(looped.dtype);
  expect(relErr(batched.dataSync(), looped.dataSync())).to.be.below(tol);
}

const i32 = (data: number[], shape: number[]): fx.Tensor => fx.tensor(Int32Array.from(data), shape, 'i32');

describe('vmap: batched programs equal the per-example loop', () => {
  const x = rand64([5, 3, 4], 1);
  const w = rand64([3, 4], 2);

  it('elementwise (unary, binary with a shared operand, comparisons, where, casts)', () => {
    const f = (a: fx.Tensor, b: fx.Tensor) =>
      fx.add(fx.mul(fx.tanh(fx.mul(a, b)), fx.exp(fx.sin(a))), fx.where(fx.greater(a, b), fx.sqrt(fx.square(b)), fx.erf(a)));
    expectSameAsLoop(f, [x, w], [0, null]);
    expectSameAsLoop(f, [w, x], [null, 0]);
    expectSameAsLoop(f, [x, x], [0, 0]);
    expectSameAsLoop((a) => fx.add(fx.pow(fx.abs(a), 3), 2), [x], [0]);
  });

  it('layout: reshape, transpose, slice, pad, concat, broadcast', () => {
    expectSameAsLoop((a) => fx.transpose(fx.reshape(a, [2, 6]), [1, 0]), [x], [0]);
    expectSameAsLoop((a) => fx.pad(fx.slice(a, [1, 1], [2, 2]), [1, 0], [0, 2]), [x], [0]);
    expectSameAsLoop((a, b) => fx.concat([a, b, a], 1), [x, w], [0, null]);
    expectSameAsLoop((a, b) => fx.concat([b, a], 0), [x, w], [0, null]);
    expectSameAsLoop((a) => fx.broadcastTo(fx.reshape(fx.sum(a, 1), [3, 1]), [2, 3, 4]), [x], [0]);
  });

  it('reductions over any axes, and non-zero in/out axes', () => {
    expectSameAsLoop((a) => fx.sum(a, 1), [x], [0]);
    expectSameAsLoop((a) => fx.max(a, 0, true), [x], [0]);
    expectSameAsLoop((a) => fx.sum(a), [x], [0]);
    expectSameAsLoop((a, b) => fx.mul(fx.mean(a, 0), b), [x, rand64([4], 3)], [1, null], 1e-12, 1);
    expectSameAsLoop((a) => fx.exp(a), [x], [2], 1e-12, 1);
  });

  it('matmul: mapped rows with a shared matrix (folded), shared with mapped, both mapped', () => {
    const m = rand64([4, 6], 4);
    expectSameAsLoop((a, b) => fx.matmul(a, b), [x, m], [0, null]);
    expectSameAsLoop((a, b) => fx.matmul(a, b, { transB: true }), [x, rand64([6, 4], 5)], [0, null]);
    expectSameAsLoop((a, b) => fx.matmul(a, b), [w, rand64([5, 4, 2], 6)], [null, 0]);
    expectSameAsLoop((a, b) => fx.matmul(a, b, { transA: true }), [x, rand64([5, 3, 2], 7)], [0, 0]);
  });

  it('gather and scatterAdd with mapped data, mapped indices, or both', () => {
    const idx = i32([2, 0, 2, 1], [4]);
    const idxs = i32([0, 1, 2, 2, 1, 0, 1, 1, 1, 2, 0, 0, 0, 2, 2], [5, 3]);
    const gather = (a: fx.Tensor, i: fx.Tensor) => fx.gather(a, i, 0);
    expectSameAsLoop(gather, [x, idx], [0, null]);
    expectSameAsLoop(gather, [w, idxs], [null, 0]);
    expectSameAsLoop(gather, [x, idxs], [0, 0]);
    expectSameAsLoop((a, i) => fx.gather(a, i, 1), [x, idxs], [0, 0]);
    const scatter = (base: fx.Tensor, i: fx.Tensor, u: fx.Tensor) => fx.scatterAdd(base, i, u, 0);
    const upd = rand64([5, 3, 4], 8);
    expectSameAsLoop(scatter, [w, idxs, upd], [null, 0, 0]);
    expectSameAsLoop(scatter, [w, i32([1, 1, 0], [3]), upd], [null, null, 0]);
    expectSameAsLoop(scatter, [x, idxs, upd], [0, 0, 0]);
    expectSameAsLoop(
      (base, i, u) => fx.scatterAdd(base, i, u, 1),
      [x, i32([3, 0, 3, 3, 1, 2, 0, 0, 1, 2], [5, 2]), rand64([5, 3, 2], 9)],
      [0, 0, 0],
    );
  });

  it('FFTs along the last axis', () => {
    expectSameAsLoop((a) => fx.irfft(fx.mul(fx.rfft(a), 2), 4), [x], [0], 1e-12);
    expectSameAsLoop((a) => fx.ifft(fx.fft(fx.rfft(a))), [x], [1], 1e-12);
  });

  it('random draws: one independent stream per mapped key, the same numbers as separate calls', () => {
    const keys = i32([3, 17, 3], [3]);
    const draws = fx.vmap((k: fx.Tensor) => fx.random.normal(k, [4], 'f64'))(keys) as fx.Tensor;
    for (let b = 0; b < 3; b++) {
      const single = fx.random.normal(example(keys, 0, b), [4], 'f64').dataSync();
      expect(Array.from(example(draws, 0, b).dataSync())).to.deep.equal(Array.from(single));
    }
    expect(draws.dataSync()[0]).to.not.equal(draws.dataSync()[4]);
  });

  it('custom rules: customVjp and customJvp functions map, and their rules map under grad', () => {
    const softplus = fx.customVjp(
      (a) => fx.log(fx.add(fx.exp(a), 1)),
      (a) => [fx.log(fx.add(fx.exp(a), 1)), [fx.sigmoid(a)]],
      ([s], ct) => [fx.mul(ct, s)],
    );
    const cube = fx.customJvp(
      (a) => fx.mul(fx.mul(a, a), a),
      ([a], [t]) => [fx.mul(fx.mul(a, a), a), fx.mul(fx.mul(fx.mul(a, a), 3), t)],
    );
    const f = (a: fx.Tensor, b: fx.Tensor) => fx.sum(fx.mul(softplus(fx.mul(a, b)), cube(a)));
    expectSameAsLoop(f, [x, w], [0, null]);
    // per-example gradients through both rules, against finite differences of each example's loss
    const grads = fx.vmap(fx.grad(f), [0, null])(x, w) as fx.Tensor;
    for (const b of [0, 4]) {
      const fd = fdGrad((a) => f(a, w).item(), [example(x, 0, b)], 0);
      expect(relErr(example(grads, 0, b).dataSync(), fd)).to.be.below(1e-7);
    }
  });
});

describe('vmap composes with grad, jvp, jet and jit', () => {
  // a two-layer network's squared error on one example: the per-example gradient case of JAX's docs
  const params: [fx.Tensor, fx.Tensor, fx.Tensor] = [rand64([3, 8], 11), rand64([8], 12), rand64([8, 1], 13)];
  const loss = (x: fx.Tensor, y: fx.Tensor, w1: fx.Tensor, b1: fx.Tensor, w2: fx.Tensor) => {
    const h = fx.tanh(fx.add(fx.matmul(fx.reshape(x, [1, 3]), w1), b1));
    return fx.sum(fx.square(fx.sub(fx.reshape(fx.matmul(h, w2), []), y)));
  };
  const xs = rand64([6, 3], 14);
  const ys = rand64([6], 15);
  const axes = [0, 0, null, null, null];

  it('vmap(grad): per-example gradients equal separate grads', () => {
    const perExample = fx.vmap(fx.grad(loss, 2), axes)(xs, ys, ...params) as fx.Tensor;
    expect(perExample.shape).to.deep.equal([6, 3, 8]);
    const looped = loop(fx.grad(loss, 2) as Fn, [xs, ys, ...params], axes);
    expect(relErr(perExample.dataSync(), looped.dataSync())).to.be.below(1e-12);
  });

  it('grad(vmap): the gradient of the summed batch loss is the sum of per-example gradients', () => {
    const total = (w1: fx.Tensor) => fx.sum(fx.vmap(loss, axes)(xs, ys, w1, params[1], params[2]) as fx.Tensor);
    const g = fx.grad(total)(params[0]) as fx.Tensor;
    const fd = fdGrad((w1) => total(w1).item(), [params[0]], 0);
    expect(relErr(g.dataSync(), fd)).to.be.below(1e-7);
  });

  it('jit(vmap) and vmap(jvp) agree with the eager loop', () => {
    const f = (a: fx.Tensor) => fx.sin(fx.matmul(fx.reshape(a, [1, 3]), params[0]));
    const jitted = fx.jit(fx.vmap(f))(xs) as fx.Tensor;
    expect(relErr(jitted.dataSync(), loop(f, [xs], [0]).dataSync())).to.be.below(1e-12);
    const tangents = rand64([6, 3], 16);
    const jvps = fx.vmap((a: fx.Tensor, t: fx.Tensor) => fx.jvp(f, [a], [t])[1])(xs, tangents) as fx.Tensor;
    const looped = loop((a, t) => fx.jvp(f, [a], [t])[1], [xs, tangents], [0, 0]);
    expect(relErr(jvps.dataSync(), looped.dataSync())).to.be.below(1e-12);
  });

  it('vmap(jet), jet(vmap) and the per-example loop of jets give the same Taylor series', () => {
    // per example: x [3] -> [2], through matmul, tanh, sin, exp, a reduction and a reshape
    const f = (a: fx.Tensor) => {
      const h = fx.tanh(fx.matmul(fx.reshape(a, [1, 3]), params[0]));
      return fx.reshape(fx.concat([fx.sin(fx.matmul(h, params[2])), fx.reshape(fx.sum(fx.exp(fx.mul(h, 0.5))), [1, 1])], 1), [2]);
    };
    const series = [rand64([6, 3], 20), rand64([6, 3], 21), rand64([6, 3], 22)];
    const jetLeaves = (a: fx.Tensor, ...vs: fx.Tensor[]) => {
      const [y, out] = fx.jet(f, a, vs);
      return [y, ...out];
    };
    const looped = [0, 1, 2, 3].map((k) => loop((a, ...vs) => jetLeaves(a, ...vs)[k], [xs, ...series], [0, 0, 0, 0]));
    const mapped = fx.vmap(jetLeaves)(xs, ...series) as fx.Tensor[];
    const [y, out] = fx.jet(fx.vmap(f) as (a: fx.Tensor) => fx.Tensor, xs, series);
    [y, ...out].forEach((t, k) => {
      expect(t.shape).to.deep.equal([6, 2]);
      expect(relErr(mapped[k].dataSync(), looped[k].dataSync()), `vmap(jet) order ${k}`).to.be.below(1e-12);
      expect(relErr(t.dataSync(), looped[k].dataSync()), `jet(vmap) order ${k}`).to.be.below(1e-12);
    });
    // a shared direction and a zero second term: series entries that are not mapped, or absent
    const v = rand64([3], 23);
    const shared = fx.vmap((a: fx.Tensor, d: fx.Tensor) => fx.jet(f, a, [d, null, d])[1][2], [0, null])(xs, v) as fx.Tensor;
    const sharedLoop = loop((a, d) => fx.jet(f, a, [d, null, d])[1][2], [xs, v], [0, null]);
    expect(relErr(shared.dataSync(), sharedLoop.dataSync())).to.be.below(1e-12);
    // the loop is itself checked: order 1 of the jet is the jvp
    const jvps = loop((a, d) => fx.jvp(f, [a], [d])[1], [xs, series[0]], [0, 0]);
    expect(relErr(looped[1].dataSync(), jvps.dataSync())).to.be.below(1e-12);
  });

  it('vmap of vmap maps two axes', () => {
    const f = (a: fx.Tensor, b: fx.Tensor) => fx.sum(fx.mul(a, b));
    const a = rand64([4, 5, 3], 17);
    const b = rand64([5, 3], 18);
    const outer = fx.vmap(fx.vmap(f, [0, 0]), [0, null])(a, b) as fx.Tensor;
    expect(outer.shape).to.deep.equal([4, 5]);
    const ad = a.dataSync();
    const bd = b.dataSync();
    const want = Array.from({ length: 20 }, (_, k) => [0, 1, 2].reduce((s, j) => s + ad[k * 3 + j] * bd[(k % 5) * 3 + j], 0));
    expect(relErr(outer.dataSync(), want)).to.be.below(1e-12);
  });
});

describe('jacfwd, jacrev, hessian', () => {
  const f = (x: fx.Tensor) => fx.concat([fx.sin(fx.mul(x, 2)), fx.reshape(fx.sum(fx.square(x)), [1])], 0);
  const x = t64([0.3, -0.7, 1.1]);

  it('jacfwd and jacrev give the same Jacobian as finite differences, shaped [...out, ...in]', () => {
    const jf = fx.jacfwd(f)(x);
    const jr = fx.jacrev(f)(x);
    expect(jf.shape).to.deep.equal([4, 3]);
    expect(jr.shape).to.deep.equal([4, 3]);
    const fd = [0, 1, 2, 3].flatMap((row) => fdGrad((z) => f(z).dataSync()[row], [x], 0));
    expect(relErr(jf.dataSync(), fd)).to.be.below(1e-8);
    expect(relErr(jr.dataSync(), jf.dataSync())).to.be.below(1e-14);
  });

  it('hessian of x^T A x + sum(x^3) is A + A^T + diag(6x)', () => {
    const A = t64([1, 2, 0, -1, 3, 4, 0.5, 0, 2], [3, 3]);
    const q = (z: fx.Tensor) => fx.add(fx.sum(fx.mul(z, fx.reshape(fx.matmul(A, fx.reshape(z, [3, 1])), [3]))), fx.sum(fx.pow(z, 3)));
    const h = fx.hessian(q)(x);
    expect(h.shape).to.deep.equal([3, 3]);
    const a = A.dataSync();
    const xv = x.dataSync();
    const want = Array.from({ length: 9 }, (_, k) => a[k] + a[(k % 3) * 3 + Math.floor(k / 3)] + (k % 4 === 0 ? 6 * xv[k / 4] : 0));
    expect(relErr(h.dataSync(), want)).to.be.below(1e-13);
  });
});

describe('vmap errors name the problem', () => {
  const a = rand64([4, 2], 1);
  it('mapped axes of different sizes', () => {
    expect(() => fx.vmap((p: fx.Tensor, q: fx.Tensor) => fx.add(p, q))(a, rand64([3, 2], 2))).to.throw(/different sizes: 4 and 3/);
  });
  it('no mapped argument, an axis out of range, an inAxes list of the wrong length', () => {
    expect(() => fx.vmap((p: fx.Tensor) => p, null)(a)).to.throw(/no argument is mapped/);
    expect(() => fx.vmap((p: fx.Tensor) => p, 2)(a)).to.throw(/axis 2 is out of range for rank 2/);
    expect(() => fx.vmap((p: fx.Tensor, q: fx.Tensor) => fx.add(p, q), [0])(a, a)).to.throw(/inAxes has 1 entries but the function got 2/);
  });
});
