// `fluxion data generate --queue` on a real redis-server: the shards become BullMQ jobs that a `fluxion worker` child
// process runs (`fluxion data shard i --out DIR`); the dataset is byte-identical to one written in-process, and a
// rerun finds every shard finished.
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { writeShard } from '../../runner/datasetGenerate.js';
import { MANIFEST, planDataset } from '../../runner/datasetSpec.js';
import { writeFileAtomic } from '../../runner/fsio.js';
import { startRedis } from './redis.js';
import { sinks, tempDir } from './helpers.js';

const ARGS = ['burgers', '--samples', '6', '--shards', '3', '--resolution', '16', '--t-final', '0.1', '--seed', '5'];

const npzOf = (dir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.npz'))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f)).toString('base64')]),
  );

describe('fluxion data generate --queue (BullMQ) and fluxion worker', function () {
  this.timeout(600000);
  let redis: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let url = '';

  before(async function () {
    ({ redis, url } = await startRedis(this, 'the BullMQ dataset test'));
  });

  after(() => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
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

  it('--workers with --queue and a bad URL exit 2 naming the option', async () => {
    const s = sinks();
    expect(await main(['data', 'generate', ...ARGS, '--queue', url, '--workers', '2'], s.deps)).to.equal(2);
    expect(s.err.join('')).to.match(/^error: --workers: not with --queue/);
    const b = sinks();
    expect(await main(['data', 'generate', ...ARGS, '--queue', 'http://h:1', '--out', join(tempDir(), 'x')], b.deps)).to.equal(2);
    expect(b.err.join('')).to.match(/^error: --queue: expected redis:\/\/host:port/);
  });
});
