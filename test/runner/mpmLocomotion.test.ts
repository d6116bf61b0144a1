// kind: simulation with the MPM soft robot under a goal-conditioned controller (task locomotion on simulator mpm):
// a short run writes its scores to metrics and summary, frames of the robots (with their actuator groups) and goals,
// and a checkpoint whose parameter count follows controller.* and the robot's actuator groups.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { sinks, tempDir, writeConfig } from './helpers.js';

const config = [
  'kind: simulation',
  'name: run',
  'seed: 0',
  'simulator: { type: mpm, n_grid: 32, dt: 0.001, E: 25, nu: 0.25, gravity: -3.8, robot: { body: walker, origin: [0.1, 0.1] } }',
  'controller: { type: mlp, hidden: 8, n_sin: 2 }',
  'task: { type: locomotion, goal: running, goal_range: [0.01, 0.08], envs: 2, eval_goals: 2, horizon: 40 }',
  'training: { steps: 2, optimizer: adam, lr: 0.01, log_every: 1 }',
  'output: { frame_every: 20 }',
].join('\n');

interface Scores {
  goal_distance: number;
  success_rate: number;
}

describe('runner: MPM locomotion (goal-conditioned soft robot)', () => {
  const dir = tempDir('fluxion-mpm-loco-');

  it('runs: scores in metrics and summary, robot and goal frames, controller-sized checkpoint', async function () {
    this.timeout(120000);
    const out = join(dir, 'run');
    const s = sinks();
    expect(await main(['run', writeConfig(dir, config, 'loco.yaml'), '--quiet', '--out', out], s.deps), s.err.join('')).to.equal(0);
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number; loss: number; terms: Record<string, number>; task: Scores });
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
