/**
 * Mass-spring robot learns to walk. Run: npx tsx sim/examples/walk.ts [iterations] [steps]
 * Prints the distance travelled per iteration; writes frames of the trained gait as JSON.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MassSpringProgram, SegmentRunner, defaultRobot, massSpringFrames, trainWalk } from '../index.js';

const iterations = Number(process.argv[2] ?? 100);
const steps = Number(process.argv[3] ?? 1000);
const sim = new MassSpringProgram(defaultRobot());
// states kept every ceil(sqrt(steps)) steps; each segment is recomputed in the backward pass
const runner = new SegmentRunner(sim, Math.ceil(Math.sqrt(steps)));
const t0 = performance.now();
const r = trainWalk(runner, {
  steps,
  iterations,
  lr: 0.003,
  seed: 0,
  onIteration: (it, d) => {
    if (it % 10 === 0) console.log(`iter ${it}: distance ${d.toFixed(4)}`);
  },
});
const secs = (performance.now() - t0) / 1000;
console.log(
  `untrained distance ${r.initialDistance.toFixed(4)}, trained ${r.finalDistance.toFixed(4)} ` +
    `(${(r.finalDistance / Math.abs(r.initialDistance)).toFixed(1)}x) in ${secs.toFixed(1)} s`,
);
const frames = massSpringFrames(new SegmentRunner(sim, 20), r.params, steps)[0].map((f) => ({
  step: f.step,
  points: Array.from(f.points),
  lines: Array.from(f.lines ?? []),
}));
const outPath = process.argv[4] ?? join(tmpdir(), 'walk-frames.json');
writeFileSync(outPath, JSON.stringify(frames));
console.log(`wrote ${outPath} (${frames.length} frames)`);
