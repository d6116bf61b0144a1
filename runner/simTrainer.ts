// The Trainer every `kind: simulation` task (and `kind: inverse`) runs under: a task's loss and gradient (SimTask)
// stepped by an optim/ optimizer, so checkpoints hold the parameters and the full optimizer state, and --resume
// continues bit-for-bit.
import { ParticleLeftGridError, type SimFrame } from '../sim/index.js';
import { DivergenceError } from './errors.js';
import type { Optimizer, OptimState } from '../optim/types.js';
import { buildOptimizer, type TrainingOptimizerConfig } from './optimizer.js';
import { norm } from '../optim/vec.js';
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
export interface SimTask {
  readonly termName: string;
  /** `step` counts completed training steps (tasks that draw goals per step key them on it, so --resume redraws them). */
  lossAndGrad(params: Float64Array, step: number): { loss: number; grad: Float64Array; terms?: Record<string, number> };
  frames(params: Float64Array): FieldOutput[];
  /** Task scores of the current parameters, where the task has any. */
  evaluate?(params: Float64Array): EvalMetrics;
}

export class SimulationTrainer implements Trainer {
  private stepCount = 0;
  private readonly optimizer: Optimizer;
  private readonly gradClip: number | undefined;

  constructor(
    private readonly task: SimTask,
    private readonly params: Float64Array,
    config: { training: TrainingOptimizerConfig & { grad_clip?: number } },
  ) {
    this.optimizer = buildOptimizer(config.training) as Optimizer;
    this.gradClip = config.training.grad_clip;
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

  evaluate(): EvalMetrics {
    return this.diverging(() => this.task.evaluate?.(this.params) ?? {}, `the evaluation after step ${this.stepCount}`);
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
