// f32 elementwise kernels over contiguous buffers; out may alias an input.
import { loadTail4, storeTail4 } from './simd';
import { exp4, log4, tanh4, sin4, cos4 } from './mathf';

const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAX = 4;
const NEG = 0, EXP = 1, LOG = 2, TANH = 3, SIN = 4, COS = 5, SQRT = 6;

// @ts-ignore: decorator
@inline function bin(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  if (op == DIV) return f32x4.div(a, b);
  return f32x4.max(a, b);
}

// @ts-ignore: decorator
@inline function un(op: i32, x: v128): v128 {
  if (op == NEG) return f32x4.neg(x);
  if (op == EXP) return exp4(x);
  if (op == LOG) return log4(x);
  if (op == TANH) return tanh4(x);
  if (op == SIN) return sin4(x);
  if (op == COS) return cos4(x);
  return f32x4.sqrt(x);
}

// @ts-ignore: decorator
@inline function binaryLoop(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  const body = n & ~3;
  for (let i = 0; i < body; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, bin(op, v128.load(a + o), v128.load(b + o)));
  }
  const rem = n - body;
  if (rem > 0) {
    const o = <usize>body << 2;
    storeTail4(out + o, bin(op, loadTail4(a + o, rem), loadTail4(b + o, rem)), rem);
  }
}

// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  const body = n & ~3;
  for (let i = 0; i < body; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, un(op, v128.load(x + o)));
  }
  const rem = n - body;
  if (rem > 0) {
    const o = <usize>body << 2;
    storeTail4(out + o, un(op, loadTail4(x + o, rem)), rem);
  }
}

export function add_f32(a: usize, b: usize, out: usize, n: i32): void { binaryLoop(ADD, a, b, out, n); }
export function sub_f32(a: usize, b: usize, out: usize, n: i32): void { binaryLoop(SUB, a, b, out, n); }
export function mul_f32(a: usize, b: usize, out: usize, n: i32): void { binaryLoop(MUL, a, b, out, n); }
export function div_f32(a: usize, b: usize, out: usize, n: i32): void { binaryLoop(DIV, a, b, out, n); }
export function max_f32(a: usize, b: usize, out: usize, n: i32): void { binaryLoop(MAX, a, b, out, n); }

export function neg_f32(x: usize, out: usize, n: i32): void { unaryLoop(NEG, x, out, n); }
export function exp_f32(x: usize, out: usize, n: i32): void { unaryLoop(EXP, x, out, n); }
export function log_f32(x: usize, out: usize, n: i32): void { unaryLoop(LOG, x, out, n); }
export function tanh_f32(x: usize, out: usize, n: i32): void { unaryLoop(TANH, x, out, n); }
export function sin_f32(x: usize, out: usize, n: i32): void { unaryLoop(SIN, x, out, n); }
export function cos_f32(x: usize, out: usize, n: i32): void { unaryLoop(COS, x, out, n); }
export function sqrt_f32(x: usize, out: usize, n: i32): void { unaryLoop(SQRT, x, out, n); }

/** out = cond != 0 ? a : b (NaN conditions count as true, like JS `cond !== 0`). */
export function where_f32(cond: usize, a: usize, b: usize, out: usize, n: i32): void {
  const body = n & ~3;
  const zero = f32x4.splat(0);
  for (let i = 0; i < body; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, v128.bitselect(v128.load(a + o), v128.load(b + o), f32x4.ne(v128.load(cond + o), zero)));
  }
  for (let i = body; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(cond + o) != 0 ? load<f32>(a + o) : load<f32>(b + o));
  }
}
