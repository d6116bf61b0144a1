// Fused f32 and f64 loops as generated WebAssembly SIMD (f32x4, f64x2), one module per compiled graph. Arena offsets
// are baked in as constants; the module imports the kernels' shared memory. Loops that need anything
// beyond what the primitives render for wasm (render.wasm: arithmetic, comparisons, select, small
// integer powers...) stay on the JS generator.
import type { FusedKernel, FusedNode } from './fusion.js';
import { defOf } from '../prims/registry.js';
import type { WasmEmitter } from '../prims/types.js';

const SIMD = 0xfd;
/** SIMD opcodes by name (f32x4 unless noted). */
const OPS32: Record<string, number> = {
  add: 0xe4,
  sub: 0xe5,
  mul: 0xe6,
  div: 0xe7,
  min: 0xe8,
  max: 0xe9,
  abs: 0xe0,
  neg: 0xe1,
  sqrt: 0xe3,
  floor: 0x68,
  eq: 0x41,
  ne: 0x42,
  lt: 0x43,
  gt: 0x44,
  le: 0x45,
  ge: 0x46,
  and: 0x4e /* v128 */,
  bitselect: 0x52 /* v128 */,
  // for tanh in place (core/prims/tanhWasm.ts)
  nearest: 0x6a,
  or: 0x50 /* v128 */,
  all_true: 0xa3 /* i32x4 */,
  'i32.trunc_sat_f32': 0xf8,
  'i32.add': 0xae,
  'i32.sub': 0xb1,
  'i32.shl': 0xab,
  'i32.shr_s': 0xac,
};
/** The same names for f64x2 (IEEE double arithmetic, so the loops round exactly as the JS ones). */
const OPS64: Record<string, number> = {
  add: 0xf0,
  sub: 0xf1,
  mul: 0xf2,
  div: 0xf3,
  min: 0xf4,
  max: 0xf5,
  abs: 0xec,
  neg: 0xed,
  sqrt: 0xef,
  floor: 0x75,
  eq: 0x47,
  ne: 0x48,
  lt: 0x49,
  gt: 0x4a,
  le: 0x4b,
  ge: 0x4c,
  and: 0x4e /* v128 */,
  bitselect: 0x52 /* v128 */,
};
/** What differs between the two lane types. */
interface Lanes {
  dtype: 'f32' | 'f64';
  bytes: 4 | 8;
  ops: Record<string, number>;
  splat: number;
  /** scalar load opcode and its alignment exponent */
  load: [number, number];
  constant: (v: number) => number[];
}
const F32: Lanes = {
  dtype: 'f32',
  bytes: 4,
  ops: OPS32,
  splat: 0x13,
  load: [0x2a, 2],
  constant: (v) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)],
};
const F64: Lanes = {
  dtype: 'f64',
  bytes: 8,
  ops: OPS64,
  splat: 0x14,
  load: [0x2b, 3],
  constant: (v) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)],
};
const lanesOf = (k: FusedKernel): Lanes => (k.out.dtype === 'f64' ? F64 : F32);
const V128_LOAD = 0x00;
const V128_STORE = 0x0b;
const V128 = 0x7b;
const I32 = 0x7f;
const DROP = 0x1a;

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
const i32const = (v: number): number[] => [0x41, ...sleb(v | 0)];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

/** A constant's key: -0 apart from 0 (`${-0}` is '0'), so that a loop's -0 is not splatted as +0. */
const constKey = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/** A node's structure as a string: equal keys compute equal values. */
const keyOf = (n: FusedNode): string =>
  n.kind === 'const'
    ? `c${constKey(n.value)}`
    : n.kind === 'read'
      ? `r${n.read.input}@${n.read.at}+${n.read.shift ?? 0}`
      : `${n.prim}${JSON.stringify(n.params)}(${n.args.map(keyOf).join(',')})`;

/**
 * The f32x4 code of a fused tree, or null where some primitive has no wasm rendering. A subtree that occurs more
 * than once (a recomputed value, the two products of a square's derivative) is computed once into a local. Those
 * locals are stored by statements ahead of the tree's expression (inner repeats first): a primitive may place its
 * arguments' code in any order (where evaluates its branches before its condition), so a read of the local inside
 * the expression must never come before the one write of it in the code.
 */
function emitTree(k: FusedKernel, w: WasmEmitter, read: (n: Extract<FusedNode, { kind: 'read' }>) => number[]): number[] | null {
  const count = new Map<string, number>();
  const tally = (n: FusedNode): void => {
    if (n.kind !== 'op') return;
    const key = keyOf(n);
    const c = (count.get(key) ?? 0) + 1;
    count.set(key, c);
    if (c === 1) n.args.forEach(tally); // the inner nodes of a repeat are computed once with it
  };
  tally(k.tree);
  const saved = new Map<string, number[]>(); // key -> code reading the local it was stored in
  const stores: number[] = []; // statements: each repeat's value into its local, leaving the stack as it was
  const emit = (n: FusedNode): number[] | null => {
    if (n.kind === 'const') return w.splat(n.value);
    if (n.kind === 'read') return read(n);
    const key = keyOf(n);
    const again = saved.get(key);
    if (again) return again;
    const args: number[][] = [];
    for (const a of n.args) {
      const code = emit(a);
      if (!code) return null;
      args.push(code);
    }
    const code = defOf(n.prim).elementwise?.render.wasm(w, args, n.params) ?? null;
    if (!code || (count.get(key) ?? 0) < 2) return code;
    const [tee, get] = w.local();
    stores.push(...code, ...tee, DROP);
    saved.set(key, get);
    return get;
  };
  const value = emit(k.tree);
  return value && [...stores, ...value];
}

const simd = (op: number): number[] => [SIMD, ...uleb(op)];
const opcode =
  (l: Lanes) =>
  (name: string): number[] => {
    const op = l.ops[name];
    if (op === undefined) throw new Error(`wasmgen: no SIMD instruction '${name}'`);
    return simd(op);
  };

/** Whether a fused loop can be generated as f32x4 or f64x2 code (every value of the loop's float type). */
export function wasmEligible(k: FusedKernel): boolean {
  const dtype = k.out.dtype;
  if (dtype === 'i32' || k.size === 0) return false;
  const perVector = 16 / lanesOf(k).bytes;
  const readsOk = (n: FusedNode): boolean => {
    if (n.kind === 'const') return true;
    if (n.kind === 'read') {
      const src = k.inputs[n.read.input];
      const whole = (x: number | undefined): boolean => (x ?? 0) % perVector === 0;
      return src.dtype === dtype && (typeof n.read.at !== 'number' || whole(n.read.at)) && whole(n.read.shift);
    }
    // f64 loops compute integer powers with Math.pow, which a product fold would not reproduce bit for bit
    if (dtype === 'f64' && n.prim === 'powc') return false;
    return n.dtype === dtype && n.args.every(readsOk);
  };
  const dry: WasmEmitter = { dtype: lanesOf(k).dtype, op: opcode(lanesOf(k)), splat: () => [], local: () => [[], []] };
  return readsOk(k.tree) && emitTree(k, dry, () => []) !== null;
}

/** Locals 0 and 1 are the parameters (start, end): byte offsets into the loop's index space. */
const FIRST_LOCAL = 2;

/** Body of one loop function (start, end) -> (): hoisted splats as locals, and the f32x4 loop over [start, end). */
function body(k: FusedKernel, ptr: (i: number) => number, outPtr: number): number[] {
  const lanes = lanesOf(k);
  const hoisted: number[][] = []; // code producing a v128, stored in locals FIRST_LOCAL..
  const splatLocal = new Map<string, number>();
  const splat = (key: string, code: number[]): number[] => {
    let l = splatLocal.get(key);
    if (l === undefined) {
      l = FIRST_LOCAL + hoisted.push([...code, ...simd(lanes.splat)]) - 1;
      splatLocal.set(key, l);
    }
    return [0x20, ...uleb(l)];
  };
  /** A fresh v128 local (initialised like the splats, then overwritten inside the loop). */
  const scratch = (): number => FIRST_LOCAL + hoisted.push([...lanes.constant(0), ...simd(lanes.splat)]) - 1;
  const w: WasmEmitter = {
    dtype: lanes.dtype,
    op: opcode(lanes),
    splat: (v) => splat(`c${constKey(v)}`, lanes.constant(v)),
    local: () => {
      const t = scratch();
      return [
        [0x22, ...uleb(t)],
        [0x20, ...uleb(t)],
      ];
    },
  };
  const read = (n: Extract<FusedNode, { kind: 'read' }>): number[] => {
    const { input, at } = n.read;
    if (at === 'scalar') return splat(`r${input}`, [...i32const(ptr(input)), ...lanes.load, 0]);
    const shift = (n.read.shift ?? 0) * lanes.bytes;
    if (at === 'same') return [...i32const(ptr(input) + shift), 0x20, 0, 0x6a, ...simd(V128_LOAD), 4, 0];
    const counter = shift ? [0x20, 0, ...i32const(shift), 0x6a] : [0x20, 0];
    // (counter + shift) % period
    return [...i32const(ptr(input)), ...counter, ...i32const(at * lanes.bytes), 0x70, 0x6a, ...simd(V128_LOAD), 4, 0];
  };
  const value = emitTree(k, w, read) as number[];
  const loop = [
    0x02,
    0x40,
    0x03,
    0x40,
    ...i32const(outPtr),
    0x20,
    0,
    0x6a,
    ...value,
    ...simd(V128_STORE),
    4,
    0,
    0x20,
    0,
    ...i32const(16),
    0x6a,
    0x22,
    0,
    // to `end` in whole vectors: callers pass a multiple of 16, rounded up past a size that is not a multiple of
    // the lanes into the value's slot padding (arena slots are padded to 64 bytes, core/compile/memory.ts)
    0x20,
    1,
    0x49,
    0x0d,
    0,
    0x0b,
    0x0b,
  ];
  const init = hoisted.flatMap((code, i) => [...code, 0x21, ...uleb(FIRST_LOCAL + i)]);
  const locals = hoisted.length ? vec([[...uleb(hoisted.length), V128]]) : vec([]);
  const code = [...locals, ...init, ...loop, 0x0b];
  return [...uleb(code.length), ...code];
}

/** Fused loops compiled into one module: `fns[i](start, end)` runs loop i over the byte range [start, end). */
export interface LoopModule {
  /** The compiled module (a helper thread instantiates it on the same shared memory). */
  readonly module: WebAssembly.Module;
  readonly fns: ReadonlyArray<(start: number, end: number) => void>;
  /** Each loop's whole range in bytes: its size rounded up to whole 16-byte vectors. */
  readonly ends: readonly number[];
}

/**
 * Compiles the loops into one module over `memory`; `pointers(k)` gives each loop's input byte
 * offsets and its output offset.
 */
export function wasmLoops(
  loops: readonly FusedKernel[],
  pointers: (k: FusedKernel) => { inputs: number[]; out: number },
  memory: WebAssembly.Memory,
): LoopModule | null {
  if (!loops.length) return null;
  const types = section(1, vec([[0x60, 2, I32, I32, 0]]));
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
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return {
    module,
    fns: loops.map((_, i) => instance.exports[`f${i}`] as (start: number, end: number) => void),
    ends: loops.map((k) => Math.ceil((k.size * lanesOf(k).bytes) / 16) * 16),
  };
}
