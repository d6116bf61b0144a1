// `fluxion data generate --queue` on a real redis-server: the shards become BullMQ jobs that a `fluxion worker` child
// process runs (`fluxion data shard i --out DIR`); the dataset is byte-identical to one written in-process, and a
// rerun finds every shard finished. With 2 workers and one SIGKILLed mid-shard, BullMQ's stalled-job check hands the
// shard to the other worker and the dataset still equals the local pool's, byte for byte.
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { writeShard } from '../../runner/datasetGenerate.js';
import { MANIFEST, planDataset } from '../../runner/datasetSpec.js';
import { writeFileAtomic } from '../../runner/fsio.js';
import { startRedis } from './redis.js';
import { sinks, tempDir } from './helpers.js';

const ARGS = ['burgers', '--samples', '6', '--shards', '3', '--resolution', '16', '--t-final', '0.1', '--seed', '5'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The dataset's shard files (and, with `manifest`, manifest.json) with their bytes. */
const npzOf = (dir: string, manifest = false): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.npz') || (manifest && f === MANIFEST))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f)).toString('base64')]),
  );

describe('fluxion data generate --queue (BullMQ) and fluxion worker', function () {
  this.timeout(600000);
  let redis: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  const workers: ChildProcess[] = [];
  let url = '';

  before(async function () {
    ({ redis, url } = await startRedis(this, 'the BullMQ dataset test'));
  });

  after(() => {
    for (const w of [worker, ...workers]) if (w && w.exitCode === null) w.kill('SIGKILL');
    redis?.kill('SIGTERM');
  });

  it('a worker writes the shards; the bytes equal an in-process dataset; a rerun has nothing to do', async () => {
    const dir = tempDir('fluxion-dataqueue-');
    const ref = join(dir, 'ref');
    mkdirSync(ref);
    const m = planDataset('burgers', { resolution: 16, nu: 0.1, t_final: 0.1 }, 5, 6, 3);
    writeFileAtomic(join(ref, MANIFEST), JSON.stringify(m));
    for (let i = 0; i < 3; i++) writeShard(ref, i);

    const root = join(dir, 'data');
    let log = '';
    worker = spawn(process.execPath, ['--import', 'tsx', 'runner/cli.ts', 'worker', '--queue', url, '--runs', root], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const s = sinks();
    const out = join(root, 'burgers-ds');
    const code = await main(['data', 'generate', ...ARGS, '--queue', url, '--out', out], s.deps);
    expect(code, `${s.err.join('')}\n${log}`).to.equal(0);
    expect(s.err.join('')).to.match(/3 of 3 shards written/);
    expect(npzOf(out)).to.deep.equal(npzOf(ref));
    const again = sinks();
    expect(await main(['data', 'generate', ...ARGS, '--queue', url, '--out', out], again.deps)).to.equal(0);
    expect(again.err.join('')).to.include('(3 finished, 0 to make)');
    worker.kill('SIGTERM');
  });

  it('2 workers, one SIGKILLed mid-shard: every shard is written, byte-identical to the local pool', async () => {
    // shards of ~1-3 s each (a 256-point solver grid), so the kill lands inside one
    const args = ['burgers', '--samples', '8', '--shards', '4', '--resolution', '64', '--solver-resolution', '256', '--seed', '2'];
    const dir = tempDir('fluxion-datakill-');
    const local = join(dir, 'local');
    const l = sinks();
    expect(await main(['data', 'generate', ...args, '--workers', '2', '--out', local], l.deps), l.err.join('')).to.equal(0);

    const root = join(dir, 'data');
    const out = join(root, 'burgers-kill');
    const logs = ['', ''];
    for (let i = 0; i < 2; i++) {
      const w = spawn(
        process.execPath,
        ['--import', 'tsx', 'runner/cli.ts', 'worker', '--queue', url, '--runs', root, '--lock-duration', '8000'],
        { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      w.stderr!.on('data', (d: Buffer) => (logs[i] += d.toString()));
      workers.push(w);
    }
    const s = sinks();
    let settled = false;
    const made = main(['data', 'generate', ...args, '--queue', url, '--out', out], s.deps).finally(() => (settled = true));
    // kill worker 0 as soon as it has started a shard
    let killed: string | undefined;
    for (let i = 0; i < 12000 && !killed && !settled; i++) {
      const m = /data-burgers-kill\/(shard-\d+) starting/.exec(logs[0]);
      if (m) {
        workers[0].kill('SIGKILL');
        killed = m[1];
      } else await sleep(10);
    }
    expect(killed, logs[0]).to.be.a('string');
    await new Promise((r) => workers[0].once('exit', r));
    expect(existsSync(join(out, `${killed}.npz`)), 'killed before its shard was written').to.equal(false);
    expect(await made, `${s.err.join('')}\n${logs.join('\n')}`).to.equal(0);
    expect(s.err.join('')).to.match(/4 of 4 shards written/);
    expect(logs[1]).to.contain(`data-burgers-kill/${killed} starting`);
    expect(npzOf(out, true)).to.deep.equal(npzOf(local, true));
    workers[1].kill('SIGTERM');
  });

  it('--workers with --queue and a bad URL exit 2 naming the option', async () => {
    const s = sinks();
    expect(await main(['data', 'generate', ...ARGS, '--queue', url, '--workers', '2'], s.deps)).to.equal(2);
    expect(s.err.join('')).to.match(/^error: --workers: not with --queue/);
    const b = sinks();
    expect(await main(['data', 'generate', ...ARGS, '--queue', 'http://h:1', '--out', join(tempDir(), 'x')], b.deps)).to.equal(2);
    expect(b.err.join('')).to.match(/^error: --queue: expected redis:\/\/host:port/);
  });
});
