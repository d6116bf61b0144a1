// SIGINT in a real child process (`node --import tsx runner/cli.ts run ...`): the run stops at a step
// boundary, writes a checkpoint and an 'interrupted' summary, exits 130, and --resume finishes it.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { readCheckpoint } from '../../runner/checkpoint.js';
import { readMetrics, type Summary } from '../../runner/outputs.js';
import { sinks, tempDir, writeConfig } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runner: SIGINT', function () {
  this.timeout(120000);

  it('writes a checkpoint on SIGINT, exits 130, and a resume finishes the run', async () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, [
      'kind: simulation', 'name: sigint', 'simulator: { type: mass-spring }', 'task: { type: walk, horizon: 30 }',
      'training: { steps: 100000, lr: 0.01, log_every: 1, checkpoint_every: 100000 }', 'output: { frame_every: 10 }',
    ].join('\n'));
    const out = join(dir, 'run');
    const child = spawn(process.execPath, ['--import', 'tsx', 'runner/cli.ts', 'run', cfg, '--out', out, '--quiet'], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const metrics = join(out, 'metrics.jsonl');
    // wait until a few steps are logged (startup under tsx takes seconds on a loaded machine)
    for (let i = 0; i < 900; i++) {
      if (existsSync(metrics) && readFileSync(metrics, 'utf8').split('\n').length > 3) break;
      if (child.exitCode !== null) break;
      await sleep(100);
    }
    expect(existsSync(join(out, 'checkpoint')), 'no checkpoint before SIGINT (checkpoint_every is huge)').to.equal(false);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).to.equal(130);
    expect(stderr).to.match(/interrupted at step \d+; checkpoint written, continue with --resume/);
    const ck = readCheckpoint(join(out, 'checkpoint'))!;
    expect(ck.step).to.be.at.least(3);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary).to.include({ status: 'interrupted', steps: ck.step });

    const s = sinks();
    expect(await main(['run', cfg, '--out', out, '--quiet', '--resume', '--steps', String(ck.step + 2)], s.deps), s.err.join('')).to.equal(0);
    const steps = readMetrics(metrics).map((m) => m.step);
    expect(steps).to.deep.equal(Array.from({ length: ck.step + 2 }, (_, i) => i + 1));
    expect(readCheckpoint(join(out, 'checkpoint'))!.step).to.equal(ck.step + 2);
  });
});
