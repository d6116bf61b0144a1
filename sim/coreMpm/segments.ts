/**
 * The core MPM as jitted segments replayed on the host (sim/segments.ts): K steps per compiled graph, so the per-call
 * host work and the packed state's slicing happen once per segment and the steps' elementwise chains fuse across
 * step boundaries. At the runner's sizes (tens of particles) this is what makes the core as fast as hand-written loops:
 * the per-step jitted stepper (CoreMpmStepper) pays its dispatch on every step.
 *
 * The segment's flat parameter vector is [E, nu] for an analytic material and the law's theta for 'neural'.
 */
import * as fx from '../../core/index.js';
import type { RolloutGrowth, Tensor } from '../../core/index.js';
import { SegmentedRollout, type FinalLoss, type Segment, type ThroughTimeResult, type TrajectoryLoss } from '../segments.js';
import { gridErrors, mpmRollout } from './rollout.js';
import { packState, unpackState } from './state.js';
import type { CoreMpm, MpmParams } from './step.js';

/** The step's parameters from the segment's flat vector p. */
function stepParams(sim: CoreMpm, p: Tensor): MpmParams {
  if (sim.material === 'neural') return { ...sim.params(), theta: p };
  return { E: fx.reshape(fx.slice(p, [0], [1]), []), nu: fx.reshape(fx.slice(p, [1], [1]), []) };
}

/** (p, packed state, t0) -> the packed state `len` steps later. */
export function mpmSegment(sim: CoreMpm, len: number): Segment {
  return (p, s) => packState(mpmRollout(sim, unpackState(s, sim.shape), stepParams(sim, p), len, { segment: 'none' }));
}

/**
 * Jitted MPM segments whose particles must stay on the grid: a particle that leaves it inside a segment (the transfer
 * kernel refuses it) raises ParticleLeftGridError, as in the hand-written simulators.
 */
export class GridSegments extends SegmentedRollout {
  override simulate(params: Tensor, s0: Tensor, steps: number, extra?: Tensor, onState?: (t: number, s: Tensor) => void): Tensor {
    return gridErrors(() => super.simulate(params, s0, steps, extra, onState));
  }

  override valueAndGrad(params: Tensor, s0: Tensor, steps: number, loss: FinalLoss, extra?: Tensor): ThroughTimeResult {
    return gridErrors(() => super.valueAndGrad(params, s0, steps, loss, extra));
  }

  override growth(params: Tensor, s0: Tensor, steps: number, v0: Tensor, extra?: Tensor, stride?: number): RolloutGrowth {
    return gridErrors(() => super.growth(params, s0, steps, v0, extra, stride));
  }

  override trajectoryValueAndGrad(params: Tensor, s0: Tensor, steps: number, loss: TrajectoryLoss, extra?: Tensor): ThroughTimeResult {
    return gridErrors(() => super.trajectoryValueAndGrad(params, s0, steps, loss, extra));
  }
}

/** Jitted segments of a core MPM on its packed state (packState's layout). */
export class MpmSegments extends GridSegments {
  constructor(
    readonly sim: CoreMpm,
    segmentLength: number,
  ) {
    super((len) => mpmSegment(sim, len), segmentLength);
  }

  /** The flat parameter vector [E, nu] (analytic materials). */
  moduli(E = this.sim.opts.E, nu = this.sim.opts.nu): Tensor {
    return fx.tensor([E, nu], [2], this.sim.dtype);
  }
}
