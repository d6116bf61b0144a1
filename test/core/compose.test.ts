// Transformations compose: grad of jet, jvp of grad, grad of grad, and the operators built on them.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { fdGrad, rand64, relErr, shifted, t64 } from '../support/check.js';
import { collapsedSecondOrder, NotCollapsible } from '../../core/transforms/collapsed.js';

describe('composed transformations', () => {
  it('Laplacian of a 2-64-64-1 tanh MLP from jets equals the Hessian trace from grad-of-grad to 1e-10', () => {
    const net = fx.nn.mlp({ layers: [2, 64, 64, 1], seed: 11, dtype: 'f64' });
    const u = (x: fx.Tensor) => net.apply(net.params, x);
    const x = rand64([32, 2], 1);
    const lapJet = fx.laplacian(u, x).dataSync();
    const lapHess = fx.hessianTrace(u, x).dataSync();
    expect(lapJet.length).to.equal(32);
    expect(relErr(lapJet, lapHess)).to.be.below(1e-10);
    expect(Math.max(...Array.from(lapJet, Math.abs))).to.be.above(1e-3); // not trivially zero
  });

  it('collapsed second-order mode equals tiled jets for every rule (exp, sin, div, sqrt, pow, max, where, gelu)', () => {
    const W = rand64([3, 5], 21);
    const f = (x: fx.Tensor) => {
      const h = fx.matmul(x, W);
      const g = fx.div(fx.exp(fx.mul(h, 0.3)), fx.add(fx.sqrt(fx.add(fx.square(h), 1)), fx.sin(h)));
      const m = fx.where(fx.greater(h, 0), fx.maximum(g, fx.mul(h, 0.5)), fx.pow(fx.add(fx.square(h), 2), 1.5));
      return fx.sum(fx.add(fx.gelu(m), fx.log(fx.add(fx.square(g), 1))), 1, true);
    };
    const x = rand64([6, 3], 22);
    const dirs = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const tiled = fx.sum(
      fx.reshape(
        fx.jet(f, fx.concat([x, x, x], 0), [
          fx.concat(
            dirs.map((v) => fx.broadcastTo(t64(v), [6, 3])),
            0,
          ),
          null,
        ])[1][1],
        [3, 6, 1],
      ),
      0,
    );
    expect(relErr(fx.laplacian(f, x).dataSync(), tiled.dataSync())).to.be.below(1e-12);
    // a function that mixes rows is refused (fx.laplacian then falls back to tiled jets)
    const mixing = (z: fx.Tensor) => fx.mul(f(z), fx.mean(z));
    const V = fx.concat(
      dirs.map((v) => fx.broadcastTo(t64(v), [6, 3])),
      0,
    );
    expect(() => collapsedSecondOrder(mixing, x, V)).to.throw(NotCollapsible);
  });

  it('grad(jet(...)): parameter gradient of an MLP Laplacian loss equals finite differences of the exact Laplacian', () => {
    const net = fx.nn.mlp({ layers: [2, 6, 6, 1], seed: 5, dtype: 'f64' });
    const x = rand64([7, 2], 2);
    const w = rand64([7, 1], 3);
    const loss = (params: fx.nn.MlpParams) =>
      fx.sum(
        fx.mul(
          fx.laplacian((z) => net.apply(params, z), x),
          w,
        ),
      );
    const grads = fx.grad(loss)(net.params) as fx.nn.MlpParams;
    // finite differences over every entry of the first weight matrix and the last bias
    for (const [layer, key] of [
      [0, 'W'],
      [2, 'b'],
      [1, 'W'],
    ] as const) {
      const base = net.params[layer][key];
      const fd = fdGrad((p) => loss(net.params.map((q, l) => (l === layer ? { ...q, [key]: p } : q))).item(), [base], 0, 1e-5);
      expect(relErr(grads[layer][key].dataSync(), fd)).to.be.below(1e-6, `layer ${layer} ${key}`);
    }
  });

  it('jvp(grad(f)) is the Hessian-vector product (checked against differences of gradients)', () => {
    const f = (x: fx.Tensor) => fx.sum(fx.mul(fx.sin(x), fx.exp(fx.mul(x, 0.3))));
    const g = (x: fx.Tensor) => fx.grad(f)(x) as fx.Tensor;
    const x = rand64([5], 4);
    const v = rand64([5], 5);
    const hv = fx.jvp(g, [x], [v])[1].dataSync();
    const h = 1e-6;
    const gp = g(fx.add(x, fx.mul(v, h))).dataSync();
    const gm = g(fx.sub(x, fx.mul(v, h))).dataSync();
    expect(
      relErr(
        hv,
        Array.from(gp, (a, i) => (a - gm[i]) / (2 * h)),
      ),
    ).to.be.below(1e-6);
  });

  it('grad(grad(f)) gives the analytic second derivative; grad of grad of grad the third', () => {
    const f = (x: fx.Tensor) => fx.sum(fx.mul(fx.pow(x, 3), fx.sin(x)));
    const d1 = (x: fx.Tensor) => fx.grad(f)(x) as fx.Tensor;
    const d2 = (x: fx.Tensor) => fx.grad((z: fx.Tensor) => fx.sum(d1(z)))(x) as fx.Tensor;
    const d3 = (x: fx.Tensor) => fx.grad((z: fx.Tensor) => fx.sum(d2(z)))(x) as fx.Tensor;
    const xs = [0.3, -0.7, 1.1];
    const x = t64(xs);
    const s = Math.sin;
    const c = Math.cos;
    xs.forEach((v, i) => {
      expect(d2(x).dataSync()[i]).to.be.closeTo(6 * v * s(v) + 6 * v * v * c(v) - v ** 3 * s(v), 1e-12);
      expect(d3(x).dataSync()[i]).to.be.closeTo(6 * s(v) + 18 * v * c(v) - 9 * v * v * s(v) - v ** 3 * c(v), 1e-11);
    });
  });

  it('jet of grad: third derivative of a scalar function along a line', () => {
    const f = (x: fx.Tensor) => fx.sum(fx.tanh(fx.mul(x, x)));
    const g = (x: fx.Tensor) => fx.grad(f)(x) as fx.Tensor; // 2x sech^2(x^2)
    const x = t64([0.6]);
    const [, [d1]] = fx.jet(g, x, [t64([1])]);
    const h = 1e-5;
    const fd = (g(shifted(x, 0, h)).item() - g(shifted(x, 0, -h)).item()) / (2 * h);
    expect(d1.item()).to.be.closeTo(fd, 1e-8);
  });

  it('derivative() gives mixed partials by polarization, pure ones by a single jet', () => {
    // u(x, y) = sin(2x) exp(y) + x^3 y^2
    const u = (p: fx.Tensor) => {
      const x = fx.sliceAxis(p, 1, 0, 1);
      const y = fx.sliceAxis(p, 1, 1, 2);
      return fx.add(fx.mul(fx.sin(fx.mul(x, 2)), fx.exp(y)), fx.mul(fx.pow(x, 3), fx.square(y)));
    };
    const pts = t64([
      [0.3, -0.2],
      [0.8, 0.5],
      [-0.4, 1.1],
    ]);
    const P = pts.dataSync();
    const exact: Record<string, (x: number, y: number) => number> = {
      '1,1': (x, y) => 2 * Math.cos(2 * x) * Math.exp(y) + 6 * x * x * y,
      '2,1': (x, y) => -4 * Math.sin(2 * x) * Math.exp(y) + 12 * x * y,
      '1,2': (x, y) => 2 * Math.cos(2 * x) * Math.exp(y) + 6 * x * x,
      '3,0': (x, y) => -8 * Math.cos(2 * x) * Math.exp(y) + 6 * y * y,
      '0,2': (x, y) => Math.sin(2 * x) * Math.exp(y) + 2 * x ** 3,
      '2,2': (x, y) => -4 * Math.sin(2 * x) * Math.exp(y) + 12 * x,
    };
    for (const [key, fn] of Object.entries(exact)) {
      const got = fx.derivative(u, pts, key.split(',').map(Number)).dataSync();
      for (let i = 0; i < 3; i++) expect(got[i]).to.be.closeTo(fn(P[2 * i], P[2 * i + 1]), 1e-10, key);
    }
  });

  it('STDE Laplacian estimators are unbiased (sparse exact at |J| = d, dense within statistical bounds)', () => {
    const d = 6;
    const net = fx.nn.mlp({ layers: [d, 16, 1], seed: 9, dtype: 'f64' });
    const u = (x: fx.Tensor) => net.apply(net.params, x);
    const x = rand64([3, d], 6);
    const exact = fx.laplacian(u, x).dataSync();
    const full = fx.laplacian(u, x, { estimator: 'stde-sparse', samples: d, rng: 1 }).dataSync();
    expect(relErr(full, exact)).to.be.below(1e-12);
    for (const estimator of ['stde-sparse', 'stde-dense'] as const) {
      const draws = 400;
      const sum = new Float64Array(3);
      const sumSq = new Float64Array(3);
      for (let r = 0; r < draws; r++) {
        const est = fx.laplacian(u, x, { estimator, samples: 2, rng: 1000 + r }).dataSync();
        est.forEach((v, i) => {
          sum[i] += v;
          sumSq[i] += v * v;
        });
      }
      for (let i = 0; i < 3; i++) {
        const mean = sum[i] / draws;
        const se = Math.sqrt((sumSq[i] / draws - mean * mean) / draws);
        expect(Math.abs(mean - exact[i])).to.be.below(4 * se + 1e-12, `${estimator} point ${i}`);
      }
    }
  });

  it('valueAndGrad over a parameter tree with aux outputs and several argnums', () => {
    const params = { a: t64([1.5]), inner: [t64([0.5, -1])] };
    const data = t64([2, 3]);
    const f = (p: typeof params, x: fx.Tensor): [fx.Tensor, fx.PyTree] => {
      const r = fx.sub(fx.mul(p.inner[0], p.a), x);
      return [fx.sum(fx.square(r)), { residual: r }];
    };
    const [[value, aux], [gp, gx]] = fx.valueAndGrad(f, [0, 1], { hasAux: true })(params, data) as [
      [fx.Tensor, { residual: fx.Tensor }],
      [typeof params, fx.Tensor],
    ];
    // r = [0.75 - 2, -1.5 - 3] = [-1.25, -4.5]
    expect(value.item()).to.be.closeTo(1.25 ** 2 + 4.5 ** 2, 1e-12);
    expect(aux.residual.toArray()).to.deep.equal([-1.25, -4.5]);
    expect(gp.a.item()).to.be.closeTo(2 * (-1.25 * 0.5 + -4.5 * -1), 1e-12);
    expect(gp.inner[0].toArray()).to.deep.equal([2 * -1.25 * 1.5, 2 * -4.5 * 1.5]);
    expect(gx.toArray()).to.deep.equal([2.5, 9]);
  });

  it('jit traces once per shape signature and replays the same values', () => {
    let traces = 0;
    const f = fx.jit((x: fx.Tensor) => {
      traces++;
      return fx.grad((z: fx.Tensor) => fx.sum(fx.tanh(z)))(x) as fx.Tensor;
    });
    const a = rand64([4], 1);
    const b = rand64([4], 2);
    expect(
      relErr(
        f(a).dataSync(),
        Array.from(a.dataSync(), (v) => 1 - Math.tanh(v) ** 2),
      ),
    ).to.be.below(1e-14);
    expect(
      relErr(
        f(b).dataSync(),
        Array.from(b.dataSync(), (v) => 1 - Math.tanh(v) ** 2),
      ),
    ).to.be.below(1e-14);
    expect(traces).to.equal(1);
    f(rand64([3], 3));
    expect(traces).to.equal(2);
  });
});
