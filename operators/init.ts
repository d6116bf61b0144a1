// Seeded parameter initialisation following the PyTorch defaults the FNO/DeepONet reference code relies on.
import { Tensor } from '../core/tensor.js';
import { sampleInto } from '../core/random.js';
import type { DType } from '../core/dtype.js';

/** Uniform(lo, hi) values of the given shape from the counter-based stream `key`. */
export function uniformTensor(shape: readonly number[], lo: number, hi: number, key: number, dtype: DType): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const u = sampleInto('uniform', key, n, dtype);
  for (let i = 0; i < n; i++) u[i] = lo + (hi - lo) * u[i];
  return new Tensor([...shape], dtype, u);
}

/** A distinct stream key for (seed, parameter index): keeps every tensor's values independent. */
export const paramKey = (seed: number, index: number): number => (Math.imul(seed | 0, 0x2c1b3c6d) + Math.imul(index + 1, 0x297a2d39)) | 0;

/** Weights and bias of a pointwise (1x1) linear map Cin -> Cout, stored as W [Cout, Cin], b [Cout]. */
export interface PointwiseParams {
  W: Tensor;
  b: Tensor;
}

/** nn.Linear / nn.Conv1d(k=1) default: W, b ~ U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export function pointwiseInit(cin: number, cout: number, seed: number, index: number, dtype: DType): PointwiseParams {
  const bound = 1 / Math.sqrt(cin);
  return {
    W: uniformTensor([cout, cin], -bound, bound, paramKey(seed, 2 * index), dtype),
    b: uniformTensor([cout], -bound, bound, paramKey(seed, 2 * index + 1), dtype),
  };
}

export function checkPositiveInt(where: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${where}: ${name} must be a positive integer, got ${v}`);
}
