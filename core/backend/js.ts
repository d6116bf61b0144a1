// Reference backend: plain loops over typed arrays. Kernels never mutate their inputs.
import { allocate, type TypedArray } from '../dtype.js';
import type { Aval, Params } from '../ir.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';
import { sampleInto } from '../random.js';
import type { Tensor } from '../tensor.js';
import type { Backend } from './index.js';
import * as fftKernels from '../kernels/fft.js';

type Kernel = (ins: TypedArray[], inShapes: Shape[], out: Aval, p: Params) => TypedArray;

/** Copies src viewed with (srcOffset, srcStrides) into dst viewed with (dstOffset, dstStrides), over `shape`. */
function copyStrided(
  src: TypedArray, srcOffset: number, srcStrides0: readonly number[],
  dst: TypedArray, dstOffset: number, dstStrides0: readonly number[],
  shape0: Shape,
): void {
  const n = sizeOf(shape0);
  if (n === 0) return;
  if (shape0.length === 0) {
    dst[dstOffset] = src[srcOffset];
    return;
  }
  const { shape, srcStrides, dstStrides } = mergeContiguous(shape0, srcStrides0, dstStrides0);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const len = shape[last];
  const ss = srcStrides[last];
  const ds = dstStrides[last];
  // rows contiguous on both sides move as block copies (broadcasts, slices, pads, concats)
  const rows = ss === 1 && ds === 1 && len >= 16 && src.constructor === dst.constructor;
  let sp = srcOffset;
  let dp = dstOffset;
  // a run that repeats one source value (a broadcast along the last axis) is a fill
  const fills = ss === 0 && ds === 1;
  for (let o = 0; o < n; o += len) {
    if (rows) dst.set(src.subarray(sp, sp + len), dp);
    else if (fills) dst.fill(src[sp], dp, dp + len);
    else for (let j = 0; j < len; j++) dst[dp + j * ds] = src[sp + j * ss];
    // advance the multi-index over all but the last axis
    for (let d = last - 1; d >= 0; d--) {
      idx[d]++;
      sp += srcStrides[d];
      dp += dstStrides[d];
      if (idx[d] < shape[d]) break;
      sp -= srcStrides[d] * shape[d];
      dp -= dstStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** Folds trailing axes that are laid out contiguously on both sides into one longer last axis. */
function mergeContiguous(shape: Shape, srcStrides: readonly number[], dstStrides: readonly number[]) {
  const sh = [...shape];
  const st = [...srcStrides];
  const dt = [...dstStrides];
  while (sh.length > 1) {
    const k = sh.length - 1;
    if (st[k - 1] !== st[k] * sh[k] || dt[k - 1] !== dt[k] * sh[k]) break;
    sh.splice(k - 1, 2, sh[k - 1] * sh[k]);
    st.splice(k - 1, 2, st[k]);
    dt.splice(k - 1, 2, dt[k]);
  }
  return { shape: sh, srcStrides: st, dstStrides: dt };
}

/** Where output element (i0, i1, ...) of a view-like primitive reads its input: offset + sum_k i_k strides[k]. */
export interface StridedView {
  offset: number;
  strides: number[];
}

/** The input view that broadcast, transpose and slice copy out; null for other primitives. */
export function stridedView(prim: string, s: Shape, out: Aval, p: Params): StridedView | null {
  const xs = stridesOf(s);
  switch (prim) {
    case 'broadcast': {
      const off = out.shape.length - s.length;
      return { offset: 0, strides: out.shape.map((_, d) => (d < off || s[d - off] === 1 ? 0 : xs[d - off])) };
    }
    case 'transpose': return { offset: 0, strides: (p.perm as number[]).map((a) => xs[a]) };
    case 'slice': return { offset: (p.start as number[]).reduce((acc, st, d) => acc + st * xs[d], 0), strides: xs };
    default: return null;
  }
}

/** Copies the view of src into dst (contiguous, of the output's shape). */
export function copyView(src: TypedArray, view: StridedView, dst: TypedArray, shape: Shape): void {
  copyStrided(src, view.offset, view.strides, dst, 0, stridesOf(shape), shape);
}

/**
 * Writes concat's or pad's output into `dst` (zeroed where pad adds nothing): each input lands in its own
 * region of the output. Returns false for other primitives.
 */
export function placeInto(prim: string, ins: readonly TypedArray[], shapes: readonly Shape[], out: Aval, p: Params, dst: TypedArray): boolean {
  const os = stridesOf(out.shape);
  if (prim === 'pad') {
    dst.fill(0);
    const offset = (p.before as number[]).reduce((acc, b, d) => acc + b * os[d], 0);
    copyStrided(ins[0], 0, stridesOf(shapes[0]), dst, offset, os, shapes[0]);
    return true;
  }
  if (prim !== 'concat') return false;
  const axis = p.axis as number;
  let start = 0;
  ins.forEach((x, k) => {
    copyStrided(x, 0, stridesOf(shapes[k]), dst, start * os[axis], os, shapes[k]);
    start += shapes[k][axis];
  });
  return true;
}

function gatherView(src: TypedArray, view: StridedView, out: Aval): TypedArray {
  const res = allocate(out.dtype, sizeOf(out.shape));
  copyView(src, view, res, out.shape);
  return res;
}

const unaryFns: Record<string, (x: number, p: Params) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sqrt: Math.sqrt,
  powc: (x, p) => Math.pow(x, p.exponent as number),
};

const binaryFns: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: (a, b) => (a >= b ? a : b),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
};

function reduce(x: TypedArray, shape: Shape, out: Aval, axes: readonly number[], init: number, op: (acc: number, v: number) => number): TypedArray {
  const res = allocate(out.dtype, sizeOf(out.shape)).fill(init);
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

function transposeLast2(x: TypedArray, batch: number, r: number, c: number): TypedArray {
  const out = allocate(x instanceof Float64Array ? 'f64' : 'f32', x.length);
  for (let b = 0; b < batch; b++) {
    const o = b * r * c;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[o + j * r + i] = x[o + i * c + j];
  }
  return out;
}

function matmul(ins: TypedArray[], shapes: Shape[], out: Aval, p: Params): TypedArray {
  const r = shapes[0].length;
  const batch = sizeOf(out.shape.slice(0, r - 2));
  const m = out.shape[r - 2];
  const n = out.shape[r - 1];
  const k = p.transA ? shapes[0][r - 2] : shapes[0][r - 1];
  // materialise transposes so the inner loop walks both operands contiguously (i-k-j order)
  const a = p.transA ? transposeLast2(ins[0], batch, k, m) : ins[0];
  const b = p.transB ? transposeLast2(ins[1], batch, n, k) : ins[1];
  const c = allocate(out.dtype, batch * m * n);
  for (let bt = 0; bt < batch; bt++) {
    const ao = bt * m * k;
    const bo = bt * k * n;
    const co = bt * m * n;
    for (let i = 0; i < m; i++) {
      const crow = co + i * n;
      for (let q = 0; q < k; q++) {
        const aiq = a[ao + i * k + q];
        if (aiq === 0) continue;
        const brow = bo + q * n;
        for (let j = 0; j < n; j++) c[crow + j] += aiq * b[brow + j];
      }
    }
  }
  return c;
}

function checkIndex(op: string, i: number, n: number): void {
  if (!(i >= 0 && i < n)) throw new RangeError(`${op}: index ${i} is out of range [0, ${n})`);
}

const kernels: Record<string, Kernel> = {
  cast: ([x], _s, out) => {
    const res = allocate(out.dtype, x.length);
    if (out.dtype === 'i32') for (let i = 0; i < x.length; i++) res[i] = Math.trunc(x[i]);
    else res.set(x);
    return res;
  },
  where: ([c, a, b], _s, out) => {
    const res = allocate(out.dtype, a.length);
    for (let i = 0; i < a.length; i++) res[i] = c[i] !== 0 ? a[i] : b[i];
    return res;
  },
  broadcast: ([x], [s], out, p) => gatherView(x, stridedView('broadcast', s, out, p) as StridedView, out),
  stop_gradient: ([x]) => x,
  reshape: ([x]) => x, // buffers are immutable, so a reshape can share its input's
  transpose: ([x], [s], out, p) => gatherView(x, stridedView('transpose', s, out, p) as StridedView, out),
  reduce_sum: ([x], [s], out, p) => reduce(x, s, out, p.axes as number[], 0, (a, v) => a + v),
  reduce_max: ([x], [s], out, p) => reduce(x, s, out, p.axes as number[], -Infinity, (a, v) => (v > a ? v : a)),
  matmul,
  concat: (ins, shapes, out, p) => {
    const res = allocate(out.dtype, sizeOf(out.shape));
    placeInto('concat', ins, shapes, out, p, res);
    return res;
  },
  slice: ([x], [s], out, p) => gatherView(x, stridedView('slice', s, out, p) as StridedView, out),
  pad: (ins, shapes, out, p) => {
    const res = allocate(out.dtype, sizeOf(out.shape));
    placeInto('pad', ins, shapes, out, p, res);
    return res;
  },
  gather: ([x, idx], [s], out, p) => {
    const axis = p.axis as number;
    const outer = sizeOf(s.slice(0, axis));
    const n = s[axis];
    const inner = sizeOf(s.slice(axis + 1));
    const m = idx.length;
    const res = allocate(out.dtype, sizeOf(out.shape));
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const src = idx[j];
        checkIndex('gather', src, n);
        res.set(x.subarray((o * n + src) * inner, (o * n + src + 1) * inner), (o * m + j) * inner);
      }
    }
    return res;
  },
  scatter_add: ([idx, upd], [, us], out, p) => {
    const axis = p.axis as number;
    const n = p.size as number;
    const outer = sizeOf(us.slice(0, axis));
    const m = idx.length;
    const inner = sizeOf(out.shape.slice(axis + 1));
    const res = allocate(out.dtype, sizeOf(out.shape));
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const dst = idx[j];
        checkIndex('scatterAdd', dst, n);
        const d0 = (o * n + dst) * inner;
        const s0 = (o * m + j) * inner;
        for (let i = 0; i < inner; i++) res[d0 + i] += upd[s0 + i];
      }
    }
    return res;
  },
  rfft: ([x], [s], out) => {
    const n = s[s.length - 1];
    const m = (n >> 1) + 1;
    const res = allocate(out.dtype, sizeOf(out.shape));
    for (let r = 0; r < x.length / n; r++) {
      const { re, im } = fftKernels.rfft(Float64Array.from(x.subarray(r * n, (r + 1) * n)));
      interleave(re, im, res, r * m);
    }
    return res;
  },
  irfft: ([x], [s], out, p) => {
    const n = p.size as number;
    const m = s[s.length - 2];
    const res = allocate(out.dtype, sizeOf(out.shape));
    const re = new Float64Array(m);
    const im = new Float64Array(m);
    for (let r = 0; r < x.length / (2 * m); r++) {
      deinterleave(x, r * m, re, im);
      res.set(fftKernels.irfft(re, im, n), r * n);
    }
    return res;
  },
  fft: ([x], [s], out) => complexTransform(x, s[s.length - 2], out, false),
  ifft: ([x], [s], out) => complexTransform(x, s[s.length - 2], out, true),
  random: ([key], _s, out, p) => sampleInto(p.dist ?? 'normal', key[0], sizeOf(out.shape), out.dtype),
};

/** Complex values stored as (re, im) pairs: row `row` of length re.length <-> split arrays. */
function deinterleave(x: TypedArray, row: number, re: Float64Array, im: Float64Array): void {
  for (let k = 0; k < re.length; k++) {
    re[k] = x[2 * (row + k)];
    im[k] = x[2 * (row + k) + 1];
  }
}
function interleave(re: Float64Array, im: Float64Array, out: TypedArray, row: number): void {
  for (let k = 0; k < re.length; k++) {
    out[2 * (row + k)] = re[k];
    out[2 * (row + k) + 1] = im[k];
  }
}

function complexTransform(x: TypedArray, n: number, out: Aval, inverse: boolean): TypedArray {
  const res = allocate(out.dtype, x.length);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let r = 0; r < x.length / (2 * n); r++) {
    deinterleave(x, r * n, re, im);
    fftKernels.fftInPlace(re, im, inverse);
    interleave(re, im, res, r * n);
  }
  return res;
}

for (const [name, f] of Object.entries(unaryFns)) {
  kernels[name] = ([x], _s, out, p) => {
    const res = allocate(out.dtype, x.length);
    for (let i = 0; i < x.length; i++) res[i] = f(x[i], p);
    return res;
  };
}
for (const [name, f] of Object.entries(binaryFns)) {
  kernels[name] = ([a, b], _s, out) => {
    const res = allocate(out.dtype, a.length);
    for (let i = 0; i < a.length; i++) res[i] = f(a[i], b[i]);
    return res;
  };
}

export const jsBackend: Backend = {
  name: 'js',
  run(prim, inputs: readonly Tensor[], out, params) {
    const kernel = kernels[prim];
    if (!kernel) throw new Error(`js backend: no kernel for primitive '${prim}'`);
    return kernel(
      inputs.map((t) => t.buffer as TypedArray),
      inputs.map((t) => t.shape),
      out,
      params,
    );
  },
};
