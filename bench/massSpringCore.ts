/**
 * Mass-spring as a core program beside the hand-written simulator (now the test oracle), on the same robot
 * (DiffTaichi's default walker: 6 particles, 11 springs, 32 hidden units, f64), in one run:
 * - forward steps/s: hand-written Float64 loops vs the jitted core step replayed on the host (SegmentRunner,
 *   K steps per compiled segment), one environment and a batch of 16;
 * - gradient (forward + reverse through time) time over forward time, for both;
 * - memory with and without checkpointing: the planned wasm arena of the compiled whole-rollout gradient
 *   (fx.checkpoint segments vs none), and for the host loop the stored boundary states plus the segment-vjp arena.
 * Run: npx tsx bench/massSpringCore.ts [--quick] [--write]   (--write rewrites bench/results-massSpringCore.json
 * and bench/results-mass-spring-core.md). The machine has 2 cores shared with other developers: best of repeats.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as fx from '../core/index.js';
import type { Tensor } from '../core/index.js';
import { rollout as oracleRollout } from '../sim/checkpoint.js';
import { SegmentRunner, initialPackedState, rollout, segment } from '../sim/massSpring/coreRollout.js';
import { MassSpringProgram } from '../sim/massSpring/coreStep.js';
import { walkLoss } from '../sim/massSpring/coreWalk.js';
import { defaultRobot } from '../sim/massSpring/robot.js';
import { MassSpringSim } from '../test/sim/oracle/massSpring.js';
import { walkLossAndGrad as oracleWalk } from '../test/sim/oracle/walk.js';
import { mdTable } from './markdown.js';
import { WRITE_FLAG, writeResults } from './results.js';
import { best } from './timing.js';

const quick = process.argv.includes('--quick');
const T = quick ? 200 : 400;
// the machine is shared and often loaded: more repeats make the best-of minimum a fairer estimate
const reps = quick ? 2 : 8;
const load = loadavg()[0];
const wasm = fx.findBackend('wasm');
if (!wasm?.compile) throw new Error('bench/massSpringCore: the wasm backend is not built (npm run build:wasm)');
fx.setBackend('wasm');

/** Best times of f and g measured alternately, so both see the same (shifting) machine load; one warm-up each. */
function bestPair(n: number, f: () => void, g: () => void): [number, number] {
  f();
  g();
  let bf = Infinity,
    bg = Infinity;
  for (let r = 0; r < n; r++) {
    bf = Math.min(bf, best(1, f));
    bg = Math.min(bg, best(1, g));
  }
  return [bf, bg];
}

interface Row {
  impl: string;
  batch: number;
  forwardStepsPerS: number;
  gradOverForward: number;
}
const rows: Row[] = [];

// hand-written oracle
{
  const sim = new MassSpringSim(defaultRobot());
  const p = sim.initController(0);
  sim.params = p;
  const s0 = sim.initialState();
  const [tf, tg] = bestPair(
    reps,
    () => oracleRollout(sim, s0, T),
    () => oracleWalk(sim, p, T, 'sqrt'),
  );
  rows.push({ impl: 'hand-written Float64 loops (sqrt checkpoints)', batch: 1, forwardStepsPerS: T / tf, gradOverForward: tg / tf });
}

// core program, jitted segments replayed on the host
const sim = new MassSpringProgram(defaultRobot());
const params = sim.initController(0);
const loss = walkLoss(sim);
const sqrtK = Math.ceil(Math.sqrt(T));
for (const [K, batch] of [
  [1, 1],
  [10, 1],
  [sqrtK, 1],
  [sqrtK, 16],
] as const) {
  const runner = new SegmentRunner(sim, K);
  const s0 = initialPackedState(sim, batch);
  const [tf, tg] = bestPair(
    reps,
    () => runner.simulate(params, s0, T),
    () => runner.valueAndGrad(params, s0, T, loss),
  );
  rows.push({ impl: `core, jitted ${K}-step segments`, batch, forwardStepsPerS: (T * batch) / tf, gradOverForward: tg / tf });
}

// memory: the compiled gradient of a whole rollout, with and without fx.checkpoint segments
const Tm = 48;
const Km = 7;
const arena = (g: fx.Graph): { bytes: number; seconds: number } => {
  const t0 = performance.now();
  const exe = wasm.compile?.(g);
  return { bytes: exe?.arenaBytes ?? Number.NaN, seconds: (performance.now() - t0) / 1000 };
};
const s1 = initialPackedState(sim);
const wholeGrad = (checkpoint: boolean) =>
  arena(
    fx.makeGraph(
      (q) => [fx.grad((r: Tensor) => loss(rollout(sim, r, s1, Tm, { segment: Km, checkpoint })))(q) as Tensor],
      [{ shape: params.shape, dtype: 'f64' }],
    ),
  );
const plain = wholeGrad(false);
const remat = wholeGrad(true);

// memory of the host loop: stored boundary states + the arena of one compiled segment vjp
const stateBytes = s1.size * 8;
const segmentVjpArena = (K: number): number =>
  arena(
    fx.makeGraph(
      (q, s, t0, ct) => fx.vjp(segment(sim, K), q, s, t0)[1](ct).slice(0, 2),
      [
        { shape: params.shape, dtype: 'f64' },
        { shape: s1.shape, dtype: 'f64' },
        { shape: [], dtype: 'f64' },
        { shape: s1.shape, dtype: 'f64' },
      ],
    ),
  ).bytes;
const hostMemory = [1, sqrtK].map((K) => {
  const states = (Math.ceil(T / K) + 1) * stateBytes;
  const vjpArena = segmentVjpArena(K);
  return { K, states, vjpArena, total: states + vjpArena };
});

const kib = (b: number): string => (b / 1024).toFixed(1);
const oracleRate = rows[0].forwardStepsPerS;
const lines = [
  `# Mass-spring: core program vs hand-written (bench/massSpringCore.ts${quick ? ' --quick' : ''})`,
  '',
  `${new Date().toISOString().slice(0, 10)}, load average ${load.toFixed(2)} (2 shared cores), wasm backend, f64, default robot`,
  `(${sim.n} particles, ${sim.nSprings} springs, ${sim.nParams} controller params), horizon ${T} steps, best of ${reps}.`,
  '',
  mdTable(
    ['implementation', 'envs', 'forward env-steps/s', 'vs hand-written', 'gradient / forward time'],
    rows.map((r) => [
      r.impl,
      String(r.batch),
      r.forwardStepsPerS.toFixed(0),
      `${(r.forwardStepsPerS / oracleRate).toFixed(3)}x`,
      r.gradOverForward.toFixed(2),
    ]),
  ),
  '',
  `Memory of the compiled whole-rollout gradient (${Tm} steps, wasm arena planned by fx.jit's compiler):`,
  '',
  mdTable(
    ['checkpointing', 'arena KiB', 'compile s'],
    [
      ['none', kib(plain.bytes), plain.seconds.toFixed(1)],
      [`fx.checkpoint every ${Km} steps`, kib(remat.bytes), remat.seconds.toFixed(1)],
    ],
  ),
  '',
  `Memory of the host loop (SegmentRunner, ${T} steps, one environment): boundary states kept + one segment-vjp arena:`,
  '',
  mdTable(
    ['segment K', 'states KiB', 'segment-vjp arena KiB', 'total KiB'],
    hostMemory.map((m) => [`${m.K}${m.K === 1 ? ' (every state)' : ' (sqrt T)'}`, kib(m.states), kib(m.vjpArena), kib(m.total)]),
  ),
  '',
  'Reading: at this size the jitted core step is dominated by per-primitive overhead, not arithmetic (16 environments',
  'cost far less than 16x one), so one environment runs well below the hand-written loops and batches recover much of it. Inside one',
  'compiled graph, fx.checkpoint segments cut the planned gradient memory; in the host loop a state is only',
  `${stateBytes} bytes here while a step's intermediates are ~${kib(hostMemory[1].vjpArena / hostMemory[1].K)} KiB, so keeping every state (K = 1) is the`,
  'cheapest: sqrt(T) segments pay off when states are large against per-step intermediates (many particles).',
  'Noise: with load averages far above the 2 cores, repeated runs of this script varied 2-4x in the one-environment',
  'rows (forward and gradient are timed alternately, best of repeats); compare rows of one run, and orders of magnitude.',
  '',
];
const table = lines.join('\n');
console.log(table);
writeResults('massSpringCore', {
  date: new Date().toISOString(),
  quick,
  load,
  horizon: T,
  rows,
  wholeGradient: { steps: Tm, segment: Km, plain, remat },
  hostMemory,
});
if (process.argv.includes(WRITE_FLAG)) {
  writeFileSync(fileURLToPath(new URL('./results-mass-spring-core.md', import.meta.url)), `${table.trimEnd()}\n`);
  console.log('wrote bench/results-mass-spring-core.md');
}
