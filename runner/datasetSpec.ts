// What an operator dataset on disk is: its kind and solver options, the shard plan (samples and seed per shard) and
// the manifest that records them. Shard i holds the samples the in-process generator makes from shardSeed(seed, i),
// so the dataset depends only on (kind, options, seed, samples, shards), never on workers or the order shards run in.
import { createHash } from 'node:crypto';
import { encodeNpz } from '../meshes/index.js';
import { antiderivativeDataset, burgersDataset, darcyDataset, type OperatorDataset } from '../solvers/index.js';

export const datasetKinds = ['burgers', 'darcy', 'antiderivative'] as const;
export type DatasetKind = (typeof datasetKinds)[number];

/** Solver options of a dataset (snake_case, as in the manifest); absent keys take the kind's defaults. */
export interface DatasetOptions {
  resolution: number;
  /** burgers: viscosity */
  nu?: number;
  /** burgers: final time */
  t_final?: number;
  /** burgers: grid of the solver, a multiple of resolution */
  solver_resolution?: number;
}

/** The options each kind takes and its defaults (those of the config's generated data types). */
export const kindOptions: Record<DatasetKind, { defaults: DatasetOptions; minResolution: number }> = {
  burgers: { defaults: { resolution: 128, nu: 0.1, t_final: 1 }, minResolution: 4 },
  darcy: { defaults: { resolution: 29 }, minResolution: 3 },
  antiderivative: { defaults: { resolution: 100 }, minResolution: 2 },
};

/** The seed of shard `index`: the first 32 bits of sha256("seed:index"), independent of every other shard. */
export function shardSeed(seed: number, index: number): number {
  return createHash('sha256').update(`${seed}:${index}`).digest().readUInt32LE(0);
}

/** Samples generated in-process: the reference the shards must equal. */
export function generateSamples(kind: DatasetKind, o: DatasetOptions, seed: number, n: number): OperatorDataset {
  switch (kind) {
    case 'burgers':
      return burgersDataset({ n, resolution: o.resolution, nu: o.nu, T: o.t_final, solverResolution: o.solver_resolution, seed });
    case 'darcy':
      return darcyDataset({ n, resolution: o.resolution, seed });
    case 'antiderivative':
      return antiderivativeDataset({ n, resolution: o.resolution, seed });
  }
}

/** Points per axis of one sample. */
export const gridShapeOf = (kind: DatasetKind, o: DatasetOptions): number[] =>
  kind === 'darcy' ? [o.resolution, o.resolution] : [o.resolution];

export interface ShardEntry {
  index: number;
  /** File name inside the dataset directory. */
  file: string;
  seed: number;
  samples: number;
  /** Size and SHA-256 of the shard file, once written. */
  bytes?: number;
  sha256?: string;
}

export const MANIFEST = 'manifest.json';
export const DATASET_FORMAT = 'fluxion-operator-dataset';

export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  version: 1;
  kind: DatasetKind;
  options: DatasetOptions;
  seed: number;
  samples: number;
  /** Array shapes of the whole dataset: inputs and outputs [samples, ...grid], grid [points per axis]. */
  shapes: { inputs: number[]; outputs: number[]; grid: number[] };
  shards: ShardEntry[];
}

/** The manifest of a dataset still to generate: `samples` split over `shards` as evenly as possible, first ones larger. */
export function planDataset(kind: DatasetKind, options: DatasetOptions, seed: number, samples: number, shards: number): DatasetManifest {
  const width = Math.max(5, String(shards - 1).length);
  const entries = Array.from({ length: shards }, (_, index) => ({
    index,
    file: `shard-${String(index).padStart(width, '0')}.npz`,
    seed: shardSeed(seed, index),
    samples: Math.floor(samples / shards) + (index < samples % shards ? 1 : 0),
  }));
  const grid = gridShapeOf(kind, options);
  return {
    format: DATASET_FORMAT,
    version: 1,
    kind,
    options,
    seed,
    samples,
    shapes: { inputs: [samples, ...grid], outputs: [samples, ...grid], grid: [grid[0]] },
    shards: entries,
  };
}

/** The manifest without checksums: what two runs must agree on to share a directory. */
export function planKey(m: DatasetManifest): string {
  return JSON.stringify({ ...m, shards: m.shards.map(({ bytes: _b, sha256: _s, ...e }) => e) });
}

/** One shard's file bytes: inputs and outputs [samples, ...grid] and the grid coordinates of one axis. */
export function shardBytes(ds: OperatorDataset): Uint8Array {
  return encodeNpz({
    inputs: { data: ds.inputs, shape: [ds.count, ...ds.gridShape] },
    outputs: { data: ds.outputs, shape: [ds.count, ...ds.gridShape] },
    grid: { data: ds.grid, shape: [ds.grid.length] },
  });
}
