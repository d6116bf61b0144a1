// Causal training (Wang, Sankaran, Perdikaris 2022) and curriculum time-marching windows.
import { expect } from 'chai';
import * as pinn from '../../pinn/index.js';
import { tensor, type Tensor } from '../../core/tensor.js';
import { valueAndGrad } from '../../core/api.js';
import { heat, small } from './heatFixture.js';

const rows = (t: { x: Tensor }): Float64Array => Float64Array.from(t.x.dataSync());
type BatchOf = Record<string, { x: Tensor }>;

describe('pinn: causal weighting', () => {
  // six points in M = 3 chunks of [0, 1]: residual 1, 2 | 3, 1 | 2, 2 -> chunk losses 2.5, 5, 4
  const times = [0.05, 0.2, 0.4, 0.5, 0.7, 0.95];
  const r = [1, 2, 3, 1, 2, 2];
  const inputs = (eps: number): pinn.CausalInputs => ({ chunks: pinn.chunkMatrix(times, 0, 1, 3, 'f64'), eps: tensor([eps], [], 'f64') });

  it('weights, loss and minimum weight equal the formula on a hand-computed residual', () => {
    const { loss, minWeight, weights } = pinn.causalLoss([tensor(r, [6], 'f64')], inputs(0.1));
    const w = [1, Math.exp(-0.1 * 2.5), Math.exp(-0.1 * 7.5)];
    expect(Array.from(weights[0].dataSync())).to.deep.equal(w);
    expect(loss.item()).to.be.closeTo((2.5 * w[0] + 5 * w[1] + 4 * w[2]) / 3, 1e-14);
    expect(minWeight.item()).to.be.closeTo(w[2], 1e-15);
    // two residuals of one term: each weighted by its own chunk losses, losses summed, the smaller minimum
    const two = pinn.causalLoss([tensor(r, [6], 'f64'), tensor([0, 0, 0, 0, 0, 0], [6], 'f64')], inputs(0.1));
    expect(two.loss.item()).to.be.closeTo(loss.item(), 1e-14);
    expect(two.minWeight.item()).to.be.closeTo(w[2], 1e-15);
  });

  it("with eps huge only the first chunk counts: zero gradient on the later chunks' residuals (weights held constant)", () => {
    const c = inputs(1e4);
    const [v, g] = valueAndGrad((x: Tensor) => pinn.causalLoss([x], c).loss)(tensor(r, [6], 'f64')) as [Tensor, Tensor];
    expect(v.item()).to.be.closeTo(2.5 / 3, 1e-14);
    // d/dr_j of (r0^2 + r1^2) / 2 / 3 in chunk 0; exactly 0 elsewhere (and no gradient through the weights)
    expect(Array.from(g.dataSync())).to.deep.equal([1 / 3, 2 / 3, 0, 0, 0, 0]);
    const small = valueAndGrad((x: Tensor) => pinn.causalLoss([x], inputs(0)).loss)(tensor(r, [6], 'f64'))[1] as Tensor;
    expect(Array.from(small.dataSync())).to.deep.equal(r.map((v) => v / 3)); // eps 0: mean of chunk means
  });

  it('a system gets one causal loss per equation (pde0, pde1), each from its own residual', () => {
    // u_t = 0.1 u_xx and v = u: two equations on the same points, causal weights per equation
    const system: pinn.ProblemSpec = { ...heat, fields: ['u', 'v'], pde: ['u_t - 0.1*u_xx', 'v - u'], exact: undefined };
    const tr = new pinn.PinnTrainer(system, { ...small, dtype: 'f64', causal: { chunks: 4, epsilon: [1e6] } });
    const x = rows((tr.batchAt(0) as unknown as BatchOf).pde);
    const [r0, r1] = tr.pdeResiduals(x);
    const firstChunk = (r: Float64Array): number => {
      let s = 0;
      let n = 0;
      r.forEach((v, i) => {
        if (x[2 * i + 1] < 0.25) {
          s += v * v;
          n++;
        }
      });
      return s / n / 4;
    };
    const m = tr.trainStep();
    expect(m.terms).to.have.keys('pde0', 'pde1', 'bc', 'ic');
    expect(m.terms.pde0).to.be.closeTo(firstChunk(r0), 1e-12);
    expect(m.terms.pde1).to.be.closeTo(firstChunk(r1), 1e-12);
    expect(m.causal?.minWeight).to.be.below(1e-6);
  });

  it('in the trainer, the PDE term is the causal loss of the batch residuals (eps huge: first chunk / M)', () => {
    const tr = new pinn.PinnTrainer(heat, { ...small, dtype: 'f64', causal: { chunks: 4, epsilon: [1e6] } });
    const x = rows((tr.batchAt(0) as unknown as BatchOf).pde);
    const res = tr.pdeResiduals(x)[0];
    let s = 0;
    let n = 0;
    res.forEach((v, i) => {
      if (x[2 * i + 1] < 0.25) {
        s += v * v;
        n++;
      }
    });
    const m = tr.trainStep();
    expect(m.terms.pde).to.be.closeTo(s / n / 4, 1e-12);
    expect(m.causal?.epsilon).to.equal(1e6);
    expect(m.causal?.minWeight).to.be.below(1e-6);
  });

  it('the schedule moves to the next eps once every weight exceeds delta, and resume keeps its position', () => {
    const sched = new pinn.CausalSchedule({ epsilon: [1, 10] });
    sched.observe(0.98);
    expect(sched.epsilon).to.equal(1);
    sched.observe(0.995);
    expect(sched.epsilon).to.equal(10);
    sched.observe(1);
    expect(sched.epsilon).to.equal(10); // stays at the last

    const o: pinn.TrainerOptions = { ...small, causal: { chunks: 8, epsilon: [1e-9, 1e-8, 1e6], delta: 0.99 } };
    const a = new pinn.PinnTrainer(heat, o);
    const eps = Array.from({ length: 6 }, () => a.trainStep().causal!.epsilon);
    expect(eps).to.deep.equal([1e-9, 1e-8, 1e6, 1e6, 1e6, 1e6]);
    const b = new pinn.PinnTrainer(heat, o);
    for (let i = 0; i < 2; i++) b.trainStep();
    const c = new pinn.PinnTrainer(heat, o);
    c.load(JSON.parse(JSON.stringify(b.state())));
    expect((c.state() as { causalIndex: number }).causalIndex).to.equal(2);
    for (let i = 2; i < 6; i++) c.trainStep();
    expect(c.state()).to.deep.equal(a.state());
  });

  it('works with L-BFGS and per-term optimizers (weights read each step), and needs a time coordinate', () => {
    for (const optimizer of ['lbfgs', 'multiadam', 'mconfig'] as const) {
      const tr = new pinn.PinnTrainer(heat, { ...small, optimizer, causal: { chunks: 4, epsilon: [1e-9, 1] } });
      const ms = [tr.trainStep(), tr.trainStep()];
      expect(
        ms.map((m) => m.causal?.epsilon),
        optimizer,
      ).to.deep.equal([1e-9, 1]);
      expect(Object.keys(ms[1].terms), optimizer).to.deep.equal(['pde', 'bc', 'ic']);
    }
    expect(() => new pinn.PinnTrainer(pinn.problems.poisson1d(), { causal: {} })).to.throw(/causal: needs a time coordinate/);
    expect(() => new pinn.PinnTrainer(heat, { causal: { delta: 1 } })).to.throw(/causal.delta: expected a number in \(0, 1\), got 1/);
  });
});

describe('pinn: curriculum time-marching', () => {
  const o: pinn.TrainerOptions = { ...small, timeMarching: { windows: 4, steps: 8 }, resampleEvery: 3 };

  it('PDE and boundary points lie in the growing window [0, k/4] during the k-th quarter of the steps; initial points stay at t0', () => {
    const tr = new pinn.PinnTrainer(heat, o);
    const plain = new pinn.PinnTrainer(heat, { ...o, timeMarching: undefined });
    for (let step = 0; step < 10; step++) {
      const k = Math.min(4, Math.floor(step / 2) + 1);
      const b = tr.batchAt(step) as unknown as BatchOf;
      for (const term of ['pde', 'bc']) {
        const x = rows(b[term]);
        const ts = Array.from({ length: x.length / 2 }, (_, i) => x[2 * i + 1]);
        expect(Math.max(...ts), `${term} step ${step}`).to.be.at.most(k / 4);
        expect(Math.max(...ts), `${term} step ${step}`).to.be.above(0.7 * (k / 4));
      }
      expect(
        rows(b.ic)
          .filter((_, i) => i % 2 === 1)
          .every((t) => t === 0),
      ).to.equal(true);
      // the last window is the whole interval: the same points as without time-marching
      if (k === 4) expect(rows(b.pde)).to.deep.equal(rows((plain.batchAt(step) as unknown as BatchOf).pde));
    }
  });

  it('state()/load() continues bit-for-bit across window changes, and solve() shares its steps among the windows', () => {
    const a = new pinn.PinnTrainer(heat, o);
    for (let i = 0; i < 8; i++) a.trainStep();
    const b = new pinn.PinnTrainer(heat, o);
    for (let i = 0; i < 3; i++) b.trainStep();
    const c = new pinn.PinnTrainer(heat, o);
    c.load(JSON.parse(JSON.stringify(b.state())));
    for (let i = 3; i < 8; i++) c.trainStep();
    expect(c.state()).to.deep.equal(a.state());
    const res = pinn.solve(heat, { ...small, steps: 4, timeMarching: { windows: 2 } });
    const t = rows((res.trainer.batchAt(1) as unknown as BatchOf).pde).filter((_, i) => i % 2 === 1);
    expect(Math.max(...t)).to.be.at.most(0.5);
    expect(() => new pinn.PinnTrainer(heat, { timeMarching: { windows: 2 } })).to.throw(
      /timeMarching.steps: expected the total number of training steps/,
    );
  });
});
