// Residual-based adaptive sampling (rar-g, rar-d, rad), anchors and the under-resolution warning.
import { expect } from 'chai';
import * as pinn from '../../pinn/index.js';
import * as ops from '../../core/ops.js';
import { interval } from '../../meshes/index.js';
import { hashSeed } from '../../core/random.js';

// u is held at 0 by the output transform, so the PDE residual is -g(x): a bump at x = 0.7 of width 0.05
const bump = (x: number): number => 10 * Math.exp(-(((x - 0.7) / 0.05) ** 2));
const localized: pinn.ProblemSpec = {
  coords: ['x'],
  fields: ['u'],
  domain: interval(0, 1),
  pde: 'u - 10*exp(-((x - 0.7)/0.05)^2)',
  transform: (_x, y) => ops.mul(y, 0),
};
const base: pinn.TrainerOptions = { net: { hidden: [4] }, points: { domain: 500 }, seed: 3, optimizer: { name: 'adam', lr: 1e-3 } };
const pdeX = (tr: pinn.PinnTrainer): Float64Array =>
  Float64Array.from((tr.batchAt(tr.step).pde as { x: { dataSync(): ArrayLike<number> } }).x.dataSync());
const share = (x: Float64Array, lo: number, hi: number): number => x.filter((v) => v >= lo && v <= hi).length / x.length;

describe('pinn: adaptive sampling of the PDE points', () => {
  it('AdaptivePoints rar-g adds exactly the top-k candidates by |residual|', () => {
    const cand = Float64Array.from([0.1, 0.9, 0.5, 0.3, 0.7, 0.2]);
    const abs = Float64Array.from([1, 5, 3, 0, 4, 2]);
    const ad = new pinn.AdaptivePoints({ method: 'rar-g', every: 10, candidates: 6, add: 3 }, 0, 4);
    expect(ad.due(0)).to.equal(false);
    expect(ad.due(10)).to.equal(true);
    ad.refine(
      10,
      1,
      () => cand,
      () => abs,
    );
    expect(Array.from(ad.apply(Float64Array.from([0, 0])))).to.deep.equal([0, 0, 0.9, 0.7, 0.5]);
    ad.refine(
      20,
      1,
      () => cand,
      () => abs,
    );
    expect(ad.apply(new Float64Array(0)).length).to.equal(6);
  });

  it("rar-g in the trainer: the added points are the largest-residual candidates of the step's fresh draw", () => {
    const tr = new pinn.PinnTrainer(localized, { ...base, adaptive: { method: 'rar-g', every: 2, candidates: 50, add: 5 } });
    tr.trainStep();
    tr.trainStep();
    expect(pdeX(tr).length).to.equal(500);
    tr.trainStep(); // step index 2 refines first
    const x = pdeX(tr);
    expect(x.length).to.equal(505);
    const cand = localized.domain.sampleInterior(50, 'uniform', hashSeed(3 * 31 + 2 + 0x5bd1e995)).data;
    const top = Array.from(cand)
      .sort((a, b) => bump(b) - bump(a))
      .slice(0, 5);
    expect(Array.from(x.subarray(500))).to.deep.equal(top.map(Math.fround)); // f32 batch
  });

  it('rad concentrates the PDE points where the residual is large (c = 0: nearly all; c = 1: about half)', () => {
    const near = (c: number): number => {
      const tr = new pinn.PinnTrainer(localized, { ...base, adaptive: { method: 'rad', every: 1, candidates: 4000, k: 1, c } });
      const before = share(pdeX(tr), 0.6, 0.8);
      tr.trainStep();
      tr.trainStep(); // step index 1 redraws
      const x = pdeX(tr);
      expect(x.length).to.equal(500); // replaced, not grown
      expect(before).to.be.within(0.15, 0.25); // uniform: 20% of [0, 1]
      return share(x, 0.6, 0.8);
    };
    expect(near(0)).to.be.above(0.97);
    // p ~ |r| / mean|r| + 1 puts half the mass on the bump (both parts integrate to 1 over [0, 1]), plus 20% of the rest
    expect(near(1)).to.be.within(0.45, 0.75);
  });

  it('rar-d adds `add` distinct points drawn from p ~ |r|^k / mean + c (k = 2, c = 0: all on the bump)', () => {
    const tr = new pinn.PinnTrainer(localized, { ...base, adaptive: { method: 'rar-d', every: 1, candidates: 2000, add: 40, k: 2, c: 0 } });
    tr.trainStep();
    tr.trainStep();
    const added = pdeX(tr).subarray(500);
    expect(added.length).to.equal(40);
    expect(new Set(added).size).to.equal(40);
    expect(share(added, 0.6, 0.8)).to.equal(1);
  });

  for (const method of ['rad', 'rar-d'] as const) {
    it(`state()/load() through JSON continues bit-for-bit with ${method} (the point set is checkpointed)`, () => {
      const o: pinn.TrainerOptions = {
        net: { hidden: [8] },
        points: { domain: 16, boundary: 2 },
        seed: 1,
        optimizer: { name: 'adam', lr: 1e-2 },
        adaptive: { method, every: 3, candidates: 40, add: 4 },
      };
      const a = new pinn.PinnTrainer(pinn.problems.poisson1d(), o);
      for (let i = 0; i < 10; i++) a.trainStep();
      const b = new pinn.PinnTrainer(pinn.problems.poisson1d(), o);
      for (let i = 0; i < 5; i++) b.trainStep();
      const c = new pinn.PinnTrainer(pinn.problems.poisson1d(), o);
      c.load(JSON.parse(JSON.stringify(b.state())));
      for (let i = 5; i < 10; i++) c.trainStep();
      expect(c.state()).to.deep.equal(a.state());
      expect(pdeX(c)).to.deep.equal(pdeX(a));
    });
  }

  it('bad adaptive options are named', () => {
    const p = pinn.problems.poisson1d();
    expect(() => new pinn.PinnTrainer(p, { points: { domain: 100 }, adaptive: { method: 'rad', every: 1, candidates: 50 } })).to.throw(
      /adaptive.candidates: expected at least the 100 PDE points/,
    );
    expect(() => new pinn.PinnTrainer(p, { adaptive: { method: 'rar-g', every: 0, candidates: 50 } })).to.throw(
      /adaptive.every: expected a positive integer, got 0/,
    );
    expect(() => new pinn.PinnTrainer(p, { adaptive: { method: 'rar-x' as 'rad', every: 1, candidates: 50 } })).to.throw(
      /adaptive.method: expected one of rar-g, rar-d, rad/,
    );
  });
});

describe('pinn: anchor points', () => {
  it('are appended to the PDE points at every step, also when the points are redrawn', () => {
    const anchors = [[0.25], [-0.5]];
    const tr = new pinn.PinnTrainer(pinn.problems.poisson1d(), {
      net: { hidden: [4] },
      points: { domain: 10, boundary: 2 },
      resampleEvery: 1,
      seed: 2,
      anchors,
    });
    const x0 = pdeX(tr);
    tr.trainStep();
    const x1 = pdeX(tr);
    expect(x0.length).to.equal(12);
    expect(Array.from(x0.subarray(10))).to.deep.equal([0.25, -0.5]);
    expect(Array.from(x1.subarray(10))).to.deep.equal([0.25, -0.5]);
    expect(Array.from(x1.subarray(0, 10))).to.not.deep.equal(Array.from(x0.subarray(0, 10)));
    expect(() => new pinn.PinnTrainer(pinn.problems.poisson1d(), { anchors: [[0.1, 0.2]] })).to.throw(
      /anchors\[0\]: expected 1 finite coordinates/,
    );
  });
});

describe('pinn: under-resolution warning (fixed points)', () => {
  // u = sin(20 x) on [0, 1]: eight fixed points cannot pin down a function with three periods
  const wiggle: pinn.ProblemSpec = { coords: ['x'], fields: ['u'], domain: interval(0, 1), pde: 'u - sin(20*x)' };
  const o: pinn.TrainerOptions = { net: { hidden: [16, 16] }, points: { domain: 8 }, seed: 1, optimizer: { name: 'adam', lr: 1e-2 } };

  it('fires when the residual on fresh points is > 10x the one on 8 fixed points, and not with resampling', () => {
    const fixed = pinn.solve(wiggle, { ...o, steps: 1500 });
    const ev = fixed.trainer.evaluate();
    expect(ev.residualRatio).to.be.above(10); // measured 282
    expect(ev.warnings).to.deep.equal([pinn.UNDER_RESOLVED]);
    const redrawn = pinn.solve(wiggle, { ...o, steps: 200, resampleEvery: 1 });
    const ev2 = redrawn.trainer.evaluate();
    expect(ev2.residualRatio).to.equal(undefined);
    expect(ev2.warnings).to.equal(undefined);
    // enough fixed points: the ratio stays near 1
    const dense = pinn.solve(wiggle, { ...o, points: { domain: 200 }, steps: 300 }).trainer.evaluate();
    expect(dense.residualRatio).to.be.below(3); // measured 1.02
    expect(dense.warnings).to.equal(undefined);
  });

  it('residualRatio() is the ratio of RMS PDE residuals: fresh uniform points over (a stride of) the training points', () => {
    const tr = new pinn.PinnTrainer(wiggle, { ...o, points: { domain: 1000 }, residualCheck: 300 });
    const rms = (x: Float64Array): number => Math.sqrt(tr.pdeResiduals(x)[0].reduce((s, v) => s + v * v, 0) / x.length);
    const all = pdeX(tr);
    const train = Float64Array.from({ length: 512 }, (_, i) => all[Math.floor((i * 1000) / 512)]);
    const fresh = interval(0, 1).sampleInterior(300, 'uniform', hashSeed(1 * 40503 + 0x2545f491)).data;
    expect(train.length).to.equal(512);
    expect(tr.residualRatio()).to.be.closeTo(rms(fresh) / rms(train), 1e-5);
    expect(new pinn.PinnTrainer(wiggle, { ...o, residualCheck: 0 }).residualRatio()).to.equal(null);
    expect(pinn.rmsRatio(8, 2)).to.equal(2);
  });
});
