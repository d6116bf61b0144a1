// kind: simulation with a goal-conditioned mass-spring controller: the locomotion task trains (the held-out goal
// distance falls), writes its scores to metrics and summary, and frames of the robots and their goals.
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

describe('runner: mass-spring locomotion (goal-conditioned controller)', () => {
  const dir = tempDir('fluxion-loco-');

  it('trains: the held-out goal distance falls; scores in metrics and summary; robot and goal frames', async function () {
    this.timeout(300000);
    const out = join(dir, 'run');
    const s = sinks();
    expect(await main(['run', writeConfig(dir, config, 'loco.yaml'), '--quiet', '--out', out], s.deps), s.err.join('')).to.equal(0);
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number; task: Scores });
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
});
