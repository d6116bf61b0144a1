// Trainers for `kind: simulation`: the sim/ simulators' losses and gradients (the core programs' autodiff through
// jitted, checkpointed segments; task learn_material in runner/learnMaterial.ts) as SimTasks of the shared
// SimulationTrainer (runner/simTrainer.ts).
import {
  MassSpringProgram,
  SegmentRunner,
  buildMassSpring,
  defaultRobot,
  walkLossAndGrad,
  initialPackedState,
  massSpringFrames,
  MpmSegments,
  coreMpm,
  blockParticles2D,
  checkpointSegment,
  targetLoss,
  sharedVelocityState,
  coreMpmFrames,
  type GoalLocomotion,
  Locomotion,
  MpmLocomotion,
  MpmRobotProgram,
  MpmRobotSegments,
  buildMpmRobot,
  difftaichiWalker,
  mpmRobotFrames,
  type MpmRobot,
  type RobotRect,
  robotExtent,
  robotGroups,
  type MpmMaterial,
  type MpmOptions,
  type LocomotionGoals,
  type LocomotionOptions,
  type SimFrame,
} from '../sim/index.js';
import { getBackend, randomTangent } from '../core/index.js';
import type { FloatDType } from '../core/dtype.js';
import type { SimulationConfig } from './schema.js';
import { SimulationTrainer, particleFrames, type SimTask } from './simTrainer.js';
import type { Trainer, TrainerContext } from './trainer.js';
import type { Tensor } from '../core/index.js';
import { checkBoxInGrid, checkLearnMaterialConfig, learnMaterialTrainer } from './learnMaterial.js';
import { ConfigError } from './errors.js';

/**
 * Steps per jitted segment of a mass-spring rollout: 'all' keeps every state (one-step segments), 'sqrt' keeps
 * every ceil(sqrt(horizon))-th state and recomputes the segments between them in the backward pass.
 */
function segmentLength(horizon: number, checkpointing: 'all' | 'sqrt'): number {
  return checkpointing === 'all' ? 1 : Math.max(1, Math.ceil(Math.sqrt(horizon)));
}

/**
 * The simulators' float type: f32 on the gpu backend (its device dtype: f64 values would run on its host loops, one
 * primitive at a time), f64 elsewhere.
 */
const simDtype = (): FloatDType => (getBackend() === 'gpu' ? 'f32' : 'f64');

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
      dtype: simDtype(),
    },
    nGoal,
  );
}

const initialParams = (sim: MassSpringProgram, seed: number): Float64Array => Float64Array.from(sim.initController(seed).dataSync());

function massSpringWalk(c: SimulationConfig): SimulationTrainer {
  if (c.task.type !== 'walk') throw new Error('massSpringWalk: expected a walk task');
  const sim = massSpringProgram(c, 0);
  const { horizon, checkpointing } = c.task;
  const runner = new SegmentRunner(sim, segmentLength(horizon, checkpointing), { truncateEvery: c.training.truncate_every });
  // frames come from segment boundaries, so the frame stride is a segment of its own runner
  const framer = new SegmentRunner(sim, c.output.frame_every);
  const task: SimTask = {
    termName: 'walk',
    lossAndGrad: (p) => walkLossAndGrad(runner, p, horizon),
    frames: (p) => particleFrames('robot', massSpringFrames(framer, p, horizon)[0], c.simulator.dt),
    chaos: {
      segmentLength: runner.segmentLength,
      growth: (p, stride) => {
        const s0 = initialPackedState(sim);
        return runner.growth(sim.paramsTensor(p), s0, horizon, randomTangent(s0, c.seed), undefined, stride);
      },
    },
  };
  return new SimulationTrainer(task, initialParams(sim, c.seed), c);
}

/**
 * Goal markers for the viewer, one point per frame: running, a pacer moving at the goal velocity from the start
 * centre; jumping, the target height above the current centre.
 */
function goalMarker(goals: LocomotionGoals, goal: number, frame: SimFrame, start: SimFrame): Float64Array {
  const centre = (f: SimFrame, k: number): number => {
    let sum = 0;
    for (let i = k; i < f.points.length; i += 2) sum += f.points[i];
    return (2 * sum) / f.points.length;
  };
  return goals.opts.goal === 'running'
    ? Float64Array.of(centre(start, 0) + goal * frame.step * goals.dt, centre(start, 1))
    : Float64Array.of(centre(frame, 0), centre(start, 1) + goal);
}

/** task.locomotion's options (tolerance by default a tenth of the goal range). */
function locomotionOptions(c: SimulationConfig): LocomotionOptions {
  if (c.task.type !== 'locomotion') throw new Error('locomotionOptions: expected a locomotion task');
  const t = c.task;
  return {
    goal: t.goal,
    range: t.goal_range,
    horizon: t.horizon,
    envs: t.envs,
    evalGoals: t.eval_goals,
    tolerance: t.tolerance ?? (t.goal_range[1] - t.goal_range[0]) / 10,
    seed: c.seed,
  };
}

/**
 * The SimTask of a locomotion task: scores on the held-out goals; frames of the robots under those goals (`rollout`:
 * one frame list per environment for the goal inputs) beside their goal markers, one series each.
 */
function locomotionSimTask(
  loco: GoalLocomotion,
  rollout: (p: Float64Array, goal: Tensor) => SimFrame[][],
  dt: number,
  seed: number,
): SimTask {
  const goals = loco.goals;
  const evalGoals = goals.evaluationGoals();
  return {
    termName: goals.opts.goal,
    // one episode, the middle held-out goal's: the check costs a third of a training step, not eval_goals / envs of them
    chaos: {
      segmentLength: loco.runner.segmentLength,
      growth: (p, stride) => loco.growth(p, stride, seed, evalGoals.slice(evalGoals.length >> 1, (evalGoals.length >> 1) + 1)),
    },
    lossAndGrad: (p, step) => loco.lossAndGrad(p, step),
    evaluate: (p) => {
      const e = loco.evaluate(p);
      return { task: { goal_distance: e.goalDistance, success_rate: e.successRate } };
    },
    frames: (p) =>
      rollout(p, goals.goalInput(evalGoals)).flatMap((frames, k) => [
        ...particleFrames(`robot_${k}`, frames, dt),
        ...particleFrames(
          `goal_${k}`,
          frames.map((f) => ({
            step: f.step,
            dim: 2,
            points: goalMarker(goals, evalGoals[k], f, frames[0]),
            pointData: { goal: Float64Array.of(evalGoals[k]) },
          })),
          dt,
        ),
      ]),
  };
}

function massSpringLocomotion(c: SimulationConfig): SimulationTrainer {
  if (c.task.type !== 'locomotion') throw new Error('massSpringLocomotion: expected a locomotion task');
  const t = c.task;
  const sim = massSpringProgram(c, 1);
  const runner = new SegmentRunner(sim, segmentLength(t.horizon, t.checkpointing), { truncateEvery: c.training.truncate_every });
  const loco = new Locomotion(runner, locomotionOptions(c));
  const framer = new SegmentRunner(sim, c.output.frame_every);
  const task = locomotionSimTask(loco, (p, goal) => massSpringFrames(framer, p, t.horizon, goal), c.simulator.dt, c.seed);
  return new SimulationTrainer(task, initialParams(sim, c.seed), c);
}

type MpmSimulatorConfig = Extract<SimulationConfig['simulator'], { type: 'mpm' }>;

/** The simulator keys of an MPM with an analytic material, as the core MPM's options. */
function analyticMpmOptions(sc: MpmSimulatorConfig, material: MpmMaterial): Omit<MpmOptions, 'nParticles'> {
  return { nGrid: sc.n_grid, dt: sc.dt, E: sc.E, nu: sc.nu, material, density: sc.density, gravity: sc.gravity, boundary: sc.boundary };
}

const robotRects = (sc: MpmSimulatorConfig): RobotRect[] => (sc.robot.body === 'walker' ? difftaichiWalker() : sc.robot.body);

/** Most particles of an MPM robot (every environment simulates them all, every step). */
const MAX_ROBOT_PARTICLES = 100_000;

/** The particles and actuator groups of simulator.robot. */
function mpmRobot(sc: MpmSimulatorConfig): MpmRobot {
  return buildMpmRobot(robotRects(sc), sc.n_grid, sc.robot.origin, sc.robot.scale);
}

/** The MPM robot of task locomotion and its controller from the config. */
function mpmRobotProgram(c: SimulationConfig): MpmRobotProgram {
  const sc = c.simulator;
  if (sc.type !== 'mpm' || typeof sc.material === 'object')
    throw new Error('mpmRobotProgram: expected an mpm simulator with an analytic material');
  const ctrl = c.controller;
  return new MpmRobotProgram(
    mpmRobot(sc),
    { ...analyticMpmOptions(sc, sc.material), actuationStrength: sc.robot.actuation_strength, dtype: simDtype() },
    { nHidden: ctrl?.hidden ?? 32, nSin: ctrl?.n_sin ?? 4, omega: ctrl?.omega ?? 20 },
  );
}

/** Goal-conditioned locomotion of the MPM soft robot: B environments per step in one vmapped, checkpointed program. */
function mpmLocomotion(c: SimulationConfig, ctx: TrainerContext): SimulationTrainer {
  if (c.task.type !== 'locomotion') throw new Error('mpmLocomotion: expected a locomotion task');
  const t = c.task;
  checkSimulationConfig(c, ctx);
  const prog = mpmRobotProgram(c);
  const runner = new MpmRobotSegments(prog, checkpointSegment(t.horizon, t.checkpointing), { truncateEvery: c.training.truncate_every });
  const loco = new MpmLocomotion(runner, locomotionOptions(c));
  const framer = new MpmRobotSegments(prog, c.output.frame_every);
  const task = locomotionSimTask(loco, (p, goal) => mpmRobotFrames(framer, p, t.horizon, goal), c.simulator.dt, c.seed);
  return new SimulationTrainer(task, prog.initController(c.seed), c);
}

/** Optimise one initial velocity shared by all particles so the final centre of mass hits the target. */
function mpmTarget(c: SimulationConfig, ctx: TrainerContext): SimulationTrainer {
  const sc = c.simulator;
  if (sc.type !== 'mpm' || c.task.type !== 'target') throw new Error('mpmTarget: expected an mpm simulator with a target task');
  if (typeof sc.material === 'object') throw new Error('mpmTarget: expected an analytic material (the schema rejects a neural one)');
  const { nx, ny, origin, size, jitter_seed } = sc.block;
  const positions = blockParticles2D(nx, ny, origin[0], origin[1], size[0], size[1], jitter_seed);
  checkSimulationConfig(c, ctx);
  const sim = coreMpm({ dim: 2, nParticles: nx * ny, ...analyticMpmOptions(sc, sc.material), dtype: simDtype() });
  const { target, horizon, checkpointing } = c.task;
  const runner = new MpmSegments(sim, checkpointSegment(horizon, checkpointing));
  // frames come from segment boundaries, so the frame stride is a segment of its own runner
  const framer = new MpmSegments(sim, c.output.frame_every);
  const task: SimTask = {
    termName: 'target',
    lossAndGrad: targetLoss(runner, positions, target, horizon),
    chaos: {
      segmentLength: runner.segmentLength,
      growth: (vel, stride) => {
        const s0 = sharedVelocityState(sim, positions, vel);
        return runner.growth(runner.moduli(), s0, horizon, randomTangent(s0, c.seed), undefined, stride);
      },
    },
    frames: (vel) => {
      const frames = coreMpmFrames(framer, framer.moduli(), sharedVelocityState(sim, positions, vel), horizon);
      // the target as a goal series beside the particles (the viewer draws it over them)
      const goal = frames.map((f) => ({ step: f.step, dim: 2, points: Float64Array.from(target), pointData: {} }));
      return [...particleFrames('particles', frames, sc.dt), ...particleFrames('goal', goal, sc.dt)];
    },
  };
  return new SimulationTrainer(task, Float64Array.from(c.task.initial_velocity), c);
}

/** `fluxion validate` (and trainer construction): what can be known wrong before simulating. */
export function checkSimulationConfig(c: SimulationConfig, ctx: TrainerContext = { configDir: '.' }): void {
  const sc = c.simulator;
  if (sc.type !== 'mpm') return;
  if (c.task.type === 'learn_material') return checkLearnMaterialConfig(c, ctx);
  if (c.task.type === 'locomotion') {
    const r = sc.robot;
    try {
      robotGroups(robotRects(sc));
    } catch (e) {
      throw new ConfigError(`simulator.robot.body: ${(e as Error).message}`);
    }
    const { lo, hi, particles } = robotExtent(robotRects(sc), sc.n_grid, r.origin, r.scale);
    checkBoxInGrid('simulator.robot', 'the robot', lo, hi, sc.n_grid, 'move robot.origin or lower robot.scale');
    if (particles > MAX_ROBOT_PARTICLES)
      throw new ConfigError(
        `simulator.robot: the robot has ${particles} particles at n_grid ${sc.n_grid}, more than ${MAX_ROBOT_PARTICLES} (lower robot.scale or n_grid)`,
      );
    return;
  }
  const { origin, size } = sc.block;
  checkBoxInGrid(
    'simulator.block',
    'the block',
    origin,
    [origin[0] + size[0], origin[1] + size[1]],
    sc.n_grid,
    'move block.origin or shrink block.size',
  );
}

export function createSimulationTrainer(c: SimulationConfig, ctx: TrainerContext = { configDir: '.' }): Trainer {
  if (c.simulator.type !== 'mass-spring') {
    if (c.task.type === 'locomotion') return mpmLocomotion(c, ctx);
    return c.task.type === 'learn_material' ? learnMaterialTrainer(c, ctx, simDtype()) : mpmTarget(c, ctx);
  }
  return c.task.type === 'locomotion' ? massSpringLocomotion(c) : massSpringWalk(c);
}
