// Reductions over a set of axes: sum (linear) and max (the derivative of the maximal entries).
import { allocate, type TypedArray } from '../dtype.js';
import type { Aval } from '../ir.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Lax } from '../lax.js';
import type { PrimTable, Series } from './types.js';
import { shifted } from './batching.js';

export interface ReduceParams {
  reduce_sum: { readonly axes: readonly number[] };
  reduce_max: { readonly axes: readonly number[] };
}

const reducedAval = ([a]: readonly Aval[], { axes }: { axes: readonly number[] }): Aval => ({
  shape: a.shape.filter((_, i) => !axes.includes(i)),
  dtype: a.dtype,
});

/** Reduces x into `res` (overwritten; a compiled graph's planned buffer, or a fresh one from reduce). */
function reduceInto(
  x: TypedArray,
  shape: Shape,
  out: Aval,
  axes: readonly number[],
  init: number,
  op: (acc: number, v: number) => number,
  res: TypedArray,
): TypedArray {
  res.fill(init);
  // stride of each input axis inside the output (0 on reduced axes)
  const outStrides = stridesOf(out.shape);
  const strides: number[] = [];
  let k = 0;
  for (let d = 0; d < shape.length; d++) strides.push(axes.includes(d) ? 0 : outStrides[k++]);
  const rank = shape.length;
  if (rank === 0) {
    res[0] = op(res[0], x[0]);
    return res;
  }
  // one run along the last axis at a time: a reduced last axis accumulates in a local (in double precision)
  const last = rank - 1;
  const len = shape[last];
  const sl = strides[last];
  const idx = new Array<number>(rank).fill(0);
  let pos = 0;
  for (let i = 0; i < x.length; i += len) {
    if (sl === 0) {
      let acc = res[pos];
      for (let j = 0; j < len; j++) acc = op(acc, x[i + j]);
      res[pos] = acc;
    } else {
      for (let j = 0; j < len; j++) res[pos + j * sl] = op(res[pos + j * sl], x[i + j]);
    }
    for (let d = last - 1; d >= 0; d--) {
      idx[d]++;
      pos += strides[d];
      if (idx[d] < shape[d]) break;
      pos -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return res;
}

function reduce(
  x: TypedArray,
  shape: Shape,
  out: Aval,
  axes: readonly number[],
  init: number,
  op: (acc: number, v: number) => number,
): TypedArray {
  return reduceInto(x, shape, out, axes, init, op, allocate(out.dtype, sizeOf(out.shape)));
}

const add = (a: number, v: number): number => a + v;
// biome-ignore lint/complexity/useMathMinMax: a comparison, like the wasm and gpu reductions (Math.max would turn NaN handling different)
const larger = (a: number, v: number): number => (v > a ? v : a);

/** 1 where x attains the (broadcast) maximum y of its reduced cell. */
function maxMask(lax: Lax, x: Tensor, y: Tensor, axes: readonly number[]): Tensor {
  return lax.equal(x, lax.broadcastTo(lax.reshape(y, lax.keptShape(x.shape, axes)), x.shape));
}

export const reducePrims: PrimTable<keyof ReduceParams> = {
  reduce_sum: {
    name: 'reduce_sum',
    batch: (_lax, [x], c) => c.same([x], { axes: shifted(c.params.axes) }),
    shape: reducedAval,
    impl: ([x], [s], out, p) => reduce(x, s, out, p.axes, 0, add),
    // compiled graphs reduce straight into the planned buffer (no result allocated per run)
    place: ([x], [s], out, p, dst) => {
      reduceInto(x, s, out, p.axes, 0, add, dst);
    },
    diff: {
      kind: 'linear',
      in: 'all',
      transpose: (lax, ct, [x], { axes }) => [lax.broadcastTo(lax.reshape(ct, lax.keptShape(x.shape, axes)), x.shape)],
    },
  },
  reduce_max: {
    name: 'reduce_max',
    batch: (_lax, [x], c) => c.same([x], { axes: shifted(c.params.axes) }),
    shape: reducedAval,
    impl: ([x], [s], out, p) => reduce(x, s, out, p.axes, -Infinity, larger),
    place: ([x], [s], out, p, dst) => {
      reduceInto(x, s, out, p.axes, -Infinity, larger, dst);
    },
    diff: {
      kind: 'rules',
      jet: (lax, [x], y0, K, p) => {
        const isMax = maxMask(lax, x[0] as Tensor, y0, p.axes);
        const y: Series = [y0];
        for (let k = 1; k <= K; k++) y.push(x[k] ? lax.bind('reduce_sum', [lax.where(isMax, x[k] as Tensor, 0)], p) : null);
        return y;
      },
      vjp: (lax, ct, [x], y, { axes }) => {
        const kept = lax.keptShape(x.shape, axes);
        return [lax.where(maxMask(lax, x, y, axes), lax.broadcastTo(lax.reshape(ct, kept), x.shape), 0)];
      },
    },
  },
};
