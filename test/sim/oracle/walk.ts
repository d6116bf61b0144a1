/** Test oracle for the walk task: loss = -(x of the centre of mass at the end); Adam on controller weights. */
import { Adam } from '../../../optim/adam.js';
import { reverseThroughTime, rollout, type CheckpointMode } from '../../../sim/checkpoint.js';
import type { MassSpringSim } from './massSpring.js';

export interface WalkResult {
  /** -(final centre-of-mass x). */
  loss: number;
  /** d loss / d controller params (fresh array). */
  grad: Float64Array;
  /** Final minus initial centre-of-mass x. */
  distance: number;
}

function centerX(s: Float64Array, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) c += s[2 * i];
  return c / n;
}

function checkParams(sim: MassSpringSim, params: Float64Array): void {
  if (params.length !== sim.nParams) throw new Error(`params has length ${params.length}, expected ${sim.nParams}`);
}

/** Forward only: distance travelled by the centre of mass. */
export function walkDistance(sim: MassSpringSim, params: Float64Array, steps: number): number {
  checkParams(sim, params);
  sim.params = params;
  const s0 = sim.initialState();
  const sT = rollout(sim, s0, steps);
  return centerX(sT, sim.n) - centerX(s0, sim.n);
}

export function walkLossAndGrad(sim: MassSpringSim, params: Float64Array, steps: number, mode: CheckpointMode = 'all'): WalkResult {
  checkParams(sim, params);
  sim.params = params;
  sim.paramGrad.fill(0);
  const n = sim.n;
  const s0 = sim.initialState();
  const r = reverseThroughTime(
    sim,
    s0,
    steps,
    (t, s, g) => {
      if (t !== steps) return 0;
      for (let i = 0; i < n; i++) g[2 * i] -= 1 / n;
      return -centerX(s, n);
    },
    mode,
  );
  return { loss: r.loss, grad: sim.paramGrad.slice(), distance: centerX(r.finalState, n) - centerX(s0, n) };
}

export interface TrainWalkOptions {
  steps: number;
  iterations: number;
  lr?: number;
  seed?: number;
  mode?: CheckpointMode;
  /** Start from these params instead of a seeded Glorot init. */
  initialParams?: Float64Array;
  onIteration?: (iter: number, distance: number) => void;
}

export interface TrainWalkResult {
  params: Float64Array;
  initialDistance: number;
  finalDistance: number;
  /** Distance at each iteration (before that iteration's update). */
  history: number[];
}

export function trainWalk(sim: MassSpringSim, opts: TrainWalkOptions): TrainWalkResult {
  if (!Number.isInteger(opts.iterations) || opts.iterations < 0) {
    throw new Error(`trainWalk: iterations must be a non-negative integer, got ${opts.iterations}`);
  }
  const params = opts.initialParams ? Float64Array.from(opts.initialParams) : sim.initController(opts.seed ?? 0);
  const adam = new Adam({ lr: opts.lr ?? 0.01 });
  const history: number[] = [];
  for (let it = 0; it < opts.iterations; it++) {
    const r = walkLossAndGrad(sim, params, opts.steps, opts.mode ?? 'all');
    history.push(r.distance);
    opts.onIteration?.(it, r.distance);
    adam.step(params, r.grad);
  }
  const finalDistance = walkDistance(sim, params, opts.steps);
  return { params, initialDistance: history[0] ?? finalDistance, finalDistance, history };
}
