// Sweeps on the local pool and on the BullMQ queue, through the compiled package (dist/, what `fluxion` runs; built
// first when older than the sources), so the pool's lanes are the children users get:
// 1. pool speed: 8 short runs (a tiny Poisson PINN, 4 learning rates x 2 seeds) on 2 workers against the same 8 runs
//    one after another (1 worker), each sweep in a fresh directory, best of `reps` per worker count (alternating); a
//    CPU calibration (2 spinning node processes at once vs 1 alone) right before and after every sweep, so the figures
//    say whether the 2 cores were free at the time (the machine is shared). Also against the 8 runs as 8 separate
//    `fluxion run` processes one after another (what a user without sweeps does).
// 2. where a lane's time goes: the pool's lanes started by hand on 1 and 2 workers, each lane's start-up (process,
//    module loading) and each run's wall and CPU seconds (Linux: the child's /proc/<pid>/stat), first run apart.
// 3. what a run costs besides training: one run as a fresh `fluxion run` process against the same run as a job of a
//    warm pool lane (the pool's long-lived child), and the run's own training wall time.
// 4. the queue's overhead per job (redis-server on a free port, one `fluxion worker` process, jobs that
//    are 1-step runs): enqueue -> start, and finish -> the sweep seeing the result, from BullMQ's job timestamps.
// `--write` keeps bench/results-sweep.json and results-sweep.md; `--steps N` sets the runs' Adam steps (default 300).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ensureCompiled, importCompiled } from './compiled.js';
import { enqueueAndWait, jobId, openQueue, type QueuedJob, type RunJobData } from '../runner/sweepQueue.js';
import { spawnRedis } from '../test/runner/redis.js';
import { WRITE_FLAG, writeResults } from './results.js';
import {
  cpuModelRatio,
  cpuRatio,
  type LaneFigures,
  laneCpu,
  type QueueFigures,
  type SweepBench,
  sweepMarkdown,
  type Timing,
} from './sweepReport.js';

const rebuilt = ensureCompiled();
const { runSweep } = (await importCompiled('runner/sweep.js')) as typeof import('../runner/sweep.js');
const { cliCommand, Lanes } = (await importCompiled('runner/sweepLane.js')) as typeof import('../runner/sweepLane.js');
const { laneThreads } = (await importCompiled('runner/threads.js')) as typeof import('../runner/threads.js');
const { threadBudget } = (await importCompiled('core/threads.js')) as typeof import('../core/threads.js');

const quick = process.argv.includes('--quick');
const reps = quick ? 1 : 2;
const stepsFlag = process.argv.indexOf('--steps');
/** Adam steps per run (`--steps N`; default 300): how long a run trains against its lane's start-up. */
const STEPS = stepsFlag >= 0 ? Number(process.argv[stepsFlag + 1]) : 300;
if (!Number.isInteger(STEPS) || STEPS < 1) {
  console.error(`--steps: expected a positive integer, got '${process.argv[stepsFlag + 1]}'`);
  process.exit(2);
}
const QUEUE_JOBS = quick ? 8 : 20;
const BASE = [
  'kind: pinn',
  'name: bench-sweep',
  'geometry: { type: rectangle, min: [0, 0], max: [1, 1] }',
  "pde: ['-lap(u) = 2*pi^2*sin(pi*x)*sin(pi*y)']",
  'conditions: [{ type: dirichlet, on: boundary, value: 0, weight: 10 }]',
  'exact: sin(pi*x)*sin(pi*y)',
  'network: { layers: [16, 16], activation: tanh }',
  `training: { steps: ${STEPS}, lr: 0.01, points: { domain: 200, boundary: 40, test: 200 }, log_every: 100, checkpoint_every: 100 }`,
  'output: { resolution: 9 }',
];
const LRS = [0.001, 0.003, 0.01, 0.03];
const SWEEP = ['name: bench-sweep', 'base:', ...BASE.map((l) => `  ${l}`), `grid: { training.lr: [${LRS.join(', ')}] }`, 'seeds: 2'];
/** The sweep's 8 runs as `--set` overrides of the base config. */
const RUN_SETS = LRS.flatMap((lr) => [0, 1].map((seed) => ['--set', `training.lr=${lr}`, '--set', `seed=${seed}`]));

const seconds = (t0: number): number => (performance.now() - t0) / 1000;
const wallOf = (out: string): number => (JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { wall_time: number }).wall_time;
const load = (): number => loadavg()[0];

/** Seconds for `n` node processes spinning a fixed CPU-bound loop at once. */
function spin(n: number): Promise<number> {
  const code = 'let x = 0; for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1000003; if (x < 0) console.log(x);';
  const t0 = performance.now();
  const one = (): Promise<void> => new Promise((r) => spawn(process.execPath, ['-e', code], { stdio: 'ignore' }).on('exit', () => r()));
  return Promise.all(Array.from({ length: n }, one)).then(() => seconds(t0));
}

/** 2 spinning processes at once / 1 alone: 1.0 when two cores are free, 2.0 when the two share one core's worth. */
async function calibrate(): Promise<number> {
  const alone = await spin(1);
  return (await spin(2)) / alone;
}

/** CPU seconds (user + system, all threads) of process `pid` so far, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number | undefined): number | null {
  const stat = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(stat)) return null;
  const fields = readFileSync(stat, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100 on Linux)
}

/** `fluxion <args>` as a fresh process of the compiled CLI; resolves with its wall seconds. */
async function freshCli(args: readonly string[]): Promise<number> {
  const t0 = performance.now();
  const code = await new Promise<number | null>((r) => spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' }).on('exit', r));
  if (code !== 0) throw new Error(`fluxion ${args.join(' ')} exited ${code}`);
  return seconds(t0);
}

const dir = mkdtempSync(join(tmpdir(), 'fluxion-bench-sweep-'));
const runFile = join(dir, 'run.yaml');
writeFileSync(runFile, `${BASE.join('\n')}\n`);
const budget = threadBudget();
console.log(
  `${availableParallelism()} cores, thread budget ${budget}; lanes get ${laneThreads(1, budget)} kernel thread(s) on 1 worker, ${laneThreads(2, budget)} on 2; ${process.version}; dist/ ${rebuilt ? 'rebuilt' : 'up to date'}; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

// 1. the pool, calibrated around every sweep
const sweepFile = join(dir, 'sweep.yaml');
writeFileSync(sweepFile, `${SWEEP.join('\n')}\n`);
const timings: Timing[] = [];
let k = 0;
for (let r = 0; r < reps; r++) {
  for (const workers of r % 2 === 0 ? [1, 2] : [2, 1]) {
    const calibration_before = await calibrate();
    const load_before = load();
    const t0 = performance.now();
    const res = await runSweep({ sweepPath: sweepFile, outDir: join(dir, `s${k++}`), workers, quiet: true, log: () => {} });
    const wall = seconds(t0);
    if (res.exitCode !== 0 || res.rows.some((row) => row.status !== 'completed')) throw new Error(`sweep on ${workers} worker(s) failed`);
    const training = res.rows.reduce((a, row) => a + (row.wallTime ?? 0), 0);
    const load_after = load();
    const calibration_after = await calibrate();
    timings.push({ workers, seconds: wall, training, calibration_before, calibration_after, load_before, load_after });
    console.log(
      `${workers} worker(s): ${wall.toFixed(1)} s (runs' training ${training.toFixed(1)} s); calibration ${calibration_before.toFixed(2)} -> ${calibration_after.toFixed(2)}; load ${load_before.toFixed(2)} -> ${load_after.toFixed(2)}`,
    );
  }
}
// the same 8 runs as 8 `fluxion run` processes one after another
const separate: { seconds: number; load_before: number; load_after: number }[] = [];
for (let r = 0; r < reps; r++) {
  const load_before = load();
  const t0 = performance.now();
  for (const [i, sets] of RUN_SETS.entries()) await freshCli(['run', runFile, '--out', join(dir, `sep${r}-${i}`), '--quiet', ...sets]);
  separate.push({ seconds: seconds(t0), load_before, load_after: load() });
  console.log(
    `8 separate fluxion run processes: ${separate[r].seconds.toFixed(1)} s; load ${load_before.toFixed(2)} -> ${load().toFixed(2)}`,
  );
}
const bestOf = (w: number): Timing => timings.filter((t) => t.workers === w).sort((a, b) => a.seconds - b.seconds)[0];
const [one, two] = [bestOf(1), bestOf(2)];
const ratio = two.seconds / one.seconds;
const separateBest = Math.min(...separate.map((x) => x.seconds));
console.log(
  `8 runs: 1 worker ${one.seconds.toFixed(1)} s, 2 workers ${two.seconds.toFixed(1)} s: ratio ${ratio.toFixed(2)} (target <= 0.6); 8 separate processes ${separateBest.toFixed(1)} s: 2 workers / separate ${(two.seconds / separateBest).toFixed(2)}`,
);

// 2. where a lane's time goes: lanes started by hand, the 8 runs spread over them as the pool does
const lanesSplit: LaneFigures[] = [];
for (const workers of [1, 2]) {
  const lanes = new Lanes({ FLUXION_THREADS: String(laneThreads(workers, budget)) });
  const fig: LaneFigures = { workers, startup: [], runs: [] };
  let next = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: workers }, async (_, lane) => {
        const ts = performance.now();
        // a job that loads the config path (validate) stands for the start-up: a lane starts on its first job
        await lanes.run(lane, ['validate', runFile], join(dir, `split${workers}-v${lane}.log`)).done;
        fig.startup.push({ lane, wall: seconds(ts), cpu: cpuSeconds(lanes.pid(lane)) });
        for (let first = true; next < RUN_SETS.length; first = false) {
          const i = next++;
          const pid = lanes.pid(lane);
          const c0 = cpuSeconds(pid);
          const tr = performance.now();
          const out = join(dir, `split${workers}-${i}`);
          const exit = await lanes.run(
            lane,
            ['run', runFile, '--out', out, '--quiet', ...RUN_SETS[i]],
            join(dir, `split${workers}-${i}.log`),
          ).done;
          if (exit.code !== 0) throw new Error(`lane run exited ${exit.code}`);
          const c1 = cpuSeconds(pid);
          fig.runs.push({ lane, first, wall: seconds(tr), cpu: c0 === null || c1 === null ? null : c1 - c0, training: wallOf(out) });
        }
      }),
    );
  } finally {
    lanes.close();
  }
  fig.total = seconds(t0);
  lanesSplit.push(fig);
  const sum = (xs: (number | null)[]): string =>
    xs.some((x) => x === null) ? '-' : (xs as number[]).reduce((a, b) => a + b, 0).toFixed(2);
  const later = fig.runs.filter((r) => !r.first);
  console.log(
    `lanes on ${workers} worker(s), ${fig.total.toFixed(1)} s: start-up wall ${fig.startup.map((x) => x.wall.toFixed(2)).join(', ')} s, CPU ${fig.startup.map((x) => x.cpu?.toFixed(2) ?? '-').join(', ')} s; first runs wall ${sum(fig.runs.filter((r) => r.first).map((r) => r.wall))} s, CPU ${sum(fig.runs.filter((r) => r.first).map((r) => r.cpu))} s; ${later.length} later runs wall ${sum(later.map((r) => r.wall))} s, CPU ${sum(later.map((r) => r.cpu))} s (training ${sum(later.map((r) => r.training))} s)`,
  );
}

const cpuR = cpuRatio(lanesSplit);
console.log(
  `CPU seconds per lane: ${lanesSplit
    .map(
      (l) =>
        `${l.workers} worker(s) ${laneCpu(l)
          .map((c) => c?.toFixed(2) ?? '-')
          .join(', ')}`,
    )
    .join(
      '; ',
    )}; busiest 2-worker lane / 1-worker lane: ${cpuR?.toFixed(2) ?? '-'}, runs split evenly: ${cpuModelRatio(lanesSplit)?.toFixed(2) ?? '-'} (the ratio on two free cores)`,
);

// 3. one run: a fresh process against a job of a warm lane
const freshRun = (out: string): Promise<number> => freshCli(['run', runFile, '--out', out, '--quiet']);
const lanes = new Lanes();
const perRun: { fresh: number; lane: number; training_fresh: number; training_lane: number }[] = [];
try {
  await lanes.run(0, ['validate', runFile], join(dir, 'warm.log')).done; // the lane's start-up, not timed
  for (let r = 0; r < reps + 1; r++) {
    const fresh = await freshRun(join(dir, `fresh${r}`));
    const t0 = performance.now();
    const exit = await lanes.run(0, ['run', runFile, '--out', join(dir, `lane${r}`), '--quiet'], join(dir, `lane${r}.log`)).done;
    if (exit.code !== 0) throw new Error(`lane run exited ${exit.code}`);
    const lane = seconds(t0);
    perRun.push({ fresh, lane, training_fresh: wallOf(join(dir, `fresh${r}`)), training_lane: wallOf(join(dir, `lane${r}`)) });
    console.log(
      `one run: fresh process ${fresh.toFixed(2)} s, warm lane ${lane.toFixed(2)} s (training ${perRun[r].training_lane.toFixed(2)} s)`,
    );
  }
} finally {
  lanes.close();
}
const minOf = (f: (x: (typeof perRun)[number]) => number): number => Math.min(...perRun.map(f));
const runCost = { fresh: minOf((x) => x.fresh), lane: minOf((x) => x.lane), training: minOf((x) => x.training_lane) };

// 4. the queue's overhead per job
const stats = (xs: number[]): { median: number; p90: number; max: number } => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.min(s.length - 1, Math.floor(s.length * 0.9))], max: s[s.length - 1] };
};
let queue: QueueFigures | undefined;
const redis = await spawnRedis();
let worker: ChildProcess | undefined;
if (!redis) console.log('queue: skipped (redis-server is not installed: apt-get install -y redis-server)');
else {
  try {
    const root = join(dir, 'queue');
    const { command, args } = cliCommand();
    let log = '';
    worker = spawn(command, [...args, 'worker', '--queue', redis.url, '--runs', root], { stdio: ['ignore', 'ignore', 'pipe'] });
    worker.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    for (let i = 0; i < 2400 && !log.includes('waiting for runs'); i++) await new Promise((r) => setTimeout(r, 50));
    if (!log.includes('waiting for runs')) throw new Error(`worker did not start: ${log}`);
    const q = await openQueue(redis.url);
    const seen = new Map<string, number>();
    try {
      const jobs = Array.from({ length: QUEUE_JOBS }, (_, i): QueuedJob<string> => {
        const data: RunJobData = { sweep: 'bench', runId: `j${i}`, runDir: `q/j${i}`, args: ['run', runFile, '--quiet', '--steps', '1'] };
        return { id: jobId('bench', `j${i}`), data, item: `j${i}` };
      });
      const pollMs = 300; // enqueueAndWait's default
      const left = await enqueueAndWait(q.queue, jobs, { started: () => {}, ended: (id) => seen.set(id, Date.now()) }, () => false, pollMs);
      if (left !== 0) throw new Error(`${left} queue jobs left`);
      const js = await Promise.all(jobs.map((j) => q.queue.getJob(j.id)));
      const start: number[] = [];
      const result: number[] = [];
      const job: number[] = [];
      let prevEnd = 0;
      for (const j of js.sort((a, b) => (a?.processedOn ?? 0) - (b?.processedOn ?? 0))) {
        if (!j?.processedOn || !j.finishedOn) throw new Error('a queue job without timestamps');
        start.push(j.processedOn - Math.max(j.timestamp, prevEnd));
        result.push(seen.get(j.data.runId)! - j.finishedOn);
        job.push(j.finishedOn - j.processedOn);
        prevEnd = j.finishedOn;
      }
      queue = {
        jobs: QUEUE_JOBS,
        poll_ms: pollMs,
        start_ms: stats(start),
        result_ms: stats(result),
        job_ms: { median: stats(job).median },
      };
      console.log(
        `queue, ${QUEUE_JOBS} jobs on 1 worker: enqueue -> start median ${queue.start_ms.median} ms (p90 ${queue.start_ms.p90}), finish -> result median ${queue.result_ms.median} ms (p90 ${queue.result_ms.p90}; polled every ${pollMs} ms)`,
      );
    } finally {
      await q.close();
    }
  } finally {
    worker?.kill('SIGTERM');
    redis.redis.kill('SIGTERM');
  }
}
rmSync(dir, { recursive: true, force: true });

const cores = availableParallelism();
const result: SweepBench = {
  date: new Date().toISOString(),
  cores,
  node: process.version,
  thread_budget: budget,
  runs: 8,
  steps: STEPS,
  reps,
  timings,
  ratio,
  separate,
  lanes: lanesSplit,
  run_cost: runCost,
  per_run: perRun,
  queue,
};
writeResults('sweep', result);
if (process.argv.includes(WRITE_FLAG)) {
  const path = fileURLToPath(new URL('./results-sweep.md', import.meta.url));
  writeFileSync(path, sweepMarkdown(result));
  console.log(`wrote ${path}`);
}
