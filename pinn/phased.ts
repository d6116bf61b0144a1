// Adam then L-BFGS (DeepXDE's recipe) as one Trainer: the first optimizer runs to step `at`, then a second
// trainer (same problem and network, the first phase's points held fixed, its own optimizer and dtype)
// continues from the trained parameters. Steps are numbered across both phases, and the checkpoint state
// says which phase it belongs to, so the runner's step loop and bit-for-bit resume work unchanged.
import type { DType } from '../core/dtype.js';
import type { Trainer, StepMetrics, EvalMetrics } from '../optim/trainer.js';
import { PinnTrainer, type OptimizerSpec, type TrainerOptions } from './trainer.js';
import type { ProblemSpec } from './problem.js';

export interface SecondPhase {
  /** default 'lbfgs' */
  optimizer?: OptimizerSpec;
  /** default 'f64' (robust near round-off); f32 costs ~2.5x less per step on wasm and reached the Burgers target in bench/pinn.ts */
  dtype?: DType;
  /** Point counts of the second phase where they differ from the first's (more fixed points: less overfitting between them). */
  points?: TrainerOptions['points'];
}

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The second phase's trainer, starting from `first`'s parameters. */
export function secondPhaseTrainer(spec: ProblemSpec, options: TrainerOptions, phase: SecondPhase, first?: PinnTrainer): PinnTrainer {
  const second = new PinnTrainer(spec, {
    ...options,
    optimizer: phase.optimizer ?? 'lbfgs',
    dtype: phase.dtype ?? 'f64',
    points: { ...options.points, ...definedOnly(phase.points ?? {}) },
    customOptimizer: undefined,
    resampleEvery: 0,
    // the first phase's adaptive points carry over, frozen: quasi-Newton curvature pairs need one fixed objective
    adaptiveFrozen: true,
    causal: undefined,
    timeMarching: undefined,
    // fixed here by design: the under-resolution advice only applies when the first phase had fixed points too
    residualCheck: options.resampleEvery || options.adaptive?.method === 'rad' ? 0 : options.residualCheck,
  });
  if (first) {
    second.setParameters(first.parameters());
    second.adoptPoints(first);
  }
  return second;
}

interface PhasedState {
  format: 'fluxion-pinn-phased-1';
  phase: 1 | 2;
  trainer: unknown;
}

export class PhasedTrainer implements Trainer {
  private first: PinnTrainer;
  private second: PinnTrainer | null = null;

  constructor(
    private readonly spec: ProblemSpec,
    private readonly options: TrainerOptions,
    /** the step after which the second phase takes over */
    private readonly at: number,
    private readonly phase2: SecondPhase,
  ) {
    if (!Number.isInteger(at) || at < 0) throw new Error(`finetune.at: expected a non-negative integer step, got ${at}`);
    this.first = new PinnTrainer(spec, options);
  }

  private get current(): PinnTrainer {
    return this.second ?? this.first;
  }

  get step(): number {
    return this.second ? this.at + this.second.step : this.first.step;
  }

  trainStep(): StepMetrics {
    let phase: string | undefined;
    if (!this.second && this.first.step >= this.at) {
      this.second = secondPhaseTrainer(this.spec, this.options, this.phase2, this.first);
      const opt = this.phase2.optimizer ?? 'lbfgs';
      phase = `finetune: ${typeof opt === 'string' ? opt : opt.name} (${this.phase2.dtype ?? 'f64'})`;
    }
    const m = this.current.trainStep();
    if (!this.second) return m;
    return phase ? { ...m, step: this.at + m.step, phase } : { ...m, step: this.at + m.step };
  }

  evaluate(): EvalMetrics {
    return this.current.evaluate();
  }

  predict(points: Float64Array, n: number): Record<string, Float64Array> {
    return this.current.predict(points, n);
  }

  parameters(): Float64Array {
    return this.current.parameters();
  }

  setParameters(values: ArrayLike<number>): void {
    this.current.setParameters(values);
  }

  heldOutResidual(n: number): number {
    return this.current.heldOutResidual(n);
  }

  state(): PhasedState {
    return { format: 'fluxion-pinn-phased-1', phase: this.second ? 2 : 1, trainer: this.current.state() };
  }

  load(state: unknown): void {
    const s = state as Partial<PhasedState> | null;
    if (s?.format !== 'fluxion-pinn-phased-1' || (s.phase !== 1 && s.phase !== 2)) {
      throw new Error(`load: expected a two-phase PINN trainer state (format 'fluxion-pinn-phased-1'), got ${JSON.stringify(s?.format)}`);
    }
    if (s.phase === 2) {
      this.second = secondPhaseTrainer(this.spec, this.options, this.phase2);
      this.second.load(s.trainer);
    } else {
      this.second = null;
      this.first.load(s.trainer);
    }
  }
}
