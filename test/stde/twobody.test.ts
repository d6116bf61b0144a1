// The two-body example: closed-form Laplacian of u* against jets, and the training loop's estimators agreeing.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { ballPoints, ballUniforms, type LsqReport, trainTwoBody, twoBody, twoBodyTrainer } from '../../examples/stde/twobody.js';
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

  describe('least-squares output layer (lsq)', () => {
    // d = 4 and |J| = d: the sparse estimate is the exact Laplacian, so the trainer's system can be rebuilt exactly
    const o = { d: 4, steps: 1, width: 8, depth: 3, batch: 5, dtype: 'f64' as const, testPoints: 50, samples: 4, seed: 1 };
    const passes = 4;
    /**
     * The trainer's initial system rebuilt another way: its points (the step stream), the closed-form sources, the
     * hidden features written out by hand and each feature column's Laplacian by grad-of-grad (fx.hessianTrace),
     * then the Gauss-Newton least squares solved by Gaussian elimination on the normal equations.
     */
    const dense = (op: 'poisson' | 'allen-cahn') => {
      const net = fx.nn.mlp({ layers: [4, 8, 8, 1], activation: 'tanh', seed: 1, dtype: 'f64' });
      const [l1, l2, last] = net.params;
      const pts = Array.from({ length: passes }, (_, s) => [...ballPoints(o.batch, o.d, 1_000_003 * (o.seed + 1) + s)]).flat();
      const N = pts.length / o.d;
      const x = fx.tensor(pts, [N, o.d], 'f64');
      const feature = (k: number) => (z: fx.Tensor) => {
        const q = fx.sub(1, fx.sum(fx.square(z), 1, true));
        if (k === 8) return fx.reshape(q, [-1]);
        const h = fx.tanh(fx.add(fx.matmul(fx.tanh(fx.add(fx.matmul(z, l1.W), l1.b)), l2.W), l2.b));
        return fx.reshape(fx.mul(q, fx.sliceAxis(h, 1, k, k + 1)), [-1]);
      };
      const cols = Array.from({ length: 9 }, (_, k) => ({ lap: fx.hessianTrace(feature(k), x).dataSync(), phi: feature(k)(x).dataSync() }));
      const theta0 = [...last.W.dataSync(), ...last.b.dataSync()];
      const problem = twoBody(o.d, o.seed);
      const rows = Array.from({ length: N }, (_, n) => {
        const u = cols.reduce((a, c, k) => a + c.phi[n] * theta0[k], 0);
        const lap = cols.reduce((a, c, k) => a + c.lap[n] * theta0[k], 0);
        const dn = op === 'poisson' ? 0 : 1 - 3 * u * u;
        const r = lap + (op === 'poisson' ? 0 : u - u ** 3) - problem.source(op, pts.slice(n * o.d, (n + 1) * o.d));
        return { J: cols.map((c) => c.lap[n] + dn * c.phi[n]), r };
      });
      // normal equations J^T J delta = -J^T r by Gaussian elimination with partial pivoting
      const A = Array.from({ length: 9 }, (_, i) => [
        ...Array.from({ length: 9 }, (_, j) => rows.reduce((a, w) => a + w.J[i] * w.J[j], 0)),
        -rows.reduce((a, w) => a + w.J[i] * w.r, 0),
      ]);
      for (let c = 0; c < 9; c++) {
        const p = A.slice(c).reduce((b, row, i) => (Math.abs(row[c]) > Math.abs(A[b][c]) ? c + i : b), c);
        [A[c], A[p]] = [A[p], A[c]];
        for (let i = c + 1; i < 9; i++) {
          const f = A[i][c] / A[c][c];
          for (let j = c; j < 10; j++) A[i][j] -= f * A[c][j];
        }
      }
      const delta = new Array<number>(9).fill(0);
      for (let i = 8; i >= 0; i--) delta[i] = (A[i][9] - A[i].slice(i + 1, 9).reduce((a, v, j) => a + v * delta[i + 1 + j], 0)) / A[i][i];
      const before = rows.reduce((a, w) => a + w.r * w.r, 0) / N;
      const model = rows.reduce((a, w) => a + (w.r + w.J.reduce((b, v, k) => b + v * delta[k], 0)) ** 2, 0) / N;
      return { theta: theta0.map((v, k) => v + delta[k]), before, model };
    };
    const solved = (
      op: 'poisson' | 'allen-cahn',
      method: 'stde-sparse' | 'exact' = 'stde-sparse',
      loss: 'biased' | 'unbiased' = 'biased',
    ) => {
      const reports: LsqReport[] = [];
      const t = twoBodyTrainer({
        ...o,
        op,
        method,
        loss,
        lsq: { batches: passes, ridge: 1e-13, iterations: 1 },
        onSolve: (r) => reports.push(r),
      });
      t.solveInitial();
      const last = t.params()[2];
      return { theta: [...last.W.dataSync(), ...last.b.dataSync()], report: reports[0], trainer: t };
    };

    it('Poisson: the initial solve is the dense least-squares output layer; its loss is the reported one and far below the start', () => {
      const ref = dense('poisson');
      // the unbiased loss's system (two draws, cross term) is the same at |J| = d, where both draws are exact
      for (const [method, loss] of [
        ['stde-sparse', 'biased'],
        ['exact', 'biased'],
        ['stde-sparse', 'unbiased'],
      ] as const) {
        const { theta, report } = solved('poisson', method, loss);
        theta.forEach((v, k) => expect(v).to.be.closeTo(ref.theta[k], 1e-6 * (1 + Math.abs(ref.theta[k]))));
        expect(report.step).to.equal(0);
        expect(report.rows).to.equal(passes * o.batch);
        expect(report.before).to.be.closeTo(ref.before, 1e-9 * ref.before);
        // linear: the model's loss at the solution is the loss there
        expect(report.after).to.be.closeTo(ref.model, 1e-6 * ref.before);
        expect(report.after).to.be.below(0.1 * report.before);
      }
    });

    it("Allen-Cahn: one Gauss-Newton step of the same system (Jacobian lap(phi) + N'(u) phi)", () => {
      const ref = dense('allen-cahn');
      const { theta, report } = solved('allen-cahn');
      theta.forEach((v, k) => expect(v).to.be.closeTo(ref.theta[k], 1e-6 * (1 + Math.abs(ref.theta[k]))));
      expect(report.before).to.be.closeTo(ref.before, 1e-9 * ref.before);
      expect(report.after).to.be.closeTo(ref.model, 1e-6 * ref.before);
    });

    it('Allen-Cahn: the initial Gauss-Newton iterates (fresh points each) drive the loss down; Poisson needs one solve', () => {
      const reports: LsqReport[] = [];
      const t = twoBodyTrainer({ ...o, op: 'allen-cahn', lsq: { batches: 2, iterations: 3 }, onSolve: (r) => reports.push(r) });
      t.solveInitial();
      expect(reports.map((r) => r.step)).to.deep.equal([0, 0, 0]);
      for (const r of reports) expect(r.after).to.be.at.most(r.before);
      expect(reports[2].before).to.be.below(0.2 * reports[0].before);
      const poisson: LsqReport[] = [];
      twoBodyTrainer({ ...o, lsq: {}, onSolve: (r) => poisson.push(r) }).solveInitial();
      expect(poisson.length).to.equal(1);
    });

    it('the solve is what makes the error independent of the solution scale: 1e3-D, relative L2 ~1 -> < 5e-2 before any Adam step', () => {
      const base = { d: 1000, steps: 10, testPoints: 200, seed: 0 };
      const plain = twoBodyTrainer(base).evaluate();
      const t = twoBodyTrainer({ ...base, lsq: {} });
      t.solveInitial();
      const after = t.evaluate();
      expect(plain).to.be.above(0.5);
      expect(after).to.be.below(5e-2);
      // Adam restarts from the solution: a step later the loss is still far below the initial one
      expect(t.step()).to.be.below(1e-2 * twoBodyTrainer(base).step());
    });

    it('every K steps: solved again from the last steps; bad settings are named', () => {
      const reports: LsqReport[] = [];
      const t = twoBodyTrainer({
        d: 6,
        steps: 6,
        width: 8,
        depth: 3,
        batch: 5,
        testPoints: 20,
        lsq: { every: 3, batches: 2 },
        onSolve: (r) => reports.push(r),
      });
      for (let s = 0; s < 6; s++) t.step();
      expect(reports.map((r) => [r.step, r.rows])).to.deep.equal([
        [0, 10],
        [3, 10],
        [6, 10],
      ]);
      for (const r of reports) expect(r.after).to.be.at.most(r.before);
      const bad = { d: 4, steps: 1 };
      expect(() => twoBodyTrainer({ ...bad, lsq: { every: -1 } })).to.throw(/lsq.every must be an integer >= 0, got -1/);
      expect(() => twoBodyTrainer({ ...bad, lsq: { every: 2, batches: 3 } })).to.throw(/lsq.batches \(3\) must be at most lsq.every \(2\)/);
      expect(() => twoBodyTrainer({ ...bad, lsq: { ridge: 0 } })).to.throw(/lsq.ridge must be positive/);
      expect(() => twoBodyTrainer({ ...bad, method: 'hessian', lsq: {} })).to.throw(/method 'hessian'/);
      expect(() => twoBodyTrainer({ ...bad, lsq: { warmup: 1.5 } })).to.throw(/lsq.warmup must be an integer >= 0, got 1.5/);
      expect(() => twoBodyTrainer({ ...bad, lsq: { iterations: 0 } })).to.throw(/lsq.iterations must be an integer >= 1, got 0/);
    });
  });
});
