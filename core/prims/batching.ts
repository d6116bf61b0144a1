// Building blocks of the vmap rules (core/transforms/batch.ts runs them): every batched value carries its
// batch axis in front, so a rule only ever moves that one axis or gives shared inputs one.
import type { Lax } from '../lax.js';
import { tensor, type Tensor } from '../tensor.js';
import type { BatchContext, BatchDim, BatchRule } from './types.js';

/** x with the batch axis in front: itself when batched, else broadcast along a new leading axis. */
export const lift = (lax: Lax, x: Tensor, bdim: BatchDim, size: number): Tensor =>
  bdim === 0 ? x : lax.broadcastTo(x, [size, ...x.shape]);

/** Every input with the batch axis in front. */
export const liftAll = <P>(lax: Lax, xs: readonly Tensor[], c: BatchContext<P>): Tensor[] =>
  xs.map((x, i) => lift(lax, x, c.bdims[i], c.size));

/** x with axis `from` moved to position `to` (the others keep their order). */
export function moveAxis(lax: Lax, x: Tensor, from: number, to: number): Tensor {
  if (from === to) return x;
  const perm = [...Array(x.rank).keys()].filter((a) => a !== from);
  perm.splice(to, 0, from);
  return lax.transpose(x, perm);
}

/** The rule of primitives that act on every element, or on trailing axes only (elementwise, FFT). */
export const batchLeading =
  <P>(): BatchRule<P> =>
  (lax, xs, c) =>
    c.same(liftAll(lax, xs, c));

/** Axis lists of a per-example value, shifted past the batch axis. */
export const shifted = (axes: readonly number[]): number[] => axes.map((a) => a + 1);

/** b * n for example b, shaped [size, 1, ..., 1] (rank `rank`), as i32: offsets that fold a batch into an index axis. */
export function exampleOffsets(size: number, n: number, rank: number): Tensor {
  const data = Int32Array.from({ length: size }, (_, b) => b * n);
  return tensor(data, [size, ...Array(rank - 1).fill(1)], 'i32');
}

/**
 * The rule of primitives with no batched form (random draws, host calls, particle-grid transfers): the primitive
 * once per example, on that example's slice of each batched input, the results stacked.
 */
export const perExample =
  <P>(): BatchRule<P> =>
  (lax, xs, c) =>
    lax.concat(
      Array.from({ length: c.size }, (_, b) => {
        const example = xs.map((x, i) => (c.bdims[i] === 0 ? lax.reshape(lax.sliceAxis(x, 0, b, b + 1), x.shape.slice(1)) : x));
        const y = c.same(example);
        return lax.reshape(y, [1, ...y.shape]);
      }),
      0,
    );
