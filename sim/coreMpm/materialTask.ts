/**
 * Learning a constitutive law from particle trajectories as a training task (NCLaw, Ma et al. 2023): the neural
 * elastic law of the 2D core MPM, optionally with the learned plastic return mapping, fitted on the first
 * `trainFrames` observed frames of the training trajectories (gradient through the checkpointed rollout) and scored on
 * every frame of held-out trajectories (other initial conditions and shapes, a longer horizon) against the observed
 * motion. Errors are mean particle distances divided by the body's size.
 */
import * as fx from '../../core/index.js';
import type { RolloutGrowth, Tensor } from '../../core/index.js';
import type { FloatDType } from '../../core/dtype.js';
import { frameRollout, relativeDistances, trajectoryValueAndGrad, type Observation } from './learnMaterial.js';
import type { RolloutParams } from './rollout.js';
import { neuralElasticity, type NeuralElasticity } from './neuralMaterial.js';
import { neuralPlasticity, type NeuralPlasticity } from './neuralPlasticity.js';
import { type MpmState, packState } from './state.js';
import { MpmSegments } from './segments.js';
import { type CoreMpm, coreMpm } from './step.js';
import type { MaterialSimOptions, Trajectory } from './trajectories.js';

export interface NeuralLawOptions {
  /** E0, the stiffness scale of the elastic network's moduli (a prior guess of Young's modulus) */
  stiffness: number;
  hidden: readonly number[];
  seed: number;
  /** the learned plastic return mapping; omitted = elastic only */
  plastic?: { hidden: readonly number[]; seed: number };
}

export interface MaterialLearningOptions {
  sim: MaterialSimOptions;
  law: NeuralLawOptions;
  /** steps between observed frames */
  every: number;
  /** frames of each training trajectory the loss sees (the trained horizon is every * trainFrames steps) */
  trainFrames: number;
  train: readonly Trajectory[];
  test: readonly Trajectory[];
  /** truncated backpropagation through time in the training loss: a multiple of every (observeFrames) */
  truncateEvery?: number;
  /** float type of the learned law and its simulators (default f64; f32 for the gpu backend); trajectories are cast to it */
  dtype?: FloatDType;
}

export interface MaterialErrors {
  /** training trajectories, mean over frames 1..trainFrames (the fit) */
  train: number;
  /** training trajectories, mean over all their frames */
  trainLong: number;
  /** held-out trajectories, mean over frames 1..trainFrames */
  test: number;
  /** held-out trajectories, mean over all their frames (the longer horizon) */
  testLong: number;
  /** held-out trajectories at their last frame */
  testFinal: number;
}

/** One trajectory rolled out under the learned law: the state at every observed frame and its distance per frame. */
export interface Prediction {
  trajectory: Trajectory;
  states: MpmState[];
  /** mean particle distance to the observed positions, relative to the size, per frame */
  errors: number[];
}

interface PerCount {
  sim: CoreMpm;
  valueAndGrad: ReturnType<typeof trajectoryValueAndGrad>;
  rollout: ReturnType<typeof frameRollout>;
  /** jitted segments of `every` steps (the chaos guard's rollout), made on first use */
  segments?: MpmSegments;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function checkTrajectory(t: Trajectory, minFrames: number, role: string): void {
  const n = t.x0.shape[1];
  const ok = (x: Tensor): boolean => x.rank === 2 && x.shape[0] === 2 && x.shape[1] === n;
  if (!ok(t.x0) || !ok(t.v0)) throw new Error(`materialLearning: ${role} '${t.name}': x0 and v0 must both be [2, N]`);
  if (t.frames.length < minFrames)
    throw new Error(`materialLearning: ${role} '${t.name}' has ${t.frames.length} frames, needs at least ${minFrames}`);
  t.frames.forEach((f, k) => {
    if (!ok(f)) throw new Error(`materialLearning: ${role} '${t.name}' frame ${k + 1} is [${f.shape.join(', ')}], expected [2, ${n}]`);
  });
  if (!(t.size > 0)) throw new Error(`materialLearning: ${role} '${t.name}': size must be > 0, got ${t.size}`);
}

export class MaterialLearning {
  readonly law: NeuralElasticity;
  readonly plastic?: NeuralPlasticity;
  /** length of the flat parameter vector: the elastic network's, then the plastic network's */
  readonly size: number;
  readonly dtype: FloatDType;
  /** simulators, losses and rollouts per particle count (a simulator's particle count is fixed) */
  private readonly byCount = new Map<number, PerCount>();

  constructor(readonly opts: MaterialLearningOptions) {
    const { every, trainFrames, train, test, law } = opts;
    if (!Number.isInteger(every) || every < 1) throw new Error(`materialLearning: every must be a positive integer, got ${every}`);
    if (!Number.isInteger(trainFrames) || trainFrames < 1)
      throw new Error(`materialLearning: trainFrames must be a positive integer, got ${trainFrames}`);
    if (!train.length || !test.length) throw new Error('materialLearning: needs at least one training and one held-out trajectory');
    for (const t of train) checkTrajectory(t, trainFrames, 'training trajectory');
    for (const t of test) checkTrajectory(t, 1, 'held-out trajectory');
    const dtype = (this.dtype = opts.dtype ?? 'f64');
    this.law = neuralElasticity({ dim: 2, stiffness: law.stiffness, hidden: law.hidden, seed: law.seed, dtype });
    if (law.plastic) this.plastic = neuralPlasticity({ hidden: law.plastic.hidden, seed: law.plastic.seed, dtype });
    this.size = this.law.size + (this.plastic?.size ?? 0);
  }

  /** The seeded initial parameters. */
  init(): Float64Array {
    const th = this.plastic ? fx.concat([this.law.init(), this.plastic.init()]) : this.law.init();
    return Float64Array.from(th.dataSync());
  }

  private forCount(n: number): PerCount {
    let pc = this.byCount.get(n);
    if (!pc) {
      const sim = coreMpm({
        ...this.opts.sim,
        dim: 2,
        nParticles: n,
        material: 'neural',
        neural: this.law,
        neuralPlasticity: this.plastic,
        dtype: this.dtype,
      });
      pc = {
        sim,
        valueAndGrad: trajectoryValueAndGrad(sim, this.opts.every, this.opts.truncateEvery),
        rollout: frameRollout(sim, this.opts.every),
      };
      this.byCount.set(n, pc);
    }
    return pc;
  }

  private thetaTensor(theta: Float64Array): Tensor {
    if (theta.length !== this.size) throw new Error(`materialLearning: theta has length ${theta.length}, expected ${this.size}`);
    return fx.tensor(theta, [this.size], this.dtype);
  }

  /** A trajectory's start as a simulator state of this task's dtype. */
  private start(pc: PerCount, t: Trajectory): MpmState {
    return pc.sim.initialState(fx.cast(t.x0, this.dtype), fx.cast(t.v0, this.dtype));
  }

  /**
   * The training loss, sum over training trajectories of the mean squared particle distance over frames
   * 1..trainFrames relative to size^2, and its gradient in theta through the checkpointed rollouts.
   */
  lossAndGrad(theta: Float64Array): { loss: number; grad: Float64Array } {
    const th = this.thetaTensor(theta);
    const grad = new Float64Array(this.size);
    let loss = 0;
    for (const t of this.opts.train) {
      const pc = this.forCount(t.x0.shape[1]);
      const frames = t.frames.slice(0, this.opts.trainFrames).map((f) => fx.cast(f, this.dtype));
      const ob: Observation = { state0: this.start(pc, t), frames };
      const r = pc.valueAndGrad(th, ob);
      const s2 = t.size * t.size;
      loss += r.loss / s2;
      for (let i = 0; i < grad.length; i++) grad[i] += r.grad[i] / s2;
    }
    return { loss, grad };
  }

  /**
   * The chaos guard on the first training trajectory's rollout over the training frames under the law theta: the
   * growth of a seeded random perturbation of its start state, in stretches of `stride` steps (SegmentedRollout.growth).
   */
  growth(theta: Float64Array, stride: number, seed: number): RolloutGrowth {
    const t = this.opts.train[0];
    const pc = this.forCount(t.x0.shape[1]);
    pc.segments ??= new MpmSegments(pc.sim, this.opts.every);
    const s0 = packState(this.start(pc, t));
    const steps = this.opts.trainFrames * this.opts.every;
    return pc.segments.growth(this.thetaTensor(theta), s0, steps, fx.randomTangent(s0, seed), undefined, stride);
  }

  /** Rollouts of the given trajectories under the law theta, over all their observed frames. */
  predict(theta: Float64Array, trajectories: readonly Trajectory[]): Prediction[] {
    const th = this.thetaTensor(theta);
    return trajectories.map((t) => {
      const pc = this.forCount(t.x0.shape[1]);
      const params: RolloutParams = { ...pc.sim.params(), theta: th };
      const states = pc.rollout(this.start(pc, t), params, t.frames.length);
      const errors = relativeDistances(
        states.map((s) => s.x),
        t.frames,
        t.size,
      );
      return { trajectory: t, states, errors };
    });
  }

  errors(theta: Float64Array): MaterialErrors {
    const k = this.opts.trainFrames;
    const train = this.predict(theta, this.opts.train);
    const test = this.predict(theta, this.opts.test);
    const within = (p: Prediction): number => mean(p.errors.slice(0, k));
    return {
      train: mean(train.map(within)),
      trainLong: mean(train.map((p) => mean(p.errors))),
      test: mean(test.map(within)),
      testLong: mean(test.map((p) => mean(p.errors))),
      testFinal: mean(test.map((p) => p.errors[p.errors.length - 1])),
    };
  }
}
