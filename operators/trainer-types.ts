// The Trainer contract (notes/contracts.md), restated here because operators/ must not import runner/;
// structurally identical, so an OperatorTrainer is a runner Trainer.
export interface StepMetrics {
  step: number;
  loss: number;
  terms: Record<string, number>;
  weights?: Record<string, number>;
  lr?: number;
}
export interface EvalMetrics {
  l2re?: number;
  perField?: Record<string, number>;
  unknowns?: Record<string, number>;
}
export interface Trainer {
  readonly step: number;
  trainStep(): StepMetrics;
  evaluate(): EvalMetrics;
  predict(points: Float64Array, n: number): Record<string, Float64Array>;
  state(): unknown;
  load(state: unknown): void;
}
