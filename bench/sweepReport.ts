// bench/results-sweep.md from the figures of bench/sweep.ts; run alone (`npx tsx bench/sweepReport.ts`) it rewrites
// the page from bench/results-sweep.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mdTable } from './markdown.js';

export interface Timing {
  workers: number;
  seconds: number;
  /** sum of the runs' training wall times (summary.json) */
  training: number;
  calibration_before: number;
  calibration_after: number;
  load_before: number;
  load_after: number;
}

export interface QueueFigures {
  jobs: number;
  poll_ms: number;
  /** enqueue (or the previous job's end, when the worker was busy) -> the worker starts the job, ms */
  start_ms: { median: number; p90: number; max: number };
  /** the worker finishes the job -> the waiting sweep sees it, ms */
  result_ms: { median: number; p90: number; max: number };
  /** start -> finish inside the worker (an in-process 1-step `fluxion run`), ms */
  job_ms: { median: number };
}

/** The pool's lanes started by hand on `workers` workers: each lane's start-up and each run, in seconds. */
export interface LaneFigures {
  workers: number;
  /** start-up to the end of a first `validate` job: wall, and the child's CPU (null where /proc is missing) */
  startup: { lane: number; wall: number; cpu: number | null }[];
  /** every run: its lane, whether it was the lane's first, wall and the child's CPU during it, training (summary.json) */
  runs: { lane: number; first: boolean; wall: number; cpu: number | null; training: number }[];
  /** from starting the lanes to the last run's end */
  total?: number;
}

export interface SweepBench {
  date: string;
  cores: number;
  /** node version (absent in results before the lane split) */
  node?: string;
  /** FLUXION_THREADS or the cores: a lane gets floor(budget / workers) kernel threads */
  thread_budget?: number;
  runs: number;
  steps: number;
  reps: number;
  timings: Timing[];
  /** best 2-worker sweep / best 1-worker sweep */
  ratio: number;
  /** one run, best of the repeats (s) */
  run_cost: { fresh: number; lane: number; training: number };
  per_run: { fresh: number; lane: number; training_fresh: number; training_lane: number }[];
  /** the 8 runs as 8 `fluxion run` processes one after another */
  separate?: { seconds: number; load_before: number; load_after: number }[];
  lanes?: LaneFigures[];
  queue?: QueueFigures;
}

const ratioText = (c: number | null): string => (c === null ? '-' : f(c, 2));
const cpuRatioText = (lanes: readonly LaneFigures[]): string => ratioText(cpuRatio(lanes));

const total = (xs: readonly (number | null)[]): string =>
  xs.length === 0 || xs.some((x) => x === null)
    ? '-'
    : f(
        (xs as number[]).reduce((a, b) => a + b, 0),
        2,
      );

/** CPU seconds of each lane: its start-up and its runs (null where /proc was missing). */
export function laneCpu(l: LaneFigures): (number | null)[] {
  return l.startup.map((st) => {
    const runs = l.runs.filter((r) => r.lane === st.lane).map((r) => r.cpu);
    return [st.cpu, ...runs].some((c) => c === null) ? null : [st.cpu, ...runs].reduce((a: number, c) => a + (c as number), 0);
  });
}

/**
 * The busiest 2-worker lane's CPU seconds over the 1-worker lane's: what the wall-time ratio would be on two cores
 * free of other jobs (each lane on its own core), read from CPU time, which other jobs barely change. It leaves out
 * the V8 helper threads' overlap (counted as CPU, run beside the main thread), so it errs high, not low.
 */
export function cpuRatio(lanes: readonly LaneFigures[]): number | null {
  const one = lanes.find((l) => l.workers === 1);
  const two = lanes.find((l) => l.workers === 2);
  if (!one || !two) return null;
  const [a, b] = [laneCpu(one), laneCpu(two)];
  if ([...a, ...b].some((c) => c === null)) return null;
  return Math.max(...(b as number[])) / (a as number[])[0];
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The same ratio with the runs split evenly (ceil(runs / workers) per lane, as on free cores where the lanes start
 * together): per lane, the mean start-up CPU + the mean first run + the rest at the mean later-run CPU of that worker
 * count. On a loaded machine one lane may start late and run fewer runs; this takes the measured costs, not that split.
 */
export function cpuModelRatio(lanes: readonly LaneFigures[]): number | null {
  const est = (w: number): number | null => {
    const l = lanes.find((x) => x.workers === w);
    if (!l) return null;
    const cpus = [...l.startup.map((x) => x.cpu), ...l.runs.map((r) => r.cpu)];
    if (cpus.some((c) => c === null)) return null;
    const first = l.runs.filter((r) => r.first).map((r) => r.cpu as number);
    const later = l.runs.filter((r) => !r.first).map((r) => r.cpu as number);
    const perLane = Math.ceil(l.runs.length / w);
    return mean(l.startup.map((x) => x.cpu as number)) + mean(first) + (perLane - 1) * (later.length ? mean(later) : 0);
  };
  const [one, two] = [est(1), est(2)];
  return one === null || two === null ? null : two / one;
}

/** One row per worker count: lane start-up, first runs and later runs (wall and CPU seconds, summed over lanes). */
function laneRows(lanes: readonly LaneFigures[]): string[][] {
  return lanes.map((l) => {
    const first = l.runs.filter((r) => r.first);
    const later = l.runs.filter((r) => !r.first);
    return [
      String(l.workers),
      `${total(l.startup.map((x) => x.wall))} / ${total(l.startup.map((x) => x.cpu))}`,
      `${total(first.map((r) => r.wall))} / ${total(first.map((r) => r.cpu))}`,
      `${later.length}: ${total(later.map((r) => r.wall))} / ${total(later.map((r) => r.cpu))}`,
      total(later.map((r) => r.training)),
      l.total === undefined ? '-' : f(l.total),
    ];
  });
}

const f = (x: number, d = 1): string => x.toFixed(d);

export function sweepMarkdown(r: SweepBench): string {
  const best = (w: number): Timing => r.timings.filter((t) => t.workers === w).sort((a, b) => a.seconds - b.seconds)[0];
  const two = best(2);
  // 2 workers cannot beat half of what two processes together got against one alone at that moment
  const floor = (two.calibration_before + two.calibration_after) / 4;
  const cals = r.timings.flatMap((t) => [t.calibration_before, t.calibration_after]);
  const free = cals.filter((c) => c <= 1.15).length;
  const q = r.queue;
  const sep = r.separate ?? [];
  const sepBest = sep.length ? Math.min(...sep.map((x) => x.seconds)) : undefined;
  return [
    '# Sweeps: the local pool and the BullMQ queue',
    '',
    `\`npx tsx bench/sweep.ts --write\` on ${r.date.slice(0, 10)}, ${r.cores} cores (shared with other jobs)${r.node ? `, node ${r.node}` : ''}.`,
    '',
    '## Local pool: 8 short runs, 2 workers vs one after another',
    '',
    `8 runs of a tiny Poisson PINN (2x16 tanh, ${r.steps} Adam steps, 200 points), each \`fluxion run\` in one of the pool's`,
    'long-lived lane processes of the compiled package (dist/, as `fluxion sweep` starts them; started per sweep: their',
    `start-up is timed). Thread budget ${r.thread_budget ?? r.cores}: each lane's kernels get floor(budget / workers) threads.`,
    'Calibration: 2 CPU-bound node processes at once / 1 alone, measured right before and after each sweep: 1.0 when',
    "two cores are free, 2.0 when the two share one core's worth. A 2-worker pool cannot take less than half the",
    'calibration of the 1-worker time.',
    '',
    mdTable(
      ['workers', 'wall time (s)', "runs' training (s)", 'calibration before / after', 'load before', 'load after'],
      r.timings.map((t) => [
        String(t.workers),
        f(t.seconds),
        f(t.training),
        `${f(t.calibration_before, 2)} / ${f(t.calibration_after, 2)}`,
        f(t.load_before, 2),
        f(t.load_after, 2),
      ]),
    ),
    '',
    `Ratio 2 workers / 1 worker (best of each): **${f(r.ratio, 2)}** (target <= 0.6). The floor the machine allowed during`,
    `the best 2-worker sweep (half its mean calibration) was ${f(floor, 2)}; ${free} of ${cals.length} calibrations found two`,
    `free cores (<= 1.15)${free === 0 ? ', so the target could not be checked on this machine at that time' : ''}.`,
    ...(sepBest === undefined
      ? []
      : [
          '',
          `The same 8 runs as 8 separate \`fluxion run\` processes one after another (what a user without sweeps does):`,
          `${sep.map((x) => `${f(x.seconds)} s (load ${f(x.load_before, 2)} -> ${f(x.load_after, 2)})`).join(', ')}; 2 workers / that:`,
          `**${f(two.seconds / sepBest, 2)}**; 1 worker / that: ${f(best(1).seconds / sepBest, 2)}.`,
        ]),
    ...(r.lanes?.length
      ? [
          '',
          "## Where a lane's time goes",
          '',
          "The pool's lanes started by hand on 1 and 2 workers, the 8 runs spread over them as the pool does; wall / CPU",
          "seconds summed over the lanes (CPU: the child's, all its threads, from /proc). A lane's start-up is node's, the",
          "module loading and a first `validate` job; its first run also pays V8's warm-up (JIT, wasm tier-up) that later",
          'runs do not.',
          '',
          mdTable(
            ['workers', 'start-up wall / CPU', 'first runs wall / CPU', 'later runs: wall / CPU', 'their training', 'all (s)'],
            laneRows(r.lanes),
          ),
          '',
          `CPU seconds per lane: ${r.lanes
            .map(
              (l) =>
                `${l.workers} worker(s) ${laneCpu(l)
                  .map((c) => (c === null ? '-' : f(c, 2)))
                  .join(', ')}`,
            )
            .join('; ')}.`,
          `Busiest 2-worker lane / the 1-worker lane, in CPU seconds (the ratio two free cores would give): **${cpuRatioText(r.lanes)}**;`,
          `with the runs split evenly (${Math.ceil(r.runs / 2)} per lane, each lane's costs at the measured means): **${ratioText(cpuModelRatio(r.lanes))}**.`,
        ]
      : []),
    '',
    '## What a run costs besides training',
    '',
    'The same run as a fresh `fluxion run` process of the compiled package (node start-up, module loading) and as a job',
    "of a warm pool lane (what every run after a lane's first costs); best of the repeats.",
    '',
    mdTable(
      ['fresh process (s)', 'warm lane job (s)', 'training inside (s)'],
      [[f(r.run_cost.fresh, 2), f(r.run_cost.lane, 2), f(r.run_cost.training, 2)]],
    ),
    '',
    'Before the lanes every run was its own child process: on 2026-12-06 (load 5-9, calibration 2.14 on this scale) the',
    'same 8 runs took 59.1-80.8 s on 1 worker and 51.8-69.2 s on 2 (ratio 0.88), most of it start-up. A lane pays it',
    'once per worker; the 1-worker sweep gains most (one start-up instead of eight), which is why the ratio itself',
    'does not show the gain. On 2026-12-07, with lanes under tsx and mathjs imported as ES modules (1.5-2 s of CPU per',
    'process building every mathjs function), the best sweeps were 5.0 s on 1 worker and 6.1 s on 2 (ratio 1.22).',
    '',
    '## Queue overhead per job (BullMQ on redis-server)',
    '',
    q
      ? [
          `${q.jobs} jobs, each a 1-step \`fluxion run\` of the same PINN (median ${q.job_ms.median} ms in the worker), on one`,
          '`fluxion worker` that was already waiting; redis-server on 127.0.0.1. Enqueue -> start: from the job being added',
          '(or the previous job ending, while the worker was busy) to the worker starting it. Finish -> result: from the',
          `worker finishing it to the waiting sweep seeing it: \`enqueueAndWait\` polls every ${q.poll_ms} ms and asks Redis for`,
          "each pending job's state in turn, so with many jobs pending one round takes longer than the interval. The",
          "result latency delays only the sweep's bookkeeping, not the workers, which take their next job at once.",
          '',
          mdTable(
            ['ms', 'median', 'p90', 'max'],
            [
              ['enqueue -> start', String(q.start_ms.median), String(q.start_ms.p90), String(q.start_ms.max)],
              ['finish -> result', String(q.result_ms.median), String(q.result_ms.p90), String(q.result_ms.max)],
            ],
          ),
        ].join('\n')
      : 'Not measured: redis-server was not installed.',
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const json = fileURLToPath(new URL('./results-sweep.json', import.meta.url));
  const md = fileURLToPath(new URL('./results-sweep.md', import.meta.url));
  writeFileSync(md, sweepMarkdown(JSON.parse(readFileSync(json, 'utf8')) as SweepBench));
  console.log(`wrote ${md}`);
}
