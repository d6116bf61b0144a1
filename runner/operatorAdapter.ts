// `kind: operator` config -> dataset (solvers/ generators or a file) + FNO/DeepONet -> OperatorTrainer.
import { resolve } from 'node:path';
import { burgersDataset, antiderivativeDataset, darcyDataset, type OperatorDataset } from '../solvers/index.js';
import { fno, deeponet, OperatorTrainer, splitSamples, type OperatorSamples } from '../operators/index.js';
import { loadReference } from '../meshes/index.js';
import type { Optimizer } from '../optim/types.js';
import { ConfigError } from './errors.js';
import { loadDataset, readManifest } from './datasetRead.js';
import { buildOptimizer } from './optimizer.js';
import type { OperatorConfig } from './schema.js';
import type { FieldOutput, Trainer, TrainerContext } from './trainer.js';

function fileDataset(d: Extract<OperatorConfig['data'], { type: 'file' }>, ctx: TrainerContext): { all: OperatorDataset; nTrain: number } {
  let ref;
  try {
    ref = loadReference(resolve(ctx.configDir, d.file));
  } catch (e) {
    throw new ConfigError(`data.file: ${(e as Error).message}`);
  }
  const get = (name: string, key: string) => {
    const a = ref.arrays[name];
    if (!a) throw new ConfigError(`data.${key}: '${d.file}' has no array '${name}'; available: ${ref.names.join(', ')}`);
    if (a.shape.length < 2 || a.shape.length > 3)
      throw new ConfigError(`data.${key}: expected an array shaped [count, n] or [count, n, n], got [${a.shape.join(', ')}]`);
    return a;
  };
  const a = get(d.inputs, 'inputs'),
    u = get(d.outputs, 'outputs');
  if (a.shape.join() !== u.shape.join())
    throw new ConfigError(`data: inputs [${a.shape.join(', ')}] and outputs [${u.shape.join(', ')}] must have the same shape`);
  const [count, ...gridShape] = a.shape;
  const s = gridShape[0];
  const nTest = Math.max(1, Math.round(count * d.test_fraction));
  if (count - nTest < 1) throw new ConfigError(`data: ${count} samples leave none for training with test_fraction ${d.test_fraction}`);
  return {
    all: { inputs: a.data, outputs: u.data, count, gridShape, grid: Float64Array.from({ length: s }, (_, j) => j / (s - 1)) },
    nTrain: count - nTest,
  };
}

/** A `data.type: dataset` directory: its manifest must hold train + test samples (errors name the key). */
function datasetDir(c: OperatorConfig, ctx: TrainerContext, read: boolean): OperatorDataset | undefined {
  const d = c.data as Extract<OperatorConfig['data'], { type: 'dataset' }>;
  const dir = resolve(ctx.configDir, d.path);
  const m = readManifest(dir, (reason) => new ConfigError(`data.path: ${reason}`));
  if (d.train + d.test > m.samples)
    throw new ConfigError(`data.train: ${d.train} + data.test ${d.test} samples exceed the ${m.samples} of '${d.path}'`);
  const most = Math.floor(m.options.resolution / 2) + 1;
  if (c.model.type === 'fno' && c.model.modes > most)
    throw new ConfigError(
      `model.modes: expected at most resolution/2 + 1 = ${most} modes (the dataset's resolution is ${m.options.resolution}), got ${c.model.modes}`,
    );
  return read ? loadDataset(dir, d.train + d.test, (reason) => new ConfigError(`data.path: ${reason}`)) : undefined;
}

/** `fluxion validate`: a `data.type: file` dataset is read and its arrays and shapes checked, a dataset directory's manifest too (no training data is made). */
export function checkOperatorConfig(c: OperatorConfig, ctx: TrainerContext): void {
  if (c.data.type === 'file') fileDataset(c.data, ctx);
  if (c.data.type === 'dataset') datasetDir(c, ctx, false);
}

function dataset(c: OperatorConfig, ctx: TrainerContext): { train: OperatorSamples; test: OperatorSamples } {
  const d = c.data;
  if (d.type === 'file') {
    const { all, nTrain } = fileDataset(d, ctx);
    return splitSamples(all, nTrain);
  }
  if (d.type === 'dataset') return splitSamples(datasetDir(c, ctx, true) as OperatorDataset, d.train, d.test);
  const n = d.train + d.test;
  const all =
    d.type === 'burgers'
      ? burgersDataset({ n, resolution: d.resolution, nu: d.nu, T: d.T, seed: c.seed, solverResolution: d.solver_resolution, grf: d.grf })
      : d.type === 'antiderivative'
        ? antiderivativeDataset({ n, resolution: d.resolution, seed: c.seed, grf: d.grf })
        : darcyDataset({ n, resolution: d.resolution, seed: c.seed, grf: d.grf });
  return splitSamples(all, d.train, d.test);
}

/** Test samples on their grid: input, truth, prediction and absolute error. */
function sampleFields(trainer: OperatorTrainer<unknown>, test: OperatorSamples, count: number): FieldOutput[] {
  const pred = trainer.predictSamples(test);
  const per = test.outputs.length / test.count;
  const dims = test.gridShape;
  const h = test.grid.length > 1 ? test.grid[1] - test.grid[0] : 1;
  const out: FieldOutput[] = [];
  for (let k = 0; k < Math.min(count, test.count); k++) {
    const sl = (v: Float64Array) => v.slice(k * per, (k + 1) * per);
    const truth = sl(test.outputs),
      p = sl(pred);
    out.push({
      kind: 'grid',
      name: `sample${k}`,
      counts: [...dims],
      origin: dims.map(() => test.grid[0]),
      spacing: dims.map(() => h),
      pointData: { input: sl(test.inputs), truth, prediction: p, error: p.map((v, i) => Math.abs(v - truth[i])) },
    });
  }
  return out;
}

export function createOperatorTrainerFromConfig(c: OperatorConfig, ctx: TrainerContext): Trainer {
  const { train, test } = dataset(c, ctx);
  const dim = train.gridShape.length;
  const m = c.model;
  let model;
  if (m.type === 'fno') {
    if (dim !== 1 && dim !== 2) throw new ConfigError(`data: FNO handles 1D or 2D grids, the data has ${dim} axes`);
    model = fno({
      dim: dim as 1 | 2,
      modes: m.modes,
      width: m.width,
      layers: m.depth,
      projection: m.projection,
      padding: m.padding,
      seed: c.seed,
      dtype: c.dtype,
    });
  } else {
    const sensors = train.inputs.length / train.count;
    model = deeponet({
      branch: [sensors, ...m.branch, m.basis],
      trunk: [dim, ...m.trunk, m.basis],
      activation: m.activation,
      seed: c.seed,
      dtype: c.dtype,
    });
  }
  const t = c.training;
  const useDefault = t.optimizer === 'adam' && t.lr === undefined && Object.keys(t.optimizer_options).length === 0;
  const trainer = new OperatorTrainer<unknown>({
    model: model as never,
    train,
    test,
    batchSize: t.batch_size,
    seed: c.seed,
    loss: c.loss,
    decayEvery: t.decay_every,
    optimizer: useDefault ? undefined : (buildOptimizer(t) as Optimizer),
  });
  return Object.assign(trainer, { fields: (): FieldOutput[] => sampleFields(trainer, test, c.output.samples) });
}
