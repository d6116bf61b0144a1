// Scaled unknowns: the optimizer trains value / scale, the residuals and reports see the value itself.
import { expect } from 'chai';
import * as pinn from '../../pinn/index.js';
import { interval } from '../../meshes/index.js';
import { main } from '../../runner/cli.js';
import { sinks, tempDir, writeConfig } from '../runner/helpers.js';

const xs = Float64Array.from({ length: 12 }, (_, i) => i / 11);
const spec = (scales?: Record<string, number>): pinn.ProblemSpec => ({
  coords: ['x'],
  fields: ['u'],
  domain: interval(0, 1),
  unknowns: { a: 1 },
  ...(scales ? { unknownScales: scales } : {}),
  pde: 'u_x - a*u',
  conditions: [{ kind: 'data', points: xs, values: { u: xs.map((x) => Math.exp(5 * x)) } }],
});
const opts: pinn.TrainerOptions = {
  net: { hidden: [8] },
  dtype: 'f64',
  points: { domain: 24 },
  seed: 2,
  optimizer: { name: 'adam', lr: 1e-2 },
};

describe('pinn: scaled unknowns (unknownScales)', () => {
  it('the optimizer holds value / scale; unknowns(), evaluate() and the residual use the value', () => {
    const plain = new pinn.PinnTrainer(spec(), opts);
    const scaled = new pinn.PinnTrainer(spec({ a: 10 }), opts);
    const p = plain.parameters();
    const q = scaled.parameters();
    expect(q[q.length - 1]).to.equal(0.1);
    expect(p[p.length - 1]).to.equal(1);
    expect(scaled.unknowns().a).to.be.closeTo(1, 1e-15);
    expect(scaled.evaluate().unknowns?.a).to.be.closeTo(1, 1e-15);
    // same effective value, same losses
    const lp = plain.losses();
    const ls = scaled.losses();
    expect(ls.pde).to.be.closeTo(lp.pde, 1e-12 * Math.max(1, lp.pde));
    expect(ls.data).to.be.closeTo(lp.data, 1e-12 * Math.max(1, lp.data));
  });

  it("Adam's first step moves a scaled unknown scale times as far (lr per trained scalar)", () => {
    const move = (scales?: Record<string, number>): number => {
      const tr = new pinn.PinnTrainer(spec(scales), opts);
      tr.trainStep();
      return Math.abs(tr.unknowns().a - 1);
    };
    expect(move()).to.be.closeTo(1e-2, 1e-6);
    expect(move({ a: 10 })).to.be.closeTo(1e-1, 1e-5);
  });

  it('bad scales are named', () => {
    expect(() => new pinn.PinnTrainer(spec({ b: 2 }), opts)).to.throw(/unknownScales\.b: expected one of the unknowns \(a\)/);
    expect(() => new pinn.PinnTrainer(spec({ a: 0 }), opts)).to.throw(/unknownScales\.a: expected a positive number/);
  });

  it('YAML: unknowns { C: { init, scale } } runs and reports the value; a bad scale exits 2 naming the key', async () => {
    const dir = tempDir('fluxion-scale-');
    const yaml = (u: string) =>
      [
        'kind: pinn',
        'name: scaled',
        'geometry: { type: interval, min: 0, max: 1 }',
        'fields: [u]',
        `unknowns: { a: ${u} }`,
        "pde: ['u_x - a*u']",
        "exact: 'exp(2*x)'",
        'conditions: [{ type: data, n: 20 }]',
        'network: { layers: [8] }',
        'training: { steps: 3, log_every: 1, points: { domain: 16 } }',
        'output: { resolution: 5 }',
      ].join('\n');
    const ok = writeConfig(dir, yaml('{ init: 1, scale: 4 }'), 'ok.yaml');
    const s = sinks();
    expect(await main(['run', ok, '--out', `${dir}/ok`, '--quiet'], s.deps)).to.equal(0);
    const bad = writeConfig(dir, yaml('{ init: 1, scale: -4 }'), 'bad.yaml');
    const e = sinks();
    expect(await main(['validate', bad], e.deps)).to.equal(2);
    expect(e.err.join('')).to.match(/unknowns\.a\.scale/);
  });
});
