// training.forward_gradient: a PINN trains on (grad . v) v estimates from one jvp per step. On the linear
// fit u = 1 + 2x - 3y the loss must fall by more than half in 300 steps, and the run must differ from the
// backprop run with the same seed (it is not silently ignored).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { pinnYaml, sinks, tempDir, writeConfig } from './helpers.js';

describe('runner: training.forward_gradient', () => {
  const dir = tempDir('fluxion-fg-');
  const run = async (forward: boolean) => {
    const cfg = writeConfig(
      dir,
      pinnYaml([`training: { steps: 300, optimizer: adam, lr: 0.01, log_every: 10, forward_gradient: ${forward} }`]),
      `fg-${forward}.yaml`,
    );
    const out = join(dir, `run-${forward}`);
    const s = sinks();
    expect(await main(['run', cfg, '--quiet', '--out', out], s.deps), s.err.join('')).to.equal(0);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    return lines.map((l) => JSON.parse(l) as { step: number; loss?: number }).filter((m) => m.loss !== undefined);
  };

  it('lowers the loss, along a different path from backprop', async () => {
    const forward = await run(true);
    const backprop = await run(false);
    const first = forward[0].loss as number;
    const last = forward[forward.length - 1].loss as number;
    expect(last).to.be.below(0.5 * first);
    expect(forward[3].loss).to.not.equal(backprop[3].loss);
  });
});
