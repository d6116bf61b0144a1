// SIGINT and SIGTERM in a real child process (`node --import tsx runner/cli.ts run ...`): the run stops at a
// step boundary, writes a checkpoint and an 'interrupted' summary, exits 130 (SIGTERM: 143), releases the
// run-directory lock, and --resume finishes it. While the child runs, a second run on its directory is refused.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { readCheckpoint } from '../../runner/checkpoint.js';
import { readMetrics, type Summary } from '../../runner/outputs.js';
import { sinks, tempDir, writeConfig } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const walk = ['simulator: { type: mass-spring }', 'task: { type: walk, horizon: 30 }'];
// task learn_material: the neural material's trainer checkpoints and stops the same way
const learnMaterial = [
  'simulator: { type: mpm, n_grid: 16, dt: 4.0e-4, E: 100, material: { type: neural, hidden: [8] } }',
  'task:',
  '  type: learn_material',
  '  data:',
  '    type: generate',
  '    ground_truth: { material: neoHookean, E: 200, nu: 0.3 }',
  '    train: [{ centre: [0.5, 0.5], size: 0.2, velocity_gradient: [20, 0, 0, -20] }]',
  '    test: [{ shape: disc, centre: [0.5, 0.5], size: 0.2 }]',
  '  train_steps: 10',
  '  test_steps: 10',
];

/** A long simulation run in a child process, returned once it has logged a few steps. */
async function startChild(
  dir: string,
  body: readonly string[] = walk,
): Promise<{
  cfg: string;
  out: string;
  exited: Promise<number | null>;
  stderr: () => string;
  kill: (s: NodeJS.Signals) => void;
  pid: number;
}> {
  const cfg = writeConfig(
    dir,
    [
      'kind: simulation',
      'name: sigint',
      ...body,
      'training: { steps: 100000, lr: 0.01, log_every: 1, checkpoint_every: 100000 }',
      'output: { frame_every: 10 }',
    ].join('\n'),
  );
  const out = join(dir, 'run');
  const child = spawn(process.execPath, ['--import', 'tsx', 'runner/cli.ts', 'run', cfg, '--out', out, '--quiet'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  expect(existsSync(join(out, 'checkpoint')), 'no checkpoint before the signal (checkpoint_every is huge)').to.equal(false);
  return { cfg, out, exited, stderr: () => stderr, kill: (s) => void child.kill(s), pid: child.pid! };
}

describe('runner: SIGINT and SIGTERM', function () {
  this.timeout(120000);

  for (const [task, body] of [
    ['walk', walk],
    ['learn_material', learnMaterial],
  ] as const) {
    it(`writes a checkpoint on SIGINT, exits 130, and a resume finishes the run (task ${task})`, async () => {
      await interruptAndResume(body);
    });
  }

  async function interruptAndResume(body: readonly string[]): Promise<void> {
    const dir = tempDir();
    const { cfg, out, exited, stderr, kill } = await startChild(dir, body);
    const metrics = join(out, 'metrics.jsonl');
    kill('SIGINT');
    const code = await exited;
    expect(code, stderr()).to.equal(130);
    expect(stderr()).to.match(/interrupted at step \d+; checkpoint written, continue with --resume/);
    const ck = readCheckpoint(join(out, 'checkpoint'))!;
    expect(ck.step).to.be.at.least(3);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary).to.include({ status: 'interrupted', steps: ck.step });
    expect(summary.stopped).to.deep.equal({ reason: 'interrupted', signal: 'SIGINT', step: ck.step });
    expect(existsSync(join(out, '.lock')), 'lock released').to.equal(false);

    const s = sinks();
    expect(await main(['run', cfg, '--out', out, '--quiet', '--resume', '--steps', String(ck.step + 2)], s.deps), s.err.join('')).to.equal(
      0,
    );
    const steps = readMetrics(metrics).map((m) => m.step);
    expect(steps).to.deep.equal(Array.from({ length: ck.step + 2 }, (_, i) => i + 1));
    expect(readCheckpoint(join(out, 'checkpoint'))!.step).to.equal(ck.step + 2);
  }

  it('refuses a second run on the directory while the child holds it; SIGTERM checkpoints and exits 143', async () => {
    const dir = tempDir();
    const { cfg, out, exited, stderr, kill, pid } = await startChild(dir);
    const lock = JSON.parse(readFileSync(join(out, '.lock'), 'utf8')) as { pid: number; host: string };
    expect(lock).to.include({ pid, host: hostname() });
    const s = sinks();
    expect(await main(['run', cfg, '--out', out, '--quiet'], s.deps)).to.equal(2);
    expect(s.err.join('')).to.match(
      new RegExp(
        `^error: run directory '${out}' is in use by another run \\(pid ${pid} on ${hostname()}, started [0-9T:.Z-]+\\); wait for it or choose another directory with --out`,
      ),
    );
    kill('SIGTERM');
    const code = await exited;
    expect(code, stderr()).to.equal(143);
    expect(stderr()).to.match(/interrupted at step \d+ by SIGTERM; checkpoint written, continue with --resume/);
    const ck = readCheckpoint(join(out, 'checkpoint'))!;
    expect(ck.step).to.be.at.least(3);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary).to.include({ status: 'interrupted', steps: ck.step });
    expect(summary.stopped).to.deep.equal({ reason: 'interrupted', signal: 'SIGTERM', step: ck.step });
    expect(existsSync(join(out, '.lock')), 'lock released').to.equal(false);
  });
});
