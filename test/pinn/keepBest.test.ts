// keep_best: the held-out PDE residual, the restore of the best parameters when training completes, resume, and
// what the runner writes (metrics held_out, summary selected, errors of the restored parameters).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pinn from '../../pinn/index.js';
import { main } from '../../runner/cli.js';
import { readMetrics } from '../../runner/outputs.js';
import { pinnYaml, sinks, tempDir, writeConfig } from '../runner/helpers.js';

const small: pinn.TrainerOptions = { net: { hidden: [16, 16] }, points: { domain: 48, boundary: 2 }, seed: 1 };
// Adam, then plain gradient descent with a rate far too large: the fit gets worse after step 30, so the best
// held-out score lies in the first phase.
const overshoot = (): pinn.PhasedTrainer =>
  new pinn.PhasedTrainer(pinn.problems.poisson1d(), { ...small, optimizer: { name: 'adam', lr: 1e-2 } }, 30, {
    optimizer: { name: 'sgd', lr: 0.2 },
    dtype: 'f64',
  });

describe('pinn: keep_best (model selection on a held-out PDE residual)', () => {
  it('heldOutResidual is the mean squared PDE residual over the domain, on one fixed point set', () => {
    const tr = new pinn.PinnTrainer(pinn.problems.poisson1d(), { ...small, optimizer: { name: 'adam', lr: 1e-2 } });
    for (let i = 0; i < 20; i++) tr.trainStep();
    const a = tr.heldOutResidual(4096);
    expect(tr.heldOutResidual(4096)).to.equal(a); // fixed points: the same parameters score the same
    // an independent estimate of the same integral on 20000 evenly spread points of the domain [-1, 1]
    const n = 20000;
    const x = Float64Array.from({ length: n }, (_, i) => -1 + (2 * (i + 0.5)) / n);
    const r = tr.pdeResiduals(x)[0];
    const ms = r.reduce((s, v) => s + v * v, 0) / n;
    expect(Math.abs(a - ms) / ms).to.be.below(0.05);
  });

  it('goes back to the parameters of the best scored step when training completes', () => {
    const inner = overshoot();
    const kb = new pinn.KeepBest(inner, { points: 512, every: 5 });
    const scores = Array.from({ length: 60 }, () => kb.trainStep()).flatMap((m) => (m.heldOut ? [{ step: m.step, ...m.heldOut }] : []));
    expect(scores.map((s) => s.step)).to.deep.equal(Array.from({ length: 12 }, (_, i) => 5 * (i + 1)));
    const lowest = scores.reduce((a, b) => (b.residual < a.residual ? b : a));
    expect(lowest.step).to.be.at.most(30); // the overshooting phase only makes it worse
    expect(scores.at(-1)?.residual).to.be.above(2 * lowest.residual);
    expect(scores.at(-1)?.bestStep).to.equal(lowest.step);
    const report = kb.finish();
    expect(report?.selectedStep).to.equal(lowest.step);
    expect(report?.heldOutResidual).to.equal(lowest.residual);
    expect(report?.message).to.match(new RegExp(`parameters of step ${lowest.step} restored`));
    // the restored parameters are those an identical run had at that step, bit for bit (evaluated in the second
    // phase's f64, so the errors agree to f32 rounding)
    const twin = overshoot();
    for (let i = 0; i < lowest.step; i++) twin.trainStep();
    expect(Array.from(inner.parameters())).to.deep.equal(Array.from(twin.parameters()));
    const [l2, l2Twin] = [kb.evaluate().l2re ?? NaN, twin.evaluate().l2re ?? NaN];
    expect(Math.abs(l2 - l2Twin) / l2Twin).to.be.below(1e-5);
  });

  it('keeps the final parameters when they score best, and state()/load() continues bit for bit', () => {
    const make = (every = 4): pinn.KeepBest =>
      new pinn.KeepBest(new pinn.PinnTrainer(pinn.problems.poisson1d(), { ...small, optimizer: { name: 'adam', lr: 1e-2 } }), {
        points: 256,
        every,
      });
    const a = make();
    for (let i = 0; i < 40; i++) a.trainStep();
    const b = make();
    for (let i = 0; i < 22; i++) b.trainStep();
    const c = make();
    c.load(JSON.parse(JSON.stringify(b.state())));
    expect(c.selection).to.deep.equal(b.selection);
    for (let i = 22; i < 40; i++) c.trainStep();
    expect(JSON.stringify(c.state())).to.equal(JSON.stringify(a.state()));
    // scored at the last step only: the final parameters are the best and stay
    const last = make(40);
    for (let i = 0; i < 40; i++) last.trainStep();
    const before = last.predict(Float64Array.of(0.3), 1).u[0];
    expect(last.finish()?.message).to.match(/the final parameters have the lowest held-out PDE residual/);
    expect(last.predict(Float64Array.of(0.3), 1).u[0]).to.equal(before);
    expect(() => a.load({ format: 'fluxion-pinn-1' })).to.throw(/expected a keep_best trainer state/);
    expect(() => new pinn.KeepBest(a as unknown as pinn.SelectableTrainer, { points: 0, every: 1 })).to.throw(
      /keep_best.points: expected a positive integer, got 0/,
    );
  });

  it('fluxion run: logs held_out, writes summary.selected and the errors of the restored parameters', async () => {
    const dir = tempDir('fluxion-keepbest-');
    const cfg = writeConfig(
      dir,
      pinnYaml([
        'network: { layers: [8] }',
        'training: { steps: 40, log_every: 10, lr: 0.3, optimizer: sgd, keep_best: { points: 256 }, points: { domain: 64 } }',
      ]),
    );
    const out = join(dir, 'run');
    const s = sinks();
    expect(await main(['run', cfg, '--out', out, '--quiet'], s.deps)).to.equal(0);
    const logged = readMetrics(join(out, 'metrics.jsonl')).filter((r) => r.held_out);
    expect(logged.map((r) => r.step)).to.deep.equal([10, 20, 30, 40]);
    const lowest = logged.reduce((a, b) => ((b.held_out?.residual ?? 0) < (a.held_out?.residual ?? 0) ? b : a));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.selected).to.deep.equal({ step: lowest.step, held_out_residual: lowest.held_out?.residual });
    expect(summary.l2re).to.equal(lowest.l2re); // evaluated afresh on the restored parameters
    expect(summary.steps).to.equal(40);
  });

  it('fluxion validate names a bad keep_best value', async () => {
    const dir = tempDir('fluxion-keepbest-');
    const file = writeConfig(dir, pinnYaml(['training: { keep_best: { points: 0 } }']));
    const s = sinks();
    expect(await main(['validate', file], s.deps)).to.equal(2);
    expect(s.err.join('')).to.match(/training\.keep_best\.points:/);
  });
});
