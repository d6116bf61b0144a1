// The contract every trainable kind (pinn/, operators/, sim trainers) implements and runner/ drives
// step by step: one definition, imported by all of them.
import type { Convergence } from './types.js';

export interface StepMetrics {
  /** 1-based count of completed steps. */
  step: number;
  /** Total (weighted) loss. */
  loss: number;
  /** Every loss term by name, unweighted. */
  terms: Record<string, number>;
  weights?: Record<string, number>;
  lr?: number;
  /** Set on the first step of a new training phase, e.g. 'finetune: lbfgs (f32)'. */
  phase?: string;
  /** Set when the optimizer's configured tolerance is met: training has converged and the runner stops. */
  converged?: Convergence;
  /** Euclidean norm of this step's gradient before any clipping (simulations: the chaos guard's signal). */
  gradNorm?: number;
  /** Causal training: the epsilon this step used and the smallest chunk weight. */
  causal?: { epsilon: number; minWeight: number };
  /** Messages for the user (the runner prints each distinct one once and records them in metrics.jsonl). */
  warnings?: string[];
  /** Model selection (keep_best): this step's held-out PDE residual, and the lowest so far with its step. */
  heldOut?: HeldOutScore;
}

export interface HeldOutScore {
  residual: number;
  best: number;
  bestStep: number;
}

/** What a trainer did when training completed (Trainer.finish), for the summary and the console. */
export interface FinishReport {
  message: string;
  /** The step whose parameters the trainer holds from now on. */
  selectedStep: number;
  /** Its held-out PDE residual. */
  heldOutResidual: number;
}

export interface EvalMetrics {
  /** relative L2 error, all fields together */
  l2re?: number;
  perField?: Record<string, number>;
  /** current values of trainable constants (inverse problems) */
  unknowns?: Record<string, number>;
  /** relative error of each unknown whose true value is known */
  unknownErrors?: Record<string, number>;
  /** PINNs on fixed points: RMS PDE residual on fresh points over the one on the training points */
  residualRatio?: number;
  /** Task scores by name (e.g. a locomotion controller's goal_distance and success_rate on held-out goals) */
  task?: Record<string, number>;
  /** Messages for the user, as StepMetrics.warnings. */
  warnings?: string[];
  /** Simulations with training.chaos_check: the growth of perturbations through the rollout, when measured. */
  chaos?: ChaosReport;
}

/** The chaos guard's measurement of a rollout at the current parameters (Metz et al. 2021; core/lyapunov.ts). */
export interface ChaosReport {
  /** the training step it was measured after */
  step: number;
  /** largest Lyapunov exponent per simulated step (> 0: perturbations, and gradients through the rollout, grow) */
  exponent: number;
  /** e^exponent: the growth factor per step (the spectral radius of the step's Jacobian, on average) */
  growthPerStep: number;
  /** e^(exponent horizon): the amplification of a gradient through the whole rollout */
  amplification: number;
  /** with truncated backprop: the largest amplification over one truncation window */
  windowAmplification?: number;
  /** simulated steps measured */
  horizon: number;
  /** wall time of the measurement */
  seconds: number;
}

export interface Trainer {
  readonly step: number;
  trainStep(): StepMetrics;
  evaluate(): EvalMetrics;
  /** Fields on row-major points (n x dim): prediction, and reference/error where known. */
  predict(points: Float64Array, n: number): Record<string, Float64Array>;
  /** JSON-serialisable snapshot; load(state()) then trainStep() continues bit-for-bit. */
  state(): unknown;
  load(state: unknown): void;
  /**
   * Optional: called once when training completes (every step done, or converged), before the final evaluation
   * and outputs; a trainer may change its parameters here (keep_best restores the best held-out ones).
   */
  finish?(): FinishReport | undefined;
}
