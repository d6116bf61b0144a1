/** The hand-written target task (sim/coreMpm/tasks.ts's targetLoss on the hand-written adjoint): its test oracle. */
import { reverseThroughTime, type CheckpointMode } from '../../../../sim/checkpoint.js';
import type { Mpm2D } from './mpm2d.js';

function centre(s: Float64Array, n: number): [number, number] {
  let cx = 0,
    cy = 0;
  for (let p = 0; p < n; p++) {
    cx += s[2 * p];
    cy += s[2 * p + 1];
  }
  return [cx / n, cy / n];
}

/** The initial state with every particle moving at the one velocity `vel`. */
export function sharedVelocityState(sim: Mpm2D, positions: Float64Array, vel: ArrayLike<number>): Float64Array {
  const v = new Float64Array(2 * sim.n);
  for (let p = 0; p < sim.n; p++) {
    v[2 * p] = vel[0];
    v[2 * p + 1] = vel[1];
  }
  return sim.initialState(positions, v);
}

/**
 * |centre of mass after `steps` - target|^2 as a function of one initial velocity shared by all
 * particles, with its gradient: the sum of the per-particle velocity cotangents.
 */
export function targetLoss(
  sim: Mpm2D,
  positions: Float64Array,
  target: readonly [number, number],
  steps: number,
  mode: CheckpointMode = 'sqrt',
): (vel: ArrayLike<number>) => { loss: number; grad: Float64Array } {
  const n = sim.n;
  return (vel) => {
    const r = reverseThroughTime(
      sim,
      sharedVelocityState(sim, positions, vel),
      steps,
      (t, s, g) => {
        if (t !== steps) return 0;
        const [cx, cy] = centre(s, n);
        const ex = cx - target[0],
          ey = cy - target[1];
        for (let p = 0; p < n; p++) {
          g[2 * p] += (2 * ex) / n;
          g[2 * p + 1] += (2 * ey) / n;
        }
        return ex * ex + ey * ey;
      },
      mode,
    );
    const grad = new Float64Array(2);
    for (let p = 0; p < n; p++) {
      grad[0] += r.initialStateGrad[2 * n + 2 * p];
      grad[1] += r.initialStateGrad[2 * n + 2 * p + 1];
    }
    return { loss: r.loss, grad };
  };
}
