// Public surface of the runner: config schema/validation, the run loop, the Trainer contract.
export { main, type MainDeps } from './cli.js';
export { runConfig, validateFile, configHash, type RunOptions, type RunResult } from './run.js';
export { loadConfig, parseConfigText, validateConfig, resolvedYaml, formatPath } from './config.js';
export {
  configSchema,
  pinnSchema,
  operatorSchema,
  simulationSchema,
  geometrySchema,
  conditionSchema,
  geometryDim,
  defaultCoords,
  runKinds,
  type RunConfig,
  type PinnConfig,
  type OperatorConfig,
  type SimulationConfig,
  type TrainingConfig,
  type RunKind,
  type GeometryNode,
  type ConditionConfig,
} from './schema.js';
export { buildGeometry, buildDomain } from './geometry.js';
export { buildOptimizer, optimizerOptions } from './optimizer.js';
export { configJsonSchema, type JsonSchema } from './jsonSchema.js';
export { migrateText, type Migration } from './migrate.js';
export { initConfig } from './init.js';
export { OPTION_KEYS } from './keyStyle.js';
export {
  readCheckpoint,
  writeCheckpoint,
  writeFileAtomic,
  type Checkpoint,
  type CheckpointEntry,
  type CheckpointManifest,
  type ReadCheckpointOptions,
} from './checkpoint.js';
export { lockRunDir, RunDirLock, type LockInfo } from './runDir.js';
export type { StopSignal } from './signals.js';
export {
  readMetrics,
  writeFields,
  gridFields,
  evaluationGrid,
  type MetricsRecord,
  type Summary,
  type RunStatus,
  type StopReason,
} from './outputs.js';
export { createTrainer } from './kinds.js';
export { createPinnTrainerFromConfig, checkPinnConfig, pinnProblem, boundarySelector } from './pinnAdapter.js';
export { createOperatorTrainerFromConfig } from './operatorAdapter.js';
export { loadPointSet, type PointSet } from './reference.js';
export { createSimulationTrainer } from './simulation.js';
export { ConfigError, DivergenceError, IoError, EXIT, type DivergenceCriterion } from './errors.js';
export type { Trainer, StepMetrics, EvalMetrics, FieldOutput, TrainerContext, TrainerFactory } from './trainer.js';
export { loadAnchors, type AnchorsConfig } from './anchors.js';
export { checkPinnSymbols, describeReadings, derivedSourceNotes, type EquationReading } from './symbolCheck.js';
export { checkPinnLimits, estimateMemory, MAX_POINTS, MAX_GRID_POINTS, type MemoryEstimate } from './limits.js';
export { parseOverride, parseUnset, parseKeyPath, applyOverrides, type Override, type KeyPath } from './overrides.js';
export { runSweep, type SweepOptions, type SweepResult } from './sweep.js';
export { runQueuedSweep, runWorker, redisConnection, type QueuedSweepOptions, type WorkerOptions } from './sweepQueue.js';
export { loadSweep, type LoadedSweep } from './sweepConfig.js';
export { sweepSchema, type SweepFile } from './sweepSchema.js';
export { planRuns, type PlannedRun, type Setting } from './sweepPlan.js';
