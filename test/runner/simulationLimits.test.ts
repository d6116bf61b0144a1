// MPM bodies outside the grid: a block placed outside it is a config error (exit 2, at validation); a body the
// trained parameters throw out of the box is a divergence (exit 3), with the knobs named, not exit 1.
import { expect } from 'chai';
import { main } from '../../runner/cli.js';
import { sinks, tempDir, writeConfig } from './helpers.js';

const mpm = (block: string, velocity: string) =>
  [
    'kind: simulation',
    'name: box',
    'simulator:',
    '  type: mpm',
    '  n_grid: 16',
    '  dt: 2.0e-4',
    `  block: ${block}`,
    'task: { type: target, target: [0.5, 0.5], horizon: 20, initial_velocity: ' + velocity + ' }',
    'training: { steps: 2, lr: 0.1, log_every: 1 }',
  ].join('\n');

describe('runner: MPM bodies and the grid', () => {
  const dir = tempDir('fluxion-mpm-box-');

  it('a block reaching past the grid interior exits 2 at validate, naming simulator.block', async () => {
    const s = sinks();
    const cfg = writeConfig(dir, mpm('{ nx: 4, ny: 4, origin: [0.8, 0.4], size: [0.2, 0.2] }', '[0, 0]'), 'outside.yaml');
    expect(await main(['validate', cfg], s.deps)).to.equal(2);
    expect(s.err.join('')).to.match(/simulator\.block: the block spans \[0\.8, 1\] on axis 0/);
  });

  it('a body thrown out of the box by its (trained) initial velocity stops as a divergence (exit 3) naming the step', async () => {
    const s = sinks();
    const cfg = writeConfig(dir, mpm('{ nx: 4, ny: 4, origin: [0.4, 0.4], size: [0.2, 0.2] }', '[2000, 0]'), 'thrown.yaml');
    expect(await main(['validate', cfg], sinks().deps)).to.equal(0);
    expect(await main(['run', cfg, '--out', `${dir}/thrown`, '--quiet'], s.deps)).to.equal(3);
    expect(s.err.join('')).to.match(/MPM: particle \d+ .* outside the grid.* at training step 1; .*training\.lr/);
  });
});
