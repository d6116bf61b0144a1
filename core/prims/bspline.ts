// bspline_transfer: particle-grid transfers with quadratic B-splines (core/kernels/bspline.ts), one primitive for
// the scatter (free slot 'grid'), the gather ('coef') and their position gradients ('pos'; 'pos+coef' and
// 'pos+grid' fill two slots in one pass, flattened, for the reverse mode of the first two). The multilinear form
// they are slots of is closed under differentiation: the derivative in x adds a tangent, the transpose in a linear
// slot frees that slot, so every vjp and jvp is the same primitive again (any order of reverse mode; forward mode
// to first order per jet).
import { ShapeError } from '../errors.js';
import { allocate, type TypedArray } from '../dtype.js';
import type { Aval } from '../ir.js';
import { fmt, sameShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Lax } from '../lax.js';
import { bsplineTransfer, slotsOf, type TransferSlot } from '../kernels/bspline.js';
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
/** Whether the inputs hold both A and g (every slot but a lone grid or coef). */
const both = (free: TransferSlot): boolean => free !== 'grid' && free !== 'coef';
function parts<X>(ins: readonly X[], free: TransferSlot): Parts<X> {
  const A = free === 'coef' ? null : ins[1];
  const g = free === 'grid' ? null : ins[both(free) ? 2 : 1];
  return { x: ins[0], A, g, t: ins.slice(both(free) ? 3 : 2) };
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
  const single = { grid: [c, G], coef: [c, 1 + d, n], pos: [d, n] };
  const slots = slotsOf(p.free);
  const shape = slots.length === 1 ? single[slots[0]] : [sizeOf(single[slots[0]]) + sizeOf(single[slots[1]])];
  return { shape, dtype: x.dtype };
}

function place(ins: readonly TypedArray[], shapes: readonly (readonly number[])[], p: P, dst: TypedArray): void {
  const { x, A, g, t } = parts(ins, p.free);
  const [d, n] = shapes[0];
  bsplineTransfer({ nGrid: p.nGrid, d, n, c: shapes[1][0], x, A, g, t, free: p.free }, dst);
}

/**
 * Cotangents of every input for output cotangent ct: the pairing <ct, out> is the form with one more filled slot
 * (free = pos: one more tangent), and its gradient in each input is that input's slot left free. A scatter's or
 * gather's position cotangent and the other one come from one combined pass.
 */
function vjp(lax: Lax, ct: Tensor, ins: Tensor[], p: P): Array<Tensor | null> {
  const slots = slotsOf(p.free);
  if (slots.length === 2) return vjpOfPair(lax, ct, ins, p, slots[1] as 'coef' | 'grid');
  const q = parts(ins, p.free);
  // the pairing's slots
  const A = p.free === 'coef' ? ct : q.A;
  const g = p.free === 'grid' ? ct : q.g;
  const t = p.free === 'pos' ? [...q.t, ct] : q.t;
  const T = (free: TransferSlot, tt: Tensor[]): Tensor => transfer(lax, p.nGrid, free, q.x, A, g, tt);
  const out: Array<Tensor | null> = [];
  if (p.free === 'pos') out.push(T('pos', t), T('coef', t), T('grid', t));
  else {
    // free grid: the other slot is the coefficients' (a gather of ct); free coef: the grid's (a scatter of ct)
    const other = p.free === 'grid' ? 'coef' : 'grid';
    const [d, n] = q.x.shape;
    const flat = T(`pos+${other}`, t);
    const size = sizeOf(flat.shape) - d * n;
    const rest = lax.reshape(lax.slice(flat, [d * n], [size]), other === 'coef' ? (q.A as Tensor).shape : (q.g as Tensor).shape);
    out.push(lax.reshape(lax.slice(flat, [0], [d * n]), [d, n]), rest);
  }
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

/** The vjp of a two-slot output: each part's vjp on its inputs, with its share of ct. */
function vjpOfPair(lax: Lax, ct: Tensor, ins: Tensor[], p: P, other: 'coef' | 'grid'): Array<Tensor | null> {
  const q = parts(ins, p.free);
  const [d, n] = q.x.shape;
  const total = sizeOf(ct.shape);
  const pos = vjp(lax, lax.reshape(lax.slice(ct, [0], [d * n]), [d, n]), ins, { ...p, free: 'pos' });
  const otherIns = [q.x, other === 'grid' ? (q.A as Tensor) : (q.g as Tensor), ...q.t];
  const otherShape = other === 'grid' ? [(q.A as Tensor).shape[0], p.nGrid ** d] : (q.A as Tensor).shape;
  const rest = vjp(lax, lax.reshape(lax.slice(ct, [d * n], [total - d * n]), otherShape), otherIns, { ...p, free: other });
  // rest is over [x, A or g, ...t]; spread it over [x, A, g, ...t]
  const spread = [rest[0], other === 'grid' ? rest[1] : null, other === 'coef' ? rest[1] : null, ...rest.slice(2)];
  return pos.map((c, i) => (c && spread[i] ? lax.add(c, spread[i] as Tensor) : (c ?? spread[i])));
}

/** First-order tangent: each input's tangent in its own slot, x's as one more tangent. */
function jet(lax: Lax, xs: Series[], y0: Tensor, K: number, p: P): Series {
  if (K > 1) throw new Error('bsplineTransfer: Taylor coefficients above first order (jet K > 1) are not implemented');
  const slots = slotsOf(p.free);
  if (slots.length === 2) {
    // each part's tangent on its own inputs ([x, A, g, ...t] for pos; without g or A for the other), flattened
    const other = slots[1];
    const [, A, g, ...t] = xs;
    const partIns = other === 'grid' ? [xs[0], A, ...t] : [xs[0], g, ...t];
    const tangents = [jet(lax, xs, y0, 1, { ...p, free: 'pos' })[1], jet(lax, partIns, y0, 1, { ...p, free: other })[1]];
    if (!tangents[0] && !tangents[1]) return [y0, null];
    const [d, n] = (xs[0][0] as Tensor).shape;
    const flat = tangents.map((tt, i) =>
      tt ? lax.reshape(tt, [-1]) : lax.broadcastTo(lax.scalar(0, y0.dtype), [i === 0 ? d * n : sizeOf(y0.shape) - d * n]),
    );
    return [y0, lax.concat(flat, 0)];
  }
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
