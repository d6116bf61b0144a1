// Trainers for `kind: simulation`: the sim/ simulators' losses and gradients (the mass-spring core program's
// autodiff, MPM's hand-written adjoints) driven through the
// Trainer contract, with optim/ optimizers so checkpoints hold the full optimizer state.
import {
  MassSpringProgram,
  SegmentRunner,
  buildMassSpring,
  defaultRobot,
  walkLossAndGrad,
  massSpringFrames,
  Mpm2D,
  blockParticles2D,
  targetLoss,
  sharedVelocityState,
  mpmFrames,
  ParticleLeftGridError,
  Locomotion,
  type MpmOptions,
  type SimFrame,
} from '../sim/index.js';
import { ConfigError, DivergenceError } from './errors.js';
import type { Optimizer, OptimState } from '../optim/types.js';
import { buildOptimizer } from './optimizer.js';
import { norm } from '../optim/vec.js';
import type { SimulationConfig } from './schema.js';
import type { EvalMetrics, FieldOutput, StepMetrics, Trainer } from './trainer.js';

interface SimState {
  step: number;
  params: number[];
  optimizer: OptimState;
}

function readSimState(s: unknown, nParams: number): SimState {
  const st = s as Partial<SimState> | null;
  if (!st || typeof st.step !== 'number' || !Array.isArray(st.params) || typeof st.optimizer !== 'object') {
    throw new Error('simulation checkpoint: expected { step, params, optimizer }');
  }
  if (st.params.length !== nParams) throw new Error(`simulation checkpoint: params has length ${st.params.length}, expected ${nParams}`);
  return st as SimState;
}

/** Loss/gradient of one task at the current parameters, plus its field frames. */
interface SimTask {
  readonly termName: string;
  /** `step` counts completed training steps (tasks that draw goals per step key them on it, so --resume redraws them). */
  lossAndGrad(params: Float64Array, step: number): { loss: number; grad: Float64Array };
  frames(params: Float64Array): FieldOutput[];
  /** Task scores of the current parameters, where the task has any. */
  evaluate?(params: Float64Array): EvalMetrics;
}

class SimulationTrainer implements Trainer {
  private stepCount = 0;
  private readonly optimizer: Optimizer;
  private readonly gradClip: number | undefined;

  constructor(
    private readonly task: SimTask,
    private readonly params: Float64Array,
    config: SimulationConfig,
  ) {
    this.optimizer = buildOptimizer(config.training) as Optimizer;
    this.gradClip = config.training.grad_clip;
  }

  get step(): number {
    return this.stepCount;
  }

  trainStep(): StepMetrics {
    let r: ReturnType<SimTask['lossAndGrad']>;
    try {
      r = this.task.lossAndGrad(this.params, this.stepCount);
    } catch (e) {
      // the body left the simulation box during training: a divergence of this run (exit 3), with the knobs named
      if (e instanceof ParticleLeftGridError) {
        throw new DivergenceError(
          `${e.message} at training step ${this.stepCount + 1}; the parameters being trained sent it there: lower training.lr, simulator.dt or task.horizon, or start the block further from the walls`,
        );
      }
      throw e;
    }
    const { loss, grad } = r;
    // gradients through long rollouts can explode (chaos, contacts): clip the global norm where asked
    const gradNorm = norm(grad);
    if (this.gradClip !== undefined && gradNorm > this.gradClip) for (let i = 0; i < grad.length; i++) grad[i] *= this.gradClip / gradNorm;
    this.optimizer.step(this.params, grad);
    this.stepCount++;
    return { step: this.stepCount, loss, terms: { [this.task.termName]: loss }, gradNorm };
  }

  evaluate(): EvalMetrics {
    return this.task.evaluate?.(this.params) ?? {};
  }

  predict(): Record<string, Float64Array> {
    throw new Error('predict: a simulation has no field to query at points; its output is particle frames');
  }

  fields(): FieldOutput[] {
    return this.task.frames(this.params);
  }

  state(): SimState {
    return { step: this.stepCount, params: Array.from(this.params), optimizer: this.optimizer.state() };
  }

  load(state: unknown): void {
    const s = readSimState(state, this.params.length);
    this.params.set(s.params);
    this.optimizer.load(s.optimizer);
    this.stepCount = s.step;
  }
}

function particleFrames(name: string, frames: ReturnType<typeof mpmFrames>, dt: number): FieldOutput[] {
  return frames.map((f) => ({
    kind: 'particles',
    name,
    step: f.step,
    time: f.step * dt,
    points: f.points,
    dim: f.dim,
    lines: f.lines,
    pointData: f.pointData,
  }));
}

/**
 * Steps per jitted segment of a mass-spring rollout: 'all' keeps every state (one-step segments), 'sqrt' keeps
 * every ceil(sqrt(horizon))-th state and recomputes the segments between them in the backward pass.
 */
function segmentLength(horizon: number, checkpointing: 'all' | 'sqrt'): number {
  return checkpointing === 'all' ? 1 : Math.max(1, Math.ceil(Math.sqrt(horizon)));
}

/** The mass-spring robot and its controller from the config (controller.* over the simulator's controller keys). */
function massSpringProgram(c: SimulationConfig, nGoal: number): MassSpringProgram {
  const sc = c.simulator;
  if (sc.type !== 'mass-spring') throw new Error('massSpringProgram: expected a mass-spring simulator');
  const model =
    sc.robot === 'default'
      ? defaultRobot()
      : buildMassSpring(
          sc.robot.points,
          sc.robot.springs.map((s) => ({ ...s, restLength: s.rest_length })),
        );
  const ctrl = c.controller;
  return new MassSpringProgram(
    model,
    {
      dt: sc.dt,
      gravity: sc.gravity,
      drag: sc.drag,
      groundHeight: sc.ground_height,
      friction: sc.friction,
      nSin: ctrl?.n_sin ?? sc.n_sin,
      omega: ctrl?.omega ?? sc.omega,
      nHidden: ctrl?.hidden ?? sc.n_hidden,
    },
    nGoal,
  );
}

const initialParams = (sim: MassSpringProgram, seed: number): Float64Array => Float64Array.from(sim.initController(seed).dataSync());

function massSpringWalk(c: SimulationConfig): SimulationTrainer {
  if (c.task.type !== 'walk') throw new Error('massSpringWalk: expected a walk task');
  const sim = massSpringProgram(c, 0);
  const { horizon, checkpointing } = c.task;
  const runner = new SegmentRunner(sim, segmentLength(horizon, checkpointing));
  // frames come from segment boundaries, so the frame stride is a segment of its own runner
  const framer = new SegmentRunner(sim, c.output.frame_every);
  const task: SimTask = {
    termName: 'walk',
    lossAndGrad: (p) => walkLossAndGrad(runner, p, horizon),
    frames: (p) => particleFrames('robot', massSpringFrames(framer, p, horizon)[0], c.simulator.dt),
  };
  return new SimulationTrainer(task, initialParams(sim, c.seed), c);
}

/**
 * Goal markers for the viewer, one point per frame: running, a pacer moving at the goal velocity from the start
 * centre; jumping, the target height above the current centre.
 */
function goalMarker(loco: Locomotion, goal: number, frame: SimFrame, start: SimFrame): Float64Array {
  const centre = (f: SimFrame, k: number): number => {
    let sum = 0;
    for (let i = k; i < f.points.length; i += 2) sum += f.points[i];
    return (2 * sum) / f.points.length;
  };
  const dt = loco.runner.sim.opts.dt;
  return loco.opts.goal === 'running'
    ? Float64Array.of(centre(start, 0) + goal * frame.step * dt, centre(start, 1))
    : Float64Array.of(centre(frame, 0), centre(start, 1) + goal);
}

function massSpringLocomotion(c: SimulationConfig): SimulationTrainer {
  if (c.task.type !== 'locomotion') throw new Error('massSpringLocomotion: expected a locomotion task');
  const t = c.task;
  const sim = massSpringProgram(c, 1);
  const opts = {
    goal: t.goal,
    range: t.goal_range,
    horizon: t.horizon,
    envs: t.envs,
    evalGoals: t.eval_goals,
    tolerance: t.tolerance ?? (t.goal_range[1] - t.goal_range[0]) / 10,
    seed: c.seed,
  };
  const loco = new Locomotion(new SegmentRunner(sim, segmentLength(t.horizon, t.checkpointing)), opts);
  const framer = new SegmentRunner(sim, c.output.frame_every);
  const dt = c.simulator.dt;
  const task: SimTask = {
    termName: t.goal,
    lossAndGrad: (p, step) => loco.lossAndGrad(p, step),
    evaluate: (p) => {
      const e = loco.evaluate(p);
      return { task: { goal_distance: e.goalDistance, success_rate: e.successRate } };
    },
    frames: (p) => {
      const goals = loco.evaluationGoals();
      return massSpringFrames(framer, p, t.horizon, loco.goalInput(goals)).flatMap((frames, k) => [
        ...particleFrames(`robot_${k}`, frames, dt),
        ...particleFrames(
          `goal_${k}`,
          frames.map((f) => ({
            step: f.step,
            dim: 2,
            points: goalMarker(loco, goals[k], f, frames[0]),
            pointData: { goal: Float64Array.of(goals[k]) },
          })),
          dt,
        ),
      ]);
    },
  };
  return new SimulationTrainer(task, initialParams(sim, c.seed), c);
}

/** Optimise one initial velocity shared by all particles so the final centre of mass hits the target. */
function mpmTarget(c: SimulationConfig): SimulationTrainer {
  const sc = c.simulator;
  if (sc.type !== 'mpm' || c.task.type !== 'target') throw new Error('mpmTarget: expected an mpm simulator with a target task');
  const { nx, ny, origin, size, jitter_seed } = sc.block;
  const positions = blockParticles2D(nx, ny, origin[0], origin[1], size[0], size[1], jitter_seed);
  checkSimulationConfig(c);
  const opts: MpmOptions = {
    nGrid: sc.n_grid,
    nParticles: nx * ny,
    dt: sc.dt,
    E: sc.E,
    nu: sc.nu,
    material: sc.material,
    density: sc.density,
    gravity: sc.gravity,
    boundary: sc.boundary,
  };
  const sim = new Mpm2D(opts);
  const { target, horizon, checkpointing } = c.task;
  const task: SimTask = {
    termName: 'target',
    lossAndGrad: targetLoss(sim, positions, target, horizon, checkpointing),
    frames: (vel) =>
      particleFrames('particles', mpmFrames(sim, 2, sharedVelocityState(sim, positions, vel), horizon, c.output.frame_every), sc.dt),
  };
  return new SimulationTrainer(task, Float64Array.from(c.task.initial_velocity), c);
}

/** `fluxion validate` (and trainer construction): what can be known wrong before simulating. */
export function checkSimulationConfig(c: SimulationConfig): void {
  const sc = c.simulator;
  if (sc.type !== 'mpm') return;
  // the B-splines need 0.5 dx <= x < 1 - 1.5 dx: a block outside that box cannot start
  const { origin, size } = sc.block;
  const dx = 1 / sc.n_grid;
  for (let k = 0; k < 2; k++) {
    const lo = origin[k],
      hi = origin[k] + size[k];
    if (lo < 0.5 * dx || hi >= 1 - 1.5 * dx) {
      throw new ConfigError(
        `simulator.block: the block spans [${lo}, ${hi}] on axis ${k}, outside the grid's interior [${0.5 * dx}, ${1 - 1.5 * dx}) for n_grid ${sc.n_grid} (move block.origin or shrink block.size)`,
      );
    }
  }
}

export function createSimulationTrainer(c: SimulationConfig): Trainer {
  if (c.simulator.type !== 'mass-spring') return mpmTarget(c);
  return c.task.type === 'locomotion' ? massSpringLocomotion(c) : massSpringWalk(c);
}
