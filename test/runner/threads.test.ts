// The thread budget: FLUXION_THREADS checked like user input, split among a pool's lanes (each child gets its share
// in its environment), and a run's results the same bits on one thread and on two with every GEMM split.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { wasmKernels } from '../../core/backend/wasm.js';
import { threadBudget } from '../../core/threads.js';
import { main } from '../../runner/cli.js';
import { Lanes, loaderFlags } from '../../runner/sweepLane.js';
import { laneThreadEnv, laneThreads } from '../../runner/threads.js';
import { sinks, tempDir, writeConfig } from './helpers.js';

/** Runs `fn` with FLUXION_THREADS set to `value` (or unset), restoring it afterwards. */
async function withThreadsEnv<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const old = process.env.FLUXION_THREADS;
  if (value === undefined) delete process.env.FLUXION_THREADS;
  else process.env.FLUXION_THREADS = value;
  try {
    return await fn();
  } finally {
    if (old === undefined) delete process.env.FLUXION_THREADS;
    else process.env.FLUXION_THREADS = old;
  }
}

describe('thread budget', function () {
  this.timeout(300000);

  it('is FLUXION_THREADS when set, else the cores; a bad value is named', () => {
    expect(threadBudget({})).to.equal(availableParallelism());
    expect(threadBudget({ FLUXION_THREADS: '' })).to.equal(availableParallelism());
    expect(threadBudget({ FLUXION_THREADS: '3' })).to.equal(3);
    for (const bad of ['0', '-1', '1.5', 'two', '2x'])
      expect(() => threadBudget({ FLUXION_THREADS: bad })).to.throw(
        `FLUXION_THREADS: expected a positive integer (threads one process may use), got '${bad}'`,
      );
  });

  it("gives each of a pool's lanes floor(budget / workers) threads, at least one", () => {
    expect(laneThreads(1, 2)).to.equal(2);
    expect(laneThreads(2, 2)).to.equal(1);
    expect(laneThreads(3, 16)).to.equal(5);
    expect(laneThreads(4, 1)).to.equal(1);
    expect(laneThreadEnv(2, 2)).to.deep.equal({ FLUXION_THREADS: '1' });
  });

  it("reaches the lanes' children through their environment", async function () {
    if (!existsSync('/proc/self/environ')) this.skip(); // reading a child's environment needs Linux's /proc
    const dir = tempDir('fluxion-threads-');
    const lanes = new Lanes(laneThreadEnv(2, 5));
    try {
      const cfg = writeConfig(dir, 'kind: pinn');
      await lanes.run(0, ['validate', cfg], join(dir, 'v.log')).done;
      const env = readFileSync(`/proc/${lanes.pid(0)}/environ`, 'utf8').split('\0');
      expect(env).to.include('FLUXION_THREADS=2');
    } finally {
      lanes.close();
    }
  });

  it('a lane of the compiled CLI does not get the tsx loader of a parent running under tsx', () => {
    const tsx = ['--require', '/x/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///x/node_modules/tsx/dist/loader.mjs'];
    expect(loaderFlags([...tsx, '--max-old-space-size=4096'], false)).to.deep.equal(['--max-old-space-size=4096']);
    expect(loaderFlags(['--import=tsx', '--import', './other.mjs'], false)).to.deep.equal(['--import', './other.mjs']);
    expect(loaderFlags(tsx, true)).to.deep.equal(tsx);
  });

  it('fluxion run with a bad FLUXION_THREADS exits 2 naming it', async () => {
    const dir = tempDir('fluxion-threads-');
    const cfg = writeConfig(dir, 'kind: pinn');
    const s = sinks();
    const code = await withThreadsEnv('lots', () => main(['run', cfg, '--out', join(dir, 'out')], s.deps));
    expect(code).to.equal(2);
    expect(s.err.join('')).to.equal("error: FLUXION_THREADS: expected a positive integer (threads one process may use), got 'lots'\n");
  });

  it('a PINN run gives the same summary and metrics on one thread and on two with every GEMM and elementwise pass split', async function () {
    const k = wasmKernels();
    if (!k) this.skip(); // the wasm build is made by npm ci / npm run build:wasm
    const dir = tempDir('fluxion-threads-');
    const cfg = writeConfig(
      dir,
      [
        'kind: pinn',
        'name: threads',
        'seed: 5',
        'geometry: { type: rectangle, min: [0, 0], max: [1, 1] }',
        "pde: ['-lap(u) = 2*pi^2*sin(pi*x)*sin(pi*y)']",
        'conditions: [{ type: dirichlet, on: boundary, value: 0, weight: 10 }]',
        'exact: sin(pi*x)*sin(pi*y)',
        'network: { layers: [16, 16], activation: tanh }',
        'training: { steps: 30, lr: 0.01, points: { domain: 64, boundary: 16, test: 64 }, log_every: 10 }',
        'output: { resolution: 5 }',
      ].join('\n'),
    );
    const [minFlops, minBytes] = [k.threadMinFlops, k.splitMinBytes];
    // split every GEMM and every elementwise pass (of at least two cache lines), however small, across the two threads
    k.threadMinFlops = 0;
    k.splitMinBytes = 0;
    const run = async (
      threads: string,
    ): Promise<{ summary: Record<string, unknown>; metrics: unknown[]; split: number; passes: number }> => {
      const out = join(dir, `t${threads}`);
      const split0 = k.counters.gemmThreaded;
      const passes0 = k.counters.elementwiseThreaded;
      const s = sinks();
      const code = await withThreadsEnv(threads, () => main(['run', cfg, '--out', out, '--quiet'], s.deps));
      expect(code, s.err.join('')).to.equal(0);
      const { wall_time: _w, ...summary } = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
      const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => {
          const { wall_time: _t, ...m } = JSON.parse(l) as Record<string, unknown>;
          return m;
        });
      return { summary, metrics, split: k.counters.gemmThreaded - split0, passes: k.counters.elementwiseThreaded - passes0 };
    };
    try {
      const one = await run('1');
      const two = await run('2');
      expect(one.split + one.passes, 'one thread splits nothing').to.equal(0);
      expect(two.split, 'two threads split the GEMMs').to.be.greaterThan(100);
      expect(two.passes, 'and the elementwise passes').to.be.greaterThan(100);
      expect(k.threads).to.equal(2);
      expect(two.summary).to.deep.equal(one.summary);
      expect(two.metrics).to.deep.equal(one.metrics);
      expect(one.metrics).to.have.length(3); // steps 10, 20, 30
    } finally {
      k.threadMinFlops = minFlops;
      k.splitMinBytes = minBytes;
      k.allowThreads(1);
    }
  });
});
