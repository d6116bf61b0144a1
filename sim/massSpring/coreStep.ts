/**
 * One mass-spring step as a pure function of core Tensors: (params, x, v, t[, goal]) -> (x', v'), with an explicit
 * leading batch axis over environments (x, v: [B, n, 2]). Same physics as the hand-written simulator (DiffTaichi
 * mass_spring.py): symplectic Euler, drag, gravity, actuated rest lengths, ground contact with a time of impact and
 * Coulomb friction. Being made of core primitives, fx.grad / fx.vjp / fx.jit / fx.checkpoint apply to any rollout.
 *
 * `dtype: 'f32'` builds every constant, parameter and state in f32 (default f64): the gpu backend's device dtype, so
 * the same program runs there (f64 values would fall back to its host loops).
 */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import type { FloatDType } from '../../core/dtype.js';
import { applyMlp, phaseClock, phaseOffsets } from '../mlp.js';
import { controllerInputs, controllerParamCount, initController, type ControllerShape } from './controller.js';
import { LENGTH_EPS, TOI_VMIN, resolveMassSpringOptions, type MassSpringOptions } from './options.js';
import type { MassSpringModel } from './robot.js';

export interface MassSpringProgramOptions extends MassSpringOptions {
  /** Float type of the program's tensors (default f64; f32 for the gpu backend). */
  dtype?: FloatDType;
}

export class MassSpringProgram {
  readonly opts: Required<MassSpringOptions>;
  readonly dtype: FloatDType;
  readonly n: number;
  readonly nSprings: number;
  readonly controllerShape: ControllerShape;
  readonly nParams: number;
  private readonly endpoints: Tensor;
  private readonly rest: Tensor;
  private readonly stiffness: Tensor;
  private readonly damping: Tensor;
  private readonly actuation: Tensor;
  private readonly phaseOffsets: Tensor;
  private readonly gravityImpulse: Tensor;

  constructor(
    readonly model: MassSpringModel,
    options: MassSpringProgramOptions = {},
    /** Goal inputs of a goal-conditioned controller (0: the plain DiffTaichi controller). */
    readonly nGoal = 0,
  ) {
    const { dtype = 'f64', ...physics } = options;
    if (dtype !== 'f32' && dtype !== 'f64') throw new Error(`MassSpringProgram: dtype must be 'f32' or 'f64', got ${String(dtype)}`);
    this.dtype = dtype;
    this.opts = resolveMassSpringOptions(physics, 'MassSpringProgram');
    if (model.positions.length % 2 !== 0) throw new Error(`MassSpringProgram: positions length ${model.positions.length} is not even`);
    if (!Number.isInteger(nGoal) || nGoal < 0) throw new Error(`MassSpringProgram: nGoal must be a non-negative integer, got ${nGoal}`);
    const sp = model.springs;
    this.n = model.positions.length / 2;
    this.nSprings = sp.a.length;
    this.controllerShape = { nSin: this.opts.nSin, nParticles: this.n, nHidden: this.opts.nHidden, nOut: this.nSprings, nGoal };
    this.nParams = controllerParamCount(this.controllerShape);
    // both endpoints in one index list so the spring impulses land in one scatter
    this.endpoints = fx.tensor(Int32Array.from([...sp.a, ...sp.b]), [2 * this.nSprings], 'i32');
    this.rest = this.vector(sp.restLength);
    this.stiffness = this.vector(sp.stiffness);
    this.damping = this.vector(sp.damping);
    this.actuation = this.vector(sp.actuation);
    const { nSin, dt, gravity } = this.opts;
    this.phaseOffsets = phaseOffsets(nSin, this.dtype);
    this.gravityImpulse = this.vector([0, dt * gravity]);
  }

  /** Values as a 1-D tensor of the program's dtype. */
  private vector(a: ArrayLike<number>): Tensor {
    return fx.tensor(Float64Array.from(a), [a.length], this.dtype);
  }

  /** Seeded Glorot-normal controller parameters, flat [W1, b1, W2, b2] as in the hand-written controller. */
  initController(seed: number): Tensor {
    return this.vector(initController(this.controllerShape, seed));
  }

  /** Flat controller params (e.g. an optimizer's vector) as the tensor step() takes (program dtype); the length is checked. */
  paramsTensor(params: Float64Array): Tensor {
    if (params.length !== this.nParams) throw new Error(`params has length ${params.length}, expected ${this.nParams}`);
    return this.vector(params);
  }

  /** The model's rest positions and zero velocities, repeated for `batch` environments: x, v of shape [B, n, 2]. */
  initialState(batch = 1): [Tensor, Tensor] {
    const x = new Float64Array(batch * 2 * this.n);
    for (let b = 0; b < batch; b++) x.set(this.model.positions, b * 2 * this.n);
    return [fx.tensor(x, [batch, this.n, 2], this.dtype), fx.zeros([batch, this.n, 2], this.dtype)];
  }

  /** act = tanh(W2 tanh(W1 u + b1) + b2) for a batch of inputs u [B, nIn]; params flat as initController lays them out. */
  controller(params: Tensor, u: Tensor): Tensor {
    const { nHidden, nOut } = this.controllerShape;
    return applyMlp({ nIn: controllerInputs(this.controllerShape), nHidden, nOut }, params, u);
  }

  /** Controller inputs: phase sinusoids, per-particle (x - centre, v) * sensorScale, then the goal [B, nGoal]. */
  private sensors(x: Tensor, v: Tensor, t: Tensor, goal: Tensor | undefined): Tensor {
    const { omega, dt, sensorScale, nSin } = this.opts;
    const batch = x.shape[0];
    const phase = phaseClock(t, omega, dt, this.phaseOffsets);
    const rel = fx.mul(fx.sub(x, fx.mean(x, 1, true)), sensorScale);
    const particles = fx.reshape(fx.concat([rel, fx.mul(v, sensorScale)], 2), [batch, 4 * this.n]);
    const parts = [fx.broadcastTo(fx.reshape(phase, [1, nSin]), [batch, nSin]), particles];
    if (this.nGoal > 0) {
      if (!goal) throw new Error(`MassSpringProgram.step: this controller takes ${this.nGoal} goal input(s); pass goal [B, ${this.nGoal}]`);
      parts.push(goal);
    }
    return fx.concat(parts, 1);
  }

  /** Velocity after drag, gravity and the spring impulses, before ground contact. */
  private preContactVelocity(x: Tensor, v: Tensor, act: Tensor): Tensor {
    const { dt, drag } = this.opts;
    const m = this.nSprings;
    const ends = (y: Tensor): Tensor => {
      const both = fx.gather(y, this.endpoints, 1);
      return fx.sub(fx.sliceAxis(both, 1, 0, m), fx.sliceAxis(both, 1, m, 2 * m));
    };
    const d = ends(x);
    const L = fx.add(fx.sqrt(fx.sum(fx.square(d), 2)), LENGTH_EPS);
    const target = fx.mul(this.rest, fx.add(fx.mul(this.actuation, act), 1));
    const vrd = fx.sum(fx.mul(ends(v), d), 2);
    const phi = fx.add(fx.div(fx.mul(this.stiffness, fx.sub(L, target)), L), fx.div(fx.mul(this.damping, vrd), fx.mul(L, L)));
    const f = fx.mul(fx.reshape(fx.mul(phi, dt), [x.shape[0], m, 1]), d);
    const vDrag = fx.add(fx.mul(v, Math.exp(-dt * drag)), this.gravityImpulse);
    return fx.scatterAdd(vDrag, this.endpoints, fx.concat([fx.neg(f), f], 1), 1);
  }

  /**
   * One symplectic-Euler step of every environment. t is the step index (a float scalar, driving the phase clock);
   * it is cast to the program's dtype, so an f64 clock cannot promote an f32 program.
   */
  step(params: Tensor, x: Tensor, v: Tensor, t: Tensor, goal?: Tensor): [Tensor, Tensor] {
    const { dt, groundHeight, friction } = this.opts;
    const act = this.controller(params, this.sensors(x, v, fx.cast(t, this.dtype), goal));
    const vp = this.preContactVelocity(x, v, act);
    const px = fx.sliceAxis(x, 2, 0, 1);
    const py = fx.sliceAxis(x, 2, 1, 2);
    const vx = fx.sliceAxis(vp, 2, 0, 1);
    const vy = fx.sliceAxis(vp, 2, 1, 2);
    const freeX = fx.add(px, fx.mul(vx, dt));
    const freeY = fx.add(py, fx.mul(vy, dt));
    // time of impact (DiffTaichi advance_toi): a particle reaching the ground inside the step moves to it, then
    // slides with the friction-projected velocity; this keeps positions continuous in the parameters
    const hit = fx.mul(fx.greater(groundHeight, freeY), fx.greater(-TOI_VMIN, vy));
    // the branch not taken must stay finite, or where's zero cotangent times inf poisons the gradient
    const vyHit = fx.where(hit, vy, -1);
    const toi = fx.div(fx.sub(groundHeight, py), vyHit);
    const slide = friction === Infinity ? fx.zerosLike(vx) : fx.mul(fx.sign(vx), fx.relu(fx.add(fx.abs(vx), fx.mul(vyHit, friction))));
    const hitX = fx.add(fx.add(px, fx.mul(toi, vx)), fx.mul(fx.sub(dt, toi), slide));
    const hitY = fx.add(py, fx.mul(toi, vyHit));
    const x1 = fx.concat([fx.where(hit, hitX, freeX), fx.where(hit, hitY, freeY)], 2);
    const v1 = fx.concat([fx.where(hit, slide, vx), fx.where(hit, 0, vy)], 2);
    return [x1, v1];
  }
}
