// Trainers for `kind: simulation`: the sim/ simulators' losses and gradients (the core programs' autodiff through
// jitted, checkpointed segments; task learn_material in runner/learnMaterial.ts) as SimTasks of the shared
// SimulationTrainer (runner/simTrainer.ts).
import {
  MassSpringProgram,
  SegmentRunner,
  buildMassSpring,
  defaultRobot,
  walkLossAndGrad,
  massSpringFrames,
  MpmSegments,
  coreMpm,
  blockParticles2D,
  checkpointSegment,
  targetLoss,
  sharedVelocityState,
  coreMpmFrames,
  Locomotion,
  type SimFrame,
} from '../sim/index.js';
import { getBackend } from '../core/index.js';
import type { FloatDType } from '../core/dtype.js';
import type { SimulationConfig } from './schema.js';
import { SimulationTrainer, particleFrames, type SimTask } from './simTrainer.js';
import type { Trainer, TrainerContext } from './trainer.js';
import { checkBoxInGrid, checkLearnMaterialConfig, learnMaterialTrainer } from './learnMaterial.js';

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
  const runner = new SegmentRunner(sim, segmentLength(t.horizon, t.checkpointing), { truncateEvery: c.training.truncate_every });
  const loco = new Locomotion(runner, opts);
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
function mpmTarget(c: SimulationConfig, ctx: TrainerContext): SimulationTrainer {
  const sc = c.simulator;
  if (sc.type !== 'mpm' || c.task.type !== 'target') throw new Error('mpmTarget: expected an mpm simulator with a target task');
  if (typeof sc.material === 'object') throw new Error('mpmTarget: expected an analytic material (the schema rejects a neural one)');
  const { nx, ny, origin, size, jitter_seed } = sc.block;
  const positions = blockParticles2D(nx, ny, origin[0], origin[1], size[0], size[1], jitter_seed);
  checkSimulationConfig(c, ctx);
  const sim = coreMpm({
    dim: 2,
    nGrid: sc.n_grid,
    nParticles: nx * ny,
    dt: sc.dt,
    E: sc.E,
    nu: sc.nu,
    material: sc.material,
    density: sc.density,
    gravity: sc.gravity,
    boundary: sc.boundary,
    dtype: simDtype(),
  });
  const { target, horizon, checkpointing } = c.task;
  const runner = new MpmSegments(sim, checkpointSegment(horizon, checkpointing));
  // frames come from segment boundaries, so the frame stride is a segment of its own runner
  const framer = new MpmSegments(sim, c.output.frame_every);
  const task: SimTask = {
    termName: 'target',
    lossAndGrad: targetLoss(runner, positions, target, horizon),
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
  if (c.simulator.type !== 'mass-spring')
    return c.task.type === 'learn_material' ? learnMaterialTrainer(c, ctx, simDtype()) : mpmTarget(c, ctx);
  return c.task.type === 'locomotion' ? massSpringLocomotion(c) : massSpringWalk(c);
}
