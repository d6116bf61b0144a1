// What the runner drives: the shared Trainer contract (optim/trainer.ts) plus an optional field-output hook
// for kinds without a natural evaluation grid (operators, simulators).
import type { RunConfig } from './schema.js';
import type { Trainer as BaseTrainer } from '../optim/trainer.js';

export type { StepMetrics, EvalMetrics, ChaosReport } from '../optim/trainer.js';

/** A regular grid (VTK ImageData, up to 3 axes) or a particle frame (VTK PolyData). */
export type FieldOutput =
  | {
      kind: 'grid';
      /** File stem under fields/, e.g. 'solution' or 'sample0'. */
      name: string;
      counts: number[];
      origin: number[];
      spacing: number[];
      pointData: Record<string, Float64Array>;
    }
  | {
      /** Scattered points (e.g. reference data locations), written as one name.vtp. */
      kind: 'points';
      name: string;
      points: Float64Array;
      dim: number;
      pointData: Record<string, Float64Array>;
    }
  | {
      kind: 'particles';
      /** Frames sharing a name form one time series (name_0000.vtp ... + name.pvd). */
      name: string;
      step: number;
      time?: number;
      points: Float64Array;
      dim: number;
      /** Index pairs (e.g. springs). */
      lines?: Int32Array;
      pointData: Record<string, Float64Array>;
    };

/** The shared contract, plus an optional field-output hook for kinds without an evaluation grid. */
export interface Trainer extends BaseTrainer {
  /** Optional: the trainer's own field output (operators, simulators). */
  fields?(): FieldOutput[];
}

export interface TrainerContext {
  /** Directory of the config file: relative data paths resolve against it. */
  configDir: string;
}

export type TrainerFactory = (config: RunConfig, ctx: TrainerContext) => Trainer | Promise<Trainer>;
