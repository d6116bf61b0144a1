// The two-body example: closed-form Laplacian of u* against jets, and the training loop's estimators agreeing.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { ballPoints, ballUniforms, trainTwoBody, twoBody, twoBodyTrainer } from '../../examples/stde/twobody.js';
import { wasmKernels } from '../../core/backend/wasm.js';

describe('stde: two-body example', () => {
  const d = 5;
  const problem = twoBody(d, 3);
  const N = 6;
  const xs = ballPoints(N, d, 11);
  const x = fx.tensor(xs, [N, d], 'f64');
  const row = (n: number) => xs.subarray(n * d, (n + 1) * d);

  it('points lie in the unit ball; the traced u* equals the host u*', () => {
    for (let n = 0; n < N; n++) expect(Math.hypot(...row(n))).to.be.closeTo(ballUniforms(d, 11, n, new Float64Array(6)).r, 1e-14);
    // directions: 400 points in 9-D; per coordinate E[x_i] = 0 and E[x_i^2] = E[r^2] / d = 1 / (3 d)
    const many = ballPoints(400, 9, 5);
    for (let i = 0; i < 9; i++) {
      const col = Array.from({ length: 400 }, (_, n) => many[n * 9 + i]);
      expect(Math.abs(col.reduce((a, v) => a + v, 0) / 400)).to.be.below(4 * Math.sqrt(1 / 27 / 400));
      expect(col.reduce((a, v) => a + v * v, 0) / 400).to.be.closeTo(1 / 27, 0.3 / 27);
    }
    const ut = problem.uTraced(x).dataSync();
    for (let n = 0; n < N; n++) expect(ut[n]).to.be.closeTo(problem.u(row(n)), 1e-13);
  });

  it('the closed-form Laplacian equals fx.laplacian (exact jets) of u* to 1e-10, and the sources follow', () => {
    const lap = fx.laplacian(problem.uTraced, x).dataSync();
    for (let n = 0; n < N; n++) {
      const closed = problem.laplacian(row(n));
      expect(closed).to.be.closeTo(lap[n], 1e-10 * (1 + Math.abs(lap[n])));
      const u = problem.u(row(n));
      for (const op of ['poisson', 'allen-cahn', 'sine-gordon'] as const) {
        const traced = problem.sourceTraced(op, x).dataSync()[n];
        expect(traced).to.be.closeTo(problem.source(op, row(n)), 1e-10 * (1 + Math.abs(traced)));
      }
      expect(problem.source('poisson', row(n))).to.equal(closed);
      expect(problem.source('allen-cahn', row(n))).to.be.closeTo(closed + u - u ** 3, 1e-12);
      expect(problem.source('sine-gordon', row(n))).to.be.closeTo(closed + Math.sin(u), 1e-12);
    }
  });

  it('training: sparse STDE with |J| = d takes the same steps as the exact Laplacian; bad options are named', () => {
    const base = { d: 4, steps: 3, width: 8, depth: 3, batch: 5, dtype: 'f64' as const, testPoints: 50, op: 'allen-cahn' as const };
    const exact = trainTwoBody({ ...base, method: 'exact' });
    const sparse = trainTwoBody({ ...base, method: 'stde-sparse', samples: 4 });
    const hess = trainTwoBody({ ...base, method: 'hessian', jit: false });
    expect(sparse.finalLoss).to.be.closeTo(exact.finalLoss, 1e-9 * exact.finalLoss);
    expect(hess.l2re).to.be.closeTo(exact.l2re, 1e-9);
    expect(Number.isFinite(exact.l2re) && exact.l2re > 0).to.equal(true);
    expect(() => trainTwoBody({ ...base, method: 'nope' as never })).to.throw(/method must be one of/);
  });

  it('the unbiased loss option trains with two independent draws (exact at |J| = d, like the biased loss)', () => {
    const base = { d: 4, steps: 2, width: 8, depth: 3, batch: 5, dtype: 'f64' as const, testPoints: 50, op: 'sine-gordon' as const };
    const exact = trainTwoBody({ ...base, method: 'exact' });
    const unbiased = trainTwoBody({ ...base, method: 'stde-sparse', samples: 4, loss: 'unbiased' });
    expect(unbiased.finalLoss).to.be.closeTo(exact.finalLoss, 1e-9 * exact.finalLoss);
    const noisy = trainTwoBody({ ...base, method: 'stde-dense', samples: 2, loss: 'unbiased' });
    expect(Number.isFinite(noisy.l2re)).to.equal(true);
    expect(noisy.finalLoss).to.not.be.closeTo(exact.finalLoss, 1e-6 * exact.finalLoss);
    expect(() => trainTwoBody({ ...base, loss: 'nope' as never })).to.throw(/loss must be 'biased' or 'unbiased'/);
  });

  it('sparse STDE with gathered rows (default) takes the same steps as unit-vector tangents, at |J| < d', () => {
    for (const op of ['poisson', 'allen-cahn'] as const) {
      const base = { d: 7, steps: 3, width: 8, depth: 3, batch: 5, dtype: 'f64' as const, testPoints: 50, op, samples: 3 };
      const rows = trainTwoBody({ ...base, loss: 'unbiased' });
      const tiled = trainTwoBody({ ...base, loss: 'unbiased', probes: 'tiled' });
      expect(rows.finalLoss).to.be.closeTo(tiled.finalLoss, 1e-10 * Math.abs(tiled.finalLoss));
      expect(rows.l2re).to.be.closeTo(tiled.l2re, 1e-10);
    }
    expect(() => trainTwoBody({ d: 4, steps: 1, probes: 'dense' as never })).to.throw(/probes must be 'rows' or 'tiled'/);
  });

  it('f32 training with Adam fused into the compiled step takes the steps of the host Adam (uncompiled)', () => {
    const base = { d: 6, steps: 5, width: 8, depth: 3, batch: 5, testPoints: 50, samples: 3, lr: 3e-2, op: 'sine-gordon' as const };
    const losses = (jit: boolean): number[] => {
      const t = twoBodyTrainer({ ...base, jit });
      return [...Array.from({ length: base.steps }, () => t.step()), t.evaluate()];
    };
    const fused = losses(true);
    const host = losses(false);
    // f32 rounding of two evaluation orders (compiled vs eager) and f32 vs f64 moments: measured 2e-7; lr 10% off gives 1e-3 to 1e-1
    for (let k = 0; k < fused.length; k++) expect(fused[k]).to.be.closeTo(host[k], 1e-4 * Math.abs(host[k]));
    // the 5 steps move the loss by far more than that tolerance, so a wrong update would show
    expect(Math.abs(fused[4] - fused[0])).to.be.above(1e-2 * fused[0]);
  });

  it('memory: the compiled sparse-STDE step holds O(d width + batch d) values, not the [|J| N, d] tangents', function () {
    const kernels = wasmKernels();
    if (!kernels) this.skip();
    const o = { d: 5000, steps: 2, width: 8, depth: 3, batch: 10, samples: 8, testPoints: 20 };
    const stepArena = (probes: 'rows' | 'tiled'): number => {
      const sizes: number[] = [];
      const alloc = kernels.alloc;
      kernels.alloc = (n: number) => {
        sizes.push(n);
        return alloc.call(kernels, n);
      };
      try {
        twoBodyTrainer({ ...o, probes }).step(); // compiles the point sampler, then the step (its arena last)
      } finally {
        kernels.alloc = alloc;
      }
      return sizes[sizes.length - 1];
    };
    // W1, its gradient (two buffers), Adam's two moments and the new W1 written in place: 6 d width f32 values; the
    // points x and one temporary of their size: 2 batch d (the other layers and [N (|J| + width)] activations are small)
    const bound = 4 * (6 * o.d * o.width + 2 * o.batch * o.d);
    expect(stepArena('rows')).to.be.below(bound);
    // the unit-vector tangents [|J| N, d] (and their jets) alone exceed it
    expect(stepArena('tiled')).to.be.above(2 * bound);
  });

  it('the test error streams: chunked sampling and zero-padded prediction calls give the one-pass relative L2', () => {
    const o = { d: 7, steps: 1, width: 8, depth: 3, testPoints: 23, dtype: 'f64' as const, seed: 2 };
    // one point per sample chunk (23 is prime), 8 per prediction call: 3 calls, the last one padded with a zero row
    const streamed = twoBodyTrainer({ ...o, chunks: { sample: 14, predict: 56 } }).evaluate();
    const whole = twoBodyTrainer(o).evaluate();
    const net = fx.nn.mlp({ layers: [7, 8, 8, 1], activation: 'tanh', seed: 2, dtype: 'f64' });
    const pts = ballPoints(23, 7, -1 - 2 * 7919); // the trainer's test stream
    const x = fx.tensor(pts, [23, 7], 'f64');
    const pred = fx.mul(fx.sub(1, fx.sum(fx.square(x), 1, true)), net.apply(net.params, x)).dataSync();
    const exact = Array.from({ length: 23 }, (_, n) => twoBody(7, 2).u(pts.subarray(n * 7, (n + 1) * 7)));
    const direct = Math.sqrt(exact.reduce((a, e, n) => a + (pred[n] - e) ** 2, 0) / exact.reduce((a, e) => a + e * e, 0));
    expect(streamed).to.be.closeTo(direct, 1e-12);
    expect(whole).to.be.closeTo(direct, 1e-12);
  });
});
