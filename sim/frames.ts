/**
 * Per-frame particle output as plain arrays, in the shape the meshes/ VTK PolyData writer takes:
 * { points (dim per point), dim, lines (index pairs), pointData }.
 */
import type { Tensor } from '../core/index.js';
import { initialPackedState, type SegmentRunner } from './massSpring/coreRollout.js';
import { springPairs } from './massSpring/robot.js';
import type { MpmSegments } from './coreMpm/segments.js';
import type { MpmRobotSegments } from './coreMpm/controlled.js';
import { stateSize } from './coreMpm/state.js';

export interface SimFrame {
  /** Time step index of this frame. */
  step: number;
  points: Float64Array;
  dim: number;
  lines?: Int32Array;
  pointData: Record<string, Float64Array>;
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

function det(F: Float64Array, o: number, dim: number): number {
  if (dim === 2) return F[o] * F[o + 3] - F[o + 1] * F[o + 2];
  return (
    F[o] * (F[o + 4] * F[o + 8] - F[o + 5] * F[o + 7]) -
    F[o + 1] * (F[o + 3] * F[o + 8] - F[o + 5] * F[o + 6]) +
    F[o + 2] * (F[o + 3] * F[o + 7] - F[o + 4] * F[o + 6])
  );
}

/** One MPM frame of a packed, component-major state stored at `data[o ...]`: positions, velocities, J = det F. */
function mpmFrame(data: Float32Array | Float64Array, o: number, dim: number, n: number, step: number): SimFrame {
  const s = data.subarray(o);
  const points = new Float64Array(dim * n);
  const velocity = new Float64Array(dim * n);
  const J = new Float64Array(n);
  const F = new Float64Array(dim * dim);
  for (let p = 0; p < n; p++) {
    for (let k = 0; k < dim; k++) {
      points[dim * p + k] = s[k * n + p];
      velocity[dim * p + k] = s[(dim + k) * n + p];
    }
    for (let e = 0; e < dim * dim; e++) F[e] = s[(2 * dim + dim * dim + e) * n + p];
    J[p] = det(F, 0, dim);
  }
  return { step, points, dim, pointData: { velocity, J } };
}

/**
 * Frames of a core MPM rollout (packed, component-major states) at the runner's segment boundaries (every
 * runner.segmentLength steps, and the last step): positions, velocities and J = det F per particle.
 */
export function coreMpmFrames(runner: MpmSegments, params: Tensor, s0: Tensor, steps: number): SimFrame[] {
  const { dim, n } = runner.sim.shape;
  const frames: SimFrame[] = [];
  runner.simulate(params, s0, steps, undefined, (t, st) =>
    frames.push(mpmFrame(st.dataSync() as Float32Array | Float64Array, 0, dim, n, t)),
  );
  return frames;
}

/**
 * Frames of a controlled MPM robot, one list per environment (the batch of `goal`): positions, velocities and J at
 * the runner's segment boundaries, and the actuator group of each particle.
 */
export function mpmRobotFrames(runner: MpmRobotSegments, params: Float64Array, steps: number, goal: Tensor): SimFrame[][] {
  const prog = runner.program;
  const { dim, n } = prog.sim.shape;
  const batch = goal.shape[0];
  const size = stateSize(prog.sim.shape);
  const group = Float64Array.from(prog.robot.groups);
  const frames: SimFrame[][] = Array.from({ length: batch }, () => []);
  runner.simulate(prog.paramsTensor(params), prog.initialState(batch), steps, goal, (t, st) => {
    const data = st.dataSync() as Float32Array | Float64Array;
    for (let b = 0; b < batch; b++) {
      const f = mpmFrame(data, b * size, dim, n, t);
      f.pointData.group = group;
      frames[b].push(f);
    }
  });
  return frames;
}
