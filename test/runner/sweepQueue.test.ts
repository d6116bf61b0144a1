// `fluxion sweep --queue` with BullMQ on a real redis-server (started here on 127.0.0.1 on a free port; the test is
// skipped, loudly, when Debian's redis-server is not installed): 6 runs, 2 `fluxion worker` processes, one killed by
// SIGKILL mid-run; BullMQ's stalled-job check hands its job to the other worker, which resumes it from the checkpoint,
// and the results equal the local pool's.
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { redisConnection } from '../../runner/sweepQueue.js';
import type { Summary } from '../../runner/outputs.js';
import { sinks, tempDir, writeConfig } from './helpers.js';
import { freePort, startRedis } from './redis.js';
import { resultsOf, tinySweep } from './tinySweep.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SWEEP = tinySweep({
  name: 'queued',
  lrs: [0.003, 0.01, 0.02],
  seeds: 2,
  training: '{ steps: 600, lr: 0.01, points: { domain: 64, boundary: 16, test: 64 }, log_every: 100, checkpoint_every: 10 }',
});

describe('fluxion sweep --queue (BullMQ) and fluxion worker', function () {
  this.timeout(900000);
  let redis: ChildProcess | undefined;
  let url = '';
  const workers: ChildProcess[] = [];

  before(async function () {
    ({ redis, url } = await startRedis(this, 'the BullMQ sweep tests'));
  });

  after(() => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    redis?.kill('SIGTERM');
  });

  it('parses redis URLs and refuses others with exit 2', async () => {
    expect(redisConnection('redis://h:7000/2')).to.include({ host: 'h', port: 7000, db: 2 });
    const s = sinks();
    const dir = tempDir();
    const file = writeConfig(dir, SWEEP, 'sweep.yaml');
    expect(await main(['sweep', file, '--queue', 'http://h:1', '--out', join(dir, 'x')], s.deps)).to.equal(2);
    expect(s.err.join('')).to.match(/^error: --queue: expected redis:\/\/host:port, got 'http:\/\/h:1'\n$/);
    // nothing listens on a port just freed: exit 2 with one line, not a hang
    const d = sinks();
    const down = `redis://127.0.0.1:${await freePort()}`;
    expect(await main(['sweep', file, '--queue', down, '--out', join(dir, 'y')], d.deps)).to.equal(2);
    expect(d.err.join('')).to.match(/^error: --queue: cannot reach Redis at redis:\/\/127.0.0.1:\d+ within 10 s[^\n]*\n$/);
  });

  it('6 runs on 2 workers, one SIGKILLed mid-run: all complete, the killed run resumes, results equal the local pool', async () => {
    const dir = tempDir('fluxion-queue-');
    const file = writeConfig(dir, SWEEP, 'sweep.yaml');
    const local = join(dir, 'local');
    const l = sinks();
    expect(await main(['sweep', file, '--out', local, '--workers', '2'], l.deps), l.err.join('')).to.equal(0);

    const root = join(dir, 'runs');
    const out = join(root, 'queued');
    const logs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const w = spawn(
        process.execPath,
        ['--import', 'tsx', 'runner/cli.ts', 'worker', '--queue', url, '--runs', root, '--lock-duration', '8000'],
        { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      logs.push('');
      w.stderr!.on('data', (d: Buffer) => (logs[i] += d.toString()));
      workers.push(w);
    }
    const s = sinks();
    let settled = false;
    const swept = main(['sweep', file, '--queue', url, '--out', out], s.deps).finally(() => (settled = true));
    // kill worker 0 once the run it is on has written a checkpoint
    let killed: string | undefined;
    for (let i = 0; i < 12000 && !killed && !settled; i++) {
      const m = [...logs[0].matchAll(/queued\/(\S+) (starting|resuming)/g)].pop();
      const run = m && join(out, m[1]);
      if (run && existsSync(join(run, 'checkpoint', 'manifest.json')) && !existsSync(join(run, 'summary.json'))) {
        workers[0].kill('SIGKILL');
        killed = m[1];
      } else await sleep(25);
    }
    expect(killed, logs[0]).to.be.a('string');
    expect(await swept, `${s.err.join('')}\n${logs.join('\n')}`).to.equal(0);
    expect(logs[1]).to.contain(`queued/${killed} resuming`);
    const summary = JSON.parse(readFileSync(join(out, killed!, 'summary.json'), 'utf8')) as Summary;
    expect(summary.resumed_from).to.be.within(10, 599);
    expect(resultsOf(out)).to.deep.equal(resultsOf(local));
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).to.equal(readFileSync(join(local, 'summary.md'), 'utf8'));
    workers[1].kill('SIGTERM');
  });
});
