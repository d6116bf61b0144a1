/** The walk task on the core program: loss = -(mean final centre-of-mass x); Adam on the controller weights. */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import { Adam } from '../../optim/adam.js';
import type { FinalLoss, SegmentRunner } from './coreRollout.js';
import { initialPackedState, unpackState } from './coreRollout.js';
import type { MassSpringProgram } from './coreStep.js';

/** Centre of mass of each environment of a packed state: [B, 2]. */
export function centreOfMass(sim: MassSpringProgram, s: Tensor): Tensor {
  return fx.mean(unpackState(sim, s)[0], 1);
}

/** -(final centre x), averaged over environments. */
export function walkLoss(sim: MassSpringProgram): FinalLoss {
  return (sT) => fx.neg(fx.mean(fx.sliceAxis(centreOfMass(sim, sT), 1, 0, 1)));
}

export interface WalkResult {
  loss: number;
  /** d loss / d controller params. */
  grad: Float64Array;
  /** Final minus initial centre-of-mass x (environment 0). */
  distance: number;
}

const centreX = (sim: MassSpringProgram, s: Tensor): number => centreOfMass(sim, s).dataSync()[0];

/** Forward only: distance travelled by the centre of mass. */
export function walkDistance(runner: SegmentRunner, params: Float64Array, steps: number): number {
  const sim = runner.sim;
  const s0 = initialPackedState(sim);
  return centreX(sim, runner.simulate(sim.paramsTensor(params), s0, steps)) - centreX(sim, s0);
}

const losses = new WeakMap<MassSpringProgram, FinalLoss>();

export function walkLossAndGrad(runner: SegmentRunner, params: Float64Array, steps: number): WalkResult {
  const sim = runner.sim;
  let loss = losses.get(sim);
  // one loss function per simulator, so the runner compiles its gradient once
  if (!loss) losses.set(sim, (loss = walkLoss(sim)));
  const s0 = initialPackedState(sim);
  const r = runner.valueAndGrad(sim.paramsTensor(params), s0, steps, loss);
  return { loss: r.loss, grad: r.grad, distance: centreX(sim, r.finalState) - centreX(sim, s0) };
}

export interface TrainWalkOptions {
  steps: number;
  iterations: number;
  lr?: number;
  seed?: number;
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

export function trainWalk(runner: SegmentRunner, opts: TrainWalkOptions): TrainWalkResult {
  if (!Number.isInteger(opts.iterations) || opts.iterations < 0) {
    throw new Error(`trainWalk: iterations must be a non-negative integer, got ${opts.iterations}`);
  }
  const params = opts.initialParams
    ? Float64Array.from(opts.initialParams)
    : Float64Array.from(runner.sim.initController(opts.seed ?? 0).dataSync());
  const adam = new Adam({ lr: opts.lr ?? 0.01 });
  const history: number[] = [];
  for (let it = 0; it < opts.iterations; it++) {
    const r = walkLossAndGrad(runner, params, opts.steps);
    history.push(r.distance);
    opts.onIteration?.(it, r.distance);
    adam.step(params, r.grad);
  }
  const finalDistance = walkDistance(runner, params, opts.steps);
  return { params, initialDistance: history[0] ?? finalDistance, finalDistance, history };
}
