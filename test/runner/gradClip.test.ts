// Simulations: metrics.jsonl records each step's gradient norm (before clipping), and training.grad_clip
// bounds the update: with adam's sign-like steps the clip is invisible, so sgd shows it directly.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { sinks, tempDir, writeConfig } from './helpers.js';

const walk = (clip: string) =>
  [
    'kind: simulation',
    'name: walk',
    'seed: 0',
    'simulator: { type: mass-spring }',
    'task: { type: walk, horizon: 30 }',
    `training: { steps: 3, optimizer: sgd, lr: 0.001, log_every: 1${clip} }`,
  ].join('\n');

describe('runner: simulation gradient norm and training.grad_clip', () => {
  const dir = tempDir('fluxion-clip-');
  const run = async (clip: string, name: string) => {
    const out = join(dir, name);
    const s = sinks();
    expect(await main(['run', writeConfig(dir, walk(clip), `${name}.yaml`), '--quiet', '--out', out], s.deps), s.err.join('')).to.equal(0);
    return readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number; loss: number; grad_norm: number });
  };

  it('records grad_norm, and a clip far below it slows the loss change by the clip ratio', async () => {
    const free = await run('', 'free');
    expect(free[0].grad_norm).to.be.above(0);
    const clip = free[0].grad_norm / 1000;
    const clipped = await run(`, grad_clip: ${clip}`, 'clipped');
    // same start; the first update is 1000x shorter, so the second loss moves about 1000x less
    expect(clipped[0].loss).to.equal(free[0].loss);
    expect(clipped[0].grad_norm).to.equal(free[0].grad_norm);
    const moved = (m: typeof free) => Math.abs(m[1].loss - m[0].loss);
    expect(moved(clipped) / moved(free)).to.be.closeTo(1e-3, 3e-4);
  });

  it('refuses a non-positive clip at its key path', async () => {
    const s = sinks();
    expect(await main(['validate', writeConfig(dir, walk(', grad_clip: 0'), 'bad.yaml')], s.deps)).to.equal(2);
    expect(s.err.join('')).to.match(/training\.grad_clip: expected a number > 0/);
  });
});
