/**
 * Per-frame particle output as plain arrays, in the shape the meshes/ VTK PolyData writer takes:
 * { points (dim per point), dim, lines (index pairs), pointData }.
 */
import { rollout, type TimeStepper } from './checkpoint.js';
import type { Tensor } from '../core/index.js';
import { initialPackedState, type SegmentRunner } from './massSpring/coreRollout.js';
import { springPairs } from './massSpring/robot.js';

export interface SimFrame {
  /** Time step index of this frame. */
  step: number;
  points: Float64Array;
  dim: number;
  lines?: Int32Array;
  pointData: Record<string, Float64Array>;
}

function checkEvery(every: number): void {
  if (!Number.isInteger(every) || every < 1) throw new Error(`frames: every must be a positive integer, got ${every}`);
}

/**
 * Frames of a mass-spring rollout under controller params, one list per environment (the batch of `goal`, else one):
 * positions, velocities, springs, at the runner's segment boundaries (every runner.segmentLength steps).
 */
export function massSpringFrames(runner: SegmentRunner, params: Float64Array, steps: number, goal?: Tensor): SimFrame[][] {
  const sim = runner.sim;
  const batch = goal?.shape[0] ?? 1;
  const n = sim.n;
  const lines = springPairs(sim.model);
  const frames: SimFrame[][] = Array.from({ length: batch }, () => []);
  const p = sim.paramsTensor(params);
  runner.simulate(p, initialPackedState(sim, batch), steps, goal, (t, s) => {
    const data = s.dataSync();
    for (let b = 0; b < batch; b++) {
      const o = 4 * n * b;
      frames[b].push({
        step: t,
        points: Float64Array.from(data.subarray(o, o + 2 * n)),
        dim: 2,
        lines,
        pointData: { velocity: Float64Array.from(data.subarray(o + 2 * n, o + 4 * n)) },
      });
    }
  });
  return frames;
}

/** Anything laid out as MPM state: [x (dim N), v (dim N), C (dim^2 N), F (dim^2 N), ...]. */
export interface MpmLike extends TimeStepper {
  readonly n: number;
}

function det(F: Float64Array, o: number, dim: number): number {
  if (dim === 2) return F[o] * F[o + 3] - F[o + 1] * F[o + 2];
  return (
    F[o] * (F[o + 4] * F[o + 8] - F[o + 5] * F[o + 7]) -
    F[o + 1] * (F[o + 3] * F[o + 8] - F[o + 5] * F[o + 6]) +
    F[o + 2] * (F[o + 3] * F[o + 7] - F[o + 4] * F[o + 6])
  );
}

/** Frames of an MPM rollout: positions, velocities and J = det F per particle. */
export function mpmFrames(sim: MpmLike, dim: 2 | 3, s0: Float64Array, steps: number, every = 1): SimFrame[] {
  checkEvery(every);
  const n = sim.n;
  const fOff = (2 * dim + dim * dim) * n;
  const frames: SimFrame[] = [];
  rollout(sim, s0, steps, (t, s) => {
    if (t % every !== 0 && t !== steps) return;
    const J = new Float64Array(n);
    for (let p = 0; p < n; p++) J[p] = det(s, fOff + dim * dim * p, dim);
    frames.push({ step: t, points: s.slice(0, dim * n), dim, pointData: { velocity: s.slice(dim * n, 2 * dim * n), J } });
  });
  return frames;
}
