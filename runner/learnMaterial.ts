// kind: simulation, task learn_material: the neural constitutive law of simulator.material ({ type: neural }) trained
// through the differentiable core MPM on observed particle trajectories (generated from a ground-truth material, or
// read from a file), scored on held-out trajectories over a longer horizon; frames of every rollout and its truth.
import type { FloatDType } from '../core/dtype.js';
import { resolve } from 'node:path';
import * as fx from '../core/index.js';
import type { Tensor } from '../core/index.js';
import {
  MaterialLearning,
  ParticleLeftGridError,
  bodyParticles,
  generateTrajectories,
  type Body2D,
  type MaterialErrors,
  type MaterialSimOptions,
  type Prediction,
  type SimFrame,
  type Trajectory,
} from '../sim/index.js';
import { ConfigError } from './errors.js';
import type { SimulationConfig } from './schema.js';
import { SimulationTrainer, particleFrames, type SimTask } from './simTrainer.js';
import type { TrainerContext } from './trainer.js';
import { bounds, readTrajectoryFile } from './trajectoryFile.js';

type MpmSimulator = Extract<SimulationConfig['simulator'], { type: 'mpm' }>;
type LearnTask = Extract<SimulationConfig['task'], { type: 'learn_material' }>;
type BodyConfig = Extract<LearnTask['data'], { type: 'generate' }>['train'][number];

/** The B-splines need 0.5 dx <= x < 1 - 1.5 dx: a body outside that box cannot start. */
export function checkBoxInGrid(
  path: string,
  what: string,
  lo: readonly number[],
  hi: readonly number[],
  nGrid: number,
  hint: string,
): void {
  const dx = 1 / nGrid;
  for (let k = 0; k < lo.length; k++) {
    if (lo[k] < 0.5 * dx || hi[k] >= 1 - 1.5 * dx) {
      throw new ConfigError(
        `${path}: ${what} spans [${lo[k]}, ${hi[k]}] on axis ${k}, outside the grid's interior [${0.5 * dx}, ${1 - 1.5 * dx}) for n_grid ${nGrid} (${hint})`,
      );
    }
  }
}

function parts(c: SimulationConfig): { sc: MpmSimulator; task: LearnTask } {
  if (c.simulator.type !== 'mpm' || c.task.type !== 'learn_material') throw new Error('learn_material: expected an mpm simulator');
  return { sc: c.simulator, task: c.task };
}

const toBody = (b: BodyConfig): Body2D => ({ shape: b.shape, centre: b.centre, size: b.size, v0: b.velocity, gradV: b.velocity_gradient });

function simOptions(sc: MpmSimulator): MaterialSimOptions {
  return { nGrid: sc.n_grid, dt: sc.dt, E: sc.E, nu: sc.nu, density: sc.density, gravity: sc.gravity, boundary: sc.boundary };
}

function readFileData(c: SimulationConfig, ctx: TrainerContext, path: string): { train: Trajectory[]; test: Trajectory[] } {
  const { sc, task } = parts(c);
  const key = 'task.data.path';
  const f = readTrajectoryFile(resolve(ctx.configDir, path), (reason) => new ConfigError(`${key}: ${reason}`));
  if (Math.abs(f.dt - sc.dt) > 1e-12 * sc.dt)
    throw new ConfigError(`simulator.dt: the trajectory file '${path}' was sampled with dt ${f.dt}, got ${sc.dt}`);
  if (f.every !== task.every)
    throw new ConfigError(`task.every: the trajectory file '${path}' has a frame every ${f.every} steps, got ${task.every}`);
  const need = (role: 'train' | 'test', steps: number): void => {
    f[role].forEach((t, i) => {
      if (t.frames.length * f.every < steps)
        throw new ConfigError(
          `task.${role}_steps: trajectory ${role}[${i}] of '${path}' reaches ${t.frames.length * f.every} steps, expected at least ${steps}`,
        );
      const { lo, hi } = bounds(t.x0);
      checkBoxInGrid(key, `${role}[${i}]'s initial particles`, lo, hi, sc.n_grid, 'the file must keep its bodies off the walls');
    });
  };
  need('train', task.train_steps);
  need('test', task.test_steps);
  return { train: f.train, test: f.test };
}

/** Generated data: each body holds particles and starts inside the grid. */
function checkBodies(sc: MpmSimulator, d: Extract<LearnTask['data'], { type: 'generate' }>): void {
  for (const role of ['train', 'test'] as const) {
    d[role].forEach((b, i) => {
      const at = `task.data.${role}[${i}]`;
      if (bodyParticles(toBody(b), sc.n_grid).n === 0)
        throw new ConfigError(
          `${at}.size: a ${b.shape} of size ${b.size} holds no particles on the lattice of spacing 1 / (2 n_grid) = ${1 / (2 * sc.n_grid)}`,
        );
      const r = b.size / 2;
      checkBoxInGrid(
        at,
        'the body',
        [b.centre[0] - r, b.centre[1] - r],
        [b.centre[0] + r, b.centre[1] + r],
        sc.n_grid,
        'move its centre or shrink its size',
      );
    });
  }
}

/** `fluxion validate`: bodies inside the grid, or a trajectory file that reads and fits the config. */
export function checkLearnMaterialConfig(c: SimulationConfig, ctx: TrainerContext): void {
  const { sc, task } = parts(c);
  if (task.data.type === 'file') readFileData(c, ctx, task.data.path);
  else checkBodies(sc, task.data);
}

/** The observed trajectories (checked as validate does), cut to the evaluation horizon. */
function loadTrajectories(c: SimulationConfig, ctx: TrainerContext): { train: Trajectory[]; test: Trajectory[] } {
  const { sc, task } = parts(c);
  const frames = task.test_steps / task.every;
  const cut = (ts: Trajectory[]): Trajectory[] => ts.map((t) => ({ ...t, frames: t.frames.slice(0, frames) }));
  const d = task.data;
  if (d.type === 'file') {
    const f = readFileData(c, ctx, d.path);
    return { train: cut(f.train), test: cut(f.test) };
  }
  checkBodies(sc, d);
  const gt = d.ground_truth;
  const truth = { material: gt.material, E: gt.E, nu: gt.nu, hardening: gt.hardening, thetaC: gt.theta_c, thetaS: gt.theta_s };
  const generate = (role: 'train' | 'test'): Trajectory[] =>
    d[role].map((b, i) => {
      try {
        return generateTrajectories(simOptions(sc), truth, [{ name: `${role}_${i}`, body: toBody(b) }], task.every, frames)[0];
      } catch (e) {
        if (e instanceof ParticleLeftGridError)
          throw new ConfigError(
            `task.data.${role}[${i}]: the ground-truth motion leaves the grid within task.test_steps (${e.message}); slow the body or move it from the walls`,
          );
        throw e;
      }
    });
  return { train: generate('train'), test: generate('test') };
}

function scores(e: MaterialErrors, prefix: string): Record<string, number> {
  return {
    [`${prefix}train_error`]: e.train,
    [`${prefix}train_error_long`]: e.trainLong,
    [`${prefix}test_error`]: e.test,
    [`${prefix}test_error_long`]: e.testLong,
    [`${prefix}test_error_final`]: e.testFinal,
  };
}

/** Particle-major [x, y, x, y, ...] of a [2, N] tensor (the VTK writer's layout). */
const pointsOf = (x: Tensor): Float64Array => Float64Array.from(fx.transpose(x).dataSync());

/** A rollout and its observed truth as two frame series every `frameEvery` steps; the particles' distance as `error`. */
function predictionFrames(pr: Prediction, every: number, frameEvery: number): { predicted: SimFrame[]; truth: SimFrame[] } {
  const t = pr.trajectory;
  const n = t.x0.shape[1];
  const x0 = pointsOf(t.x0);
  const zero = new Float64Array(n);
  const predicted: SimFrame[] = [
    { step: 0, dim: 2, points: x0, pointData: { velocity: pointsOf(t.v0), J: zero.map(() => 1), error: zero } },
  ];
  const truth: SimFrame[] = [{ step: 0, dim: 2, points: x0, pointData: { error: zero } }];
  pr.states.forEach((s, k) => {
    const step = (k + 1) * every;
    if (step % frameEvery !== 0) return;
    const x = pointsOf(s.x);
    const xt = pointsOf(t.frames[k]);
    const error = Float64Array.from({ length: n }, (_, p) => Math.hypot(x[2 * p] - xt[2 * p], x[2 * p + 1] - xt[2 * p + 1]));
    const F = s.F.dataSync();
    const J = Float64Array.from({ length: n }, (_, p) => F[p] * F[3 * n + p] - F[n + p] * F[2 * n + p]);
    predicted.push({ step, dim: 2, points: x, pointData: { velocity: pointsOf(s.v), J, error } });
    truth.push({ step, dim: 2, points: xt, pointData: { error } });
  });
  return { predicted, truth };
}

/** `dtype`: the learned law's simulators' float type (f32 on the gpu backend; runner/simulation.ts). */
export function learnMaterialTrainer(c: SimulationConfig, ctx: TrainerContext, dtype: FloatDType = 'f64'): SimulationTrainer {
  const { sc, task } = parts(c);
  const m = sc.material;
  if (typeof m !== 'object') throw new Error('learn_material: expected a neural material (the schema requires one)');
  const data = loadTrajectories(c, ctx);
  const seed = m.seed ?? c.seed;
  const learn = new MaterialLearning({
    sim: simOptions(sc),
    law: {
      stiffness: m.stiffness ?? sc.E,
      hidden: m.hidden,
      seed,
      plastic: m.plastic ? { hidden: m.plastic_hidden, seed: seed + 1 } : undefined,
    },
    every: task.every,
    trainFrames: task.train_steps / task.every,
    train: data.train,
    test: data.test,
    truncateEvery: c.training.truncate_every,
    dtype,
  });
  const theta0 = learn.init();
  // the untrained law's scores, the reference the trained ones are read against (fixed: computed once)
  let untrained: Record<string, number> | undefined;
  const dt = sc.dt;
  const sim: SimTask = {
    termName: 'trajectory',
    lossAndGrad: (p) => learn.lossAndGrad(p),
    chaos: { segmentLength: task.every, growth: (p, stride) => learn.growth(p, stride, c.seed) },
    evaluate: (p) => {
      untrained ??= scores(learn.errors(theta0), 'untrained_');
      return { task: { ...scores(learn.errors(p), ''), ...untrained } };
    },
    frames: (p) =>
      (['train', 'test'] as const).flatMap((role) =>
        learn.predict(p, data[role]).flatMap((pr, k) => {
          const f = predictionFrames(pr, task.every, c.output.frame_every);
          return [...particleFrames(`${role}_${k}`, f.predicted, dt), ...particleFrames(`${role}_${k}_truth`, f.truth, dt)];
        }),
      ),
  };
  return new SimulationTrainer(sim, theta0.slice(), c);
}
