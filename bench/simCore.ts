/**
 * The core MLS-MPM (sim/coreMpm: the step as a core program, jitted once, looped on the host) side by side with the
 * hand-written Float64 simulator (sim/mpm) in one run: 2D fixed-corotated, ~8k particles, 64^2 grid, f64, wasm backend.
 * - forward particle-steps/s of both (target: core >= 0.5x hand-written)
 * - gradient step (forward + backward, sqrt(T) checkpoints via sim/checkpoint.ts reverseThroughTime) / forward time
 *   (target <= 4x)
 * - memory of a rollout gradient with and without checkpointing: peak ArrayBuffer bytes over a T_mem-step run (sampled
 *   at every step), extrapolated to 2,000 steps from the per-state bytes (a 2,000-step gradient with every state
 *   stored needs ~1.6 GB and tens of minutes on this 2-core machine), plus the compiled step/vjp arena bytes.
 * Run: node --expose-gc --import tsx bench/simCore.ts [--quick] [--write]  (--write rewrites bench/results-sim-core.md)
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as fx from '../core/index.js';
import { reverseThroughTime, rollout, type StateLoss, type TimeStepper } from '../sim/checkpoint.js';
import { Mpm2D } from '../sim/mpm/mpm2d.js';
import { blockParticles2D } from '../sim/mpm/tasks.js';
import { CoreMpmStepper, coreMpm, fromParticleMajor, packState, unpackState } from '../sim/coreMpm/index.js';
import { best } from './timing.js';
import { WRITE_FLAG } from './results.js';

const quick = process.argv.includes('--quick');
const write = process.argv.includes(WRITE_FLAG);
const gc = (globalThis as { gc?: () => void }).gc;

const side = 91; // 8281 particles
const nGrid = 64;
const steps = quick ? 10 : 30;
const gradSteps = quick ? 16 : 64;
const memSteps = quick ? 16 : 100;
const LONG = 2000;

const pos = blockParticles2D(side, side, 0.2, 0.2, 0.5, 0.5, 1);
const n = pos.length / 2;
const opts = { nGrid, nParticles: n, dt: 1e-4, E: 1000, nu: 0.2, gravity: -9.8 };
const hand = new Mpm2D(opts);
const handS0 = hand.initialState(pos);
const sim = coreMpm({ ...opts, dim: 2 });
const core = new CoreMpmStepper(sim);
const coreS0 = packState(fromParticleMajor(handS0, sim.shape)).dataSync() as Float64Array;

/** A final-state loss on the positions (its layout differs between the two: particle-major vs component-major). */
const lossAt =
  (T: number): StateLoss =>
  (t, _s, g) => {
    if (t === T) g.fill(1, 0, 2 * n);
    return 0;
  };

function rates(stepper: TimeStepper, s0: Float64Array) {
  rollout(stepper, s0, 3); // warm-up (and compile, for the core)
  const tf = best(3, () => rollout(stepper, s0, steps));
  reverseThroughTime(stepper, s0, 2, lossAt(2), 'sqrt');
  const tfT = best(1, () => rollout(stepper, s0, gradSteps));
  const tg = best(1, () => reverseThroughTime(stepper, s0, gradSteps, lossAt(gradSteps), 'sqrt'));
  return { rate: (n * steps) / tf, msPerStep: (1e3 * tf) / steps, gradRatio: tg / tfT, gradMsPerStep: (1e3 * tg) / gradSteps };
}

/** Peak ArrayBuffer bytes above the starting level during a gradient run (sampled at every step, forward and reverse). */
function peakBytes(stepper: TimeStepper, s0: Float64Array, T: number, mode: 'all' | 'sqrt'): number {
  gc?.();
  const base = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const loss = lossAt(T);
  reverseThroughTime(
    stepper,
    s0,
    T,
    (t, s, g) => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      return loss(t, s, g);
    },
    mode,
  );
  return peak;
}

/** Arena bytes of the compiled core step and step vjp (the wasm executable's planned memory). */
function arenaBytes(): { step: number; vjp: number } {
  const backend = fx.findBackend(fx.getBackend());
  const S = coreS0.length;
  const stepFlat = (s: fx.Tensor, E: fx.Tensor, nu: fx.Tensor) => packState(sim.step(unpackState(s, sim.shape), { E, nu }));
  const avals = [
    { shape: [S], dtype: 'f64' as const },
    { shape: [], dtype: 'f64' as const },
    { shape: [], dtype: 'f64' as const },
  ];
  const size = (g: fx.Graph): number => {
    const exe = backend?.compile?.(g) as { arenaBytes?: number } | undefined;
    return exe?.arenaBytes ?? Number.NaN;
  };
  return {
    step: size(fx.makeGraph(stepFlat, avals)),
    vjp: size(
      fx.makeGraph(
        (s, E, nu, ct) =>
          fx.concat(
            fx
              .vjp(stepFlat, s, E, nu)[1](ct)
              .map((t) => fx.reshape(t, [-1])),
          ),
        [...avals, avals[0]],
      ),
    ),
  };
}

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
console.log(`simCore: ${n} particles, ${nGrid}^2 grid, f64, backend ${fx.getBackend()}, load average ${load}`);
const h = rates(hand, handS0);
const c = rates(core, coreS0);
const stateBytes = 8 * coreS0.length;
const memAll = peakBytes(core, coreS0, memSteps, 'all');
const memSqrt = peakBytes(core, coreS0, memSteps, 'sqrt');
const seg = (T: number): number => Math.ceil(Math.sqrt(T));
// per-state bytes from the measured difference; extrapolated to LONG steps with the number of states each mode keeps
const perState = (memAll - memSqrt) / (memSteps - 2 * seg(memSteps));
const extra = memSqrt - 2 * seg(memSteps) * perState;
const longAll = LONG * perState + extra;
const longSqrt = 2 * seg(LONG) * perState + extra;
const arena = arenaBytes();

const rows: string[][] = [
  [
    'forward, particle-steps/s',
    `${(h.rate / 1e6).toFixed(2)} M (${h.msPerStep.toFixed(2)} ms/step)`,
    `${(c.rate / 1e6).toFixed(3)} M (${c.msPerStep.toFixed(2)} ms/step)`,
    `core/hand ${(c.rate / h.rate).toFixed(3)}x (target >= 0.5x)`,
  ],
  [
    `gradient (sqrt checkpoints, ${gradSteps} steps) / forward`,
    `${h.gradRatio.toFixed(2)}x`,
    `${c.gradRatio.toFixed(2)}x (${c.gradMsPerStep.toFixed(1)} ms/step)`,
    'target <= 4x',
  ],
  [`gradient memory, ${memSteps} steps, store all (measured peak)`, '', mb(memAll), `state ${mb(stateBytes)}`],
  [
    `gradient memory, ${memSteps} steps, sqrt checkpoints (measured peak)`,
    '',
    mb(memSqrt),
    `${seg(memSteps)} checkpoints + ${seg(memSteps)}-state segment`,
  ],
  [`gradient memory, ${LONG} steps, store all (extrapolated)`, '', mb(longAll), `${mb(perState)} per stored state`],
  [`gradient memory, ${LONG} steps, sqrt checkpoints (extrapolated)`, '', mb(longSqrt), `${2 * seg(LONG)} states`],
  ['compiled arena: step / step vjp', '', `${mb(arena.step)} / ${mb(arena.vjp)}`, 'one per jitted function, reused every step'],
];
const table = [
  '| quantity | hand-written (sim/mpm) | core (sim/coreMpm, jitted step) | note |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
console.log(table);
if (write) {
  const md = `# Core MLS-MPM vs hand-written (bench/simCore.ts)

\`node --expose-gc --import tsx bench/simCore.ts${quick ? ' --quick' : ''} --write\` on ${new Date().toISOString().slice(0, 10)}, wasm backend, f64,
2D fixed-corotated, ${n} particles, ${nGrid}^2 grid, load average ${load} (2 shared cores: timings are noisy, best of repeats).

${table}

Memory rows: peak ArrayBuffer bytes above the starting level, sampled at every step of reverseThroughTime with the core
stepper. The ${LONG}-step rows are extrapolated from the ${memSteps}-step runs (per stored state = measured difference between
the two modes divided by the difference in stored states), not measured: a ${LONG}-step store-all gradient at this size needs
well over a GB and, at the measured step times, tens of minutes on this machine.
`;
  writeFileSync(fileURLToPath(new URL('./results-sim-core.md', import.meta.url)), md);
  console.log('written: bench/results-sim-core.md');
}
