// Operator-learning data: samples stacked row-major, train/test splits, normalisation, relative L2.
import { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { allocate, type DType } from '../core/dtype.js';

/** Input/output functions on a grid (structurally the solvers' OperatorDataset). */
export interface OperatorSamples {
  /** count x prod(gridShape) (x inChannels) input values */
  inputs: Float64Array;
  /** count x prod(gridShape) (x outChannels) output values */
  outputs: Float64Array;
  count: number;
  /** points per axis */
  gridShape: number[];
  /** coordinates along each axis (shared by all axes in 2D) */
  grid: Float64Array;
}

/** Coordinates [...gridShape, dim] of a tensor grid whose axes all use `axis` (meshgrid, 'ij' order). */
export function gridCoords(gridShape: readonly number[], axis: Float64Array, dtype: DType = 'f64'): Tensor {
  const dim = gridShape.length;
  if (dim < 1 || dim > 2) throw new RangeError(`gridCoords: 1 or 2 axes supported, got gridShape [${gridShape.join(', ')}]`);
  if (gridShape.some((n) => n > axis.length)) {
    throw new RangeError(`gridCoords: axis has ${axis.length} coordinates, gridShape [${gridShape.join(', ')}] needs more`);
  }
  const size = gridShape.reduce((a, b) => a * b, 1);
  const out = allocate(dtype, size * dim);
  if (dim === 1) for (let i = 0; i < size; i++) out[i] = axis[i];
  else {
    const [nx, ny] = gridShape;
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        out[2 * (i * ny + j)] = axis[i];
        out[2 * (i * ny + j) + 1] = axis[j];
      }
    }
  }
  return new Tensor([...gridShape, dim], dtype, out);
}

/** Samples [from, from+count) of a data set (copies). */
export function takeSamples(ds: OperatorSamples, from: number, count: number): OperatorSamples {
  if (!Number.isInteger(from) || !Number.isInteger(count) || from < 0 || count < 1 || from + count > ds.count) {
    throw new RangeError(`takeSamples: samples [${from}, ${from + count}) are not inside a data set of ${ds.count}`);
  }
  const pin = ds.inputs.length / ds.count;
  const pout = ds.outputs.length / ds.count;
  return {
    inputs: ds.inputs.slice(from * pin, (from + count) * pin),
    outputs: ds.outputs.slice(from * pout, (from + count) * pout),
    count,
    gridShape: [...ds.gridShape],
    grid: ds.grid,
  };
}

/** First nTrain samples for training, the next nTest (default: the rest) held out. */
export function splitSamples(
  ds: OperatorSamples,
  nTrain: number,
  nTest = ds.count - nTrain,
): { train: OperatorSamples; test: OperatorSamples } {
  if (nTrain + nTest > ds.count) throw new RangeError(`splitSamples: nTrain ${nTrain} + nTest ${nTest} exceed the ${ds.count} samples`);
  return { train: takeSamples(ds, 0, nTrain), test: takeSamples(ds, nTrain, nTest) };
}

/** Every stride-th grid point per axis (1D or 2D), e.g. to train on a coarse copy of fine data. */
export function subsample(ds: OperatorSamples, stride: number): OperatorSamples {
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`subsample: stride must be a positive integer, got ${stride}`);
  const dims = ds.gridShape;
  const out = dims.map((n) => Math.ceil(n / stride));
  const P = dims.reduce((a, b) => a * b, 1);
  const Q = out.reduce((a, b) => a * b, 1);
  const cin = ds.inputs.length / (ds.count * P);
  const cout = ds.outputs.length / (ds.count * P);
  const pick = (src: Float64Array, c: number): Float64Array => {
    const dst = new Float64Array(ds.count * Q * c);
    for (let s = 0; s < ds.count; s++) {
      for (let q = 0; q < Q; q++) {
        const p = dims.length === 1 ? q * stride : Math.floor(q / out[1]) * stride * dims[1] + (q % out[1]) * stride;
        for (let k = 0; k < c; k++) dst[(s * Q + q) * c + k] = src[(s * P + p) * c + k];
      }
    }
    return dst;
  };
  const grid = Float64Array.from({ length: out[0] }, (_, i) => ds.grid[i * stride]);
  return { inputs: pick(ds.inputs, cin), outputs: pick(ds.outputs, cout), count: ds.count, gridShape: out, grid };
}

export type NormalizerKind = 'none' | 'global' | 'pointwise';

/** Gaussian normaliser (x - mean) / std; 'global' uses one mean/std (resolution-free), 'pointwise' one per grid value. */
export class Normalizer {
  private constructor(
    readonly kind: NormalizerKind,
    readonly mean: Float64Array,
    readonly std: Float64Array,
  ) {}

  /** Fits to `count` rows of `values` (row-major count x perRow). */
  static fit(kind: NormalizerKind, values: Float64Array, count: number): Normalizer {
    if (kind === 'none') return new Normalizer(kind, new Float64Array([0]), new Float64Array([1]));
    const per = values.length / count;
    const width = kind === 'global' ? 1 : per;
    const mean = new Float64Array(width);
    const sq = new Float64Array(width);
    for (let i = 0; i < values.length; i++) {
      const k = kind === 'global' ? 0 : i % per;
      mean[k] += values[i];
    }
    const n = values.length / width;
    for (let k = 0; k < width; k++) mean[k] /= n;
    for (let i = 0; i < values.length; i++) {
      const k = kind === 'global' ? 0 : i % per;
      sq[k] += (values[i] - mean[k]) ** 2;
    }
    const std = Float64Array.from(sq, (s) => Math.sqrt(s / n) + 1e-5); // eps as in the reference UnitGaussianNormalizer
    return new Normalizer(kind, mean, std);
  }

  static fromJSON(o: { kind: NormalizerKind; mean: number[]; std: number[] }): Normalizer {
    return new Normalizer(o.kind, Float64Array.from(o.mean), Float64Array.from(o.std));
  }
  toJSON(): { kind: NormalizerKind; mean: number[]; std: number[] } {
    return { kind: this.kind, mean: Array.from(this.mean), std: Array.from(this.std) };
  }

  private check(per: number): void {
    if (this.kind === 'pointwise' && per !== this.mean.length) {
      throw new RangeError(
        `Normalizer: pointwise statistics are for ${this.mean.length} values per sample, got ${per}; use 'global' to change resolution`,
      );
    }
  }

  /** Normalised copy of `count` rows. */
  encode(values: Float64Array, count: number): Float64Array {
    const per = values.length / count;
    this.check(per);
    const w = this.mean.length;
    return Float64Array.from(values, (v, i) => (v - this.mean[(i % per) % w]) / this.std[(i % per) % w]);
  }

  /** Inverse map on a tensor [B, ...] inside a traced function. */
  decode(x: Tensor): Tensor {
    if (this.kind === 'none') return x;
    const per = x.size / x.shape[0];
    this.check(per);
    const shape = this.kind === 'global' ? [] : x.shape.slice(1);
    const std = new Tensor(shape, x.dtype, castArray(this.std, x.dtype));
    const mean = new Tensor(shape, x.dtype, castArray(this.mean, x.dtype));
    return ops.add(ops.mul(x, std), mean);
  }
}

function castArray(a: Float64Array, dtype: DType): Float32Array | Float64Array {
  return dtype === 'f32' ? Float32Array.from(a) : Float64Array.from(a);
}

/** Relative L2 error per sample, ||pred - ref|| / ||ref||, averaged over a batch [B, ...] (differentiable). */
export function relativeL2(pred: Tensor, ref: Tensor): Tensor {
  const axes = pred.shape.slice(1).map((_, i) => i + 1);
  const num = ops.sqrt(ops.sum(ops.square(ops.sub(pred, ref)), axes));
  const den = ops.sqrt(ops.sum(ops.square(ref), axes));
  return ops.mean(ops.div(num, den));
}

/** The same on host arrays, in f64: mean over `count` rows of ||a_i - b_i|| / ||b_i||. */
export function relativeL2Host(pred: ArrayLike<number>, ref: ArrayLike<number>, count: number): number {
  const per = ref.length / count;
  let total = 0;
  for (let s = 0; s < count; s++) {
    let num = 0;
    let den = 0;
    for (let i = s * per; i < (s + 1) * per; i++) {
      num += (pred[i] - ref[i]) ** 2;
      den += ref[i] ** 2;
    }
    total += Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
  }
  return total / count;
}
