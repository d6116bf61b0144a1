// bsplineP2G / bsplineG2P (the fused particle-grid transfer primitive): equal to the unfused stencil + scatterAdd /
// gather program, transposes of each other, and every derivative rule against central differences.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { fdDirectional, fdGrad, rand64, relErr } from '../support/check.js';
import { unfusedG2P, unfusedP2G } from '../support/unfusedStencil.js';
import { wasmKernels } from '../../core/backend/wasm.js';

const nG = 8;
const N = 7;
const C = 2;
const dot = (a: fx.Tensor, b: fx.Tensor): fx.Tensor => fx.sum(fx.mul(a, b));

for (const d of [2, 3]) {
  describe(`bspline transfers, d = ${d}`, () => {
    const G = nG ** d;
    // stencils inside the grid: 0.5 / nG <= x < 1 - 1.5 / nG
    const x = rand64([d, N], 11 + d, 0.1, 0.78);
    const A = rand64([C, 1 + d, N], 12 + d);
    const g = rand64([C, G], 13 + d);
    const u = rand64([d, N], 14 + d);
    const p2g = (xx: fx.Tensor, AA: fx.Tensor): fx.Tensor => fx.bsplineP2G(xx, AA, nG);
    const g2p = (xx: fx.Tensor, gg: fx.Tensor): fx.Tensor => fx.bsplineG2P(xx, gg, nG);

    it('equals the unfused stencil program (scatterAdd / gather of [3^d, N] arrays), eager and jitted', () => {
      const ref = unfusedP2G(x, A, nG);
      expect(relErr(p2g(x, A).dataSync(), ref.dataSync())).to.be.below(1e-13);
      expect(relErr(fx.jit(p2g)(x, A).dataSync(), ref.dataSync())).to.be.below(1e-13);
      const refG = unfusedG2P(x, g, nG);
      expect(relErr(g2p(x, g).dataSync(), refG.dataSync())).to.be.below(1e-13);
      expect(relErr(fx.jit(g2p)(x, g).dataSync(), refG.dataSync())).to.be.below(1e-13);
    });

    it('P2G and G2P are transposes: <P2G(x, A), g> = <A, G2P(x, g)>; the weights sum to one', () => {
      const lhs = dot(p2g(x, A), g).item();
      const rhs = dot(A, g2p(x, g)).item();
      expect(Math.abs(lhs - rhs)).to.be.below(1e-12 * Math.abs(lhs));
      // mass conservation: unit coefficient rows scatter exactly N
      const ones = fx.concat([fx.ones([1, 1, N], 'f64'), fx.zeros([1, d, N], 'f64')], 1);
      expect(fx.sum(p2g(x, ones)).item()).to.be.closeTo(N, 1e-12);
    });

    it('vjp in positions, coefficients and grid values matches central differences', () => {
      const f = (xx: fx.Tensor, AA: fx.Tensor): fx.Tensor => dot(fx.square(p2g(xx, AA)), g);
      const [gx, gA] = fx.grad(f, [0, 1])(x, A) as fx.Tensor[];
      const num = (xs: fx.Tensor[]) => f(xs[0], xs[1]).item();
      expect(
        relErr(
          gx.dataSync(),
          fdGrad((a, b) => num([a, b]), [x, A], 0),
        ),
      ).to.be.below(1e-7);
      expect(
        relErr(
          gA.dataSync(),
          fdGrad((a, b) => num([a, b]), [x, A], 1),
        ),
      ).to.be.below(1e-7);
      const h = (xx: fx.Tensor, gg: fx.Tensor): fx.Tensor => dot(fx.square(g2p(xx, gg)), A);
      const [hx, hg] = fx.grad(h, [0, 1])(x, g) as fx.Tensor[];
      expect(
        relErr(
          hx.dataSync(),
          fdGrad((a, b) => h(a, b).item(), [x, g], 0),
        ),
      ).to.be.below(1e-7);
      expect(
        relErr(
          hg.dataSync(),
          fdGrad((a, b) => h(a, b).item(), [x, g], 1),
        ),
      ).to.be.below(1e-7);
    });

    it('the jitted gradient equals the unfused program gradient', () => {
      const f = (xx: fx.Tensor, AA: fx.Tensor, fused: boolean): fx.Tensor => {
        const grid = fused ? p2g(xx, AA) : unfusedP2G(xx, AA, nG);
        const back = fused ? g2p(xx, fx.sin(grid)) : unfusedG2P(xx, fx.sin(grid), nG);
        return dot(back, AA);
      };
      const fused = fx.jit(fx.grad((a: fx.Tensor, b: fx.Tensor) => f(a, b, true), [0, 1]))(x, A) as fx.Tensor[];
      const plain = fx.grad((a: fx.Tensor, b: fx.Tensor) => f(a, b, false), [0, 1])(x, A) as fx.Tensor[];
      for (let k = 0; k < 2; k++) expect(relErr(fused[k].dataSync(), plain[k].dataSync())).to.be.below(1e-12);
    });

    it('second order: grad of <grad_x, u> (position Hessian-vector products, cross terms) matches central differences', () => {
      const inner = (xx: fx.Tensor, AA: fx.Tensor, gg: fx.Tensor): fx.Tensor => dot(p2g(xx, AA), gg);
      const hv = (xx: fx.Tensor, AA: fx.Tensor, gg: fx.Tensor): fx.Tensor => dot(fx.grad(inner)(xx, AA, gg) as fx.Tensor, u);
      const grads = fx.grad(hv, [0, 1, 2])(x, A, g) as fx.Tensor[];
      for (let k = 0; k < 3; k++) {
        const fd = fdGrad((a, b, c) => hv(a, b, c).item(), [x, A, g], k, 1e-5);
        expect(relErr(grads[k].dataSync(), fd), `input ${k}`).to.be.below(1e-6);
      }
    });

    it('jvp (forward mode) in every input matches central differences', () => {
      const dx = rand64([d, N], 21 + d);
      const dA = rand64([C, 1 + d, N], 22 + d);
      const dg = rand64([C, G], 23 + d);
      const [, t1] = fx.jvp(p2g, [x, A], [dx, dA]);
      expect(relErr(t1.dataSync(), fdDirectional(p2g, [x, A], [dx, dA]))).to.be.below(1e-7);
      const [, t2] = fx.jvp(g2p, [x, g], [dx, dg]);
      expect(relErr(t2.dataSync(), fdDirectional(g2p, [x, g], [dx, dg]))).to.be.below(1e-7);
      // forward over reverse: the position gradient's own jvp
      const gradX = (xx: fx.Tensor, AA: fx.Tensor): fx.Tensor => fx.grad((z: fx.Tensor) => dot(p2g(z, AA), g))(xx) as fx.Tensor;
      const [, t3] = fx.jvp(gradX, [x, A], [dx, dA]);
      expect(relErr(t3.dataSync(), fdDirectional(gradX, [x, A], [dx, dA], 1e-5))).to.be.below(1e-6);
    });

    it('vmap runs one transfer per example', () => {
      const xs = fx.stack([x, fx.add(x, 0.01)], 0);
      const batched = fx.vmap((xx: fx.Tensor) => p2g(xx, A))(xs) as fx.Tensor;
      const each = fx.stack([p2g(x, A), p2g(fx.add(x, 0.01), A)], 0);
      expect(relErr(batched.dataSync(), each.dataSync())).to.equal(0);
    });

    it('a particle whose stencil leaves the grid is an error, not a wrong node', () => {
      const out = fx.tensor(
        Float64Array.from(x.dataSync(), (v, i) => (i === 0 ? 0.95 : v)),
        [d, N],
        'f64',
      );
      expect(() => p2g(out, A)).to.throw(RangeError, /particle 0 at 0\.95 \(axis 0\) is outside the grid/);
      expect(() => fx.bsplineP2G(x, rand64([C, d, N], 1), nG)).to.throw(/coefficients must be/);
    });
  });
}

// The compiled 2D f64 position gradients run on the wasm kernel (f64x2 over particle pairs, the particles split in
// two halves above BSPLINE_SPLIT, on two threads when the helper runs): equal to the JS kernel the eager path runs.
describe('bspline transfer gradients, compiled 2D f64 (wasm kernel)', () => {
  const nGrid = 16;
  const kernels = wasmKernels();
  const restore = kernels?.threads ?? 1;
  after(() => kernels?.setThreads(restore));
  for (const [n, threads] of [
    [7, 1],
    [3001, 1],
    [3001, 2],
  ] as const) {
    it(`${n} particles, ${threads} thread(s): the vjps of P2G and G2P equal the eager (JS) ones`, function () {
      if (!kernels) this.skip();
      kernels?.setThreads(threads);
      const x = rand64([2, n], 31, 0.1, 0.85);
      const A = rand64([3, 3, n], 32);
      const gridCt = rand64([3, nGrid * nGrid], 33);
      const g = rand64([2, nGrid * nGrid], 34);
      const coefCt = rand64([2, 3, n], 35);
      const p2g = (xx: fx.Tensor, AA: fx.Tensor): fx.Tensor[] => fx.vjp((a, b) => fx.bsplineP2G(a, b, nGrid), xx, AA)[1](gridCt);
      const g2p = (xx: fx.Tensor, gg: fx.Tensor): fx.Tensor[] => fx.vjp((a, b) => fx.bsplineG2P(a, b, nGrid), xx, gg)[1](coefCt);
      for (const [f, a, b] of [
        [p2g, x, A],
        [g2p, x, g],
      ] as const) {
        const eager = f(a, b);
        const compiled = fx.jit(f)(a, b);
        eager.forEach((e, i) => expect(relErr(compiled[i].dataSync(), e.dataSync())).to.be.below(1e-13));
      }
    });
  }

  it('a particle off the grid in the second half of the particles is the same RangeError', () => {
    const n = 3001;
    const x = fx.tensor(
      Float64Array.from(rand64([2, n], 36, 0.1, 0.85).dataSync(), (v, i) => (i === n + 2999 ? 0.97 : v)),
      [2, n],
      'f64',
    );
    const f = fx.jit((xx: fx.Tensor, AA: fx.Tensor) =>
      fx.vjp((a, b) => fx.bsplineP2G(a, b, nGrid), xx, AA)[1](rand64([3, nGrid * nGrid], 37)),
    );
    expect(() => f(x, rand64([3, 3, n], 38))).to.throw(RangeError, /particle 2999 at 0\.97 \(axis 1\) is outside the grid/);
  });
});
