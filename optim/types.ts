// Shared types for flat-vector optimizers: the trainer hands us parameters and gradients as one
// contiguous vector each, so every method here works on plain typed arrays.

export type Vec = Float32Array | Float64Array;

/** Why a closure optimizer considers training converged (its configured tolerance, by YAML option name). */
export type Convergence = 'tolerance_grad' | 'tolerance_change';

/** JSON-serialisable plain data (typed arrays are stored as number[] so checkpoints round-trip). */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Optimizer state: plain JSON data tagged with the optimizer kind it belongs to. */
export interface OptimState {
  kind: string;
  [key: string]: JsonValue;
}

/** Learning-rate schedule: `step` is the number of updates already taken (0 for the first update). */
export type Schedule = (step: number) => number;

/** A learning rate is either a constant or a schedule. */
export type LearningRate = number | Schedule;

/** Single-gradient optimizer updating `params` in place. */
export interface Optimizer {
  step(params: Vec, grad: Vec): void;
  state(): OptimState;
  load(s: OptimState): void;
  /** Learning rate the next step() will use (for logging). */
  currentLr?(): number;
}

/** Optimizer that needs every loss term's gradient (loss balancing / conflict resolution). */
export interface MultiLossOptimizer {
  /** Updates `params` in place; returns the effective per-loss weights used in this step. */
  step(params: Vec, losses: number[], grads: Vec[]): { weights: number[] };
  state(): OptimState;
  load(s: OptimState): void;
  /** Learning rate the next step() will use (for logging). */
  currentLr?(): number;
}

/** Objective for closure-based optimizers: value and gradient at `x`. */
export type ObjectiveFn = (x: Float64Array) => { f: number; g: Float64Array };

/** Optimizer that evaluates the objective itself (L-BFGS): one call runs one or more iterations. */
export interface ClosureOptimizer {
  /** `stop` says which configured tolerance was met: training has converged and may end. */
  step(
    params: Vec,
    fg: ObjectiveFn,
    o?: { maxIter?: number; tolGrad?: number; tolChange?: number },
  ): { f: number; converged: boolean; stop?: Convergence };
  state(): OptimState;
  load(s: OptimState): void;
}
