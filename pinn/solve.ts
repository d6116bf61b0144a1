// solve(): the whole training loop for library users (the CLI runner drives trainers step by step instead).
import { PinnTrainer, type EvalMetrics, type StepMetrics, type TrainerOptions } from './trainer.js';
import type { ProblemSpec } from './problem.js';

export interface SolveOptions extends TrainerOptions {
  steps: number;
  /** keep every k-th step's metrics in the history (default 1) */
  logEvery?: number;
  /** evaluate every k steps into history entries' `eval` (0 = only at the end) */
  evalEvery?: number;
  onStep?: (m: StepMetrics, trainer: PinnTrainer) => void;
}

export interface SolveResult {
  trainer: PinnTrainer;
  history: Array<StepMetrics & { eval?: EvalMetrics }>;
  final: EvalMetrics & { loss: number; steps: number; wallTimeS: number };
}

export function solve(spec: ProblemSpec, options: SolveOptions): SolveResult {
  const { steps, logEvery = 1, evalEvery = 0, onStep, ...trainerOptions } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`solve: steps must be a non-negative integer, got ${steps}`);
  const trainer = new PinnTrainer(spec, trainerOptions);
  const history: SolveResult['history'] = [];
  const t0 = performance.now();
  let last: StepMetrics | null = null;
  for (let s = 0; s < steps; s++) {
    const m: StepMetrics & { eval?: EvalMetrics } = trainer.trainStep();
    last = m;
    if (evalEvery > 0 && m.step % evalEvery === 0) m.eval = trainer.evaluate();
    if (m.step % logEvery === 0 || s === steps - 1) history.push(m);
    onStep?.(m, trainer);
  }
  const wallTimeS = (performance.now() - t0) / 1000;
  return { trainer, history, final: { ...trainer.evaluate(), loss: last?.loss ?? NaN, steps, wallTimeS } };
}
