// What a primitive is: one typed object holding its shape rule, its reference evaluation, its
// derivative story and (for elementwise primitives) how each backend renders it in a fused loop.
// Every family module (elementwise.ts, layout.ts, ...) declares its parameter types in PrimParams
// and exports a table of definitions; registry.ts joins the tables, typed so that a primitive named
// in PrimParams without a definition, or a definition without a rule, fails to compile.
import type { Aval } from '../ir.js';
import type { DType, TypedArray } from '../dtype.js';
import type { Shape } from '../shape.js';
import type { StridedView } from '../kernels/strided.js';
import type { Tensor } from '../tensor.js';
import type { Lax } from '../lax.js';
import type { ElementwiseParams } from './elementwise.js';
import type { LayoutParams } from './layout.js';
import type { ReduceParams } from './reduce.js';
import type { MatmulParams } from './matmul.js';
import type { IndexingParams } from './indexing.js';
import type { FftParams } from './fft.js';
import type { SpectralParams } from './spectral.js';
import type { RandomParams } from './random.js';
import type { CustomParams } from './custom.js';
import type { HostParams } from './host.js';
import type { BsplineParams } from './bspline.js';

/** Parameters of every primitive, by name (each family contributes its own). */
export interface PrimParams
  extends ElementwiseParams,
    LayoutParams,
    ReduceParams,
    MatmulParams,
    IndexingParams,
    FftParams,
    SpectralParams,
    RandomParams,
    CustomParams,
    HostParams,
    BsplineParams {}
export type PrimName = keyof PrimParams;
/** The parameters of some primitive (what an untyped equation carries). */
export type AnyParams = PrimParams[PrimName];
/** For primitives without parameters. */
export type NoParams = Record<string, never>;

/** A truncated Taylor series in normalised coefficients: entry 0 is the primal, null is zero. */
export type Series = Array<Tensor | null>;
type T = Tensor | null;

/**
 * How a primitive is differentiated; the transformations derive jvp, vjp, jet (any order) and the
 * collapsed second-order mode from it.
 * - linear: the primitive is linear in the inputs `in`; perturbations go through the primitive itself,
 *   and `transpose` maps an output cotangent to input cotangents (the vjp).
 * - zero: piecewise constant (comparisons, rounding, random draws): every derivative is zero.
 * - unary: elementwise y = f(x); `derivatives` gives f', f'', ... f^(n) at x (y = f(x) given).
 * - binary: elementwise y = f(a, b); `partials` gives [df/da, df/db] written in primitives of their own
 *   (not in terms of f), so higher orders come from differentiating them in turn.
 * - rules: explicit Taylor rule (jvp is its first order) and vjp, and optionally the collapsed rule.
 * - custom: user rules carried in the parameters (custom_vjp, custom_jvp); each transformation reads them.
 */
export type Differentiation<P> =
  | { kind: 'linear'; in: 'all' | readonly number[]; transpose: (lax: Lax, ct: Tensor, inputs: Tensor[], p: P) => T[] }
  | { kind: 'zero' }
  | { kind: 'custom' }
  | { kind: 'unary'; derivatives: (lax: Lax, x: Tensor, y: Tensor, n: number, p: P) => T[] }
  | { kind: 'binary'; partials: (lax: Lax, a: Tensor, b: Tensor) => [Tensor, Tensor] }
  | {
      kind: 'rules';
      /** output coefficients 1..K (entry 0 is the primal) from the input series */
      jet: (lax: Lax, xs: Series[], y0: Tensor, K: number, p: P) => Series;
      vjp: (lax: Lax, ct: Tensor, inputs: Tensor[], out: Tensor, p: P) => T[];
      /** collapsed second-order rule; without one, functions using the primitive fall back to tiled jets */
      collapsed?: CollapsedRule<P>;
    };

/**
 * Collapsed Taylor mode for one equation: xs and y0 are the primal inputs and output, t1 the per-direction
 * first-order inputs, t2 the summed second-order inputs; `tiledIn(k)` is input k and `tiledOut(t)` a value
 * shaped like the output brought to the per-direction row count, `sumDirs` sums a per-direction value over
 * directions. Returns [first, second] (null = zero).
 */
export type CollapsedRule<P> = (
  lax: Lax,
  c: {
    xs: Tensor[];
    y0: Tensor;
    t1: T[];
    t2: T[];
    tiledIn: (k: number) => Tensor;
    tiledOut: (t: Tensor) => Tensor;
    sumDirs: (t: Tensor) => Tensor;
  },
  p: P,
) => [T, T];

/** Where a value's batch axis is under vmap: leading (0), or absent (null: one value shared by every example). */
export type BatchDim = 0 | null;

/** What a batching rule knows besides its inputs. */
export interface BatchContext<P> {
  /** per input: 0 when it carries the batch axis in front, null when it is shared; at least one is 0 */
  readonly bdims: readonly BatchDim[];
  /** the batch size */
  readonly size: number;
  readonly params: P;
  /** applies this primitive again, with these parameters or new ones */
  readonly same: (inputs: readonly Tensor[], params?: P) => Tensor;
}

/** vmap rule: the output, batched at axis 0, written in primitives (so vmap composes with every transformation). */
export type BatchRule<P> = (lax: Lax, xs: Tensor[], c: BatchContext<P>) => Tensor;

/** Source text of an elementwise operation for the generated-code backends. */
export interface Renderers<P> {
  /** a JavaScript expression; f32 loops round the result themselves */
  js: (args: string[], p: P, f32: boolean) => string;
  /** a gpu.js (GLSL/WGSL-translatable) expression, or null to keep the op off the device */
  gpu: (args: string[], p: P) => string | null;
  /** a WGSL f32 expression for the webgpu backend's compute shaders, or null when it has none */
  wgsl: (args: string[], p: P) => string | null;
  /** f32x4 WebAssembly code, or null to leave the loop on the JS generator */
  wasm: (w: WasmEmitter, args: number[][], p: P) => number[] | null;
}

/** What a wasm renderer may use: opcodes and constants of the enclosing loop. */
export interface WasmEmitter {
  /** the loop's lane type: f32x4 or f64x2 */
  readonly dtype: 'f32' | 'f64';
  /**
   * a SIMD instruction by its f32x4 name (add, sub, mul, div, max, min, neg, abs, sqrt, floor, gt, ge, eq, ne, and,
   * bitselect); f32 loops also have nearest, lt, or, all_true and i32x4's trunc_sat_f32, add, sub, shl, shr_s
   */
  op(name: string): number[];
  /** a splatted f32 constant, hoisted out of the loop */
  splat(value: number): number[];
  /** stores the value on the stack into a fresh local and returns [store-and-keep code, load code] */
  local(): [number[], number[]];
}

export interface ElementwiseImpl<P> {
  /** the value for one element from up to three inputs (unused ones are 0); fixed arity keeps loops allocation-free */
  scalar: (a: number, b: number, c: number, p: P) => number;
  render: Renderers<P>;
}

export interface PrimDef<K extends PrimName> {
  readonly name: K;
  /** abstract evaluation: output shape and dtype, with a ShapeError for bad inputs */
  shape: (inputs: readonly Aval[], p: PrimParams[K]) => Aval;
  /** the reference evaluation on host arrays (the js backend; the oracle for the others) */
  impl: (ins: TypedArray[], shapes: Shape[], out: Aval, p: PrimParams[K]) => TypedArray;
  diff: Differentiation<PrimParams[K]>;
  /** how vmap runs it on a batch */
  batch: BatchRule<PrimParams[K]>;
  /** elementwise primitives: per-element value and the generated-code renderers (fusion reads these) */
  elementwise?: ElementwiseImpl<PrimParams[K]>;
  /** whether the wasm backend has a SIMD kernel for it in f32 (then it is not fused on CPU) */
  simdKernel?: boolean;
  /** the wasm loop generator renders that kernel's own instructions, so fused loops may compute it in place (FusionOptions.simdInLoops) */
  simdInLoops?: boolean;
  /** the output is the input's bytes unchanged (reshape, stop_gradient): compiled graphs share the buffer */
  alias?: boolean;
  /** view-like primitives: where each output element reads input 0 (compiled graphs copy it in place) */
  view?: (inShape: Shape, out: Aval, p: PrimParams[K]) => StridedView;
  /**
   * primitives whose reference evaluation can write its whole output into a given buffer `dst` (concat and pad place
   * their inputs into regions of it; gather and scatter-add index into it): compiled graphs pass the planned buffer
   * instead of allocating a result and copying it on every run
   */
  place?: (ins: readonly TypedArray[], shapes: readonly Shape[], out: Aval, p: PrimParams[K], dst: TypedArray) => void;
}

/** A family's table: one definition per name. */
export type PrimTable<N extends PrimName> = { readonly [K in N]: PrimDef<K> };

/** The dtype of an elementwise output from its inputs. */
export type DTypeOf = (ins: readonly DType[]) => DType;
