// Elementwise kernels. Binary ops and where: f32 and f64, contiguous or 2D-strided with stride-0
// broadcasting. Unary ops: f32 (transcendentals via ./mathf), f64 only neg and sqrt. out may alias inputs.
import { lanes, loadTail, splat, storeTail } from './simd';
import { exp4, log4, tanh4, sin4, cos4 } from './mathf';

const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAX = 4;
const NEG = 0, EXP = 1, LOG = 2, TANH = 3, SIN = 4, COS = 5, SQRT = 6;

// @ts-ignore: decorator
@inline function bin<T>(op: i32, a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) {
    if (op == ADD) return f32x4.add(a, b);
    if (op == SUB) return f32x4.sub(a, b);
    if (op == MUL) return f32x4.mul(a, b);
    if (op == DIV) return f32x4.div(a, b);
    return f32x4.max(a, b);
  }
  if (op == ADD) return f64x2.add(a, b);
  if (op == SUB) return f64x2.sub(a, b);
  if (op == MUL) return f64x2.mul(a, b);
  if (op == DIV) return f64x2.div(a, b);
  return f64x2.max(a, b);
}

// @ts-ignore: decorator
@inline function binScalar<T>(op: i32, a: T, b: T): T {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  if (op == DIV) return a / b;
  return max<T>(a, b); // wasm max: NaN-propagating, like Math.max and f32x4.max
}

// @ts-ignore: decorator
@inline function un<T>(op: i32, x: v128): v128 {
  if (sizeof<T>() == 8) return op == NEG ? f64x2.neg(x) : f64x2.sqrt(x);
  if (op == NEG) return f32x4.neg(x);
  if (op == EXP) return exp4(x);
  if (op == LOG) return log4(x);
  if (op == TANH) return tanh4(x);
  if (op == SIN) return sin4(x);
  if (op == COS) return cos4(x);
  return f32x4.sqrt(x);
}

/** One row of a binary op; aVec/bVec false means that operand is a single broadcast scalar. */
// @ts-ignore: decorator
@inline function binaryRow<T>(op: i32, a: usize, b: usize, out: usize, n: i32, aVec: bool, bVec: bool): void {
  const L = lanes<T>();
  const body = n & ~(L - 1);
  const sa = aVec ? f32x4.splat(0) : splat<T>(load<T>(a));
  const sb = bVec ? f32x4.splat(0) : splat<T>(load<T>(b));
  for (let i = 0; i < body; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(out + o, bin<T>(op, aVec ? v128.load(a + o) : sa, bVec ? v128.load(b + o) : sb));
  }
  const rem = n - body;
  if (rem > 0) {
    const o = <usize>body * sizeof<T>();
    storeTail<T>(out + o, bin<T>(op, aVec ? loadTail<T>(a + o, rem) : sa, bVec ? loadTail<T>(b + o, rem) : sb), rem);
  }
}

/** out[i, j] = a[i*as0 + j*as1] op b[i*bs0 + j*bs1] for out [outer, inner]; strides in elements, 0 broadcasts. */
// @ts-ignore: decorator
@inline function binaryStrided<T>(op: i32, a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32,
  out: usize, outer: i32, inner: i32): void {
  const sz = sizeof<T>();
  for (let i = 0; i < outer; i++) {
    const pa = a + <usize>i * <usize>as0 * sz, pb = b + <usize>i * <usize>bs0 * sz, po = out + <usize>i * <usize>inner * sz;
    if (as1 == 1 && bs1 == 1) binaryRow<T>(op, pa, pb, po, inner, true, true);
    else if (as1 == 1 && bs1 == 0) binaryRow<T>(op, pa, pb, po, inner, true, false);
    else if (as1 == 0 && bs1 == 1) binaryRow<T>(op, pa, pb, po, inner, false, true);
    else {
      for (let j = 0; j < inner; j++) {
        store<T>(po + <usize>j * sz, binScalar<T>(op, load<T>(pa + <usize>j * <usize>as1 * sz), load<T>(pb + <usize>j * <usize>bs1 * sz)));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function unaryLoop<T>(op: i32, x: usize, out: usize, n: i32): void {
  const L = lanes<T>();
  const body = n & ~(L - 1);
  for (let i = 0; i < body; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(out + o, un<T>(op, v128.load(x + o)));
  }
  const rem = n - body;
  if (rem > 0) {
    const o = <usize>body * sizeof<T>();
    storeTail<T>(out + o, un<T>(op, loadTail<T>(x + o, rem)), rem);
  }
}

/** out = cond != 0 ? a : b (NaN conditions count as true, like JS `cond !== 0`). */
// @ts-ignore: decorator
@inline function whereLoop<T>(cond: usize, a: usize, b: usize, out: usize, n: i32): void {
  const L = lanes<T>();
  const body = n & ~(L - 1);
  for (let i = 0; i < body; i += L) {
    const o = <usize>i * sizeof<T>();
    const c = v128.load(cond + o);
    const mask = sizeof<T>() == 4 ? f32x4.ne(c, f32x4.splat(0)) : f64x2.ne(c, f64x2.splat(0));
    v128.store(out + o, v128.bitselect(v128.load(a + o), v128.load(b + o), mask));
  }
  for (let i = body; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    store<T>(out + o, load<T>(cond + o) != 0 ? load<T>(a + o) : load<T>(b + o));
  }
}

export function add_f32(a: usize, b: usize, out: usize, n: i32): void { binaryRow<f32>(ADD, a, b, out, n, true, true); }
export function sub_f32(a: usize, b: usize, out: usize, n: i32): void { binaryRow<f32>(SUB, a, b, out, n, true, true); }
export function mul_f32(a: usize, b: usize, out: usize, n: i32): void { binaryRow<f32>(MUL, a, b, out, n, true, true); }
export function div_f32(a: usize, b: usize, out: usize, n: i32): void { binaryRow<f32>(DIV, a, b, out, n, true, true); }
export function max_f32(a: usize, b: usize, out: usize, n: i32): void { binaryRow<f32>(MAX, a, b, out, n, true, true); }
export function add_f64(a: usize, b: usize, out: usize, n: i32): void { binaryRow<f64>(ADD, a, b, out, n, true, true); }
export function sub_f64(a: usize, b: usize, out: usize, n: i32): void { binaryRow<f64>(SUB, a, b, out, n, true, true); }
export function mul_f64(a: usize, b: usize, out: usize, n: i32): void { binaryRow<f64>(MUL, a, b, out, n, true, true); }
export function div_f64(a: usize, b: usize, out: usize, n: i32): void { binaryRow<f64>(DIV, a, b, out, n, true, true); }
export function max_f64(a: usize, b: usize, out: usize, n: i32): void { binaryRow<f64>(MAX, a, b, out, n, true, true); }

export function add_strided_f32(a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32, out: usize, outer: i32, inner: i32): void { binaryStrided<f32>(ADD, a, as0, as1, b, bs0, bs1, out, outer, inner); }
export function sub_strided_f32(a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32, out: usize, outer: i32, inner: i32): void { binaryStrided<f32>(SUB, a, as0, as1, b, bs0, bs1, out, outer, inner); }
export function mul_strided_f32(a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32, out: usize, outer: i32, inner: i32): void { binaryStrided<f32>(MUL, a, as0, as1, b, bs0, bs1, out, outer, inner); }
export function div_strided_f32(a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32, out: usize, outer: i32, inner: i32): void { binaryStrided<f32>(DIV, a, as0, as1, b, bs0, bs1, out, outer, inner); }
export function max_strided_f32(a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32, out: usize, outer: i32, inner: i32): void { binaryStrided<f32>(MAX, a, as0, as1, b, bs0, bs1, out, outer, inner); }
export function add_strided_f64(a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32, out: usize, outer: i32, inner: i32): void { binaryStrided<f64>(ADD, a, as0, as1, b, bs0, bs1, out, outer, inner); }
export function sub_strided_f64(a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32, out: usize, outer: i32, inner: i32): void { binaryStrided<f64>(SUB, a, as0, as1, b, bs0, bs1, out, outer, inner); }
export function mul_strided_f64(a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32, out: usize, outer: i32, inner: i32): void { binaryStrided<f64>(MUL, a, as0, as1, b, bs0, bs1, out, outer, inner); }
export function div_strided_f64(a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32, out: usize, outer: i32, inner: i32): void { binaryStrided<f64>(DIV, a, as0, as1, b, bs0, bs1, out, outer, inner); }
export function max_strided_f64(a: usize, as0: i32, as1: i32, b: usize, bs0: i32, bs1: i32, out: usize, outer: i32, inner: i32): void { binaryStrided<f64>(MAX, a, as0, as1, b, bs0, bs1, out, outer, inner); }

export function neg_f32(x: usize, out: usize, n: i32): void { unaryLoop<f32>(NEG, x, out, n); }
export function exp_f32(x: usize, out: usize, n: i32): void { unaryLoop<f32>(EXP, x, out, n); }
export function log_f32(x: usize, out: usize, n: i32): void { unaryLoop<f32>(LOG, x, out, n); }
export function tanh_f32(x: usize, out: usize, n: i32): void { unaryLoop<f32>(TANH, x, out, n); }
export function sin_f32(x: usize, out: usize, n: i32): void { unaryLoop<f32>(SIN, x, out, n); }
export function cos_f32(x: usize, out: usize, n: i32): void { unaryLoop<f32>(COS, x, out, n); }
export function sqrt_f32(x: usize, out: usize, n: i32): void { unaryLoop<f32>(SQRT, x, out, n); }
export function neg_f64(x: usize, out: usize, n: i32): void { unaryLoop<f64>(NEG, x, out, n); }
export function sqrt_f64(x: usize, out: usize, n: i32): void { unaryLoop<f64>(SQRT, x, out, n); }

export function where_f32(cond: usize, a: usize, b: usize, out: usize, n: i32): void { whereLoop<f32>(cond, a, b, out, n); }
export function where_f64(cond: usize, a: usize, b: usize, out: usize, n: i32): void { whereLoop<f64>(cond, a, b, out, n); }
