// Strided copies: the one loop behind broadcast, transpose, slice, concat and pad, on the reference
// backend and inside compiled graphs alike.
import { allocate, type TypedArray } from '../dtype.js';
import type { Aval } from '../ir.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';

/** Copies src viewed with (srcOffset, srcStrides) into dst viewed with (dstOffset, dstStrides), over `shape`. */
function copyStrided(
  src: TypedArray,
  srcOffset: number,
  srcStrides0: readonly number[],
  dst: TypedArray,
  dstOffset: number,
  dstStrides0: readonly number[],
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

/** True when the view reads one contiguous run of its source (every axis longer than 1 strides as in a packed array). */
export function isContiguousRun(view: StridedView, shape: Shape): boolean {
  const packed = stridesOf(shape);
  return shape.every((d, k) => d === 1 || view.strides[k] === packed[k]);
}

/** Copies the view of src into dst (contiguous, of the output's shape). */
export function copyView(src: TypedArray, view: StridedView, dst: TypedArray, shape: Shape): void {
  copyStrided(src, view.offset, view.strides, dst, 0, stridesOf(shape), shape);
}

/** A fresh array holding the view of src. */
export function materialize(src: TypedArray, view: StridedView, out: Aval): TypedArray {
  const res = allocate(out.dtype, sizeOf(out.shape));
  copyView(src, view, res, out.shape);
  return res;
}

/** Copies a contiguous array of `shape` into dst at `offset`, with dst laid out as `dstShape`. */
export function placeAt(src: TypedArray, shape: Shape, dst: TypedArray, offset: number, dstShape: Shape): void {
  copyStrided(src, 0, stridesOf(shape), dst, offset, stridesOf(dstShape), shape);
}
