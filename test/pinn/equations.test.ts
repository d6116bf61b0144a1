import { expect } from 'chai';
import { PinnTrainer, solve, type ProblemSpec } from '../../pinn/index.js';
import { interval, timeInterval } from '../../meshes/index.js';
import { makeOptimizer } from '../../optim/factory.js';
import type { MultiLossOptimizer, Optimizer, OptimState, Vec } from '../../optim/types.js';
import { parseConfigText } from '../../runner/config.js';
import { pinnProblem } from '../../runner/pinnAdapter.js';
import type { PinnConfig } from '../../runner/schema.js';

// u = x and v = -2x solve the system; the network is random, so the residuals are not zero.
const system = (pde: ProblemSpec['pde']): ProblemSpec => ({
  coords: ['x'],
  fields: ['u', 'v'],
  domain: interval(0, 1),
  pde,
  conditions: [{ kind: 'dirichlet', field: 'u', value: 0 }],
});
const opts = { net: { hidden: [6, 6] }, seed: 2, dtype: 'f64' as const, points: { domain: 24, boundary: 2 } };

/** Hand-computed mean squares of u - x and v + 2x at the trainer's PDE points. */
function handLosses(tr: PinnTrainer): [number, number] {
  const x = Float64Array.from(tr.batchAt(0).pde.x.dataSync());
  const p = tr.predict(x, x.length);
  let a = 0,
    b = 0;
  x.forEach((xi, r) => {
    a += (p.u[r] - xi) ** 2;
    b += (p.v[r] + 2 * xi) ** 2;
  });
  return [a / x.length, b / x.length];
}

/** Records what a multi-loss optimizer receives, then delegates. */
class Spy implements MultiLossOptimizer {
  calls: { losses: number[]; grads: Float64Array[] }[] = [];
  constructor(private readonly inner: MultiLossOptimizer) {}
  step(params: Vec, losses: number[], grads: Vec[]): { weights: number[] } {
    this.calls.push({ losses: losses.slice(), grads: grads.map((g) => Float64Array.from(g)) });
    return this.inner.step(params, losses, grads);
  }
  state(): OptimState {
    return this.inner.state();
  }
  load(s: OptimState): void {
    this.inner.load(s);
  }
}
class GradSpy implements Optimizer {
  grads: Float64Array[] = [];
  step(_p: Vec, g: Vec): void {
    this.grads.push(Float64Array.from(g));
  }
  state(): OptimState {
    return { kind: 'spy' };
  }
  load(): void {}
}
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('pinn: one loss term per PDE equation', () => {
  it('a 2-equation system has 2 terms whose values are the mean squares of each residual', () => {
    const tr = new PinnTrainer(system(['u - x', 'v + 2*x']), opts);
    expect(tr.termNames).to.deep.equal(['pde0', 'pde1', 'bc']);
    const [a, b] = handLosses(tr);
    const ls = tr.losses();
    expect(ls.pde0).to.be.closeTo(a, 1e-12 * a);
    expect(ls.pde1).to.be.closeTo(b, 1e-12 * b);
    const m = tr.trainStep();
    expect(Object.keys(m.terms)).to.deep.equal(['pde0', 'pde1', 'bc']);
    expect(m.terms.pde0).to.be.closeTo(a, 1e-12 * a);
  });

  it('named equations ({ residual, name }) and per-equation weights apply to the total loss', () => {
    const tr = new PinnTrainer(
      system([
        { residual: 'u - x', name: 'ux' },
        { residual: 'v + 2*x', name: 'vx' },
      ]),
      { ...opts, weights: { ux: 2, vx: 0.5 } },
    );
    expect(tr.termNames).to.deep.equal(['ux', 'vx', 'bc']);
    const m = tr.trainStep();
    expect(m.loss).to.be.closeTo(2 * m.terms.ux + 0.5 * m.terms.vx + m.terms.bc, 1e-12 * m.loss);
    expect(m.weights).to.deep.equal({ ux: 2, vx: 0.5, bc: 1 });
    expect(
      () =>
        new PinnTrainer(
          system([
            { residual: 'u - x', name: 'a' },
            { residual: 'v', name: 'a' },
          ]),
          opts,
        ),
    ).to.throw("pde[1].name: duplicate loss term name 'a'");
    expect(
      () => new PinnTrainer({ ...system(['u - x', 'v']), conditions: [{ kind: 'dirichlet', field: 'u', value: 0, name: 'pde1' }] }, opts),
    ).to.throw("duplicate loss term name 'pde1'");
  });

  for (const name of ['multiadam', 'config'] as const) {
    it(`${name} receives one loss and one gradient per equation, each the gradient of that equation's weighted loss`, () => {
      const weights = { pde0: 2, pde1: 0.5 };
      const spy = new Spy(makeOptimizer(name));
      const tr = new PinnTrainer(system(['u - x', 'v + 2*x']), {
        ...opts,
        weights,
        customOptimizer: { optimizer: spy, inputs: 'per-loss-gradients' },
      });
      const [a, b] = handLosses(tr);
      tr.trainStep();
      const { losses, grads } = spy.calls[0];
      expect(grads).to.have.length(3);
      expect(losses[0]).to.be.closeTo(2 * a, 1e-12 * a);
      expect(losses[1]).to.be.closeTo(0.5 * b, 1e-12 * b);
      // each gradient equals the full gradient of a trainer whose weights keep only that loss
      const only = (w: Record<string, number>): Float64Array => {
        const g = new GradSpy();
        new PinnTrainer(system(['u - x', 'v + 2*x']), {
          ...opts,
          weights: w,
          customOptimizer: { optimizer: g, inputs: 'gradient' },
        }).trainStep();
        return g.grads[0];
      };
      const g0 = only({ pde0: 2, pde1: 0, bc: 0 });
      const g1 = only({ pde0: 0, pde1: 0.5, bc: 0 });
      expect(maxDiff(grads[0], g0)).to.be.below(1e-12);
      expect(maxDiff(grads[1], g1)).to.be.below(1e-12);
      expect(maxDiff(g0, g1)).to.be.above(1e-3);
    });
  }

  it('NTK weighting computes one trace per equation', () => {
    const tr = new PinnTrainer(system(['u - x', 'v + 2*x']), { ...opts, optimizer: 'ntk', ntk: { every: 1, points: 4 } });
    const w = tr.trainStep().weights!;
    expect(Object.keys(w)).to.deep.equal(['pde0', 'pde1', 'bc']);
    expect(w.pde0).to.not.equal(w.pde1);
  });

  it('a single equation is still the term "pde", with the loss values of the code before the split', () => {
    // recorded with the previous trainer (one 'pde' term summing its residuals), f32
    const spec: ProblemSpec = {
      coords: ['x'],
      fields: ['u'],
      domain: interval(0, 1),
      pde: '-u_xx = pi^2*sin(pi*x)',
      conditions: [{ kind: 'dirichlet', field: 'u', value: 0 }],
    };
    const run = (optimizer: 'adam' | 'ntk') => {
      const tr = new PinnTrainer(spec, {
        net: { hidden: [8, 8] },
        seed: 1,
        points: { domain: 32, boundary: 4 },
        optimizer,
        ntk: { every: 1, points: 4 },
      });
      return [tr.trainStep(), tr.trainStep(), tr.trainStep()];
    };
    const adam = run('adam');
    expect(adam.map((m) => m.loss)).to.deep.equal([46.02938461303711, 45.88447570800781, 45.740447998046875]);
    // the fused f32 Adam (issue 24) reads the bc term back from the compiled step: equal to f32 accuracy
    const terms = adam[2].terms as Record<string, number>;
    expect(Object.keys(terms)).to.deep.equal(['pde', 'bc']);
    expect(terms.pde).to.equal(45.73959732055664);
    expect(terms.bc).to.be.closeTo(0.0008509549079462886, 2e-6 * 0.0008509549079462886);
    const ntk = run('ntk');
    // NTK traces go through second-order jets, whose f32 rounding moved when the jet rules became derived from
    // each primitive's derivatives (issue 17): equal to the recorded values to f32 accuracy
    const w = ntk[0].weights as Record<string, number>;
    expect(Object.keys(w)).to.deep.equal(['pde', 'bc']);
    expect(w.pde).to.be.closeTo(2.777095648184234, 2.777095648184234 * 1e-6);
    expect(w.bc).to.be.closeTo(1.5627159129120372, 1.5627159129120372 * 1e-6);
    expect(ntk[2].loss).to.be.closeTo(127.2007973258105, 127.2007973258105 * 1e-6);
    // a one-entry list and a named single entry keep one term
    expect(new PinnTrainer({ ...spec, pde: [{ residual: '-u_xx - pi^2*sin(pi*x)' }] }).termNames).to.deep.equal(['pde', 'bc']);
  });

  it('YAML: pde entries as strings or { eq, name, weight }; weights go to their equation; duplicate names are rejected', () => {
    const yaml = (pde: string) =>
      `kind: pinn\nname: sys\ngeometry: { type: interval, min: 0, max: 1 }\nfields: [u, v]\npde: ${pde}\nconditions: [{ type: dirichlet, value: 0 }]\n`;
    const c = parseConfigText(yaml("['u - x', { eq: 'v + 2*x', name: vx, weight: 3 }]")) as PinnConfig;
    const { spec, options } = pinnProblem(c, { configDir: '.' });
    expect(spec.pde).to.deep.equal(['u - x', { residual: 'v + 2*x', name: 'vx' }]);
    expect(options.weights).to.deep.equal({ vx: 3, dirichlet0: 1 });
    expect(new PinnTrainer(spec, { ...options, net: { hidden: [4] } }).termNames).to.deep.equal(['pde0', 'vx', 'dirichlet0']);
    expect(() => parseConfigText(yaml('[{ eq: u, name: a }, { eq: v, name: a }]'))).to.throw(
      /pde\[1\]\.name: expected a loss name not used by another equation, got 'a'/,
    );
    expect(() => parseConfigText(yaml('[{ eq: u, name: dirichlet0 }, v]'))).to.throw(
      /conditions\[0\]\.name: expected a loss name not used by an equation/,
    );
    expect(() => parseConfigText(yaml('[{ eq: u, weight: -1 }]'))).to.throw(/pde\[0\]/);
  });
});

describe('pinn: true values of unknowns and ODE domains (library API)', () => {
  it('evaluate() reports the relative error of each unknown with a true value; unknown keys are rejected', () => {
    const spec: ProblemSpec = {
      coords: ['t'],
      fields: ['u'],
      domain: timeInterval(0, 1),
      unknowns: { k: 1, c: 0.2 },
      trueValues: { k: 0.5, c: 0 },
      pde: 'u_t + k*u - c',
      conditions: [{ kind: 'initial', field: 'u', value: 1 }],
    };
    const ev = new PinnTrainer(spec, { net: { hidden: [4] } }).evaluate();
    expect(ev.unknowns).to.deep.equal({ k: 1, c: ev.unknowns!.c });
    expect(ev.unknownErrors!.k).to.equal(1);
    expect(ev.unknownErrors!.c).to.be.closeTo(0.2, 1e-7); // absolute where the truth is 0
    expect(() => new PinnTrainer({ ...spec, trueValues: { D: 0.1 } })).to.throw(
      "trueValues.D: expected one of the unknowns (k, c), got 'D'",
    );
  });

  it('timeInterval: initial points at t0, interior in [t0, t1], and boundary conditions are refused', () => {
    const g = timeInterval(1, 3);
    expect(Array.from(g.sampleInitial(3).data)).to.deep.equal([1, 1, 1]);
    const x = g.sampleInterior(50, 'uniform', 1).data;
    expect(Math.min(...x)).to.be.at.least(1);
    expect(Math.max(...x)).to.be.at.most(3);
    const spec: ProblemSpec = {
      coords: ['t'],
      fields: ['u'],
      domain: g,
      pde: 'u_t + u',
      conditions: [{ kind: 'dirichlet', field: 'u', value: 0 }],
    };
    expect(() => new PinnTrainer(spec)).to.throw('conditions[0]: a dirichlet condition needs a spatial boundary');
  });
});

describe('pinn: solve() stops when L-BFGS meets its tolerance', () => {
  it('finetune with tolerance_change ends before its step budget and says why', () => {
    const spec: ProblemSpec = {
      coords: ['t'],
      fields: ['u'],
      domain: timeInterval(0, 2),
      pde: 'u_t + u',
      conditions: [{ kind: 'initial', field: 'u', value: 1 }],
      exact: { u: 'exp(-t)' },
    };
    const r = solve(spec, {
      steps: 100,
      net: { hidden: [16, 16] },
      optimizer: { name: 'adam', lr: 0.01 },
      points: { domain: 64, initial: 1 },
      finetune: { steps: 1000, optimizer: { name: 'lbfgs', tolerance_change: 1e-10 }, patience: 1000 },
    });
    expect(r.final.converged).to.equal('tolerance_change');
    expect(r.final.finetuneSteps!).to.be.below(300);
    expect(r.history.at(-1)!.converged).to.equal('tolerance_change');
    expect(r.final.l2re!).to.be.below(1e-3);
  });
});
