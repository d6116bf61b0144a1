/**
 * An actuated MPM soft robot under a closed-loop MLP controller, as core programs with a leading batch axis of
 * environments (the MPM counterpart of sim/massSpring/coreStep.ts). Each step the controller sees, per environment,
 * the phase clock, each actuator group's mean position and velocity relative to the centre of mass (a sparse view of
 * the body: 4 numbers per group, not per particle), the centre's velocity and the goal inputs; it outputs one
 * actuation per group in (-1, 1) (tanh), applied to every particle of the group as the MPM's actuation stress.
 *
 * One environment's step is written on the unbatched packed state [S] and mapped over the batch by fx.vmap, so
 * environments cannot interact (each has its own grid: the B-spline transfer runs once per example) and the batch of
 * one is the same program. A segment of K steps is one traced function (params, s [B, S], t0, goal [B, nGoal]), the
 * form sim/segments.ts jits and differentiates with checkpoints at segment boundaries.
 */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import type { FloatDType } from '../../core/dtype.js';
import { applyMlp, initMlp, mlpParamCount, phaseClock, phaseOffsets, type MlpShape } from '../mlp.js';
import { cutGradient, type Segment, type TruncatedSegment } from '../segments.js';
import type { MpmMaterial } from '../mpmOptions.js';
import type { MpmRobot } from './robot.js';
import { GridSegments } from './segments.js';
import { packState, unpackState, type MpmState } from './state.js';
import { coreMpm, type CoreMpm, type CoreMpmOptions } from './step.js';
import { componentMajor } from './tasks.js';

export interface MpmControllerOptions {
  /** hidden width of the MLP */
  nHidden: number;
  /** phase-clock sinusoids sin(omega t dt + 2 pi k / nSin) */
  nSin: number;
  /** angular frequency of the clock per unit time */
  omega: number;
  /** scale of the positions relative to the centre fed to the network (body lengths are ~0.1 of the box) */
  positionScale?: number;
  /** scale of the velocities fed to the network */
  velocityScale?: number;
}

/** The simulator of the robot: any analytic material, 2D, in f64 (default) or f32 (the gpu backend's device dtype). */
export type MpmRobotSimOptions = Omit<CoreMpmOptions, 'nParticles' | 'dim' | 'material' | 'neural' | 'neuralPlasticity' | 'dtype'> & {
  material?: MpmMaterial;
  dtype?: FloatDType;
};

export class MpmRobotProgram {
  readonly sim: CoreMpm;
  /** float type of the simulator, the controller and its inputs */
  readonly dtype: FloatDType;
  readonly mlp: MlpShape;
  readonly nParams: number;
  readonly n: number;
  readonly nGroups: number;
  private readonly positionScale: number;
  private readonly velocityScale: number;
  /** [N, G]: 1 / |group| where particle p is in group g (group means by one matmul) */
  private readonly groupMean: Tensor;
  /** [G, N]: 1 where particle p is in group g (the group actuation onto its particles) */
  private readonly membership: Tensor;
  private readonly offsets: Tensor;

  constructor(
    readonly robot: MpmRobot,
    simOptions: MpmRobotSimOptions,
    readonly controller: MpmControllerOptions,
    /** goal inputs of a goal-conditioned controller */
    readonly nGoal = 1,
  ) {
    const { nHidden, nSin, omega } = controller;
    for (const [k, v] of Object.entries({ nHidden, nSin, nGoal }))
      if (!Number.isInteger(v) || v < (k === 'nGoal' ? 0 : 1))
        throw new Error(`MpmRobotProgram: ${k} must be a ${k === 'nGoal' ? 'non-negative' : 'positive'} integer, got ${v}`);
    if (!(omega > 0)) throw new Error(`MpmRobotProgram: omega must be > 0, got ${omega}`);
    if (robot.nGroups < 1) throw new Error('MpmRobotProgram: the robot has no actuator group');
    this.n = robot.groups.length;
    this.nGroups = robot.nGroups;
    const dtype = simOptions.dtype ?? 'f64';
    if (dtype !== 'f32' && dtype !== 'f64') throw new Error(`MpmRobotProgram: dtype must be 'f32' or 'f64', got ${String(dtype)}`);
    this.dtype = dtype;
    this.sim = coreMpm({ ...simOptions, dim: 2, nParticles: this.n, dtype });
    if (!(this.sim.opts.actuationStrength > 0))
      throw new Error('MpmRobotProgram: actuationStrength must be > 0 (the controller drives nothing)');
    this.positionScale = controller.positionScale ?? 10;
    this.velocityScale = controller.velocityScale ?? 1;
    const G = this.nGroups;
    this.mlp = { nIn: nSin + 4 * G + 2 + nGoal, nHidden, nOut: G };
    this.nParams = mlpParamCount(this.mlp);
    const count = new Float64Array(G);
    for (const g of robot.groups) if (g >= 0) count[g]++;
    const mean = new Float64Array(this.n * G);
    const member = new Float64Array(G * this.n);
    robot.groups.forEach((g, p) => {
      if (g < 0) return;
      mean[p * G + g] = 1 / count[g];
      member[g * this.n + p] = 1;
    });
    this.groupMean = fx.tensor(mean, [this.n, G], dtype);
    this.membership = fx.tensor(member, [G, this.n], dtype);
    this.offsets = phaseOffsets(nSin, dtype);
  }

  /** Seeded Glorot-normal controller parameters (sim/mlp.ts layout). */
  initController(seed: number): Float64Array {
    return initMlp(this.mlp, seed);
  }

  /** Flat controller params as the tensor the segments take (the program's dtype); the length is checked. */
  paramsTensor(params: Float64Array): Tensor {
    if (params.length !== this.nParams) throw new Error(`params has length ${params.length}, expected ${this.nParams}`);
    return fx.tensor(Float64Array.from(params), [this.nParams], this.dtype);
  }

  /** The robot at rest, repeated for `batch` environments: packed states [B, S]. */
  initialState(batch = 1): Tensor {
    const x = fx.tensor(componentMajor(this.robot.positions, 2), [2, this.n], this.dtype);
    const s = packState(this.sim.initialState(x));
    return fx.broadcastTo(fx.reshape(s, [1, s.size]), [batch, s.size]);
  }

  /** Centre of mass of every environment of packed states [B, S]: [B, 2]. */
  centreOfMass(s: Tensor): Tensor {
    return fx.mean(fx.reshape(fx.sliceAxis(s, 1, 0, 2 * this.n), [s.shape[0], 2, this.n]), 2);
  }

  /** Controller inputs of one environment [1, nIn]: clock, group positions and velocities relative to the centre, its velocity, goal. */
  private sensors(st: MpmState, t: Tensor, goal: Tensor | undefined): Tensor {
    const com = fx.mean(st.x, 1, true);
    const vcom = fx.mean(st.v, 1, true);
    const gx = fx.mul(fx.sub(fx.matmul(st.x, this.groupMean), com), this.positionScale);
    const gv = fx.mul(fx.sub(fx.matmul(st.v, this.groupMean), vcom), this.velocityScale);
    const parts = [
      phaseClock(t, this.controller.omega, this.sim.opts.dt, this.offsets),
      fx.reshape(gx, [2 * this.nGroups]),
      fx.reshape(gv, [2 * this.nGroups]),
      fx.mul(fx.reshape(vcom, [2]), this.velocityScale),
    ];
    if (this.nGoal > 0) {
      if (!goal) throw new Error(`MpmRobotProgram: this controller takes ${this.nGoal} goal input(s); pass goal [B, ${this.nGoal}]`);
      parts.push(goal);
    }
    return fx.reshape(fx.concat(parts, 0), [1, this.mlp.nIn]);
  }

  /** Per-particle actuation [N] of one environment: its group's controller output, 0 on passive particles. */
  actuation(params: Tensor, st: MpmState, t: Tensor, goal: Tensor | undefined): Tensor {
    const act = applyMlp(this.mlp, params, this.sensors(st, t, goal));
    return fx.reshape(fx.matmul(act, this.membership), [this.n]);
  }

  /**
   * `len` steps of one environment from its packed state s [S] (t0: index of the first step, a scalar of the program's
   * dtype); where keep[k] = 0 ([len] of 0/1) the state entering step k is cut from the gradient (truncated backprop).
   */
  private advance(len: number, params: Tensor, s: Tensor, t0: Tensor, goal?: Tensor, keep?: Tensor): Tensor {
    const moduli = this.sim.params();
    let st = unpackState(s, this.sim.shape);
    // an f64 clock must not promote an f32 program
    const t0d = fx.cast(t0, this.dtype);
    for (let k = 0; k < len; k++) {
      if (keep) st = fx.mapTree((y) => cutGradient(y, fx.cast(fx.sliceAxis(keep, 0, k, k + 1), this.dtype)), st);
      const t = k === 0 ? t0d : fx.add(t0d, k);
      st = this.sim.step(st, { ...moduli, actuation: this.actuation(params, st, t, goal) });
    }
    return packState(st);
  }

  /** (params, s [B, S], t0, goal [B, nGoal]?) -> the states `len` steps later, every environment by fx.vmap. */
  segment(len: number): Segment {
    return (params, s, t0, goal) => {
      if (this.nGoal > 0 && !goal)
        throw new Error(`MpmRobotProgram: this controller takes ${this.nGoal} goal input(s); pass goal [B, ${this.nGoal}]`);
      const one = (p: Tensor, si: Tensor, t: Tensor, ...g: Tensor[]): Tensor => this.advance(len, p, si, t, g[0]);
      return goal ? fx.vmap(one, [null, 0, null, 0])(params, s, t0, goal) : fx.vmap(one, [null, 0, null])(params, s, t0);
    };
  }

  /** (params, s [B, S], t0, keep [len], goal [B, nGoal]?) -> segment(len)'s states, the gradient cut where keep[k] = 0. */
  truncatedSegment(len: number): TruncatedSegment {
    return (params, s, t0, keep, goal) => {
      const one = (p: Tensor, si: Tensor, t: Tensor, kp: Tensor, ...g: Tensor[]): Tensor => this.advance(len, p, si, t, g[0], kp);
      return goal
        ? fx.vmap(one, [null, 0, null, null, 0])(params, s, t0, keep, goal)
        : fx.vmap(one, [null, 0, null, null])(params, s, t0, keep);
    };
  }
}

export interface MpmRobotSegmentsOptions {
  /** Truncated backpropagation through time: cut the gradient at the states entering steps K, 2K, ... (sim/segments.ts). */
  truncateEvery?: number;
}

/** Jitted segments of a controlled MPM robot (sim/segments.ts); the extra input is the goal [B, nGoal]. */
export class MpmRobotSegments extends GridSegments {
  constructor(
    readonly program: MpmRobotProgram,
    segmentLength: number,
    options: MpmRobotSegmentsOptions = {},
  ) {
    super(
      (len) => program.segment(len),
      segmentLength,
      { truncateEvery: options.truncateEvery, truncated: (len) => program.truncatedSegment(len) },
      'MpmRobotSegments',
    );
  }
}
