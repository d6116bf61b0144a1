// Supervised (plus optional physics-informed) training of an operator network on input/output function
// pairs, driven step by step through the Trainer contract (notes/contracts.md). Defaults follow the FNO
// paper: Adam lr 1e-3, weight decay 1e-4, lr halved every 100 epochs, batch 20, relative L2 loss.
import { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { jit, valueAndGrad } from '../core/api.js';
import { leaves, type PyTree } from '../core/pytree.js';
import { flattenTree, unflattenTree } from '../nn/flat.js';
import { allocate, type DType, type FloatArray } from '../core/dtype.js';
import { shuffleInPlace, uniformAt } from '../core/random.js';
import { Adam } from '../optim/adam.js';
import { FusedAdam } from '../optim/fusedAdam.js';
import { stepDecay } from '../optim/schedules.js';
import type { Optimizer, OptimState } from '../optim/types.js';
import type { OperatorModel } from './fno.js';
import { gridCoords, Normalizer, relativeL2, relativeL2Host, type NormalizerKind, type OperatorSamples } from './data.js';
import type { EvalMetrics, StepMetrics, Trainer } from './trainerTypes.js';

export interface PhysicsLoss {
  /** weight of mean(residual^2) in the total loss */
  weight: number;
  /** residual from the decoded prediction [B, ...grid], the raw (un-normalised) inputs and the coords */
  residual(pred: Tensor, input: Tensor, coords: Tensor): Tensor;
}

export interface OperatorTrainerOptions<P> {
  model: OperatorModel<P>;
  train: OperatorSamples;
  test: OperatorSamples;
  /** held-out samples at another resolution (zero-shot super-resolution check), reported as perField.fine */
  fine?: OperatorSamples;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  /** halve (times gamma) the learning rate every this many epochs */
  decayEvery?: number;
  gamma?: number;
  /** replaces the default Adam + step decay */
  optimizer?: Optimizer;
  /**
   * Adam / AdamW (the default, or an `optimizer` that is an Adam) run inside the compiled step on f32 parameters
   * (optim/fusedAdam.ts); false keeps the host Adam (f64 moments). f64 models always use the host Adam.
   */
  fusedOptimizer?: boolean;
  loss?: 'relL2' | 'mse';
  /** weight of the data term (0 for purely physics-informed training) */
  dataWeight?: number;
  physics?: PhysicsLoss;
  normalize?: { input?: NormalizerKind; output?: NormalizerKind };
  seed?: number;
  /** samples per forward pass in evaluate() */
  evalBatch?: number;
}

export interface OperatorTrainerState {
  kind: 'operator';
  step: number;
  params: number[];
  optimizer: OptimState;
}

const perSample = (values: Float64Array, count: number) => values.length / count;
const gridSize = (s: OperatorSamples) => s.gridShape.reduce((a, b) => a * b, 1);

/** Shape of a batch of B samples: [B, ...grid] or [B, ...grid, channels]. */
function batchShape(s: OperatorSamples, values: Float64Array, B: number): number[] {
  const c = perSample(values, s.count) / gridSize(s);
  if (!Number.isInteger(c) || c < 1)
    throw new RangeError(`operator trainer: ${perSample(values, s.count)} values per sample do not fit grid [${s.gridShape.join(', ')}]`);
  return c === 1 ? [B, ...s.gridShape] : [B, ...s.gridShape, c];
}

function rows(values: Float64Array, per: number, idx: readonly number[], shape: number[], dtype: DType): Tensor {
  const out = allocate(dtype, idx.length * per);
  idx.forEach((r, i) => out.set(values.subarray(r * per, (r + 1) * per), i * per));
  return new Tensor(shape, dtype, out);
}

/** A seeded permutation of [0, n) for (seed, epoch): Fisher-Yates on counter-based uniforms. */
export function epochPermutation(n: number, seed: number, epoch: number): number[] {
  const key = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) | 0;
  let i = n; // the swap at position i draws counter i (n-1 down to 1)
  return shuffleInPlace([...Array(n).keys()], () => uniformAt(key, --i));
}

export class OperatorTrainer<P> implements Trainer {
  private stepCount = 0;
  private readonly flat: Float64Array;
  private readonly like: P;
  private readonly dtype: DType;
  private readonly optimizer: Optimizer;
  private readonly inNorm: Normalizer;
  private readonly outNorm: Normalizer;
  /** the training set in the model's dtype: encoded inputs, outputs (and raw inputs for physics) */
  private readonly trainSet: FloatArray[];
  /** the current epoch's sample order, and the training set in that order: each step's batch is a view of consecutive rows */
  private epochSet: { epoch: number; perm: number[]; rows: FloatArray[] } | null = null;
  private readonly coords: Tensor;
  private readonly gradStep: (p: P, a: Tensor, y: Tensor, raw: Tensor) => [[Tensor, PyTree], PyTree];
  /** the Adam fused into the compiled step, which then holds the parameters (this.flat is unused) */
  private readonly fused: FusedAdam<PyTree, [Tensor, Tensor, Tensor], PyTree> | null;
  private readonly forwards = new Map<OperatorSamples, (p: P, a: Tensor) => Tensor>();
  readonly batchSize: number;
  readonly stepsPerEpoch: number;

  constructor(private readonly o: OperatorTrainerOptions<P>) {
    const { model, train } = o;
    this.like = model.params;
    this.dtype = leaves(model.params as PyTree)[0].dtype;
    this.flat = flattenTree(model.params as PyTree, 'f64');
    this.batchSize = o.batchSize ?? 20;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > train.count) {
      throw new RangeError(
        `operator trainer: batchSize must be an integer in [1, ${train.count}] (the training samples), got ${this.batchSize}`,
      );
    }
    this.stepsPerEpoch = Math.floor(train.count / this.batchSize); // the remainder is dropped so one compiled shape serves every step
    const decayEvery = o.decayEvery ?? 100;
    this.optimizer =
      o.optimizer ??
      new Adam({
        lr: stepDecay({ lr: o.lr ?? 1e-3, stepSize: decayEvery * this.stepsPerEpoch, gamma: o.gamma ?? 0.5 }),
        weightDecay: o.weightDecay ?? 1e-4,
      });
    this.inNorm = Normalizer.fit(o.normalize?.input ?? 'global', train.inputs, train.count);
    this.outNorm = Normalizer.fit(o.normalize?.output ?? 'global', train.outputs, train.count);
    const inDtype = (v: Float64Array): FloatArray => (this.dtype === 'f64' ? v : Float32Array.from(v));
    this.trainSet = [this.inNorm.encode(train.inputs, train.count), train.outputs, ...(o.physics ? [train.inputs] : [])].map(inDtype);
    this.coords = gridCoords(train.gridShape, train.grid, this.dtype);
    const dataWeight = o.dataWeight ?? 1;
    const lossKind = o.loss ?? 'relL2';
    const physics = o.physics;
    const coords = this.coords;
    const loss = (p: P, a: Tensor, y: Tensor, raw: Tensor): [Tensor, PyTree] => {
      const pred = this.outNorm.decode(model.apply(p, a, coords));
      const data = lossKind === 'relL2' ? relativeL2(pred, y) : ops.mean(ops.square(ops.sub(pred, y)));
      const terms: Record<string, Tensor> = { data };
      let total = ops.mul(data, dataWeight);
      if (physics) {
        terms.pde = ops.mean(ops.square(physics.residual(pred, raw, coords)));
        total = ops.add(total, ops.mul(terms.pde, physics.weight));
      }
      return [total, terms];
    };
    // P is any tree of Tensors; the core's PyTree type is stricter than interfaces with named fields
    const lossAndGrad = (p: PyTree, a: Tensor, y: Tensor, raw: Tensor) =>
      valueAndGrad((q: PyTree, ...rest: Tensor[]) => loss(q as P, rest[0], rest[1], rest[2]), 0, { hasAux: true })(p, a, y, raw) as [
        [Tensor, PyTree],
        PyTree,
      ];
    const step = jit(lossAndGrad);
    this.gradStep = (p, a, y, raw) => step(p as PyTree, a, y, raw);
    const fuse = (o.fusedOptimizer ?? true) && this.dtype === 'f32' && this.optimizer instanceof Adam;
    this.fused = fuse ? new FusedAdam(lossAndGrad, model.params as PyTree, (this.optimizer as Adam).settings) : null;
    if (this.fused && (this.optimizer as Adam).steps > 0) this.fused.load(this.optimizer.state());
  }

  get step(): number {
    return this.stepCount;
  }

  /** Whether the optimizer runs inside the compiled step (optim/fusedAdam.ts) rather than on the host. */
  get optimizerFused(): boolean {
    return this.fused !== null;
  }

  /** Current parameters as the model's tree. */
  params(): P {
    return (this.fused ? this.fused.params() : unflattenTree(this.like as PyTree, this.flat)) as P;
  }

  /** Training-sample indices of minibatch `step` (0-based): a pure function of (seed, step). */
  batchIndices(step: number): number[] {
    const b = step % this.stepsPerEpoch;
    return this.epochRows(step).perm.slice(b * this.batchSize, (b + 1) * this.batchSize);
  }

  /** The epoch of `step`: its permutation and the training set's rows in that order (refilled when the epoch changes). */
  private epochRows(step: number): { perm: number[]; rows: FloatArray[] } {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    if (this.epochSet?.epoch === epoch) return this.epochSet;
    const perm = epochPermutation(this.o.train.count, this.o.seed ?? 0, epoch);
    const used = perm.slice(0, this.stepsPerEpoch * this.batchSize);
    const rows = this.trainSet.map((values, k) => {
      const per = values.length / this.o.train.count;
      const out = this.epochSet?.rows[k] ?? allocate(this.dtype, used.length * per);
      used.forEach((r, i) => out.set(values.subarray(r * per, (r + 1) * per), i * per));
      return out as FloatArray;
    });
    this.epochSet = { epoch, perm, rows };
    return this.epochSet;
  }

  trainStep(): StepMetrics {
    const { train } = this.o;
    const B = this.batchSize;
    const b = this.stepCount % this.stepsPerEpoch;
    const [a, y, raw = a] = this.epochRows(this.stepCount).rows.map((values, k) => {
      const per = values.length / (this.stepsPerEpoch * B);
      const shape = batchShape(train, k === 1 ? train.outputs : train.inputs, B);
      return new Tensor(shape, this.dtype, values.subarray(b * B * per, (b + 1) * B * per));
    });
    const lr = this.fused ? this.fused.currentLr() : this.optimizer.currentLr?.();
    let loss: Tensor;
    let aux: PyTree;
    if (this.fused) [loss, aux] = this.fused.update(a, y, raw);
    else {
      let grads: PyTree;
      [[loss, aux], grads] = this.gradStep(this.params(), a, y, raw);
      this.optimizer.step(this.flat, flattenTree(grads, 'f64'));
    }
    this.stepCount++;
    const terms = Object.fromEntries(Object.entries(aux as Record<string, Tensor>).map(([k, t]) => [k, t.item()]));
    const m: StepMetrics = { step: this.stepCount, loss: loss.item(), terms };
    if (lr !== undefined) m.lr = lr;
    return m;
  }

  /** Decoded predictions for every sample of a data set (row-major, like its outputs). */
  predictSamples(s: OperatorSamples): Float64Array {
    let fwd = this.forwards.get(s);
    if (!fwd) {
      const coords = gridCoords(s.gridShape, s.grid, this.dtype);
      const f = jit((p: PyTree, a: Tensor) => this.outNorm.decode(this.o.model.apply(p as P, a, coords)));
      fwd = (p: P, a: Tensor) => f(p as PyTree, a);
      this.forwards.set(s, fwd);
    }
    const enc = this.inNorm.encode(s.inputs, s.count);
    const per = perSample(s.inputs, s.count);
    const chunk = this.o.evalBatch ?? 50;
    const out = new Float64Array(s.outputs.length);
    const params = this.params();
    for (let from = 0; from < s.count; from += chunk) {
      const idx = Array.from({ length: Math.min(chunk, s.count - from) }, (_, i) => from + i);
      const pred = fwd(params, rows(enc, per, idx, batchShape(s, s.inputs, idx.length), this.dtype)).dataSync();
      out.set(pred, from * perSample(s.outputs, s.count));
    }
    return out;
  }

  evaluate(): EvalMetrics {
    const test = this.o.test;
    const l2re = relativeL2Host(this.predictSamples(test), test.outputs, test.count);
    const perField: Record<string, number> = { test: l2re };
    const fine = this.o.fine;
    if (fine) perField.fine = relativeL2Host(this.predictSamples(fine), fine.outputs, fine.count);
    return { l2re, perField };
  }

  /** Prediction for the first test sample, interpolated (multilinear, clamped) at the given points. */
  predict(points: Float64Array, n: number): Record<string, Float64Array> {
    const test = this.o.test;
    const first = {
      ...test,
      count: 1,
      inputs: test.inputs.subarray(0, perSample(test.inputs, test.count)),
      outputs: test.outputs.subarray(0, perSample(test.outputs, test.count)),
    };
    const pred = this.predictSamples(first);
    const u = interpolateGrid(pred, test.gridShape, test.grid, points, n);
    const reference = interpolateGrid(first.outputs, test.gridShape, test.grid, points, n);
    return { u, reference, error: Float64Array.from(u, (v, i) => v - reference[i]) };
  }

  state(): OperatorTrainerState {
    const f = this.fused;
    const params = Array.from(f ? flattenTree(f.params(), 'f32') : this.flat);
    return { kind: 'operator', step: this.stepCount, params, optimizer: f ? f.state() : this.optimizer.state() };
  }

  load(state: unknown): void {
    const s = state as Partial<OperatorTrainerState> | null;
    if (s?.kind !== 'operator' || typeof s.step !== 'number' || !Array.isArray(s.params) || !s.optimizer) {
      throw new Error(
        `operator trainer load: expected a state { kind: 'operator', step, params, optimizer }, got ${JSON.stringify(state)?.slice(0, 80)}`,
      );
    }
    if (s.params.length !== this.flat.length) {
      throw new Error(`operator trainer load: state has ${s.params.length} parameters, the model has ${this.flat.length}`);
    }
    this.flat.set(s.params);
    if (this.fused) {
      this.fused.setParams(unflattenTree(this.like as PyTree, this.flat));
      this.fused.load(s.optimizer);
    } else this.optimizer.load(s.optimizer);
    this.stepCount = s.step;
  }
}

/** Values on a 1D/2D tensor grid (axis coordinates `grid`, ascending) at n points, multilinear, clamped. */
export function interpolateGrid(
  values: ArrayLike<number>,
  gridShape: readonly number[],
  grid: Float64Array,
  points: Float64Array,
  n: number,
): Float64Array {
  const dim = gridShape.length;
  if (points.length !== n * dim)
    throw new RangeError(`interpolateGrid: ${points.length} coordinates are not ${n} points of dimension ${dim}`);
  const locate = (x: number, size: number): [number, number] => {
    if (x <= grid[0]) return [0, 0];
    if (x >= grid[size - 1]) return [size - 1, 0];
    let lo = 0;
    let hi = size - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (grid[mid] <= x) lo = mid;
      else hi = mid;
    }
    return [lo, (x - grid[lo]) / (grid[lo + 1] - grid[lo])];
  };
  const out = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    if (dim === 1) {
      const [i, t] = locate(points[p], gridShape[0]);
      out[p] = t ? (1 - t) * values[i] + t * values[i + 1] : values[i];
    } else {
      const [i, s] = locate(points[2 * p], gridShape[0]);
      const [j, t] = locate(points[2 * p + 1], gridShape[1]);
      const ny = gridShape[1];
      const at = (a: number, b: number) => values[Math.min(a, gridShape[0] - 1) * ny + Math.min(b, ny - 1)];
      out[p] = (1 - s) * ((1 - t) * at(i, j) + t * at(i, j + 1)) + s * ((1 - t) * at(i + 1, j) + t * at(i + 1, j + 1));
    }
  }
  return out;
}
