// User-level operations: numpy broadcasting, scalar and dtype promotion, composites; all built on bind().
import { bind } from './trace.js';
import { Tensor, type TensorLike } from './tensor.js';
import { ShapeError } from './errors.js';
import { promote, type DType } from './dtype.js';
import { broadcastShapes, fmt, normAxes, sameShape, sizeOf } from './shape.js';
import { allocate } from './dtype.js';

/** A JS number as a scalar tensor of the given dtype. */
export function scalar(value: number, dtype: DType = 'f32'): Tensor {
  const b = allocate(dtype, 1);
  b[0] = value;
  return new Tensor([], dtype, b);
}

function asTensor(x: TensorLike, like: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') throw new TypeError(`expected a Tensor or a number, got ${typeof x}`);
  return scalar(x, like);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : bind('cast', [x], { dtype });
}

export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  return bind('broadcast', [x], { shape: [...shape] });
}

/** Brings operands to one dtype and one broadcast shape. */
function align(op: string, xs: TensorLike[]): Tensor[] {
  const firstTensor = xs.find((x): x is Tensor => x instanceof Tensor);
  const base: DType = firstTensor?.dtype ?? 'f32';
  let ts = xs.map((x) => asTensor(x, base));
  const dtype = ts.reduce<DType>((d, t) => promote(d, t.dtype), ts[0].dtype);
  ts = ts.map((t) => cast(t, dtype));
  let shape: number[] | null = [...ts[0].shape];
  for (const t of ts.slice(1)) {
    const next: number[] | null = broadcastShapes(shape, t.shape);
    if (!next) throw new ShapeError(op, `shapes ${ts.map((u) => fmt(u.shape)).join(' and ')} cannot be broadcast together`);
    shape = next;
  }
  return ts.map((t) => broadcastTo(t, shape));
}

type BinaryPrim = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'gt' | 'ge' | 'eq' | 'atan2';
const binary =
  (prim: BinaryPrim) =>
  (a: TensorLike, b: TensorLike): Tensor =>
    bind(prim, align(prim, [a, b]));
export const add = binary('add');
export const sub = binary('sub');
export const mul = binary('mul');
export const div = binary('div');
export const maximum = binary('max');
export const greater = binary('gt');
export const greaterEqual = binary('ge');
export const equal = binary('eq');
/** atan2(y, x): the angle of the point (x, y), in (-pi, pi]. */
export const atan2 = binary('atan2');
/** min(a, b); a number takes the tensor operand's dtype (as in every binary op), not f32. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = align('minimum', [a, b]);
  return neg(maximum(neg(x), neg(y)));
}
const asT = (x: TensorLike): Tensor => asTensor(x, x instanceof Tensor ? x.dtype : 'f32');

export const neg = (x: Tensor): Tensor => bind('neg', [x]);
export const exp = (x: Tensor): Tensor => bind('exp', [x]);
export const log = (x: Tensor): Tensor => bind('log', [x]);
export const sin = (x: Tensor): Tensor => bind('sin', [x]);
export const cos = (x: Tensor): Tensor => bind('cos', [x]);
export const tanh = (x: Tensor): Tensor => bind('tanh', [x]);
export const sqrt = (x: Tensor): Tensor => bind('sqrt', [x]);
export const square = (x: Tensor): Tensor => bind('mul', [x, x]);
export const relu = (x: Tensor): Tensor => maximum(x, 0);
export const sigmoid = (x: Tensor): Tensor => div(1, add(exp(neg(x)), 1));
/** |x|; its derivative sign(x) is 0 at x = 0. */
export const abs = (x: Tensor): Tensor => bind('abs', [x]);
/** -1, 0 or 1; zero derivative. */
export const sign = (x: Tensor): Tensor => bind('sign', [x]);
/** Rounds down; zero derivative. */
export const floor = (x: Tensor): Tensor => bind('floor', [x]);
/** The error function, 2/sqrt(pi) int_0^x e^{-t^2} dt. */
export const erf = (x: Tensor): Tensor => bind('erf', [x]);
/** log(1 + e^x), computed without overflow. */
export const softplus = (x: Tensor): Tensor => bind('softplus', [x]);
/** GELU, tanh approximation (as in BERT/FNO code). */
export const gelu = (x: Tensor): Tensor =>
  mul(mul(x, 0.5), add(tanh(mul(add(x, mul(bind('powc', [x], { exponent: 3 }), 0.044715)), Math.sqrt(2 / Math.PI))), 1));

/** x ** y: a constant exponent becomes powc (exact Taylor rules); a tensor exponent is exp(y log x). */
export function pow(x: TensorLike, y: TensorLike): Tensor {
  if (typeof y === 'number') {
    const xt = asT(x);
    if (y === 1) return xt;
    if (y === 2) return square(xt);
    return bind('powc', [xt], { exponent: y });
  }
  return exp(mul(y, log(asT(x))));
}

/** where(cond, a, b): cond is nonzero -> a, else b; cond is never differentiated. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const [c, x, y] = align('where', [cond, a, b]);
  return bind('where', [c, x, y]);
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const free = shape.indexOf(-1);
  const s = [...shape];
  if (free >= 0) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    s[free] = known ? x.size / known : 0;
  }
  if (sameShape(s, x.shape)) return x;
  return bind('reshape', [x], { shape: s });
}

export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ? [...perm] : [...Array(x.rank).keys()].reverse();
  if (p.every((a, i) => a === i)) return x;
  return bind('transpose', [x], { perm: p });
}

function keep(x: Tensor, reduced: Tensor, axes: number[], keepDims: boolean): Tensor {
  return keepDims
    ? reshape(
        reduced,
        x.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
      )
    : reduced;
}

export function sum(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normAxes(axis, x.rank, 'sum');
  if (!axes.length) return x;
  return keep(x, bind('reduce_sum', [x], { axes }), axes, keepDims);
}

export function mean(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normAxes(axis, x.rank, 'mean');
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  return div(sum(x, axes, keepDims), count);
}

export function max(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normAxes(axis, x.rank, 'max');
  if (!axes.length) return x;
  return keep(x, bind('reduce_max', [x], { axes }), axes, keepDims);
}

/** Matrix product with numpy semantics: 1-D operands are promoted, batch dimensions broadcast. */
export function matmul(a: Tensor, b: Tensor, opts: { transA?: boolean; transB?: boolean } = {}): Tensor {
  if (a.rank === 0 || b.rank === 0) throw new ShapeError('matmul', `scalars are not matrices: ${fmt(a.shape)} x ${fmt(b.shape)}`);
  const vecA = a.rank === 1;
  const vecB = b.rank === 1;
  let x = vecA ? reshape(a, [1, a.shape[0]]) : a;
  let y = vecB ? reshape(b, [b.shape[0], 1]) : b;
  const [x0, y0] = [x.shape.slice(0, -2), y.shape.slice(0, -2)];
  const batch = broadcastShapes(x0, y0);
  if (!batch) throw new ShapeError('matmul', `batch dimensions of ${fmt(a.shape)} and ${fmt(b.shape)} cannot be broadcast`);
  if (x.dtype !== y.dtype) {
    const dt = promote(x.dtype, y.dtype);
    [x, y] = [cast(x, dt), cast(y, dt)];
  }
  x = broadcastTo(x, [...batch, ...x.shape.slice(-2)]);
  y = broadcastTo(y, [...batch, ...y.shape.slice(-2)]);
  let out = bind('matmul', [x, y], { transA: !!opts.transA, transB: !!opts.transB });
  if (vecA) out = reshape(out, [...out.shape.slice(0, -2), out.shape[out.rank - 1]]);
  if (vecB) out = reshape(out, out.shape.slice(0, -1));
  return out;
}

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!xs.length) throw new Error('concat: needs at least one tensor');
  if (xs.length === 1) return xs[0];
  const [ax] = normAxes(axis, xs[0].rank, 'concat');
  const dt = xs.reduce<DType>((d, t) => promote(d, t.dtype), xs[0].dtype);
  return bind(
    'concat',
    xs.map((t) => cast(t, dt)),
    { axis: ax },
  );
}

export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!xs.length) throw new Error('stack: needs at least one tensor');
  const ax = axis < 0 ? axis + xs[0].rank + 1 : axis;
  return concat(
    xs.map((t) => reshape(t, [...t.shape.slice(0, ax), 1, ...t.shape.slice(ax)])),
    ax,
  );
}

/** A box of x: `size[d] = -1` takes everything from start[d] on. */
export function slice(x: Tensor, start: readonly number[], size: readonly number[]): Tensor {
  const sz = size.map((s, d) => (s === -1 ? x.shape[d] - start[d] : s));
  if (start.every((s) => s === 0) && sameShape(sz, x.shape)) return x;
  return bind('slice', [x], { start: [...start], shape: sz });
}

/** Columns [from, to) along one axis. */
export function sliceAxis(x: Tensor, axis: number, from: number, to: number): Tensor {
  const [ax] = normAxes(axis, x.rank, 'sliceAxis');
  return slice(
    x,
    x.shape.map((_, d) => (d === ax ? from : 0)),
    x.shape.map((s, d) => (d === ax ? to - from : s)),
  );
}

export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  if (before.every((b) => b === 0) && after.every((a) => a === 0)) return x;
  return bind('pad', [x], { before: [...before], after: [...after] });
}

function asIndices(idx: Tensor | readonly number[]): Tensor {
  if (idx instanceof Tensor) return idx.dtype === 'i32' ? idx : cast(idx, 'i32');
  const b = Int32Array.from(idx);
  return new Tensor([b.length], 'i32', b);
}

/** numpy take: out = x[..., idx, ...] along `axis`; idx may have any shape. */
export function gather(x: Tensor, indices: Tensor | readonly number[], axis = 0): Tensor {
  const [ax] = normAxes(axis, x.rank, 'gather');
  return bind('gather', [x, asIndices(indices)], { axis: ax });
}

/** x with `updates` added at `indices` along `axis` (repeated indices accumulate). */
export function scatterAdd(x: Tensor, indices: Tensor | readonly number[], updates: Tensor, axis = 0): Tensor {
  const [ax] = normAxes(axis, x.rank, 'scatterAdd');
  const idx = asIndices(indices);
  const scattered = bind('scatter_add', [idx, cast(updates, x.dtype)], { axis: ax, size: x.shape[ax] });
  if (!sameShape(scattered.shape, x.shape)) {
    throw new ShapeError('scatterAdd', `updates ${fmt(updates.shape)} with indices ${fmt(idx.shape)} do not fit ${fmt(x.shape)}`);
  }
  return add(x, scattered);
}

/** Marks a value as constant for differentiation (its derivative is zero). */
export const stopGradient = (x: Tensor): Tensor => (x.isTracer ? bind('stop_gradient', [x]) : x);

export const zerosLike = (x: Tensor): Tensor => broadcastTo(scalar(0, x.dtype), x.shape);

// Tensor methods (t.add(u), t.T, ...), installed here because tensor.ts may not import this module.
declare module './tensor.js' {
  interface Tensor {
    add(o: TensorLike): Tensor;
    sub(o: TensorLike): Tensor;
    mul(o: TensorLike): Tensor;
    div(o: TensorLike): Tensor;
    pow(o: TensorLike): Tensor;
    maximum(o: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tanh(): Tensor;
    sqrt(): Tensor;
    square(): Tensor;
    relu(): Tensor;
    abs(): Tensor;
    matmul(o: Tensor): Tensor;
    sum(axis?: number | number[], keepDims?: boolean): Tensor;
    mean(axis?: number | number[], keepDims?: boolean): Tensor;
    max(axis?: number | number[], keepDims?: boolean): Tensor;
    reshape(shape: readonly number[]): Tensor;
    transpose(perm?: readonly number[]): Tensor;
    readonly T: Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    slice(start: readonly number[], size: readonly number[]): Tensor;
    gather(indices: Tensor, axis?: number): Tensor;
    cast(dtype: DType): Tensor;
  }
}
const methods: ThisType<Tensor> & Record<string, (this: Tensor, ...args: never[]) => Tensor> = {
  add(o: TensorLike) {
    return add(this, o);
  },
  sub(o: TensorLike) {
    return sub(this, o);
  },
  mul(o: TensorLike) {
    return mul(this, o);
  },
  div(o: TensorLike) {
    return div(this, o);
  },
  pow(o: TensorLike) {
    return pow(this, o);
  },
  maximum(o: TensorLike) {
    return maximum(this, o);
  },
  neg() {
    return neg(this);
  },
  exp() {
    return exp(this);
  },
  log() {
    return log(this);
  },
  sin() {
    return sin(this);
  },
  cos() {
    return cos(this);
  },
  tanh() {
    return tanh(this);
  },
  sqrt() {
    return sqrt(this);
  },
  square() {
    return square(this);
  },
  relu() {
    return relu(this);
  },
  abs() {
    return abs(this);
  },
  matmul(o: Tensor) {
    return matmul(this, o);
  },
  sum(axis?: number | number[], keepDims = false) {
    return sum(this, axis, keepDims);
  },
  mean(axis?: number | number[], keepDims = false) {
    return mean(this, axis, keepDims);
  },
  max(axis?: number | number[], keepDims = false) {
    return max(this, axis, keepDims);
  },
  reshape(shape: readonly number[]) {
    return reshape(this, shape);
  },
  transpose(perm?: readonly number[]) {
    return transpose(this, perm);
  },
  broadcastTo(shape: readonly number[]) {
    return broadcastTo(this, shape);
  },
  slice(start: readonly number[], size: readonly number[]) {
    return slice(this, start, size);
  },
  gather(indices: Tensor, axis = 0) {
    return gather(this, indices, axis);
  },
  cast(dtype: DType) {
    return cast(this, dtype);
  },
};
for (const [name, fn] of Object.entries(methods))
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor) {
    return transpose(this);
  },
  configurable: true,
});
