// training.truncate_every (truncated backpropagation through time) in the simulation runner: a cut at or past the
// horizon changes nothing, a shorter one trains on the truncated gradient of sim/'s SegmentRunner, and values or
// tasks where a cut is meaningless exit 2 naming the key.
import { expect } from 'chai';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { readMetrics } from '../../runner/outputs.js';
import { MassSpringProgram, SegmentRunner, defaultRobot, initialPackedState, walkLoss } from '../../sim/index.js';
import { learnMaterialYaml, mpmLocomotionYaml, rejectedAt, sinks, tempDir, writeConfig } from './helpers.js';

const walk = (extra: string, horizon = 30) =>
  [
    'kind: simulation',
    'name: walk',
    'seed: 0',
    'simulator: { type: mass-spring }',
    `task: { type: walk, horizon: ${horizon} }`,
    `training: { steps: 2, optimizer: adam, lr: 0.01, log_every: 1${extra} }`,
  ].join('\n');

type Row = { step: number; loss: number; grad_norm: number };

describe('runner: simulation training.truncate_every', () => {
  const dir = tempDir('fluxion-truncate-');
  const run = async (yaml: string, name: string): Promise<Row[]> => {
    const out = join(dir, name);
    const s = sinks();
    expect(await main(['run', writeConfig(dir, yaml, `${name}.yaml`), '--quiet', '--out', out], s.deps), s.err.join('')).to.equal(0);
    return readMetrics(join(out, 'metrics.jsonl')) as unknown as Row[];
  };

  it('K >= horizon trains exactly as without the key; K < horizon on the truncated gradient', async () => {
    const free = await run(walk(''), 'free');
    const same = await run(walk(', truncate_every: 30'), 'same');
    expect(same).to.have.length(2);
    same.forEach((r, i) => {
      expect(r.loss).to.equal(free[i].loss);
      expect(r.grad_norm).to.equal(free[i].grad_norm);
    });
    const cut = await run(walk(', truncate_every: 10'), 'cut');
    // the forward rollout (so the loss) is unchanged; the gradient is the truncated one, computed here independently
    expect(cut[0].loss).to.equal(free[0].loss);
    const sim = new MassSpringProgram(defaultRobot(), { dt: 0.004, drag: 15, friction: 1 });
    const want = new SegmentRunner(sim, 1, { truncateEvery: 10 }).valueAndGrad(
      sim.initController(0),
      initialPackedState(sim),
      30,
      walkLoss(sim),
    );
    expect(cut[0].grad_norm).to.be.closeTo(Math.hypot(...want.grad), 1e-12 * Math.hypot(...want.grad));
    expect(Math.abs(cut[0].grad_norm - free[0].grad_norm) / free[0].grad_norm).to.be.above(1e-3);
  });

  it('MPM locomotion: K >= horizon trains exactly as without the key; K < horizon changes the gradient, not the loss', async function () {
    this.timeout(120000);
    const mpm = (extra: string) => mpmLocomotionYaml('mpm', extra);
    const free = await run(mpm(''), 'mpm-free');
    const same = await run(mpm(', truncate_every: 24'), 'mpm-same');
    expect(same[0].loss).to.equal(free[0].loss);
    expect(same[0].grad_norm).to.equal(free[0].grad_norm);
    const cut = await run(mpm(', truncate_every: 7'), 'mpm-cut');
    expect(cut[0].loss).to.equal(free[0].loss);
    expect(Math.abs(cut[0].grad_norm - free[0].grad_norm) / free[0].grad_norm).to.be.above(1e-3);
  });

  it('refuses a value that is not a positive integer, at its key path', async () => {
    for (const bad of ['0', '-5', '2.5', 'often']) {
      const body = await rejectedAt(dir, walk(`, truncate_every: ${bad}`), 'training.truncate_every');
      expect(body).to.match(/training\.truncate_every: /);
    }
  });

  it('refuses it for task target (the trained velocity acts before the first cut) and off the frames of learn_material', async () => {
    const target = [
      'kind: simulation',
      'name: target',
      'simulator: { type: mpm, n_grid: 16, block: { nx: 4, ny: 4, origin: [0.3, 0.3], size: [0.1, 0.1] } }',
      'task: { type: target, target: [0.6, 0.3], horizon: 40 }',
      'training: { steps: 2, truncate_every: 10 }',
    ].join('\n');
    expect(await rejectedAt(dir, target, 'training.truncate_every')).to.match(/task target trains the initial velocity/);
    const learn = learnMaterialYaml('{ steps: 2, truncate_every: 7 }');
    expect(await rejectedAt(dir, learn, 'training.truncate_every')).to.match(/expected a multiple of task\.every \(5\).*got 7/);
  });
});
