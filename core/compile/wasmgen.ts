// Fused f32 loops as generated WebAssembly SIMD (f32x4), one module per compiled graph. Arena offsets
// are baked in as constants; the module imports the kernels' shared memory. Loops that need anything
// beyond arithmetic, comparisons, select and in-place broadcasts stay on the JS generator.
import type { FusedKernel, FusedNode } from './fusion.js';

const SIMD = 0xfd;
const F32X4: Record<string, number> = { add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, max: 0xe9, neg: 0xe1, sqrt: 0xe3, gt: 0x44, ge: 0x46, eq: 0x41, ne: 0x42 };
const V128_LOAD = 0x00;
const V128_STORE = 0x0b;
const F32X4_SPLAT = 0x13;
const V128_AND = 0x4e;
const V128_BITSELECT = 0x52;
const V128 = 0x7b;
const I32 = 0x7f;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}
const simd = (op: number): number[] => [SIMD, ...uleb(op)];
const i32const = (v: number): number[] => [0x41, ...sleb(v | 0)];
const f32const = (v: number): number[] => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

/**
 * Integer exponents that both generators expand into multiplications, in the same order, so wasm and JS
 * loops stay bit-identical (x^3 = (x*x)*x, x^-2 = 1/(x*x)); other exponents stay on Math.pow in JS.
 */
export const smallIntegerPower = (e: number | undefined): e is number => e !== undefined && Number.isInteger(e) && Math.abs(e) <= 8;

/** Whether a fused loop can be generated as f32x4 code. */
export function wasmEligible(k: FusedKernel): boolean {
  if (k.out.dtype !== 'f32' || k.size % 4 !== 0 || k.size === 0) return false;
  const ok = (n: FusedNode): boolean => {
    if (n.kind === 'const') return true;
    if (n.kind === 'read') {
      const src = k.inputs[n.read.input];
      return src.dtype === 'f32' && (typeof n.read.at !== 'number' || n.read.at % 4 === 0);
    }
    if (n.prim === 'powc') return smallIntegerPower(n.exponent) && n.args.every(ok);
    if (n.prim === 'cast' || n.prim === 'stop_gradient') return false;
    return (n.prim in F32X4 || n.prim === 'where') && n.args.every(ok);
  };
  return ok(k.tree);
}

/** Body of one loop function: locals (counter, hoisted splats) and the f32x4 loop. */
function body(k: FusedKernel, ptr: (i: number) => number, outPtr: number): number[] {
  const hoisted: number[][] = []; // code producing a v128, stored in locals 1..
  const splatLocal = new Map<string, number>();
  const splat = (key: string, code: number[]): number[] => {
    let l = splatLocal.get(key);
    if (l === undefined) {
      hoisted.push([...code, ...simd(F32X4_SPLAT)]);
      l = hoisted.length; // local 0 is the byte counter
      splatLocal.set(key, l);
    }
    return [0x20, ...uleb(l)];
  };
  const ONE = (): number[] => splat('c1', f32const(1));
  /** A fresh v128 local (initialised like the splats, then overwritten inside the loop). */
  const scratch = (): number => hoisted.push([...f32const(0), ...simd(F32X4_SPLAT)]);
  const ZERO = (): number[] => splat('c0', f32const(0));
  const emit = (n: FusedNode): number[] => {
    if (n.kind === 'const') return splat(`c${n.value}`, f32const(n.value));
    if (n.kind === 'read') {
      const { input, at } = n.read;
      if (at === 'scalar') return splat(`r${input}`, [...i32const(ptr(input)), 0x2a, 2, 0]);
      const offset = at === 'same' ? [0x20, 0] : [0x20, 0, ...i32const(at * 4), 0x70]; // counter % period
      return [...i32const(ptr(input)), ...offset, 0x6a, ...simd(V128_LOAD), 4, 0];
    }
    const a = n.args.map(emit);
    switch (n.prim) {
      case 'powc': {
        const e = n.exponent as number;
        if (e === 0) return ONE();
        // the base once into a scratch local, then a left fold of multiplications
        const t = scratch();
        const get = [0x20, ...uleb(t)];
        let code = [...a[0], 0x22, ...uleb(t)];
        for (let k = 1; k < Math.abs(e); k++) code = [...code, ...get, ...simd(F32X4.mul)];
        return e > 0 ? code : [...ONE(), ...code, ...simd(F32X4.div)];
      }
      case 'where': // cond != 0 ? a : b
        return [...a[1], ...a[2], ...a[0], ...ZERO(), ...simd(F32X4.ne), ...simd(V128_BITSELECT)];
      case 'gt':
      case 'ge':
      case 'eq':
        return [...a[0], ...a[1], ...simd(F32X4[n.prim]), ...ONE(), ...simd(V128_AND)];
      default:
        return [...a.flat(), ...simd(F32X4[n.prim])];
    }
  };
  const value = emit(k.tree);
  const loop = [
    0x02, 0x40, 0x03, 0x40,
    ...i32const(outPtr), 0x20, 0, 0x6a, ...value, ...simd(V128_STORE), 4, 0,
    0x20, 0, ...i32const(16), 0x6a, 0x22, 0, ...i32const(k.size * 4), 0x49, 0x0d, 0,
    0x0b, 0x0b,
  ];
  const init = hoisted.flatMap((code, i) => [...code, 0x21, ...uleb(i + 1)]);
  const locals = hoisted.length ? vec([[1, I32], [...uleb(hoisted.length), V128]]) : vec([[1, I32]]);
  const code = [...locals, ...init, ...loop, 0x0b];
  return [...uleb(code.length), ...code];
}

/**
 * Compiles the loops into one module over `memory`; `pointers(k)` gives each loop's input byte
 * offsets and its output offset. Returns one callable per loop, in order.
 */
export function wasmLoops(
  loops: readonly FusedKernel[],
  pointers: (k: FusedKernel) => { inputs: number[]; out: number },
  memory: WebAssembly.Memory,
): Array<() => void> {
  if (!loops.length) return [];
  const types = section(1, vec([[0x60, 0, 0]]));
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x03, ...uleb(1), ...uleb(65536)]]));
  const funcs = section(3, vec(loops.map(() => [0])));
  const exports = section(7, vec(loops.map((_, i) => [...name(`f${i}`), 0x00, ...uleb(i)])));
  const code = section(
    10,
    vec(
      loops.map((k) => {
        const p = pointers(k);
        return body(k, (i) => p.inputs[i], p.out);
      }),
    ),
  );
  const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return loops.map((_, i) => instance.exports[`f${i}`] as () => void);
}
