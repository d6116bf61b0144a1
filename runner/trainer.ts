// The Trainer contract (notes/contracts.md) the runner drives step by step, plus the optional
// field output hook that kinds without a natural evaluation grid (operators, simulators) provide.
import type { RunConfig } from './schema.js';

export interface StepMetrics {
  /** 1-based count of completed steps. */
  step: number;
  /** Total (weighted) loss. */
  loss: number;
  /** Every loss term by name, unweighted. */
  terms: Record<string, number>;
  weights?: Record<string, number>;
  lr?: number;
}

export interface EvalMetrics {
  l2re?: number;
  perField?: Record<string, number>;
  unknowns?: Record<string, number>;
}

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

export interface Trainer {
  readonly step: number;
  trainStep(): StepMetrics;
  evaluate(): EvalMetrics;
  /** Fields on row-major points (n x dim): prediction, and reference/error where known. */
  predict(points: Float64Array, n: number): Record<string, Float64Array>;
  /** JSON-serialisable snapshot; load(state()) then trainStep() continues bit-for-bit. */
  state(): unknown;
  load(state: unknown): void;
  /** Optional: the trainer's own field output (operators, simulators). */
  fields?(): FieldOutput[];
}

export interface TrainerContext {
  /** Directory of the config file: relative data paths resolve against it. */
  configDir: string;
}

export type TrainerFactory = (config: RunConfig, ctx: TrainerContext) => Trainer | Promise<Trainer>;
