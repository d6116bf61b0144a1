// Public surface of fluxion's PINN solver: problem specs, the expression compiler, the trainer and solve().
export {
  type FieldContext,
  type FieldFn,
  type DerivativePlan,
  type ContextLayout,
  EvalContext,
  ProbeContext,
  planFor,
  multiIndex,
} from './context.js';
export {
  compileEquation,
  compileNode,
  compileNumeric,
  deriveSource,
  parseEquation,
  splitEquation,
  unknownSymbols,
  derivativeSymbol,
  toTensor,
  ExprError,
  EXPR_FUNCTIONS,
  BUILTIN_CONSTANT_NAMES,
  type ExprScope,
  type Val,
  type Compiled,
} from './expr.js';
export { isAffineIn, isReservedName, symbolUse, type SymbolUse } from './symbols.js';
export {
  compileProblem,
  type ProblemSpec,
  type ConditionSpec,
  type DirichletSpec,
  type NeumannSpec,
  type RobinSpec,
  type PeriodicSpec,
  type InitialSpec,
  type DataSpec,
  type PointSpec,
  type BoundaryResidualSpec,
  type ValueSpec,
  type PointFilter,
  type ResidualFn,
  type ReferenceSet,
  type CompiledProblem,
  type Term,
  type TermPoints,
} from './problem.js';
export { pdeEntries, pdeLossNames, type PdeEntry, type PdeEquation } from './equations.js';
export { valuesAndGrads } from './multigrad.js';
export {
  PinnTrainer,
  createTrainer,
  type Trainer,
  type TrainerOptions,
  type OptimizerInputs,
  type StepMetrics,
  type EvalMetrics,
  type NetOptions,
  type OptimizerSpec,
} from './trainer.js';
export { solve, type SolveOptions, type SolveResult, type FinetuneOptions } from './solve.js';
export { PhasedTrainer, secondPhaseTrainer, type SecondPhase } from './phased.js';
export { SequentialWindows, WINDOW_IC, type SequentialWindowsOptions } from './sequentialWindows.js';
export { KeepBest, type KeepBestOptions, type SelectableTrainer } from './keepBest.js';
export { withPointInputs, type PointCoefficient } from './coefficients.js';
export { HEAVISIDE_AT_ZERO } from './branches.js';
export { flattenTree, unflattenTree, treeSize, type FlatVec } from '../nn/flat.js';
export { column } from './transforms.js';
export { inputFeatures, outputTransform, rawOutputName, type InputFeatures, type OutputTransformScope } from './outputTransform.js';
export { trainerNetwork } from './network.js';
export * as problems from './problems.js';
export { findPackageRoot, PACKAGE_DATA_DIR } from './packageData.js';
export {
  AdaptivePoints,
  checkAdaptive,
  ADAPTIVE_METHODS,
  type AdaptiveMethod,
  type AdaptiveOptions,
  type AdaptiveState,
} from './adaptive.js';
export {
  CausalSchedule,
  CausalBatches,
  causalLoss,
  integralLoss,
  chunkMatrix,
  checkCausal,
  splitStats,
  type CausalOptions,
  type CausalInputs,
} from './causal.js';
export { TimeWindows, type TimeMarchingOptions } from './timeWindows.js';
export { anchorRows } from './anchors.js';
export { UNDER_RESOLVED, RATIO_LIMIT, rmsRatio } from './resolution.js';
