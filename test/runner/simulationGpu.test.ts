// kind: simulation on `backend: gpu` (here gpu.js's 'cpu' mode, the kernels a real GPU would run): the simulators are
// built in f32 there, and every task (walk, locomotion on both simulators, target, learn_material) trains as on wasm
// to f32 rounding.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { readMetrics } from '../../runner/outputs.js';
import * as fx from '../../index.js';
import { createNodeGpuBackend } from '../../core/backend/gpuNode.js';
import { wasmKernels } from '../../core/backend/wasm.js';
import { sinks, tempDir, writeConfig } from './helpers.js';

const peer = wasmKernels() ? 'wasm' : 'js';

const configs: Record<string, string[]> = {
  walk: ['simulator: { type: mass-spring }', 'task: { type: walk, horizon: 30 }'],
  locomotion: [
    'simulator: { type: mass-spring }',
    'controller: { type: mlp }',
    'task: { type: locomotion, goal: running, goal_range: [0.02, 0.16], envs: 2, eval_goals: 2, horizon: 30 }',
    'output: { frame_every: 10 }',
  ],
  // the MPM soft robot's goal-conditioned controller (a small walker: 16^2 grid, short horizon)
  mpm_locomotion: [
    'simulator: { type: mpm, n_grid: 16, dt: 0.001, E: 25, nu: 0.25, gravity: -3.8, robot: { body: walker, origin: [0.1, 0.1] } }',
    'controller: { type: mlp, hidden: 8 }',
    'task: { type: locomotion, goal: running, goal_range: [0.01, 0.08], envs: 2, eval_goals: 2, horizon: 12 }',
    'output: { frame_every: 6 }',
  ],
  target: [
    'simulator: { type: mpm, n_grid: 16, dt: 2.0e-4, E: 1000, nu: 0.2, block: { nx: 4, ny: 4, origin: [0.3, 0.4], size: [0.2, 0.2] } }',
    'task: { type: target, target: [0.55, 0.45], horizon: 16, initial_velocity: [0.5, 0] }',
    'output: { frame_every: 8 }',
  ],
  learn_material: [
    'simulator:',
    '  { type: mpm, n_grid: 16, dt: 1.0e-3, E: 100, boundary: sticky, material: { type: neural, hidden: [8], seed: 1 } }',
    'task:',
    '  type: learn_material',
    '  data:',
    '    type: generate',
    '    ground_truth: { material: neoHookean, E: 200, nu: 0.3 }',
    '    train: [{ shape: square, centre: [0.5, 0.5], size: 0.25, velocity: [0.5, 0], velocity_gradient: [24, 9, 0, -18] }]',
    '    test: [{ shape: square, centre: [0.5, 0.5], size: 0.25, velocity: [-0.4, 0.3], velocity_gradient: [12, 27, -9, -6] }]',
    '  every: 10',
    '  train_steps: 20',
    '  test_steps: 20',
    'output: { frame_every: 10 }',
  ],
};

type Row = { step: number; loss: number; grad_norm: number };

// relative loss bound against the f64 run: 1e-5, except the MPM robot's running loss, whose achieved velocity is a
// small displacement over a short episode (dx / (horizon dt), f32 positions ~0.2): f32 rounds it to 3e-5 relative here
// (1.1e-5 in test/sim/mpmLocomotion.test.ts)
const lossTol: Record<string, number> = { mpm_locomotion: 1e-4 };

describe("runner: kind simulation on backend gpu (gpu.js 'cpu' mode)", () => {
  const dir = tempDir('fluxion-simgpu-');
  before(() => {
    createNodeGpuBackend('cpu');
  });
  after(() => fx.setBackend(peer));

  const run = async (task: string, backend: string): Promise<{ rows: Row[]; backend: string }> => {
    const out = join(dir, `${task}-${backend}`);
    const yaml = ['kind: simulation', `name: ${task}`, 'seed: 0', `backend: ${backend}`, ...configs[task]];
    yaml.push('training: { steps: 2, optimizer: adam, lr: 0.01, log_every: 1 }');
    const s = sinks();
    const code = await main(['run', writeConfig(dir, yaml.join('\n'), `${task}-${backend}.yaml`), '--quiet', '--out', out], s.deps);
    expect(code, s.err.join('')).to.equal(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { backend: string };
    return { rows: readMetrics(join(out, 'metrics.jsonl')) as unknown as Row[], backend: summary.backend };
  };

  for (const task of Object.keys(configs)) {
    it(`task ${task}: two training steps equal the ${peer} run's to f32 rounding (loss ${lossTol[task] ?? 1e-5}, gradient norm 1e-3)`, async () => {
      const ref = await run(task, peer);
      const gpu = await run(task, 'gpu');
      expect(gpu.backend).to.equal('gpu');
      expect(gpu.rows.map((r) => r.step)).to.deep.equal([1, 2]);
      gpu.rows.forEach((r, i) => {
        const want = ref.rows[i];
        expect(Math.abs(r.loss - want.loss), `step ${r.step} loss`).to.be.below((lossTol[task] ?? 1e-5) * Math.abs(want.loss));
        expect(Math.abs(r.grad_norm - want.grad_norm), `step ${r.step} grad_norm`).to.be.below(1e-3 * want.grad_norm);
        // the gpu run is in f32: not bit-equal to the f64 reference
        expect(r.loss).not.to.equal(want.loss);
      });
    });
  }
});
