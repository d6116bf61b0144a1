// Chaos guard (Metz et al. 2021): the gradient of a long mass-spring walk (loss = -final centre x) through the whole
// rollout against the truncated one (SegmentRunner truncateEvery K = training.truncate_every), beside what the chaos
// diagnostic predicts: the largest Lyapunov exponent (SegmentRunner.growth, core/lyapunov.ts; what the runner's
// training.chaos_check reports), the amplification e^(exponent T) of a gradient through the whole rollout and
// fx.windowAmplification's largest over one K-step window. Two controllers: the seeded DiffTaichi one, and the same
// weights x4 (saturating, and with a slightly positive exponent). Time per gradient and per growth measurement too:
// with a final-state loss, segments before the last cut get a zero cotangent and are skipped.
// Run: npx tsx bench/truncation.ts [--quick] [--write]
import * as os from 'node:os';
import * as fx from '../index.js';
import { MassSpringProgram, SegmentRunner, defaultRobot, initialPackedState, walkLossAndGrad } from '../sim/index.js';
import { mdTable } from './markdown.js';
import { writeResults } from './results.js';
import { best } from './timing.js';

const quick = process.argv.includes('--quick');
const horizons = quick ? [100, 200] : [100, 300, 600];
const K = 50;
const segment = 20;
const sim = new MassSpringProgram(defaultRobot());

const rows: Record<string, number | string>[] = [];
for (const gain of [1, 4]) {
  const params = fx.mul(sim.initController(0), gain);
  const flat = Float64Array.from(params.dataSync());
  const s0 = initialPackedState(sim);
  // a generic tangent on the state
  const v0 = fx.tensor(
    Float64Array.from({ length: s0.size }, (_, i) => Math.sin(i + 1)),
    s0.shape,
    'f64',
  );
  for (const T of horizons) {
    const full = new SegmentRunner(sim, segment);
    // renormalised every 10 steps, so the stretches tile the K-step windows
    const growth = full.growth(params, s0, T, v0, undefined, 10);
    const cut = new SegmentRunner(sim, segment, { truncateEvery: K });
    const gFull = walkLossAndGrad(full, flat, T).grad;
    const gCut = walkLossAndGrad(cut, flat, T).grad;
    rows.push({
      controller: gain === 1 ? 'seeded' : 'seeded x4',
      T,
      exponent: growth.exponent,
      amplification: growth.amplification,
      windowAmplification: fx.windowAmplification(growth, K),
      gradNormFull: Math.hypot(...gFull),
      gradNormTruncated: Math.hypot(...gCut),
      msFull: best(1, () => walkLossAndGrad(full, flat, T)) * 1e3,
      msTruncated: best(1, () => walkLossAndGrad(cut, flat, T)) * 1e3,
      msGrowth: best(1, () => full.growth(params, s0, T, v0, undefined, 10)) * 1e3,
    });
  }
}

const e = (v: number | string): string => (typeof v === 'number' ? v.toExponential(2) : v);
console.log(`mass-spring walk, segments of ${segment} steps, truncate_every K = ${K}, f64; load ${os.loadavg()[0].toFixed(2)}`);
console.log(
  mdTable(
    [
      'controller',
      'T',
      'exponent / step',
      'e^(exponent T)',
      `max window (${K}) amplification`,
      'grad norm full',
      `grad norm K = ${K}`,
      'ms full',
      `ms K = ${K}`,
      'ms growth',
    ],
    rows.map((r) => [
      String(r.controller),
      String(r.T),
      e(r.exponent),
      e(r.amplification),
      e(r.windowAmplification),
      e(r.gradNormFull),
      e(r.gradNormTruncated),
      Number(r.msFull).toFixed(0),
      Number(r.msTruncated).toFixed(0),
      Number(r.msGrowth).toFixed(0),
    ]),
  ),
);
writeResults('truncation', { date: new Date().toISOString(), quick, K, segment, loadavg: os.loadavg()[0], rows });
