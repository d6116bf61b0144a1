// The Trainer contract lives in optim/trainer.ts; operators re-export it for their users.
export type { StepMetrics, EvalMetrics, Trainer } from '../optim/trainer.js';
