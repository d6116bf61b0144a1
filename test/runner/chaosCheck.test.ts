// training.chaos_check (the chaos guard) in the simulation runner: the rollout's growth at the current parameters in
// metrics.jsonl (at the steps it is due) and summary.json, equal to core/lyapunov's per-step estimate computed here
// from the checkpointed parameters; a chaotic walk (no drag) grows > 1 per step and warns once, a damped one shrinks
// and does not; with truncate_every the window amplification is the per-step one's; MPM tasks and learn_material
// report too; a bad threshold exits 2 at the key.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fx from '../../core/index.js';
import { readCheckpoint } from '../../runner/checkpoint.js';
import { main } from '../../runner/cli.js';
import { readMetrics, type ChaosRecord } from '../../runner/outputs.js';
import { MassSpringProgram, defaultRobot, initialPackedState } from '../../sim/index.js';
import { perStepGrowth } from '../support/massSpringGrowth.js';
import { learnMaterialYaml, mpmLocomotionYaml, rejectedAt, sinks, tempDir, writeConfig } from './helpers.js';

const T = 120;
const walk = (drag: number, extra = '', checkpointing = 'all') =>
  [
    'kind: simulation',
    'name: walk',
    'seed: 0',
    `simulator: { type: mass-spring, drag: ${drag} }`,
    `task: { type: walk, horizon: ${T}, checkpointing: ${checkpointing} }`,
    `training: { steps: 3, optimizer: adam, lr: 0.01, log_every: 1, chaos_check: { every: 2, warn_above: 100 }${extra} }`,
  ].join('\n');

type Row = { step: number; chaos?: ChaosRecord };

describe('runner: simulation training.chaos_check (chaos guard)', () => {
  const dir = tempDir('fluxion-chaos-');
  const run = async (yaml: string, name: string) => {
    const out = join(dir, name);
    const s = sinks();
    expect(await main(['run', writeConfig(dir, yaml, `${name}.yaml`), '--quiet', '--out', out], s.deps), s.err.join('')).to.equal(0);
    const rows = readMetrics(join(out, 'metrics.jsonl')) as unknown as Row[];
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { chaos?: ChaosRecord; warnings?: string[] };
    const params = Float64Array.from((readCheckpoint(join(out, 'checkpoint'))!.trainer as { params: number[] }).params);
    return { rows, summary, params, err: s.err.join('') };
  };
  /** core/lyapunov's per-step growth of the config's robot at params, from the runner's start state and tangent (seed 0). */
  const reference = (drag: number, params: Float64Array) => {
    const sim = new MassSpringProgram(defaultRobot(), { dt: 0.004, drag, friction: 1 });
    const s0 = initialPackedState(sim);
    return perStepGrowth(sim, sim.paramsTensor(params), s0, fx.randomTangent(s0, 0), T);
  };

  it('a chaotic walk (drag 0): measured at steps 1 and 3 (every 2), growth > 1 per step as core/lyapunov computes it, one warning', async () => {
    const r = await run(walk(0), 'chaotic');
    expect(r.rows.map((row) => row.chaos?.step)).to.deep.equal([1, undefined, 3]);
    const last = r.rows[2].chaos!;
    expect(r.summary.chaos).to.deep.equal(last);
    const ref = reference(0, r.params);
    expect(last.exponent).to.be.closeTo(ref.exponent, 1e-10);
    expect(last.growth_per_step).to.be.greaterThan(1);
    expect(last.amplification).to.be.closeTo(ref.amplification, 1e-8 * ref.amplification);
    expect(last.amplification).to.be.greaterThan(100);
    expect(last.horizon).to.equal(T);
    // both checks exceed warn_above; the warning is printed (and recorded) once
    expect(r.rows[0].chaos!.amplification).to.be.greaterThan(100);
    expect(r.err.match(/warning: chaos_check/g)).to.have.length(1);
    expect(r.err).to.match(/set training\.truncate_every \(about \d+\) or training\.grad_clip/);
    expect(r.summary.warnings?.filter((w) => w.startsWith('chaos_check'))).to.have.length(1);
  });

  it('a damped walk (drag 100): growth < 1 per step as core/lyapunov computes it, no warning', async () => {
    const r = await run(walk(100), 'stable');
    const last = r.summary.chaos!;
    expect(last.exponent).to.be.closeTo(reference(100, r.params).exponent, 1e-10);
    expect(last.growth_per_step).to.be.lessThan(1);
    expect(last.amplification).to.be.lessThan(1);
    expect(r.err).not.to.match(/chaos_check/);
  });

  it('with truncate_every 20 (segments of 11, stretches of 10): window_amplification is the per-step estimate of one window', async () => {
    const r = await run(walk(0, ', truncate_every: 20', 'sqrt').replace('warn_above: 100', 'warn_above: 300'), 'truncated');
    const last = r.summary.chaos!;
    const ref = reference(0, r.params);
    expect(last.exponent).to.be.closeTo(ref.exponent, 1e-10);
    const want = fx.windowAmplification(ref, 20);
    expect(last.window_amplification).to.be.closeTo(want, 1e-8 * want);
    // the gradient trained on is the truncated one: past warn_above over the horizon, not within a window, no warning
    // (measured: amplification 787 and 2136 at steps 1 and 3, windows 121 and 91)
    expect(last.amplification).to.be.greaterThan(300);
    expect(last.window_amplification).to.be.lessThan(300);
    expect(r.err).not.to.match(/chaos_check/);
    const low = await run(walk(0, ', truncate_every: 20', 'sqrt').replace('warn_above: 100', 'warn_above: 10'), 'truncated-low');
    expect(low.err.match(/warning: chaos_check/g)).to.have.length(1);
    expect(low.err).to.match(
      /within one truncate_every window of 20 steps .*lower training\.truncate_every \(about \d+\) or set training\.grad_clip/,
    );
  });

  it('MPM locomotion (the middle held-out goal, truncate_every 7), MPM target and learn_material: the report is written, consistent and finite', async function () {
    this.timeout(120000);
    const loco = mpmLocomotionYaml('mpm', ', truncate_every: 7, chaos_check: {}');
    const target = [
      'kind: simulation',
      'name: target',
      'simulator: { type: mpm, n_grid: 16, block: { nx: 4, ny: 4, origin: [0.3, 0.3], size: [0.1, 0.1] } }',
      'task: { type: target, target: [0.6, 0.3], horizon: 40 }',
      'training: { steps: 1, log_every: 1, chaos_check: {} }',
      'output: { frame_every: 40 }',
    ].join('\n');
    // the law's first training trajectory over its 4 training frames of 5 steps, truncated every 10
    const learn = learnMaterialYaml('{ steps: 1, log_every: 1, truncate_every: 10, chaos_check: {} }');
    for (const [name, yaml, horizon] of [
      ['mpm-loco', loco, 24],
      ['mpm-target', target, 40],
      ['learn-material', learn, 20],
    ] as const) {
      const c = (await run(yaml, name)).summary.chaos!;
      expect(c.horizon, name).to.equal(horizon);
      expect(Number.isFinite(c.exponent), name).to.equal(true);
      expect(c.growth_per_step, name).to.be.closeTo(Math.exp(c.exponent), 1e-12);
      expect(Math.log(c.amplification), name).to.be.closeTo(c.exponent * horizon, 1e-9);
      expect(c.window_amplification !== undefined, name).to.equal(name !== 'mpm-target');
    }
  });

  it('refuses a warn_above <= 1 at its key path', async () => {
    expect(await rejectedAt(dir, walk(0).replace('warn_above: 100', 'warn_above: 1'), 'training.chaos_check.warn_above')).to.match(
      /expected a number > 1/,
    );
  });
});
