// Stacking several directional evaluations of a row-wise function into one batched call.
import { Tensor } from './tensor.js';
import * as ops from './ops.js';
import { allocate } from './dtype.js';
import { ShapeError } from './errors.js';
import { fmt } from './shape.js';

/** t [N, ...] repeated P times along the rows -> [P*N, ...] (block p holds all N rows). */
export function repeatRows(t: Tensor, P: number): Tensor {
  const [N, ...rest] = t.shape;
  return ops.reshape(ops.broadcastTo(ops.reshape(t, [1, ...t.shape]), [P, ...t.shape]), [P * N, ...rest]);
}

/** Points x [N, d] repeated P times -> [P*N, d], one block per direction. */
export const tileRows = repeatRows;

/** Directions [P, d] (rows) repeated for each of N points -> [P*N, d], matching tileRows. */
export function tileDirections(dirs: readonly (readonly number[])[], N: number, dtype: Tensor['dtype']): Tensor {
  const P = dirs.length;
  const d = dirs[0]?.length ?? 0;
  const b = allocate(dtype, P * N * d);
  dirs.forEach((v, p) => {
    for (let n = 0; n < N; n++) b.set(v, (p * N + n) * d);
  });
  return new Tensor([P * N, d], dtype, b);
}

/** Sums blocks of y [P*N, ...] with weights w[p] -> [N, ...]. */
export function weightedBlockSum(y: Tensor, P: number, weights: readonly number[]): Tensor {
  const N = y.shape[0] / P;
  const blocks = ops.reshape(y, [P, N, ...y.shape.slice(1)]);
  const w = new Tensor(
    [P, ...Array<number>(y.rank).fill(1)],
    y.dtype,
    allocate(y.dtype, P).map((_, i) => weights[i]),
  );
  return ops.sum(ops.mul(blocks, w), 0);
}

export function checkPoints(what: string, x: Tensor): void {
  if (x.rank !== 2) throw new ShapeError(what, `expected points of shape [N, d], got ${fmt(x.shape)}`);
}

export const unitVector = (d: number, i: number): number[] => Array.from({ length: d }, (_, j) => (j === i ? 1 : 0));
