// bspline_transfer: particle-grid transfers with quadratic B-splines (core/kernels/bspline.ts), one primitive for
// the scatter (free slot 'grid'), the gather ('coef') and their position gradients ('pos'). The multilinear form
// they are slots of is closed under differentiation: the derivative in x adds a tangent, the transpose in a linear
// slot frees that slot, so every vjp and jvp is the same primitive again (any order of reverse mode; forward mode
// to first order per jet).
import { ShapeError } from '../errors.js';
import { allocate, type TypedArray } from '../dtype.js';
import type { Aval } from '../ir.js';
import { fmt, sameShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Lax } from '../lax.js';
import { bsplineTransfer, type TransferSlot } from '../kernels/bspline.js';
import type { PrimTable, Series } from './types.js';
import { perExample } from './batching.js';

export interface BsplineParams {
  /** inputs: x [d, N], then A [c, 1 + d, N] unless free = coef, then g [c, nGrid^d] unless free = grid, then the
   *  `tangents` tangents [d, N] */
  bspline_transfer: { readonly nGrid: number; readonly free: TransferSlot; readonly tangents: number };
}
type P = BsplineParams['bspline_transfer'];

/** The inputs by role. */
interface Parts<X> {
  x: X;
  A: X | null;
  g: X | null;
  t: X[];
}
function parts<X>(ins: readonly X[], free: TransferSlot): Parts<X> {
  const A = free === 'coef' ? null : ins[1];
  const g = free === 'grid' ? null : ins[free === 'pos' ? 2 : 1];
  return { x: ins[0], A, g, t: ins.slice(free === 'pos' ? 3 : 2) };
}

/** The transfer with slot `free` left open over the given filled slots. */
function transfer(lax: Lax, nGrid: number, free: TransferSlot, x: Tensor, A: Tensor | null, g: Tensor | null, t: Tensor[]): Tensor {
  const ins = [x, ...(free === 'coef' ? [] : [A as Tensor]), ...(free === 'grid' ? [] : [g as Tensor]), ...t];
  return lax.bind('bspline_transfer', ins, { nGrid, free, tangents: t.length });
}

function shapeOf(ins: readonly Aval[], p: P): Aval {
  const { x, A, g, t } = parts(ins, p.free);
  const op = 'bsplineTransfer';
  if (x.shape.length !== 2 || x.shape[0] < 1 || x.shape[0] > 3)
    throw new ShapeError(op, `positions must be [d, N] with d in 1..3, got ${fmt(x.shape)}`);
  const [d, n] = x.shape;
  if (x.dtype === 'i32') throw new ShapeError(op, 'positions must be f32 or f64');
  if (!Number.isInteger(p.nGrid) || p.nGrid < 3) throw new ShapeError(op, `nGrid must be an integer >= 3, got ${p.nGrid}`);
  const G = p.nGrid ** d;
  let c = -1;
  for (const [name, v, want] of [
    ['coefficients', A, (ch: number) => [ch, 1 + d, n]],
    ['grid', g, (ch: number) => [ch, G]],
  ] as const) {
    if (!v) continue;
    const ch = v.shape[0];
    if (!sameShape(v.shape, want(ch))) throw new ShapeError(op, `${name} must be ${fmt(want(c < 0 ? ch : c))}, got ${fmt(v.shape)}`);
    if (c >= 0 && ch !== c) throw new ShapeError(op, `coefficients and grid have ${c} and ${ch} channels`);
    c = ch;
  }
  for (const v of [A, g, ...t]) if (v && v.dtype !== x.dtype) throw new ShapeError(op, `every input must be ${x.dtype}, got ${v.dtype}`);
  for (const v of t) if (!sameShape(v.shape, x.shape)) throw new ShapeError(op, `tangents must be ${fmt(x.shape)}, got ${fmt(v.shape)}`);
  const shape = p.free === 'grid' ? [c, G] : p.free === 'coef' ? [c, 1 + d, n] : [d, n];
  return { shape, dtype: x.dtype };
}

function place(ins: readonly TypedArray[], shapes: readonly (readonly number[])[], p: P, dst: TypedArray): void {
  const { x, A, g, t } = parts(ins, p.free);
  const [d, n] = shapes[0];
  bsplineTransfer({ nGrid: p.nGrid, d, n, c: shapes[1][0], x, A, g, t, free: p.free }, dst);
}

/**
 * Cotangents of every input for output cotangent ct: the pairing <ct, out> is the form with one more filled slot
 * (free = pos: one more tangent), and its gradient in each input is that input's slot left free.
 */
function vjp(lax: Lax, ct: Tensor, ins: Tensor[], p: P): Array<Tensor | null> {
  const q = parts(ins, p.free);
  // the pairing's slots
  const A = p.free === 'coef' ? ct : q.A;
  const g = p.free === 'grid' ? ct : q.g;
  const t = p.free === 'pos' ? [...q.t, ct] : q.t;
  const T = (free: TransferSlot, tt: Tensor[]): Tensor => transfer(lax, p.nGrid, free, q.x, A, g, tt);
  const out: Array<Tensor | null> = [T('pos', t)];
  if (p.free !== 'coef') out.push(T('coef', t));
  if (p.free !== 'grid') out.push(T('grid', t));
  // the form is symmetric in its tangents: tangent j's slot is a free position slot over the others
  q.t.forEach((_, j) =>
    out.push(
      T(
        'pos',
        t.filter((_v, i) => i !== j),
      ),
    ),
  );
  return out;
}

/** First-order tangent: each input's tangent in its own slot, x's as one more tangent. */
function jet(lax: Lax, xs: Series[], y0: Tensor, K: number, p: P): Series {
  if (K > 1) throw new Error('bsplineTransfer: Taylor coefficients above first order (jet K > 1) are not implemented');
  const primal = xs.map((s) => s[0] as Tensor);
  const q = parts(primal, p.free);
  const dq = parts(
    xs.map((s) => s[1] ?? null),
    p.free,
  );
  const T = (A: Tensor | null, g: Tensor | null, t: Tensor[]): Tensor => transfer(lax, p.nGrid, p.free, q.x, A, g, t);
  const terms: Tensor[] = [];
  if (dq.x) terms.push(T(q.A, q.g, [...q.t, dq.x]));
  if (dq.A) terms.push(T(dq.A, q.g, q.t));
  if (dq.g) terms.push(T(q.A, dq.g, q.t));
  dq.t.forEach((dt, j) => {
    if (dt)
      terms.push(
        T(
          q.A,
          q.g,
          q.t.map((v, i) => (i === j ? dt : v)),
        ),
      );
  });
  return [y0, terms.length ? terms.reduce((a, b) => lax.add(a, b)) : null];
}

export const bsplinePrims: PrimTable<'bspline_transfer'> = {
  bspline_transfer: {
    name: 'bspline_transfer',
    shape: shapeOf,
    impl: (ins, shapes, out, p) => {
      const dst = allocate(out.dtype, sizeOf(out.shape));
      place(ins, shapes, p, dst);
      return dst;
    },
    place: (ins, shapes, _out, p, dst) => place(ins, shapes, p, dst),
    diff: { kind: 'rules', jet: (lax, xs, y, K, p) => jet(lax, xs, y, K, p), vjp: (lax, ct, ins, _out, p) => vjp(lax, ct, ins, p) },
    // one transfer per example (the particles of different examples live on different grids)
    batch: perExample(),
  },
};
