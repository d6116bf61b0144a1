// The chaos guard (Metz et al. 2021, "Gradients are Not All You Need") on the mass-spring walker: how the gradient of
// the walk loss (-final centre x) grows with the horizon T, with and without truncated backpropagation (the state
// cut from the gradient every K steps), beside what the diagnostic predicts from a forward pass alone: the largest
// Lyapunov exponent of the rollout (SegmentRunner.growth) and the amplification e^(exponent T) of a gradient through
// it. Without drag the walker is chaotic (exponent > 0): the full gradient explodes with T while the truncated one
// stays bounded; with strong drag perturbations decay and neither grows. The runner reports the same diagnostic
// with training.chaos_check, and truncates with training.truncate_every.
// Run: npx tsx examples/sim/chaosGuard.ts [K=25]   (about 20 s on one core)
import { pathToFileURL } from 'node:url';
import * as fx from '../../index.js';
import { MassSpringProgram, SegmentRunner, defaultRobot, initialPackedState, walkLossAndGrad } from '../../sim/index.js';

export interface ChaosRow {
  drag: number;
  horizon: number;
  /** largest Lyapunov exponent per step */
  exponent: number;
  /** e^(exponent T): predicted growth of a gradient through the whole rollout */
  amplification: number;
  gradNorm: number;
  truncatedGradNorm: number;
}

/** One row per drag and horizon: the growth diagnostic and the gradient norms, full and truncated every K steps. */
export function chaosTable(drags: readonly number[], horizons: readonly number[], K: number, seed = 0): ChaosRow[] {
  const rows: ChaosRow[] = [];
  for (const drag of drags) {
    const sim = new MassSpringProgram(defaultRobot(), { drag, friction: 1 });
    const params = sim.initController(seed);
    const flat = Float64Array.from(params.dataSync());
    const s0 = initialPackedState(sim);
    const v0 = fx.randomTangent(s0, seed);
    for (const T of horizons) {
      const seg = Math.ceil(Math.sqrt(T));
      const g = new SegmentRunner(sim, seg).growth(params, s0, T, v0);
      const full = walkLossAndGrad(new SegmentRunner(sim, seg), flat, T).grad;
      const cut = walkLossAndGrad(new SegmentRunner(sim, seg, { truncateEvery: K }), flat, T).grad;
      rows.push({
        drag,
        horizon: T,
        exponent: g.exponent,
        amplification: g.amplification,
        gradNorm: Math.hypot(...full),
        truncatedGradNorm: Math.hypot(...cut),
      });
    }
  }
  return rows;
}

function cli(): void {
  const K = Number(process.argv[2] ?? 25);
  if (!Number.isInteger(K) || K < 1) throw new Error(`K must be a positive integer, got ${process.argv[2]}`);
  const e = (v: number): string => v.toExponential(2).padStart(10);
  console.log(`mass-spring walker, seeded controller; gradient of -(final centre x); truncated every K = ${K} steps`);
  console.log('  drag      T  exponent/step  e^(exponent T)  |grad| full  |grad| K');
  for (const r of chaosTable([0, 100], [50, 100, 200, 400], K))
    console.log(
      `${String(r.drag).padStart(6)} ${String(r.horizon).padStart(6)} ${e(r.exponent)}     ${e(r.amplification)}      ${e(r.gradNorm)}  ${e(r.truncatedGradNorm)}`,
    );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) cli();
