// Layout primitives: broadcast, reshape, transpose, slice, pad, concat. All are linear; their
// transposes are the vjp, and their reference evaluation is one strided copy.
import { ShapeError } from '../errors.js';
import { allocate } from '../dtype.js';
import { fmt, invertPerm, sizeOf, stridesOf, type Shape } from '../shape.js';
import { materialize, placeAt } from '../kernels/strided.js';
import type { PrimDef, PrimTable } from './types.js';
import { liftAll, shifted } from './batching.js';

export interface LayoutParams {
  broadcast: { readonly shape: Shape };
  reshape: { readonly shape: Shape };
  transpose: { readonly perm: readonly number[] };
  slice: { readonly start: readonly number[]; readonly shape: Shape };
  pad: { readonly before: readonly number[]; readonly after: readonly number[] };
  concat: { readonly axis: number };
}
type Name = keyof LayoutParams;

/** A view-like primitive: evaluated (and compiled) as a strided copy of its input. */
function viewDef<K extends 'broadcast' | 'transpose' | 'slice'>(
  d: Omit<PrimDef<K>, 'impl'> & Required<Pick<PrimDef<K>, 'view'>>,
): PrimDef<K> {
  const view = d.view;
  return { ...d, impl: ([x], [s], out, p) => materialize(x, view(s, out, p), out) };
}

/** A primitive writing its inputs into regions of the output (concat, pad). */
function placeDef<K extends 'concat' | 'pad'>(d: Omit<PrimDef<K>, 'impl'> & Required<Pick<PrimDef<K>, 'place'>>): PrimDef<K> {
  const place = d.place;
  return {
    ...d,
    impl: (ins, shapes, out, p) => {
      const res = allocate(out.dtype, sizeOf(out.shape));
      place(ins, shapes, out, p, res);
      return res;
    },
  };
}

export const layoutPrims: PrimTable<Name> = {
  broadcast: viewDef({
    name: 'broadcast',
    // the batched input gains the unit axes broadcasting would have added, so they stay behind the batch axis
    batch: (lax, [x], c) =>
      c.same([lax.reshape(x, [c.size, ...Array(c.params.shape.length - x.rank + 1).fill(1), ...x.shape.slice(1)])], {
        shape: [c.size, ...c.params.shape],
      }),
    shape: ([a], { shape }) => {
      const off = shape.length - a.shape.length;
      const ok = off >= 0 && a.shape.every((d, i) => d === 1 || d === shape[off + i]);
      if (!ok) throw new ShapeError('broadcast', `cannot broadcast shape ${fmt(a.shape)} to ${fmt(shape)}`);
      return { shape, dtype: a.dtype };
    },
    view: (s, out) => {
      const xs = stridesOf(s);
      const off = out.shape.length - s.length;
      return { offset: 0, strides: out.shape.map((_, d) => (d < off || s[d - off] === 1 ? 0 : xs[d - off])) };
    },
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct, [x]) => [lax.unbroadcast(ct, x.shape)] },
  }),
  reshape: {
    name: 'reshape',
    batch: (_lax, [x], c) => c.same([x], { shape: [c.size, ...c.params.shape] }),
    shape: ([a], { shape }) => {
      if (sizeOf(shape) !== sizeOf(a.shape)) {
        throw new ShapeError('reshape', `cannot reshape ${fmt(a.shape)} (size ${sizeOf(a.shape)}) to ${fmt(shape)}`);
      }
      return { shape, dtype: a.dtype };
    },
    impl: ([x]) => x, // buffers are immutable, so a reshape can share its input's
    alias: true,
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct, [x]) => [lax.reshape(ct, x.shape)] },
  },
  transpose: viewDef({
    name: 'transpose',
    batch: (_lax, [x], c) => c.same([x], { perm: [0, ...shifted(c.params.perm)] }),
    shape: ([a], { perm }) => {
      const ok = perm.length === a.shape.length && [...perm].sort((x, y) => x - y).every((p, i) => p === i);
      if (!ok) throw new ShapeError('transpose', `perm [${perm.join(',')}] is not a permutation of ${a.shape.length} axes`);
      return { shape: perm.map((i) => a.shape[i]), dtype: a.dtype };
    },
    view: (s, _out, { perm }) => {
      const xs = stridesOf(s);
      return { offset: 0, strides: perm.map((a) => xs[a]) };
    },
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct, _x, { perm }) => [lax.transpose(ct, invertPerm(perm))] },
  }),
  slice: viewDef({
    name: 'slice',
    batch: (_lax, [x], c) => c.same([x], { start: [0, ...c.params.start], shape: [c.size, ...c.params.shape] }),
    shape: ([a], { start, shape: size }) => {
      const ok =
        start.length === a.shape.length &&
        size.length === a.shape.length &&
        a.shape.every((d, i) => start[i] >= 0 && size[i] >= 0 && start[i] + size[i] <= d);
      if (!ok) throw new ShapeError('slice', `start [${start.join(',')}] size [${size.join(',')}] out of bounds for ${fmt(a.shape)}`);
      return { shape: [...size], dtype: a.dtype };
    },
    view: (s, _out, { start }) => {
      const xs = stridesOf(s);
      return { offset: start.reduce((acc, st, d) => acc + st * xs[d], 0), strides: xs };
    },
    diff: {
      kind: 'linear',
      in: 'all',
      transpose: (lax, ct, [x], { start, shape: size }) => [
        lax.pad(
          ct,
          start,
          x.shape.map((d, i) => d - start[i] - size[i]),
        ),
      ],
    },
  }),
  pad: placeDef({
    name: 'pad',
    batch: (_lax, [x], c) => c.same([x], { before: [0, ...c.params.before], after: [0, ...c.params.after] }),
    shape: ([a], { before, after }) => ({ shape: a.shape.map((d, i) => d + before[i] + after[i]), dtype: a.dtype }),
    place: ([x], [s], out, { before }, dst) => {
      dst.fill(0);
      const os = stridesOf(out.shape);
      placeAt(
        x,
        s,
        dst,
        before.reduce((acc, b, d) => acc + b * os[d], 0),
        out.shape,
      );
    },
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct, [x], { before }) => [lax.slice(ct, before, x.shape)] },
  }),
  concat: placeDef({
    name: 'concat',
    batch: (lax, xs, c) => c.same(liftAll(lax, xs, c), { axis: c.params.axis + 1 }),
    shape: (ins, { axis }) => {
      const [a] = ins;
      let total = 0;
      for (const b of ins) {
        const ok = b.shape.length === a.shape.length && b.shape.every((d, i) => i === axis || d === a.shape[i]);
        if (!ok) throw new ShapeError('concat', `shapes ${fmt(a.shape)} and ${fmt(b.shape)} differ off axis ${axis}`);
        if (b.dtype !== a.dtype) throw new ShapeError('concat', `dtypes ${a.dtype} and ${b.dtype} differ`);
        total += b.shape[axis];
      }
      return { shape: a.shape.map((d, i) => (i === axis ? total : d)), dtype: a.dtype };
    },
    place: (ins, shapes, out, { axis }, dst) => {
      const os = stridesOf(out.shape);
      let start = 0;
      ins.forEach((x, k) => {
        placeAt(x, shapes[k], dst, start * os[axis], out.shape);
        start += shapes[k][axis];
      });
    },
    diff: {
      kind: 'linear',
      in: 'all',
      transpose: (lax, ct, inputs, { axis }) => {
        let from = 0;
        return inputs.map((x) => {
          const part = lax.sliceAxis(ct, axis, from, from + x.shape[axis]);
          from += x.shape[axis];
          return part;
        });
      },
    },
  }),
};
