// OperatorTrainer: training reduces held-out error, resume is bit-identical, minibatches are pure in (seed, step).
import { expect } from 'chai';
import * as fx from '../../index.js';
import { antiderivativeDataset } from '../../solvers/index.js';
import { relErr } from '../support/check.js';
import { deeponet, fno, OperatorTrainer, splitSamples, epochPermutation, type OperatorSamples } from '../../operators/index.js';

function antiderivative(n: number, m: number): { train: OperatorSamples; test: OperatorSamples } {
  return splitSamples(antiderivativeDataset({ n, resolution: m, seed: 11 }), n - 20);
}

describe('operators: trainer', () => {
  it('a short DeepONet run on the antiderivative operator cuts the held-out relative L2 error by 2x or more', () => {
    const { train, test } = antiderivative(100, 16);
    const model = deeponet({ branch: [16, 20, 20], trunk: [1, 20, 20], seed: 1 });
    const trainer = new OperatorTrainer({ model, train, test, batchSize: 20, lr: 3e-3, seed: 1 });
    const before = trainer.evaluate().l2re as number;
    let last = 0;
    for (let s = 0; s < 120; s++) last = trainer.trainStep().loss;
    const after = trainer.evaluate().l2re as number;
    expect(trainer.step).to.equal(120);
    expect(after).to.be.below(before / 2);
    expect(last).to.be.below(0.5);
  });

  it('state()/load() through JSON resumes bit-identically (FNO, Adam with step decay mid-run)', () => {
    const { train, test } = antiderivative(36, 16);
    const make = () =>
      new OperatorTrainer({
        model: fno({ dim: 1, modes: 4, width: 6, layers: 2, projection: 8, seed: 2 }),
        train,
        test,
        batchSize: 4,
        decayEvery: 1,
        seed: 5,
      });
    const a = make();
    for (let s = 0; s < 5; s++) a.trainStep();
    const saved = JSON.parse(JSON.stringify(a.state()));
    const tail = [6, 7, 8, 9, 10, 11, 12].map(() => a.trainStep());
    const b = make();
    b.load(saved);
    expect(b.step).to.equal(5);
    const resumed = tail.map(() => b.trainStep());
    expect(resumed.map((m) => m.loss)).to.deep.equal(tail.map((m) => m.loss));
    expect(resumed.map((m) => m.lr)).to.deep.equal(tail.map((m) => m.lr));
    expect((b.state() as { params: number[] }).params).to.deep.equal((a.state() as { params: number[] }).params);
    expect(tail[6].lr).to.be.below(tail[0].lr as number); // the decay happened inside the compared window
  });

  it('Adam runs fused into the compiled step (f32) and follows the host Adam (f64 moments) to f32 rounding', () => {
    const { train, test } = antiderivative(60, 16);
    const make = (fusedOptimizer: boolean) =>
      new OperatorTrainer({
        model: deeponet({ branch: [16, 20, 20], trunk: [1, 20, 20], seed: 4 }),
        train,
        test,
        batchSize: 10,
        lr: 3e-3,
        decayEvery: 2,
        seed: 2,
        fusedOptimizer,
      });
    const [fused, host] = [make(true), make(false)];
    expect([fused.optimizerFused, host.optimizerFused]).to.deep.equal([true, false]);
    const steps = Array.from({ length: 30 }, () => [fused.trainStep(), host.trainStep()]);
    expect(
      relErr(
        steps.map(([f]) => f.loss),
        steps.map(([, h]) => h.loss),
      ),
    ).to.be.below(1e-6); // measured 1e-7
    expect(steps.map(([f]) => f.lr)).to.deep.equal(steps.map(([, h]) => h.lr));
    const params = (t: { state(): unknown }) => (t.state() as { params: number[] }).params;
    expect(relErr(params(fused), params(host))).to.be.below(1e-6);
    expect(fused.evaluate().l2re).to.be.closeTo(host.evaluate().l2re as number, 1e-4);
    // an f64 model keeps the host path
    const f64 = new OperatorTrainer({
      model: deeponet({ branch: [16, 4], trunk: [1, 4], seed: 1, dtype: 'f64' }),
      train,
      test,
      batchSize: 10,
    });
    expect(f64.optimizerFused).to.equal(false);
  });

  it('minibatches are a pure function of (seed, step) and cover every sample once per epoch', () => {
    const { train, test } = antiderivative(45, 8);
    const make = (seed: number) =>
      new OperatorTrainer({ model: deeponet({ branch: [8, 4], trunk: [1, 4] }), train, test, batchSize: 6, seed });
    const t = make(3);
    expect(t.stepsPerEpoch).to.equal(4);
    const epoch1 = [4, 5, 6, 7].flatMap((s) => t.batchIndices(s));
    expect(new Set(epoch1).size).to.equal(24);
    expect(make(3).batchIndices(5)).to.deep.equal(t.batchIndices(5));
    expect(make(4).batchIndices(5)).to.not.deep.equal(t.batchIndices(5));
    expect(
      epochPermutation(25, 3, 0)
        .slice()
        .sort((x, y) => x - y),
    ).to.deep.equal([...Array(25).keys()]);
    // recorded before the shuffle moved onto core/random's shuffleInPlace: minibatch order must not change
    expect(epochPermutation(12, 3, 2)).to.deep.equal([11, 0, 2, 5, 3, 9, 8, 7, 6, 10, 4, 1]);
  });

  it('evaluates an FNO at a finer resolution and predicts on arbitrary points', () => {
    const { train, test } = antiderivative(30, 16);
    const fine = splitSamples(antiderivativeDataset({ n: 30, resolution: 32, seed: 11 }), 10).test;
    const trainer = new OperatorTrainer({
      model: fno({ dim: 1, modes: 4, width: 4, layers: 1, projection: 4 }),
      train,
      test,
      fine,
      batchSize: 5,
    });
    const ev = trainer.evaluate();
    expect(ev.perField?.fine).to.be.a('number').and.be.above(0);
    expect(ev.l2re).to.equal(ev.perField?.test);
    const pts = Float64Array.from([0, 0.5, 15 / 16]);
    const out = trainer.predict(pts, 3);
    expect(out.reference[2]).to.equal(test.outputs[15]);
    expect(out.error[1]).to.be.closeTo(out.u[1] - out.reference[1], 1e-15);
  });

  it('rejects a bad batch size and foreign states with messages naming them', () => {
    const { train, test } = antiderivative(30, 8);
    const model = deeponet({ branch: [8, 4], trunk: [1, 4] });
    expect(() => new OperatorTrainer({ model, train, test, batchSize: 100 })).to.throw(/batchSize/);
    const t = new OperatorTrainer({ model, train, test, batchSize: 5 });
    expect(() => t.load({ kind: 'pinn' })).to.throw(/kind: 'operator'/);
    expect(() => t.load({ kind: 'operator', step: 1, params: [1, 2], optimizer: { kind: 'adam' } })).to.throw(/2 parameters/);
  });
});

describe('operators: physics-informed training', () => {
  it('physics only (u_x = v by finite differences, u(0) = 0, no output data) teaches DeepONet the antiderivative', () => {
    const { train, test } = antiderivative(100, 16);
    const h = 1 / 16;
    const residual = (u: fx.Tensor, v: fx.Tensor) => {
      const du = fx.div(fx.sub(fx.sliceAxis(u, 1, 1, 16), fx.sliceAxis(u, 1, 0, 15)), h);
      const mid = fx.mul(fx.add(fx.sliceAxis(v, 1, 1, 16), fx.sliceAxis(v, 1, 0, 15)), 0.5);
      return fx.concat([fx.sub(du, mid), fx.mul(fx.sliceAxis(u, 1, 0, 1), 4)], 1);
    };
    const model = deeponet({ branch: [16, 20, 20], trunk: [1, 20, 20], seed: 1 });
    const trainer = new OperatorTrainer({
      model,
      train,
      test,
      batchSize: 20,
      lr: 3e-3,
      seed: 1,
      dataWeight: 0,
      physics: { weight: 1, residual },
    });
    const before = trainer.evaluate().l2re as number;
    let m = trainer.trainStep();
    expect(m.terms).to.have.keys(['data', 'pde']);
    expect(m.loss).to.equal(m.terms.pde); // data weight 0
    for (let s = 0; s < 150; s++) m = trainer.trainStep();
    expect(trainer.evaluate().l2re as number).to.be.below(before / 2);
  });
});
