// Indexed reads and writes along one axis: gather (numpy take) and its transpose, scatter-add.
import { ShapeError } from '../errors.js';
import { allocate, type TypedArray } from '../dtype.js';
import { sameShape, sizeOf, type Shape } from '../shape.js';
import type { Aval } from '../ir.js';
import type { PrimTable } from './types.js';
import { exampleOffsets, liftAll, moveAxis } from './batching.js';

export interface IndexingParams {
  gather: { readonly axis: number };
  /** size: the length of the output axis */
  scatter_add: { readonly axis: number; readonly size: number };
}

function checkIndex(op: string, i: number, n: number): void {
  if (!(i >= 0 && i < n)) throw new RangeError(`${op}: index ${i} is out of range [0, ${n})`);
}

/** The reference evaluation into a fresh buffer (the js backend and eager calls). */
function intoNew(out: Aval, write: (dst: TypedArray) => void): TypedArray {
  const res = allocate(out.dtype, sizeOf(out.shape));
  write(res);
  return res;
}

/** gather into `dst` (every element written): compiled graphs pass their planned buffer, so nothing is allocated per run. */
function gatherInto([x, idx]: readonly TypedArray[], [s]: readonly Shape[], axis: number, dst: TypedArray): void {
  const outer = sizeOf(s.slice(0, axis));
  const n = s[axis];
  const inner = sizeOf(s.slice(axis + 1));
  const m = idx.length;
  for (let j = 0; j < m; j++) checkIndex('gather', idx[j], n);
  for (let o = 0; o < outer; o++) {
    if (inner === 1) {
      // element gathers (particle-grid transfers): a subarray per element would dominate the cost
      const xo = o * n;
      const ro = o * m;
      for (let j = 0; j < m; j++) dst[ro + j] = x[xo + idx[j]];
      continue;
    }
    for (let j = 0; j < m; j++) {
      const src = idx[j];
      dst.set(x.subarray((o * n + src) * inner, (o * n + src + 1) * inner), (o * m + j) * inner);
    }
  }
}

/** scatter-add into `dst`, which it zeroes first (a planned buffer holds an earlier value). */
function scatterAddInto(
  [idx, upd]: readonly TypedArray[],
  [, us]: readonly Shape[],
  out: Aval,
  { axis, size: n }: IndexingParams['scatter_add'],
  dst: TypedArray,
): void {
  dst.fill(0);
  const outer = sizeOf(us.slice(0, axis));
  const m = idx.length;
  const inner = sizeOf(out.shape.slice(axis + 1));
  if (outer === 1 && inner === 1) {
    // one pass for the common case (a particle-to-grid transfer): check each index where it is used
    for (let j = 0; j < m; j++) {
      const d = idx[j];
      if (!(d >= 0 && d < n)) checkIndex('scatterAdd', d, n);
      dst[d] += upd[j];
    }
    return;
  }
  for (let j = 0; j < m; j++) checkIndex('scatterAdd', idx[j], n);
  for (let o = 0; o < outer; o++) {
    if (inner === 1) {
      const ro = o * n;
      const uo = o * m;
      for (let j = 0; j < m; j++) dst[ro + idx[j]] += upd[uo + j];
      continue;
    }
    for (let j = 0; j < m; j++) {
      const d0 = (o * n + idx[j]) * inner;
      const s0 = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) dst[d0 + i] += upd[s0 + i];
    }
  }
}

export const indexingPrims: PrimTable<keyof IndexingParams> = {
  gather: {
    name: 'gather',
    batch: (lax, [x, idx], c) => {
      const { axis } = c.params;
      if (c.bdims[1] === null) return c.same([x, idx], { axis: axis + 1 });
      if (c.bdims[0] === null) return moveAxis(lax, c.same([x, idx]), axis, 0);
      // both batched: fold the batch axis into the gathered one and offset example b's indices by b * n
      const n = x.shape[axis + 1];
      const folded = lax.reshape(moveAxis(lax, x, 0, axis), [...x.shape.slice(1, axis + 1), c.size * n, ...x.shape.slice(axis + 2)]);
      return moveAxis(lax, c.same([folded, lax.add(idx, exampleOffsets(c.size, n, idx.rank))]), axis, 0);
    },
    shape: ([x, idx], { axis }) => {
      if (idx.dtype !== 'i32') throw new ShapeError('gather', `indices must be i32, got ${idx.dtype}`);
      return { shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)], dtype: x.dtype };
    },
    impl: (ins, shapes, out, p) => intoNew(out, (dst) => gatherInto(ins, shapes, p.axis, dst)),
    place: (ins, shapes, _out, p, dst) => gatherInto(ins, shapes, p.axis, dst),
    diff: {
      kind: 'linear',
      in: [0],
      transpose: (lax, ct, [x, idx], { axis }) => [lax.bind('scatter_add', [idx, ct], { axis, size: x.shape[axis] }), null],
    },
  },
  scatter_add: {
    name: 'scatter_add',
    batch: (lax, xs, c) => {
      const { axis, size } = c.params;
      if (c.bdims[0] === null) return c.same(xs, { axis: axis + 1, size });
      // batched indices: fold the batch axis into the target axis, example b writing rows b * size + idx[b]
      const [idx, upd] = liftAll(lax, xs, c);
      const out = c.same([lax.add(idx, exampleOffsets(c.size, size, idx.rank)), moveAxis(lax, upd, 0, axis)], {
        axis,
        size: c.size * size,
      });
      const pre = out.shape.slice(0, axis);
      return moveAxis(lax, lax.reshape(out, [...pre, c.size, size, ...out.shape.slice(axis + 1)]), axis, 0);
    },
    shape: ([idx, upd], { axis, size }) => {
      if (idx.dtype !== 'i32') throw new ShapeError('scatterAdd', `indices must be i32, got ${idx.dtype}`);
      const k = idx.shape.length;
      const ok = sameShape(upd.shape.slice(axis, axis + k), idx.shape);
      if (!ok)
        throw new ShapeError(
          'scatterAdd',
          `updates [${upd.shape.join(',')}] do not carry indices [${idx.shape.join(',')}] at axis ${axis}`,
        );
      return { shape: [...upd.shape.slice(0, axis), size, ...upd.shape.slice(axis + k)], dtype: upd.dtype };
    },
    impl: (ins, shapes, out, p) => intoNew(out, (dst) => scatterAddInto(ins, shapes, out, p, dst)),
    place: (ins, shapes, out, p, dst) => scatterAddInto(ins, shapes, out, p, dst),
    diff: { kind: 'linear', in: [1], transpose: (lax, ct, [idx], { axis }) => [null, lax.bind('gather', [ct, idx], { axis })] },
  },
};
