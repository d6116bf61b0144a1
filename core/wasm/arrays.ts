// Copy-in/copy-out wrappers over the pointer-level kernels, for tests and one-off calls.
import type { BinaryOp, Dtype, ReduceOp, UnaryOp, WasmKernels } from './kernels.js';

type FloatArray = Float32Array | Float64Array;

function dtypeOf(x: FloatArray): Dtype {
  return x instanceof Float64Array ? 'f64' : 'f32';
}

/** Copies arrays into fresh wasm allocations, runs `body` with their pointers, and frees them all. */
function withBuffers<R>(k: WasmKernels, inputs: ArrayLike<number>[], kinds: ('f32' | 'f64' | 'i32')[], body: (ptrs: number[]) => R): R {
  const ptrs: number[] = [];
  try {
    inputs.forEach((x, i) => {
      const p = k.alloc(x.length * (kinds[i] === 'f64' ? 8 : 4));
      ptrs.push(p);
      if (kinds[i] === 'f64') k.f64view(p, x.length).set(x);
      else if (kinds[i] === 'i32') k.i32view(p, x.length).set(x);
      else k.f32view(p, x.length).set(x);
    });
    return body(ptrs);
  } finally {
    for (const p of ptrs) k.free(p);
  }
}

function readOut<T extends FloatArray>(k: WasmKernels, like: T, ptr: number, n: number): T {
  return (like instanceof Float64Array ? k.f64view(ptr, n).slice() : k.f32view(ptr, n).slice()) as T;
}

export interface MatmulOptions {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  batch?: number;
  /** Accumulate into a copy of this array (shape [batch, m, n]). */
  c?: Float32Array | Float64Array;
}

/** Batched row-major op(A) op(B) (+ c): a is [batch, m, k] (or [batch, k, m] transposed), b likewise. */
export function matmul<T extends FloatArray>(kern: WasmKernels, a: T, b: T, o: MatmulOptions): T {
  const dtype = dtypeOf(a);
  if (dtypeOf(b) !== dtype) throw new Error(`matmul: b must be a ${dtype === 'f64' ? 'Float64Array' : 'Float32Array'} like a`);
  const batch = o.batch ?? 1;
  if (a.length !== batch * o.m * o.k) throw new Error(`matmul: a has length ${a.length}, expected batch*m*k = ${batch * o.m * o.k}`);
  if (b.length !== batch * o.k * o.n) throw new Error(`matmul: b has length ${b.length}, expected batch*k*n = ${batch * o.k * o.n}`);
  const size = batch * o.m * o.n;
  if (o.c && o.c.length !== size) throw new Error(`matmul: c has length ${o.c.length}, expected batch*m*n = ${size}`);
  const c = o.c ?? new (dtype === 'f64' ? Float64Array : Float32Array)(size);
  return withBuffers(kern, [a, b, c], [dtype, dtype, dtype], ([pa, pb, pc]) => {
    kern.gemm({ dtype, m: o.m, n: o.n, k: o.k, a: pa, b: pb, c: pc, transA: o.transA, transB: o.transB, batch, accumulate: !!o.c });
    return readOut(kern, a, pc, size);
  });
}

export function unaryArr<T extends FloatArray>(kern: WasmKernels, op: UnaryOp, x: T): T {
  const dtype = dtypeOf(x);
  return withBuffers(kern, [x], [dtype], ([px]) => {
    kern.unary(op, px, px, x.length, dtype);
    return readOut(kern, x, px, x.length);
  });
}

export function binaryArr<T extends FloatArray>(kern: WasmKernels, op: BinaryOp, a: T, b: T): T {
  const dtype = dtypeOf(a);
  if (dtypeOf(b) !== dtype) throw new Error(`binaryArr: b must have the dtype of a (${dtype})`);
  if (a.length !== b.length) throw new Error(`binaryArr: b has length ${b.length}, expected ${a.length} like a`);
  return withBuffers(kern, [a, b], [dtype, dtype], ([pa, pb]) => {
    kern.binary(op, pa, pb, pa, a.length, dtype);
    return readOut(kern, a, pa, a.length);
  });
}

/** Broadcasting binary op on [outer, inner]: a and b are indexed with the given element strides (0 broadcasts). */
export function binaryStridedArr<T extends FloatArray>(
  kern: WasmKernels,
  op: BinaryOp,
  a: T,
  aStrides: [number, number],
  b: T,
  bStrides: [number, number],
  outer: number,
  inner: number,
): T {
  const dtype = dtypeOf(a);
  if (dtypeOf(b) !== dtype) throw new Error(`binaryStridedArr: b must have the dtype of a (${dtype})`);
  const size = outer * inner;
  return withBuffers(kern, [a, b, new Float64Array(size)], [dtype, dtype, dtype], ([pa, pb, po]) => {
    kern.binaryStrided(op, { dtype, a: pa, aStrides, b: pb, bStrides, out: po, outer, inner });
    return readOut(kern, a, po, size);
  });
}

export function whereArr<T extends FloatArray>(kern: WasmKernels, cond: T, a: T, b: T): T {
  if (a.length !== cond.length || b.length !== cond.length) {
    throw new Error(`whereArr: cond, a, b must have equal lengths, got ${cond.length}, ${a.length}, ${b.length}`);
  }
  const dtype = dtypeOf(a);
  return withBuffers(kern, [cond, a, b], [dtype, dtype, dtype], ([pc, pa, pb]) => {
    kern.where(pc, pa, pb, pc, a.length, dtype);
    return readOut(kern, a, pc, a.length);
  });
}

/** Reduces axis 1 of x viewed as [outer, len, inner]. */
export function reduceArr<T extends FloatArray>(kern: WasmKernels, op: ReduceOp, x: T, shape: [number, number, number]): T {
  const [outer, len, inner] = shape;
  if (x.length !== outer * len * inner) throw new Error(`reduceArr: x has length ${x.length}, expected ${outer}*${len}*${inner}`);
  const dtype = dtypeOf(x);
  return withBuffers(kern, [x, new Float64Array(outer * inner)], [dtype, dtype], ([px, po]) => {
    kern.reduce(op, px, po, outer, len, inner, dtype);
    return readOut(kern, x, po, outer * inner);
  });
}

/** out[i, j, :] = x[i, idx[j], :] with x viewed as [outer, n, inner]. */
export function gatherArr<T extends FloatArray>(kern: WasmKernels, x: T, idx: Int32Array, shape: [number, number, number]): T {
  const [outer, n, inner] = shape;
  if (x.length !== outer * n * inner) throw new Error(`gatherArr: x has length ${x.length}, expected ${outer}*${n}*${inner}`);
  const dtype = dtypeOf(x);
  const size = outer * idx.length * inner;
  return withBuffers(kern, [x, idx, new Float64Array(size)], [dtype, 'i32', dtype], ([px, pi, po]) => {
    kern.gather(dtype, px, pi, po, outer, n, inner, idx.length);
    return readOut(kern, x, po, size);
  });
}

/** Returns a copy of `out` ([outer, n, inner]) with y ([outer, idx.length, inner]) scatter-added along axis 1. */
export function scatterAddArr<T extends FloatArray>(kern: WasmKernels, y: T, idx: Int32Array, out: T, shape: [number, number, number]): T {
  const [outer, n, inner] = shape;
  if (out.length !== outer * n * inner) throw new Error(`scatterAddArr: out has length ${out.length}, expected ${outer}*${n}*${inner}`);
  if (y.length !== outer * idx.length * inner)
    throw new Error(`scatterAddArr: y has length ${y.length}, expected ${outer}*${idx.length}*${inner}`);
  const dtype = dtypeOf(y);
  return withBuffers(kern, [y, idx, out], [dtype, 'i32', dtype], ([py, pi, po]) => {
    kern.scatterAdd(dtype, py, pi, po, outer, n, inner, idx.length);
    return readOut(kern, out, po, out.length);
  });
}
