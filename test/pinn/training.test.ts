// Short training runs: loss and error decrease, inverse problems recover constants, resume is bit-for-bit.
import { expect } from 'chai';
import * as pinn from '../../pinn/index.js';
import { hypercube, interval } from '../../meshes/index.js';
import { matrixRanges } from '../../nn/flat.js';
import { mlp } from '../../nn/mlp.js';
import { tensor } from '../../core/tensor.js';
import type { PyTree } from '../../core/pytree.js';

const small: pinn.TrainerOptions = { net: { hidden: [16, 16] }, points: { domain: 48, boundary: 2 }, seed: 1 };

describe('pinn: training', () => {
  it('1D Poisson: 300 Adam steps cut the loss 100x and reach L2 relative error < 2e-2', () => {
    const res = pinn.solve(pinn.problems.poisson1d(), { ...small, steps: 300, optimizer: { name: 'adam', lr: 5e-3 } });
    const first = res.history[0].loss;
    expect(res.final.loss).to.be.below(first / 100);
    expect(res.final.l2re).to.be.below(2e-2);
    expect(res.history[0].terms).to.have.keys('pde', 'bc');
    expect(res.history[0].lr).to.equal(5e-3);
  });

  it("logs the rate the optimizer used: its own default, a base optimizer's, or the schedule at each step", () => {
    const lrs = (optimizer: pinn.TrainerOptions['optimizer']) => {
      const tr = new pinn.PinnTrainer(pinn.problems.poisson1d(), { ...small, optimizer });
      return [1, 2, 3].map(() => tr.trainStep().lr);
    };
    expect(lrs('sgd')).to.deep.equal([1e-2, 1e-2, 1e-2]);
    expect(lrs({ name: 'lra', base: { name: 'sgd', lr: 0.02 } })).to.deep.equal([0.02, 0.02, 0.02]);
    expect(lrs({ name: 'adam', lr: { type: 'step', lr: 0.1, stepSize: 2, gamma: 0.5 } })).to.deep.equal([0.1, 0.1, 0.05]);
  });

  it('inverse problem: u_x = a u with data from exp(0.5 x) recovers a = 0.5 (L-BFGS, 40 steps)', () => {
    const xs = Float64Array.from({ length: 12 }, (_, i) => i / 11);
    const spec: pinn.ProblemSpec = {
      coords: ['x'],
      fields: ['u'],
      domain: interval(0, 1),
      unknowns: { a: 0 },
      pde: 'u_x - a*u',
      conditions: [{ kind: 'data', points: xs, values: { u: xs.map((x) => Math.exp(0.5 * x)) } }],
    };
    const res = pinn.solve(spec, { net: { hidden: [8] }, dtype: 'f64', points: { domain: 24 }, seed: 2, steps: 40, optimizer: 'lbfgs' });
    expect(res.final.unknowns?.a).to.be.closeTo(0.5, 0.01);
  });

  it('every optimizer name runs steps with finite losses (and balancing methods report weights)', () => {
    for (const name of ['adam', 'lbfgs', 'multiadam', 'config', 'mconfig', 'lra', 'relobralo', 'pcgrad', 'ntk'] as const) {
      const tr = new pinn.PinnTrainer(pinn.problems.poisson1d(), {
        ...small,
        net: { hidden: [6] },
        points: { domain: 8, boundary: 2 },
        optimizer: name,
        ntk: { every: 2, points: 2 },
      });
      for (let i = 0; i < 3; i++) {
        const m = tr.trainStep();
        expect(Number.isFinite(m.loss), name).to.equal(true);
        if (!['adam', 'lbfgs'].includes(name)) expect(m.weights, name).to.have.keys('pde', 'bc');
      }
      expect(tr.step).to.equal(3);
    }
  });

  it("multiadam groups the losses as the authors' code does: the PDE residual, then the conditions together", () => {
    const spec = { ...pinn.problems.burgers1d(), reference: undefined };
    const opts: pinn.TrainerOptions = { ...small, net: { hidden: [6] }, points: { domain: 8, boundary: 2, initial: 4 } };
    const weights = (optimizer: pinn.TrainerOptions['optimizer']) => new pinn.PinnTrainer(spec, { ...opts, optimizer }).trainStep().weights;
    expect(weights('multiadam')).to.deep.equal({ pde: 0.5, bc: 0.5, ic: 0.5 });
    expect(weights({ name: 'multiadam', groups: [0, 1, 2] })).to.deep.equal({ pde: 1 / 3, bc: 1 / 3, ic: 1 / 3 });
  });

  it('L-BFGS lowers the loss of the 1D Poisson problem', () => {
    const tr = new pinn.PinnTrainer(pinn.problems.poisson1d(), { ...small, dtype: 'f64', optimizer: 'lbfgs' });
    const l0 = tr.trainStep().loss;
    let l = l0;
    for (let i = 0; i < 30; i++) l = tr.trainStep().loss;
    expect(l).to.be.below(l0 / 10);
  });

  for (const [label, options] of [
    [
      'adam, resampling every 2 steps, RAR',
      { optimizer: { name: 'adam', lr: 1e-2 }, resampleEvery: 2, rar: { every: 3, candidates: 20, add: 2 } },
    ],
    ['lra (f64)', { optimizer: 'lra', dtype: 'f64' }],
    ['mconfig', { optimizer: 'mconfig' }],
    ['lbfgs', { optimizer: 'lbfgs' }],
  ] as Array<[string, pinn.TrainerOptions]>) {
    it(`state()/load() through JSON continues bit-for-bit: ${label}`, () => {
      const o = { ...small, net: { hidden: [8] }, points: { domain: 16, boundary: 2 }, ...options };
      const a = new pinn.PinnTrainer(pinn.problems.poisson1d(), o);
      for (let i = 0; i < 4; i++) a.trainStep();
      const saved = JSON.parse(JSON.stringify(a.state()));
      const b = new pinn.PinnTrainer(pinn.problems.poisson1d(), o);
      b.load(saved);
      expect(b.step).to.equal(4);
      for (let i = 0; i < 4; i++) {
        const ma = a.trainStep();
        const mb = b.trainStep();
        expect(mb).to.deep.equal(ma);
      }
      expect((b.state() as { params: number[] }).params).to.deep.equal((a.state() as { params: number[] }).params);
    });
  }

  it('adam / adamw run fused into the compiled step (f32) and follow the host Adam to f32 rounding; others stay on the host', () => {
    for (const optimizer of [
      { name: 'adamw', lr: { type: 'cosine', lr: 2e-2, totalSteps: 30 }, weightDecay: 0.1 },
      { name: 'adam', lr: 1e-2, weightDecay: 1e-3 },
    ] as const) {
      const o: pinn.TrainerOptions = { ...small, optimizer, resampleEvery: 5, weights: { bc: 10 } };
      const fused = new pinn.PinnTrainer(pinn.problems.poisson1d(), o);
      const host = new pinn.PinnTrainer(pinn.problems.poisson1d(), { ...o, fusedOptimizer: false });
      expect([fused.optimizerFused, host.optimizerFused]).to.deep.equal([true, false]);
      const steps = Array.from({ length: 30 }, () => [fused.trainStep(), host.trainStep()]);
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
      steps.forEach(([f, h]) => {
        expect(rel(f.loss, h.loss), `${optimizer.name} step ${f.step}`).to.be.below(1e-5); // measured up to 5e-7
        expect([f.lr, f.weights]).to.deep.equal([h.lr, h.weights]);
      });
      expect(steps[29][0].loss).to.be.below(steps[0][0].loss / 2);
      const [pf, ph] = [fused.parameters(), host.parameters()];
      expect(pf.reduce((s, v, i) => s + (v - ph[i]) ** 2, 0) / ph.reduce((s, v) => s + v * v, 0)).to.be.below(1e-10);
    }
    const on = (o: pinn.TrainerOptions) => new pinn.PinnTrainer(pinn.problems.poisson1d(), { ...small, ...o }).optimizerFused;
    expect([on({ dtype: 'f64' }), on({ optimizer: 'lra' }), on({ optimizer: 'sgd' }), on({ forwardGradient: true })]).to.deep.equal([
      false,
      false,
      false,
      true,
    ]);
  });

  it('L-BFGS steps reuse the evaluation at their start point (one fewer loss+grad per step)', () => {
    const o: pinn.TrainerOptions = { ...small, dtype: 'f64', optimizer: 'lbfgs' };
    const tr = new pinn.PinnTrainer(pinn.problems.poisson1d(), o);
    const inner = tr as unknown as { totalFn: (...a: unknown[]) => unknown };
    const fn = inner.totalFn;
    let calls = 0;
    inner.totalFn = (...a: unknown[]) => {
      calls++;
      return fn(...a);
    };
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) losses.push(tr.trainStep().loss);
    const lbfgs = (tr as unknown as { optimizer: { counters: { evaluations: number } } }).optimizer;
    // the optimizer asked for every evaluation; the trainer answered each step's start point from the cache
    expect(calls).to.equal(lbfgs.counters.evaluations - 4);
    for (let i = 1; i < 5; i++) expect(losses[i]).to.be.below(losses[i - 1]);
  });

  it('parameters()/setParameters(): an f32 Adam run hands over to an f64 L-BFGS trainer that lowers the loss further', () => {
    const adam = new pinn.PinnTrainer(pinn.problems.poisson1d(), { ...small, optimizer: { name: 'adam', lr: 1e-2 } });
    for (let i = 0; i < 50; i++) adam.trainStep();
    const lbfgs = new pinn.PinnTrainer(pinn.problems.poisson1d(), { ...small, dtype: 'f64', optimizer: 'lbfgs' });
    lbfgs.setParameters(adam.parameters());
    expect(Array.from(lbfgs.parameters())).to.deep.equal(Array.from(adam.parameters()));
    const l0 = lbfgs.losses();
    const a0 = adam.losses();
    expect(l0.pde).to.be.closeTo(a0.pde, 1e-4 * a0.pde);
    let l = Infinity;
    for (let i = 0; i < 20; i++) l = lbfgs.trainStep().loss;
    expect(l).to.be.below((l0.pde + l0.bc) / 5);
    expect(() => lbfgs.setParameters([1, 2])).to.throw(/setParameters: expected \d+ values, got 2/);
  });

  it('solve() with finetune: Adam, then f64 L-BFGS from the Adam parameters, steps numbered on, loss lower', () => {
    const res = pinn.solve(pinn.problems.poisson1d(), {
      ...small,
      steps: 30,
      optimizer: { name: 'adam', lr: 1e-2 },
      finetune: { steps: 15 },
    });
    expect(res.history.map((m) => m.step)).to.deep.equal(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(res.trainer.optimizerName).to.equal('lbfgs');
    expect(res.trainer.dtype).to.equal('f64');
    expect(res.final.finetuneSteps).to.equal(15);
    expect(res.history[44].loss).to.be.below(res.history[29].loss / 3);
    expect(() => pinn.solve(pinn.problems.poisson1d(), { ...small, steps: 1, finetune: { steps: -1 } })).to.throw(
      /finetune.steps must be a non-negative integer/,
    );
    // patience: a converged fine-tune stops once its loss stops decreasing
    const tiny: pinn.ProblemSpec = { ...pinn.problems.poisson1d(), pde: 'u_xx' };
    const stalled = pinn.solve(tiny, {
      net: { hidden: [2] },
      points: { domain: 4, boundary: 2 },
      seed: 1,
      steps: 0,
      finetune: { steps: 500, patience: 3 },
    });
    expect(stalled.final.finetuneSteps).to.be.below(500);
    const tail = stalled.history.slice(-3).map((m) => m.loss);
    expect(Math.min(...tail)).to.be.at.least(Math.min(...stalled.history.slice(0, -3).map((m) => m.loss)));
  });

  it('load() rejects foreign states and wrong parameter counts', () => {
    const tr = new pinn.PinnTrainer(pinn.problems.poisson1d(), small);
    expect(() => tr.load({ format: 'x' })).to.throw(/format 'fluxion-pinn-1'/);
    expect(() => tr.load({ ...(tr.state() as object), params: [1, 2] })).to.throw(/state.params must hold/);
  });

  it('bad options name the option', () => {
    expect(() => new pinn.PinnTrainer(pinn.problems.poisson1d(), { weights: { nope: 2 } })).to.throw(
      /weights.nope: no loss term named 'nope'/,
    );
    expect(() => new pinn.PinnTrainer(pinn.problems.poisson1d(), { optimizer: 'adamx' as 'adam' })).to.throw(/optimizer.name/);
  });
});

describe('pinn: LRA statistics on the weight matrices', () => {
  it('matrixRanges covers exactly the rank-2 leaves of the flattened parameters', () => {
    const net = mlp({ layers: [2, 3, 1], seed: 0 });
    // leaves in flattening order: W0 [2,3] (6), b0 [3], W1 [3,1] (3), b1 [1]; then a scalar unknown
    expect(matrixRanges({ net: net.params, unknowns: { k: tensor([1], []) } } as unknown as PyTree)).to.deep.equal([
      [0, 6],
      [9, 12],
    ]);
  });
});

describe('pinn: Adam then L-BFGS as one trainer (PhasedTrainer)', () => {
  const opts: pinn.TrainerOptions = { ...small, optimizer: { name: 'adam', lr: 5e-3 }, resampleEvery: 3 };
  const phase2 = { optimizer: 'lbfgs' as const, dtype: 'f64' as const };

  it('switches at step `at`, numbers steps across both phases, and L-BFGS lowers the loss further', () => {
    const tr = new pinn.PhasedTrainer(pinn.problems.poisson1d(), opts, 60, phase2);
    const losses = Array.from({ length: 80 }, () => tr.trainStep());
    expect(losses.map((m) => m.step)).to.deep.equal(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(tr.step).to.equal(80);
    expect(losses[59].lr).to.equal(5e-3); // Adam reports its rate; L-BFGS does not
    expect(losses.map((m) => m.phase).filter(Boolean)).to.deep.equal(['finetune: lbfgs (f64)']);
    expect(losses[60].phase).to.equal('finetune: lbfgs (f64)');
    expect(losses[79].lr).to.equal(undefined);
    expect(losses[79].loss).to.be.below(0.5 * losses[60].loss);
  });

  it('state()/load() through JSON continues bit-for-bit, before and after the switch', () => {
    for (const cut of [40, 70]) {
      const a = new pinn.PhasedTrainer(pinn.problems.poisson1d(), opts, 60, phase2);
      for (let i = 0; i < 90; i++) a.trainStep();
      const b = new pinn.PhasedTrainer(pinn.problems.poisson1d(), opts, 60, phase2);
      for (let i = 0; i < cut; i++) b.trainStep();
      const c = new pinn.PhasedTrainer(pinn.problems.poisson1d(), opts, 60, phase2);
      c.load(JSON.parse(JSON.stringify(b.state())));
      expect(c.step).to.equal(cut);
      for (let i = cut; i < 90; i++) c.trainStep();
      expect(JSON.stringify(c.state())).to.equal(JSON.stringify(a.state()));
    }
  });

  it("L-BFGS trains on the first phase's adaptive points, frozen, and resumes bit-for-bit", () => {
    const o: pinn.TrainerOptions = { ...opts, resampleEvery: 0, adaptive: { method: 'rar-g', every: 3, candidates: 40, add: 4 } };
    const rar = (t: pinn.PhasedTrainer): number[] => (t.state().trainer as { rarPoints: number[] }).rarPoints;
    const a = new pinn.PhasedTrainer(pinn.problems.poisson1d(), o, 7, phase2);
    for (let i = 0; i < 7; i++) a.trainStep();
    const added = rar(a);
    expect(added.length).to.equal(2 * 4); // refinements at steps 3 and 6, 4 points of (x)
    for (let i = 7; i < 16; i++) a.trainStep(); // phase 2: would refine at 9, 12 and 15 if it were not frozen
    expect(rar(a)).to.deep.equal(added);
    const b = new pinn.PhasedTrainer(pinn.problems.poisson1d(), o, 7, phase2);
    for (let i = 0; i < 10; i++) b.trainStep();
    const c = new pinn.PhasedTrainer(pinn.problems.poisson1d(), o, 7, phase2);
    c.load(JSON.parse(JSON.stringify(b.state())));
    for (let i = 10; i < 16; i++) c.trainStep();
    expect(JSON.stringify(c.state())).to.equal(JSON.stringify(a.state()));
  });

  it('finetune points: the second phase draws its own count of fixed points, the others as the first phase', () => {
    const rows = (t: pinn.PinnTrainer, term: string): number => t.batchAt(0)[term].x.shape[0];
    const second = pinn.secondPhaseTrainer(pinn.problems.poisson1d(), opts, { ...phase2, points: { domain: 200 } });
    expect(rows(second, 'pde')).to.equal(200);
    expect(rows(second, 'bc')).to.equal(rows(new pinn.PinnTrainer(pinn.problems.poisson1d(), opts), 'bc'));
    expect(rows(pinn.secondPhaseTrainer(pinn.problems.poisson1d(), opts, phase2), 'pde')).to.equal(48);
  });

  it('rejects a foreign state and a bad switch step', () => {
    const tr = new pinn.PhasedTrainer(pinn.problems.poisson1d(), opts, 5, phase2);
    expect(() => tr.load({ format: 'fluxion-pinn-1' })).to.throw(/expected a two-phase PINN trainer state/);
    expect(() => new pinn.PhasedTrainer(pinn.problems.poisson1d(), opts, -1, phase2)).to.throw(
      /finetune.at: expected a non-negative integer step, got -1/,
    );
  });
});

describe('pinn: STDE Laplacian while training (derivatives.estimator)', () => {
  // 8-D Poisson lap u = 1 with u = |x|^2 / 16 on [0, 1]^8
  const d = 8;
  const coords = Array.from({ length: d }, (_, i) => `x${i}`);
  const exact = `(${coords.map((c) => `${c}^2`).join(' + ')}) / ${2 * d}`;
  const spec: pinn.ProblemSpec = {
    coords,
    fields: ['u'],
    domain: hypercube(Array(d).fill(0), Array(d).fill(1)),
    pde: 'lap(u) - 1',
    conditions: [{ kind: 'dirichlet', field: 'u', value: exact }],
    exact: { u: exact },
  };
  const base: pinn.TrainerOptions = {
    net: { hidden: [32, 32] },
    points: { domain: 200, boundary: 200 },
    seed: 1,
    optimizer: { name: 'adam', lr: 3e-3 },
  };

  for (const estimator of ['stde-sparse', 'stde-dense'] as const) {
    it(`${estimator} with 2 probes per step trains the 8-D Poisson problem (loss / 100, L2RE < 0.15)`, () => {
      const res = pinn.solve(spec, { ...base, steps: 600, derivatives: { estimator, samples: 2 } });
      expect(res.final.loss).to.be.below(res.history[0].loss / 100);
      expect(res.final.l2re).to.be.below(0.15); // measured 9.5e-2 (sparse), 2.5e-2 (dense); exact 5.5e-2
    });
  }

  it('draws fresh probes every step, a pure function of (seed, step): resume is bit-for-bit', () => {
    const o = { ...base, derivatives: { estimator: 'stde-sparse' as const, samples: 3 } };
    const tr = new pinn.PinnTrainer(spec, o);
    const probesAt = (step: number) =>
      Array.from(
        (tr as unknown as { withProbes(b: unknown, s: number): Record<string, { probes?: { dataSync(): ArrayLike<number> } }> })
          .withProbes(tr.batchAt(step), step)
          .pde.probes!.dataSync(),
      );
    expect(probesAt(0)).to.not.deep.equal(probesAt(1));
    expect(probesAt(5)).to.deep.equal(probesAt(5));
    const a = new pinn.PinnTrainer(spec, o);
    for (let i = 0; i < 10; i++) a.trainStep();
    const b = new pinn.PinnTrainer(spec, o);
    for (let i = 0; i < 4; i++) b.trainStep();
    const c = new pinn.PinnTrainer(spec, o);
    c.load(JSON.parse(JSON.stringify(b.state())));
    for (let i = 4; i < 10; i++) c.trainStep();
    expect(c.state()).to.deep.equal(a.state());
  });

  it('evaluation stays exact, and bad settings are named', () => {
    const tr = new pinn.PinnTrainer(spec, { ...base, derivatives: { estimator: 'stde-sparse', samples: 1 } });
    const exactTr = new pinn.PinnTrainer(spec, base);
    const pts = Float64Array.from({ length: 5 * d }, (_, i) => (i * 0.37) % 1);
    expect(Array.from(tr.pdeResiduals(pts)[0])).to.deep.equal(Array.from(exactTr.pdeResiduals(pts)[0]));
    expect(() => new pinn.PinnTrainer(spec, { ...base, derivatives: { samples: 0 } })).to.throw(
      /derivatives.samples: expected a positive integer, got 0/,
    );
    expect(() => new pinn.PinnTrainer(spec, { ...base, derivatives: { estimator: 'hutch' as never } })).to.throw(
      /derivatives.estimator: expected one of exact, stde-sparse, stde-dense, got 'hutch'/,
    );
  });
});
