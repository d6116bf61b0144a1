// solve(): the whole training loop for library users (the CLI runner drives trainers step by step instead).
import { PinnTrainer, type EvalMetrics, type StepMetrics, type TrainerOptions } from './trainer.js';
import { secondPhaseTrainer, type SecondPhase } from './phased.js';
import type { ProblemSpec } from './problem.js';

export interface FinetuneOptions extends SecondPhase {
  /** at most this many steps of the second optimizer */
  steps: number;
  /** stop early after this much wall time (seconds) */
  maxSeconds?: number;
  /** stop early once the loss has not decreased for this many consecutive steps (default 50; L-BFGS stalls at round-off) */
  patience?: number;
}

export interface SolveOptions extends TrainerOptions {
  steps: number;
  /**
   * Then continue from the trained parameters with a second optimizer on a fresh trainer (same problem,
   * network and the first phase's initial points, held fixed), DeepXDE's Adam-then-L-BFGS recipe. Its steps
   * are numbered after the first phase.
   */
  finetune?: FinetuneOptions;
  /** keep every k-th step's metrics in the history (default 1) */
  logEvery?: number;
  /** evaluate every k steps into history entries' `eval` (0 = only at the end) */
  evalEvery?: number;
  onStep?: (m: StepMetrics, trainer: PinnTrainer) => void;
}

export interface SolveResult {
  /** the trainer of the last phase */
  trainer: PinnTrainer;
  history: Array<StepMetrics & { eval?: EvalMetrics }>;
  final: EvalMetrics & { loss: number; steps: number; wallTimeS: number; finetuneSteps?: number; converged?: StepMetrics['converged'] };
}

export function solve(spec: ProblemSpec, options: SolveOptions): SolveResult {
  const { steps, finetune, logEvery = 1, evalEvery = 0, onStep, ...trainerOptions } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`solve: steps must be a non-negative integer, got ${steps}`);
  if (finetune && (!Number.isInteger(finetune.steps) || finetune.steps < 0))
    throw new Error(`solve: finetune.steps must be a non-negative integer, got ${finetune.steps}`);
  const history: SolveResult['history'] = [];
  const t0 = performance.now();
  let last: StepMetrics | null = null;
  let converged: StepMetrics['converged'];
  const run = (trainer: PinnTrainer, n: number, offset: number, deadline: number, patience: number): number => {
    let s = 0;
    let best = Infinity;
    let flat = 0;
    for (; s < n && performance.now() < deadline && flat < patience; s++) {
      const m: StepMetrics & { eval?: EvalMetrics } = trainer.trainStep();
      flat = m.loss < best ? 0 : flat + 1;
      best = Math.min(best, m.loss);
      m.step += offset;
      last = m;
      if (evalEvery > 0 && m.step % evalEvery === 0) m.eval = trainer.evaluate();
      if (m.step % logEvery === 0 || s === n - 1 || m.converged) history.push(m);
      onStep?.(m, trainer);
      // the optimizer's configured tolerance (L-BFGS tolerance_grad / tolerance_change) is met
      if (m.converged) {
        converged = m.converged;
        return s + 1;
      }
    }
    return s;
  };
  const tm = trainerOptions.timeMarching;
  // time windows share this phase's steps unless told otherwise
  if (tm && tm.steps === undefined) trainerOptions.timeMarching = { ...tm, steps };
  let trainer = new PinnTrainer(spec, trainerOptions);
  run(trainer, steps, 0, Infinity, Infinity);
  let finetuneSteps: number | undefined;
  if (finetune && !converged) {
    trainer = secondPhaseTrainer(spec, trainerOptions, finetune, trainer);
    const deadline = finetune.maxSeconds === undefined ? Infinity : performance.now() + finetune.maxSeconds * 1000;
    finetuneSteps = run(trainer, finetune.steps, steps, deadline, finetune.patience ?? 50);
  }
  const wallTimeS = (performance.now() - t0) / 1000;
  const final: SolveResult['final'] = { ...trainer.evaluate(), loss: (last as StepMetrics | null)?.loss ?? NaN, steps, wallTimeS };
  if (finetuneSteps !== undefined) final.finetuneSteps = finetuneSteps;
  if (converged) final.converged = converged;
  return { trainer, history, final };
}
