// tanh as f32x4 code for the generated fused loops: the same instructions, in the same order, as the SIMD kernel's
// tanh4 and exp4 (core/wasm/assembly/mathf.ts), so a loop that computes tanh in place gives the kernel's bits while
// sparing the pass that stored its input and read it back.
import type { WasmEmitter } from './types.js';

const DROP = 0x1a;
const i32const = (v: number): number[] => [0x41, v]; // v < 64: one-byte sleb
/** An i32 lane constant as the f32 with its bits (the emitter splats f32 constants; the bits pass through unchanged). */
const bitsOf = (i: number): number => new Float32Array(Int32Array.of(i).buffer)[0];

/** tanh of the f32x4 value `x` leaves on the stack; null in f64 loops (the SIMD kernel is f32 only). */
export function tanhWasm(w: WasmEmitter, [x]: number[][]): number[] | null {
  if (w.dtype !== 'f32') return null;
  const op = (name: string): number[] => w.op(name);
  const c = (v: number): number[] => w.splat(v);
  const ci = (v: number): number[] => w.splat(bitsOf(v));
  const [add, sub, mul] = [op('add'), op('sub'), op('mul')];
  const mad = (a: number[], b: number[], d: number[]): number[] => [...a, ...b, ...mul, ...d, ...add];
  const store = (code: number[]): number[][] => {
    const [tee, get] = w.local();
    return [[...code, ...tee, DROP], get];
  };
  const [setX, X] = store(x);
  const [setAx, ax] = store([...X, ...op('abs')]);
  const [setZ, z] = store([...X, ...X, ...mul]);
  let p = mad(c(-5.70498872745e-3), z, c(2.06390887954e-2));
  p = mad(p, z, c(-5.37397155531e-2));
  p = mad(p, z, c(1.33314422036e-1));
  p = mad(p, z, c(-3.33332819422e-1));
  const [setSmall, small] = store(mad([...p, ...z, ...mul], X, X));
  const [setMask, isSmall] = store([...ax, ...c(0.625), ...op('lt')]);

  // exp4(2|x|): clamp, Cody-Waite reduction (1/ln 2 is LOG2E in f32), polynomial, scale by 2^n in two factors
  const [setE, ex] = store([...ax, ...ax, ...add, ...c(-104.0), ...op('max'), ...c(89.0), ...op('min')]);
  const [setFx, fx] = store([...ex, ...c(Math.LOG2E), ...mul, ...op('nearest')]);
  const [setR, r] = store([...ex, ...fx, ...c(0.693359375), ...mul, ...sub, ...fx, ...c(-2.1219444e-4), ...mul, ...sub]);
  let q = mad(c(1.98756915e-4), r, c(1.3981999507e-3));
  q = mad(q, r, c(8.3334519073e-3));
  q = mad(q, r, c(4.1665795894e-2));
  q = mad(q, r, c(1.6666665459e-1));
  q = mad(q, r, c(5.0000001201e-1));
  const y = [...q, ...r, ...r, ...mul, ...mul, ...r, ...add, ...c(1.0), ...add];
  const [setN, n] = store([...fx, ...op('i32.trunc_sat_f32')]);
  const [setN1, n1] = store([...n, ...i32const(1), ...op('i32.shr_s')]);
  const scale = (k: number[]): number[] => [...k, ...ci(127), ...op('i32.add'), ...i32const(23), ...op('i32.shl')];
  const e = [...y, ...scale(n1), ...mul, ...scale([...n, ...n1, ...op('i32.sub')]), ...mul];
  // tanh|x| = 1 - 2/(e^{2|x|}+1), with x's sign
  const big = [...c(1.0), ...c(2.0), ...e, ...c(1.0), ...add, ...op('div'), ...sub];
  const signed = [...big, ...X, ...ci(0x80000000 | 0), ...op('and'), ...op('or')];
  const large = [...setE, ...setFx, ...setR, ...setN, ...setN1, ...small, ...signed, ...isSmall, ...op('bitselect')];
  // if every lane is small the polynomial is the value (the kernel's early return), else the lanes select
  const choose = [...isSmall, ...op('all_true'), 0x04, 0x7b, ...small, 0x05, ...large, 0x0b];
  return [...setX, ...setAx, ...setZ, ...setSmall, ...setMask, ...choose];
}
