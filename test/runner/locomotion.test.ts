// kind: simulation with a goal-conditioned controller: the mass-spring locomotion task trains (the held-out goal
// distance falls), writes its scores to metrics and summary, and frames of the robots and their goals; the MPM
// soft robot's (simulator mpm) runs the same way, with its actuator groups in the frames.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { sinks, tempDir, writeConfig } from './helpers.js';

const config = [
  'kind: simulation',
  'name: run',
  'seed: 0',
  'simulator: { type: mass-spring }',
  'controller: { type: mlp }',
  'task: { type: locomotion, goal: running, goal_range: [0.02, 0.16], envs: 4, eval_goals: 4, horizon: 200 }',
  'training: { steps: 50, optimizer: adam, lr: 0.01, log_every: 5 }',
  'output: { frame_every: 50 }',
].join('\n');

interface Scores {
  goal_distance: number;
  success_rate: number;
}

interface Row {
  step: number;
  loss: number;
  terms: Record<string, number>;
  task: Scores;
}

/** Runs `yaml` into dir/name; its metrics rows. */
async function run(dir: string, yaml: string, name: string): Promise<Row[]> {
  const s = sinks();
  expect(await main(['run', writeConfig(dir, yaml, `${name}.yaml`), '--quiet', '--out', join(dir, name)], s.deps), s.err.join('')).to.equal(
    0,
  );
  return readFileSync(join(dir, name, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
}

const mpmConfig = [
  'kind: simulation',
  'name: mpm',
  'seed: 0',
  'simulator: { type: mpm, n_grid: 32, dt: 0.001, E: 25, nu: 0.25, gravity: -3.8, robot: { body: walker, origin: [0.1, 0.1] } }',
  'controller: { type: mlp, hidden: 8, n_sin: 2 }',
  'task: { type: locomotion, goal: running, goal_range: [0.01, 0.08], envs: 2, eval_goals: 2, horizon: 40 }',
  'training: { steps: 2, optimizer: adam, lr: 0.01, log_every: 1 }',
  'output: { frame_every: 20 }',
].join('\n');

describe('runner: mass-spring locomotion (goal-conditioned controller)', () => {
  const dir = tempDir('fluxion-loco-');

  it('trains: the held-out goal distance falls; scores in metrics and summary; robot and goal frames', async function () {
    this.timeout(300000);
    const out = join(dir, 'run');
    const rows = await run(dir, config, 'run');
    expect(rows.map((r) => r.step)).to.deep.equal([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    const first = rows[0].task;
    const last = rows[rows.length - 1].task;
    expect(last.goal_distance).to.be.lessThan(0.5 * first.goal_distance);
    expect(last.success_rate).to.be.at.least(first.success_rate);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { task: Scores };
    expect(summary.task.goal_distance).to.equal(last.goal_distance);
    const files = readdirSync(join(out, 'fields'));
    for (const k of [0, 3]) expect(files).to.include.members([`robot_${k}.pvd`, `goal_${k}.pvd`, `robot_${k}_0004.vtp`]);
  });

  it('controller.hidden and controller.n_sin take precedence over the simulator keys (the checkpointed parameter count)', async () => {
    const out = join(dir, 'width');
    const yaml = [
      'kind: simulation',
      'name: width',
      'simulator: { type: mass-spring, n_hidden: 32 }',
      'controller: { type: mlp, hidden: 4, n_sin: 2 }',
      'task: { type: walk, horizon: 5 }',
      'training: { steps: 1 }',
    ].join('\n');
    const s = sinks();
    expect(await main(['run', writeConfig(dir, yaml, 'width.yaml'), '--quiet', '--out', out], s.deps), s.err.join('')).to.equal(0);
    const state = JSON.parse(readFileSync(join(out, 'checkpoint', 'state-1.json'), 'utf8')) as { trainer: { params: number[] } };
    // default robot: 6 particles, 11 springs; inputs 2 sines + 4 per particle
    const nIn = 2 + 4 * 6;
    expect(state.trainer.params.length).to.equal(4 * nIn + 4 + 11 * 4 + 11);
  });

  it('MPM soft robot: scores in metrics and summary, robot (with actuator groups) and goal frames, controller-sized checkpoint', async function () {
    this.timeout(120000);
    const out = join(dir, 'mpm');
    const rows = await run(dir, mpmConfig, 'mpm');
    expect(rows.map((r) => r.step)).to.deep.equal([1, 2]);
    for (const r of rows) {
      expect(r.terms.running).to.equal(r.loss);
      expect(r.task.goal_distance).to.be.greaterThan(0);
      expect(r.task.success_rate).to.be.within(0, 1);
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { task: Scores };
    expect(summary.task.goal_distance).to.equal(rows[1].task.goal_distance);
    const files = readdirSync(join(out, 'fields'));
    for (const k of [0, 1]) expect(files).to.include.members([`robot_${k}.pvd`, `goal_${k}.pvd`, `robot_${k}_0002.vtp`]);
    expect(readFileSync(join(out, 'fields', 'robot_0_0000.vtp'), 'utf8')).to.include('Name="group"');
    const state = JSON.parse(readFileSync(join(out, 'checkpoint', 'state-2.json'), 'utf8')) as { trainer: { params: number[] } };
    // inputs: 2 clock sines + 4 per leg (4 legs) + centre velocity (2) + goal (1); one output per leg
    const nIn = 2 + 16 + 2 + 1;
    expect(state.trainer.params.length).to.equal(8 * nIn + 8 + 4 * 8 + 4);
  });
});
