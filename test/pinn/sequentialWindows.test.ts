// Sequential time-marching: one network per time window, each fitted to the previous one's prediction at its start.
import { expect } from 'chai';
import * as pinn from '../../pinn/index.js';
import { interval } from '../../meshes/index.js';
import { heat, small as heatSmall } from './heatFixture.js';

const small: pinn.TrainerOptions = { ...heatSmall, dtype: 'f64' };
// rows (x, t): two in the first window [0, 1/3], two in the second, two in the third
const probe = Float64Array.from([0.3, 0.1, 0.7, 1 / 3, 0.3, 0.5, 0.6, 2 / 3, 0.2, 0.9, 0.5, 1]);

describe('pinn: sequential time windows', () => {
  it('numbers steps across windows, announces each window, and starts each from the previous one', () => {
    const tr = new pinn.SequentialWindows(heat, small, { windows: 3, steps: 9 });
    const ms = Array.from({ length: 9 }, () => tr.trainStep());
    expect(ms.map((m) => m.step)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ms.map((m) => m.phase).filter(Boolean)).to.deep.equal([
      `time window 2/3: t in [${1 / 3}, ${2 / 3}]`,
      `time window 3/3: t in [${2 / 3}, 1]`,
    ]);
    // window 1 replaces the initial condition by the carried data, and starts from window 0's network, so the
    // data misfit of its first step is round-off
    expect(Object.keys(ms[2].terms)).to.deep.equal(['pde', 'bc', 'ic']);
    expect(Object.keys(ms[3].terms)).to.deep.equal(['pde', 'bc', pinn.WINDOW_IC]);
    expect(ms[3].terms[pinn.WINDOW_IC]).to.be.below(1e-24);
    expect(ms[4].terms[pinn.WINDOW_IC]).to.be.above(1e-12);
  });

  it('predicts each window with its own network: earlier windows are frozen, later ones extrapolate the current', () => {
    const tr = new pinn.SequentialWindows(heat, small, { windows: 3, steps: 9 });
    for (let i = 0; i < 3; i++) tr.trainStep();
    const afterFirst = tr.predict(probe, 6).u;
    for (let i = 0; i < 3; i++) tr.trainStep();
    const afterSecond = tr.predict(probe, 6).u;
    // t = 0.1 and t = 1/3 (the window's end) belong to window 0: unchanged once it is frozen
    expect(Array.from(afterSecond.subarray(0, 2))).to.deep.equal(Array.from(afterFirst.subarray(0, 2)));
    for (let r = 2; r < 6; r++) expect(afterSecond[r]).to.not.equal(afterFirst[r]);
    // the exact solution's reference and error columns come along per row
    const p = tr.predict(probe, 6);
    for (let r = 0; r < 6; r++) {
      const [x, t] = [probe[2 * r], probe[2 * r + 1]];
      expect(p.u_ref[r]).to.be.closeTo(Math.exp(-0.1 * Math.PI ** 2 * t) * Math.sin(Math.PI * x), 1e-12);
      expect(p.u_err[r]).to.be.closeTo(Math.abs(p.u[r] - p.u_ref[r]), 1e-15);
    }
  });

  it('trains the heat equation as well as one network over the whole interval', () => {
    const o: pinn.TrainerOptions = { ...small, net: { hidden: [16, 16] }, points: { domain: 200, boundary: 20, initial: 20 } };
    const seq = new pinn.SequentialWindows(heat, o, { windows: 2, steps: 600 });
    for (let i = 0; i < 600; i++) seq.trainStep();
    const one = new pinn.PinnTrainer(heat, o);
    for (let i = 0; i < 600; i++) one.trainStep();
    const e = seq.evaluate().l2re as number;
    expect(e).to.be.below(0.02);
    expect(e).to.be.below(2 * (one.evaluate().l2re as number));
  });

  it('resumes bit for bit from a state saved in a later window', () => {
    const a = new pinn.SequentialWindows(heat, small, { windows: 3, steps: 9 });
    for (let i = 0; i < 5; i++) a.trainStep();
    const saved = JSON.parse(JSON.stringify(a.state()));
    const rest = Array.from({ length: 4 }, () => a.trainStep());
    const b = new pinn.SequentialWindows(heat, small, { windows: 3, steps: 9 });
    b.load(saved);
    expect(b.step).to.equal(5);
    expect(Array.from({ length: 4 }, () => b.trainStep())).to.deep.equal(rest);
    expect(b.state()).to.deep.equal(a.state());
    expect(() => b.load({ ...saved, window: 3 })).to.throw(/state.window must be an integer in \[0, 2\], got 3/);
    expect(() => b.load({ ...saved, frozen: [] })).to.throw(/state.frozen must hold 1 parameter vectors/);
    expect(() => b.load({ format: 'fluxion-pinn-1' })).to.throw(/expected a time-windowed PINN trainer state/);
  });

  it('rejects what windows cannot carry, naming it', () => {
    const wave: pinn.ProblemSpec = {
      ...heat,
      pde: 'u_tt - u_xx',
      conditions: [...(heat.conditions ?? []), { kind: 'initial', field: 'u', value: 0, derivative: 1, name: 'velocity' }],
    };
    expect(() => new pinn.SequentialWindows(wave, small, { windows: 2, steps: 4 })).to.throw(/initial condition 'velocity' on u_t/);
    const steady: pinn.ProblemSpec = { coords: ['x'], fields: ['u'], domain: interval(0, 1), pde: 'u_xx' };
    expect(() => new pinn.SequentialWindows(steady, small, { windows: 2, steps: 4 })).to.throw(/needs a time-domain geometry/);
    expect(() => new pinn.SequentialWindows(heat, small, { windows: 0, steps: 4 })).to.throw(/windows: expected a positive integer, got 0/);
    expect(() => new pinn.SequentialWindows(heat, small, { windows: 2, steps: 4, icWeight: -1 })).to.throw(/icWeight/);
  });
});
