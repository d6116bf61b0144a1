// The Trainer every `kind: simulation` task (and `kind: inverse`) runs under: a task's loss and gradient (SimTask)
// stepped by an optim/ optimizer, so checkpoints hold the parameters and the full optimizer state, and --resume
// continues bit-for-bit.
import { ParticleLeftGridError, type SimFrame } from '../sim/index.js';
import { ConfigError, DivergenceError } from './errors.js';
import { ChaosGuard, type ChaosProbe } from './chaosGuard.js';
import type { Optimizer, OptimState } from '../optim/types.js';
import { buildOptimizer, type TrainingOptimizerConfig } from './optimizer.js';
import { norm } from '../optim/vec.js';
import type { SimulationConfig } from './schema.js';
import type { EvalMetrics, FieldOutput, StepMetrics, Trainer } from './trainer.js';

/** What the trainer reads of a config: the optimizer block, and the simulation-only keys where the kind has them. */
interface SimTrainerConfig {
  task?: { type: string };
  training: TrainingOptimizerConfig & Partial<Pick<SimulationConfig['training'], 'grad_clip' | 'chaos_check' | 'truncate_every'>>;
}

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
export interface SimTask {
  readonly termName: string;
  /** `step` counts completed training steps (tasks that draw goals per step key them on it, so --resume redraws them). */
  lossAndGrad(params: Float64Array, step: number): { loss: number; grad: Float64Array; terms?: Record<string, number> };
  frames(params: Float64Array): FieldOutput[];
  /** Task scores of the current parameters, where the task has any. */
  evaluate?(params: Float64Array): EvalMetrics;
  /** The rollout training.chaos_check measures (runner/chaosGuard.ts), where the task has one. */
  chaos?: ChaosProbe;
}

export class SimulationTrainer implements Trainer {
  private stepCount = 0;
  private readonly optimizer: Optimizer;
  private readonly gradClip: number | undefined;
  private readonly guard: ChaosGuard | undefined;

  constructor(
    private readonly task: SimTask,
    private readonly params: Float64Array,
    config: SimTrainerConfig,
  ) {
    const t = config.training;
    this.optimizer = buildOptimizer(t) as Optimizer;
    this.gradClip = t.grad_clip;
    if (t.chaos_check) {
      if (!task.chaos) throw new ConfigError(`training.chaos_check: task ${config.task?.type ?? 'of this kind'} has no rollout to measure`);
      this.guard = new ChaosGuard(task.chaos, {
        every: t.chaos_check.every,
        warnAbove: t.chaos_check.warn_above,
        truncateEvery: t.truncate_every,
      });
    }
  }

  get step(): number {
    return this.stepCount;
  }

  trainStep(): StepMetrics {
    const { loss, grad, terms } = this.diverging(
      () => this.task.lossAndGrad(this.params, this.stepCount),
      `training step ${this.stepCount + 1}`,
    );
    // gradients through long rollouts can explode (chaos, contacts): clip the global norm where asked
    const gradNorm = norm(grad);
    if (this.gradClip !== undefined && gradNorm > this.gradClip) for (let i = 0; i < grad.length; i++) grad[i] *= this.gradClip / gradNorm;
    this.optimizer.step(this.params, grad);
    this.stepCount++;
    return { step: this.stepCount, loss, terms: terms ?? { [this.task.termName]: loss }, gradNorm };
  }

  /** The task's scores, and the chaos check where one is due (it reads the parameters, never changes them). */
  evaluate(): EvalMetrics {
    const when = `the evaluation after step ${this.stepCount}`;
    const ev = this.diverging(() => this.task.evaluate?.(this.params) ?? {}, when);
    const guard = this.guard;
    if (!guard?.due(this.stepCount)) return ev;
    const { report, warning } = this.diverging(() => guard.measure(this.params, this.stepCount), when);
    return { ...ev, chaos: report, ...(warning ? { warnings: [...(ev.warnings ?? []), warning] } : {}) };
  }

  /** A body that left the simulation box: a divergence of this run (exit 3), with the knobs named. */
  private diverging<T>(f: () => T, when: string): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof ParticleLeftGridError) {
        throw new DivergenceError(
          `${e.message} at ${when}; the parameters being trained sent it there: lower training.lr, simulator.dt or the horizon, or start the body further from the walls`,
        );
      }
      throw e;
    }
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

export function particleFrames(name: string, frames: readonly SimFrame[], dt: number): FieldOutput[] {
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
