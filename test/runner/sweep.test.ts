// `fluxion sweep` end to end with real child processes on a tiny PINN (4 runs: 2 learning rates x 2 seeds): the same
// results on 2 workers as on 1, and a sweep stopped by SIGINT mid-run resumes (finished runs skipped, the
// interrupted one continued from its checkpoint) and ends with the results of an uninterrupted sweep.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { readMetrics, type Summary } from '../../runner/outputs.js';
import { sinks, tempDir, writeConfig } from './helpers.js';
import { resultsOf, tinySweep } from './tinySweep.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SWEEP = tinySweep({
  name: 'tiny',
  lrs: [0.003, 0.02],
  seeds: 2,
  training: '{ steps: 300, lr: 0.01, points: { domain: 64, boundary: 16, test: 64 }, log_every: 50, checkpoint_every: 10 }',
});

const summaryOf = (run: string): Summary => JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as Summary;
const metricsOf = (run: string) => readMetrics(join(run, 'metrics.jsonl')).map(({ wall_time: _w, ...m }) => m);

async function sweep(file: string, out: string, workers: number): Promise<{ code: number; log: string }> {
  const s = sinks();
  const code = await main(['sweep', file, '--out', out, '--workers', String(workers)], s.deps);
  return { code, log: s.err.join('') };
}

describe('fluxion sweep: local pool', function () {
  this.timeout(900000);
  const dir = tempDir('fluxion-sweep-');
  const file = writeConfig(dir, SWEEP, 'sweep.yaml');
  const one = join(dir, 'one');
  let ids: string[] = [];

  before(async () => {
    const r = await sweep(file, one, 1);
    expect(r.code, r.log).to.equal(0);
    ids = resultsOf(one)
      .slice(1)
      .map((row) => row[0]);
  });

  it('the 1-worker sweep completes every run and summarizes it', () => {
    const rows = resultsOf(one);
    expect(rows[0]).to.deep.equal(['run_id', 'setting', 'seed', 'training.lr', 'status', 'steps', 'loss', 'l2re']);
    expect(rows.slice(1).map((r) => [r[2], r[3], r[4], r[5]])).to.deep.equal([
      ['0', '0.003', 'completed', '300'],
      ['1', '0.003', 'completed', '300'],
      ['0', '0.02', 'completed', '300'],
      ['1', '0.02', 'completed', '300'],
    ]);
    // each row is its run's summary; each run saw its own overrides
    for (const row of rows.slice(1)) {
      expect(Number(row[7])).to.equal(summaryOf(join(one, row[0])).l2re);
      const resolved = readFileSync(join(one, row[0], 'config.resolved.yaml'), 'utf8');
      expect(resolved).to.contain(`#   training.lr=${row[3]}\n`).and.contain(`#   seed=${row[2]}\n`);
    }
    // the seeds differ, so a setting's runs differ
    expect(rows[1][7]).to.not.equal(rows[2][7]);
    expect(readFileSync(join(one, 'summary.md'), 'utf8')).to.contain('4 runs: 4 completed');
  });

  it('2 workers run two at once and give the same results and summary as 1 worker', async () => {
    const two = join(dir, 'two');
    const r = await sweep(file, two, 2);
    expect(r.code, r.log).to.equal(0);
    expect(r.log).to.contain('2 running] start');
    expect(resultsOf(two)).to.deep.equal(resultsOf(one));
    expect(readFileSync(join(two, 'summary.md'), 'utf8')).to.equal(readFileSync(join(one, 'summary.md'), 'utf8'));
  });

  it('budget.max_wall_time stops the runs at that time; what is left is pending or interrupted, and the exit is 0', async () => {
    const budgeted = writeConfig(dir, `${SWEEP}\nbudget: { max_wall_time: 0.5 }`, 'budget.yaml');
    const out = join(dir, 'budget');
    const t0 = performance.now();
    const r = await sweep(budgeted, out, 2);
    expect(r.code, r.log).to.equal(0);
    expect(r.log).to.match(/budget.max_wall_time \(0.5 s\) reached: 2 interrupted, 2 pending; rerun to continue/);
    // 4 runs take far longer than this: the children were stopped, not waited for (start-up alone takes seconds)
    expect((performance.now() - t0) / 1000).to.be.below(60);
    expect(
      resultsOf(out)
        .slice(1)
        .map((row) => row[4]),
    ).to.deep.equal(['interrupted', 'interrupted', 'pending', 'pending']);
  });

  it('a run that fails is a failed row, its reason in its run.log, and the sweep exits 1', async () => {
    const single = writeConfig(dir, SWEEP.replace(/^grid: .*$/m, '').replace('seeds: 2', 'seeds: 1'), 'single.yaml');
    const out = join(dir, 'failing');
    // another live run (this process) holds the run directory: the child refuses it with exit 2
    mkdirSync(join(out, 'base-s0'), { recursive: true });
    const lock = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    writeFileSync(join(out, 'base-s0', '.lock'), `${JSON.stringify(lock)}\n`);
    const r = await sweep(single, out, 1);
    expect(r.code, r.log).to.equal(1);
    expect(r.log).to.contain('base-s0: failed (exit 2; see').and.contain('1 run(s) failed');
    expect(resultsOf(out).slice(1)).to.deep.equal([['base-s0', 'base', '0', 'failed', '', '', '']]);
    expect(readFileSync(join(out, 'base-s0', 'run.log'), 'utf8')).to.match(/is in use by another run \(pid \d+/);
  });

  it('SIGINT stops the sweep at a checkpoint; a rerun skips finished runs, resumes the interrupted one, and matches', async () => {
    const out = join(dir, 'interrupted');
    const child = spawn(process.execPath, ['--import', 'tsx', 'runner/cli.ts', 'sweep', file, '--out', out, '--workers', '1'], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // wait until the first run is finished and the second has written a checkpoint
    const [first, second] = ids.map((id) => join(out, id));
    for (let i = 0; i < 6000 && child.exitCode === null; i++) {
      if (existsSync(join(first, 'summary.json')) && existsSync(join(second, 'checkpoint', 'manifest.json'))) break;
      await sleep(25);
    }
    child.kill('SIGINT');
    expect(await exited, stderr).to.equal(130);
    expect(stderr).to.match(/stopped by SIGINT: 1 completed, 1 interrupted, 2 pending; rerun the same command to continue/);
    const partial = resultsOf(out);
    expect(partial.slice(1).map((r) => r[4])).to.deep.equal(['completed', 'interrupted', 'pending', 'pending']);
    expect(partial[1]).to.deep.equal(resultsOf(one)[1]);
    const stoppedAt = summaryOf(second).steps;
    expect(stoppedAt).to.be.within(10, 299);
    const firstWall = summaryOf(first).wall_time;

    const r = await sweep(file, out, 1);
    expect(r.code, r.log).to.equal(0);
    expect(r.log).to.contain('4 runs (1 finished, 1 to resume, 2 to start)');
    expect(summaryOf(first).wall_time, 'the finished run was not rerun').to.equal(firstWall);
    expect(summaryOf(second).resumed_from).to.equal(stoppedAt); // the signal wrote a checkpoint at that step
    expect(metricsOf(second)).to.deep.equal(metricsOf(join(one, ids[1])));
    expect(resultsOf(out)).to.deep.equal(resultsOf(one));
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).to.equal(readFileSync(join(one, 'summary.md'), 'utf8'));
  });
});
