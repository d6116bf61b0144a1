// Fusion plan: which variables are materialised in memory, and an expression tree per fused
// elementwise loop. A single-use elementwise value feeding an elementwise consumer of the same size is
// computed inline; scalar and trailing-suffix broadcasts are read in place with an index expression.
// With the wasm executable's options (FusionOptions) a loop also looks through reshapes, sums a few
// leading blocks in place (reduce_sum over a short leading axis, the directions of a collapsed jet) and
// takes uniform literals as constants, so that chains like square -> reshape -> sum over directions ->
// mul run as one loop instead of three passes over memory.
import { Var, type Atom, type Eqn, type Graph } from '../ir.js';
import { sizeOf, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { AnyParams, PrimName, PrimParams } from '../prims/types.js';
import { defOf } from '../prims/registry.js';

/**
 * How a fused loop reads input k at element i: i itself, element 0, or i modulo a period; `shift` (elements,
 * default 0) is added to i first (a block of a leading sum reads its input `shift` elements on).
 */
export type Read = { input: number; at: 'same' | 'scalar' | number; shift?: number };
export type FusedNode =
  | { kind: 'read'; read: Read }
  | { kind: 'const'; value: number }
  | { kind: 'op'; prim: PrimName; args: FusedNode[]; params: AnyParams; dtype: DType };

/** One fused loop: out[i] = tree, over `inputs` (materialised variables or literal tensors). */
export interface FusedKernel {
  out: Var;
  inputs: Atom[];
  tree: FusedNode;
  size: number;
}

export interface FusionPlan {
  /** equations that own a materialised output, in order; fused ones carry their kernel */
  steps: Array<{ eqn: Eqn; kernel?: FusedKernel }>;
}

/** What a backend's loop generators support beyond plain elementwise trees (all off: the gpu backends' plan). */
export interface FusionOptions {
  /** reshapes are free inside a loop (same elements, same order) */
  readonly throughReshape?: boolean;
  /** reduce_sum over a leading axis of at most this many blocks runs as adds of shifted reads (0: never) */
  readonly leadingSumMax?: number;
  /** literal tensors whose entries are all equal are constants, not reads */
  readonly uniformLiterals?: boolean;
  /**
   * a value of at most this many elementwise ops is recomputed in each consuming loop (also inside a broadcast)
   * instead of stored, when the values it reads are kept to its last use anyway or at most across other loops
   * (0: never)
   */
  readonly rematOps?: number;
  /**
   * f32 transcendentals whose SIMD kernel the wasm loops render (PrimDef.simdInLoops: tanh) run inside fused loops
   * instead of as their own pass, so an activation reads its pre-activation in the loop that makes it; never recomputed
   */
  readonly simdInLoops?: boolean;
}

/** The wasm executable's options: sums over up to 8 directions, so a d <= 8 Laplacian's collapsed jet fuses. */
export const WASM_FUSION: FusionOptions = {
  throughReshape: true,
  leadingSumMax: 8,
  uniformLiterals: true,
  rematOps: 6,
  simdInLoops: true,
};

/** The deepest expression tree of one fused loop (levels of inlined values below its root). */
export const MAX_FUSED_DEPTH = 64;

/** Broadcasts that a loop can read in place: scalars and inputs equal to a suffix of the output shape. */
export function inlineBroadcast(e: Eqn): boolean {
  if (e.prim !== 'broadcast') return false;
  const s = [...(e.inputs[0] as Var | Tensor).shape];
  while (s.length && s[0] === 1) s.shift();
  return sameShape(s, e.out.shape.slice(e.out.shape.length - s.length));
}

/** The number of blocks of a reduce_sum over axis 0 alone (a sum of contiguous equal blocks), else 0. */
export function leadingSumBlocks(e: Eqn): number {
  if (e.prim !== 'reduce_sum' || e.out.dtype === 'i32') return 0;
  const { axes } = e.params as PrimParams['reduce_sum'];
  const shape = (e.inputs[0] as Var | Tensor).shape;
  return axes.length === 1 && axes[0] === 0 && shape.length > 1 ? shape[0] : 0;
}

/**
 * Whether an equation can run inside a fused loop: elementwise primitives, except (with `simdUnary`)
 * f32 transcendentals that the wasm backend runs on its SIMD kernels, and in-place broadcasts; with
 * `options`, also reshapes and short leading sums.
 */
export function isElementwise(e: Eqn, simdUnary: boolean, options: FusionOptions = {}): boolean {
  const def = defOf(e.prim);
  if (def.elementwise) return !(simdUnary && e.out.dtype === 'f32' && def.simdKernel) || (!!options.simdInLoops && !!def.simdInLoops);
  if (options.throughReshape && e.prim === 'reshape') return true;
  const blocks = leadingSumBlocks(e);
  if (blocks > 1 && blocks <= (options.leadingSumMax ?? 0)) return true;
  return inlineBroadcast(e);
}

/** Whether every entry of a literal is the same number (cached: a literal is scanned once). */
const uniformCache = new WeakMap<Tensor, number | null>();
function uniformValue(t: Tensor): number | null {
  let v = uniformCache.get(t);
  if (v === undefined) {
    const d = t.dataSync();
    v = d.length ? d[0] : null;
    for (let i = 1; i < d.length && v !== null; i++) if (!Object.is(d[i], v)) v = null;
    uniformCache.set(t, v);
  }
  return v;
}

/**
 * The fusion plan of g. With options.simdInLoops and `loopOk` (whether a loop's generated code can render it: the wasm
 * generator's eligibility), a transcendental stays its own SIMD pass wherever the loop it would join fails loopOk: a JS
 * loop would run it on Math's scalar function, many times slower than the kernel (a bias of 50 channels, say).
 */
export function planFusion(g: Graph, simdUnary: boolean, options: FusionOptions = {}, loopOk?: (k: FusedKernel) => boolean): FusionPlan {
  const apart = new Set<Eqn>();
  const producer = new Map<Var, Eqn>(g.eqns.map((e) => [e.out, e]));
  for (;;) {
    const { plan, inlined } = planWith(g, simdUnary, options, apart);
    if (!options.simdInLoops || !simdUnary || !loopOk) return plan;
    const before = apart.size;
    // the equations a loop computes: its root and the inlined values below it
    const absorbed = (e: Eqn, into: Set<Eqn>): void => {
      into.add(e);
      for (const a of e.inputs) if (a instanceof Var && inlined(a) && producer.has(a)) absorbed(producer.get(a) as Eqn, into);
    };
    for (const { eqn, kernel } of plan.steps) {
      if (!kernel || loopOk(kernel)) continue;
      const inside = new Set<Eqn>();
      absorbed(eqn, inside);
      for (const e of inside) if (e.out.dtype === 'f32' && defOf(e.prim).simdInLoops) apart.add(e);
    }
    if (apart.size === before) return plan;
  }
}

/** The plan with the equations of `apart` kept out of loops, and which values its loops compute inline. */
function planWith(
  g: Graph,
  simdUnary: boolean,
  options: FusionOptions,
  apart: ReadonlySet<Eqn>,
): { plan: FusionPlan; inlined: (v: Var) => boolean } {
  const consumers = new Map<Var, Eqn[]>();
  for (const e of g.eqns) {
    for (const a of e.inputs) if (a instanceof Var) consumers.set(a, [...(consumers.get(a) ?? []), e]);
  }
  const outputs = new Set(g.outputs.filter((a): a is Var => a instanceof Var));
  const producer = new Map<Var, Eqn>(g.eqns.map((e) => [e.out, e]));
  const elementwise = (e: Eqn | undefined): e is Eqn => !!e && !apart.has(e) && isElementwise(e, simdUnary, options);
  const isReshape = (e: Eqn): boolean => e.prim === 'reshape';
  const fusedLoop = (e: Eqn): boolean => elementwise(e) && !inlineBroadcast(e) && !isReshape(e);

  // region[i]: how many unfusable equations precede equation i. Inlining moves a computation to its consumer,
  // so its inputs live until then: across an unfusable step that would keep them alive while it runs (a
  // gradient summed over T steps would hold all T terms to the end), so values are inlined within a region only.
  const region = new Map<Eqn, number>();
  let barriers = 0;
  for (const e of g.eqns) {
    if (!elementwise(e)) barriers++;
    region.set(e, barriers);
  }

  /** inlined: computed inside its consumers' loops, never stored */
  const memo = new Map<Var, boolean>();
  const inlined = (v: Var): boolean => {
    let r = memo.get(v);
    if (r === undefined) {
      r = decide(v);
      memo.set(v, r);
    }
    return r;
  };
  // a consumer that takes v into its own loop: a fused loop, or a reshape or (for a recomputed value) a broadcast
  // that is itself inlined
  const absorbs = (c: Eqn): boolean =>
    fusedLoop(c) || ((isReshape(c) || (inlineBroadcast(c) && !!options.rematOps)) && elementwise(c) && inlined(c.out));
  const decide = (v: Var): boolean => {
    const e = producer.get(v);
    const cs = consumers.get(v) ?? [];
    if (!elementwise(e) || outputs.has(v) || !cs.length || !cs.every(absorbs)) return false;
    if (inlineBroadcast(e) || isReshape(e)) return true; // an indexed read or a renaming: free in every consumer
    const c = cs[0];
    if (cs.length === 1 && !expands(c) && region.get(c) === region.get(e)) {
      // a leading sum reads its input's blocks: the input is larger than the sum by the number of blocks
      if (sizeOf(c.out.shape) * Math.max(1, leadingSumBlocks(c)) === sizeOf(v.shape)) return true;
    }
    return recomputable(v);
  };

  /** Whether a consumer reads its input more than once per element: a broadcast, maybe after reshapes. */
  const expands = (c: Eqn): boolean => inlineBroadcast(c) || (isReshape(c) && (consumers.get(c.out) ?? []).some(expands));
  // where each value is last read directly, in equation order (outputs: never freed)
  const index = new Map<Eqn, number>(g.eqns.map((e, i) => [e, i]));
  const lastRead = (v: Var): number =>
    outputs.has(v) ? Infinity : Math.max(-1, ...(consumers.get(v) ?? []).map((c) => index.get(c) as number));
  /** The last read of v's value in a loop: reshapes and broadcasts inlined on the way pass it on. */
  const lastUse = (v: Var): number =>
    Math.max(-1, ...(consumers.get(v) ?? []).map((c) => (isReshape(c) || inlineBroadcast(c) ? lastUse(c.out) : (index.get(c) as number))));
  /**
   * Whether v is cheap to recompute in each consumer: at most rematOps elementwise ops (a leading sum only where no
   * broadcast reads v periodically), reading only values that live to v's last use anyway or whose lives grow only
   * across other loops, never across an unfusable step's buffers.
   */
  const recomputable = (v: Var): boolean => {
    const limit = options.rematOps ?? 0;
    if (!limit) return false;
    const periodic = (consumers.get(v) ?? []).some(expands);
    let ops = 0;
    const leaves: Var[] = [];
    const walk = (u: Var): boolean => {
      const e = producer.get(u) as Eqn;
      const blocks = leadingSumBlocks(e);
      if (blocks) {
        // the blocks' adds, and each block's value computed anew
        if (periodic) return false;
        ops += blocks - 1;
        const x = e.inputs[0];
        if (!(x instanceof Var) || !inlined(x)) {
          if (x instanceof Var) leaves.push(x);
          return ops <= limit;
        }
        for (let b = 0; b < blocks; b++) if (!walk(x)) return false;
        return ops <= limit;
      }
      // a transcendental costs tens of instructions per vector: computed once, stored
      if (simdUnary && e.out.dtype === 'f32' && defOf(e.prim).simdKernel) return false;
      if (!inlineBroadcast(e) && !isReshape(e)) ops++;
      for (const a of e.inputs) {
        if (!(a instanceof Var)) continue;
        if (!inlined(a)) leaves.push(a);
        else if (!walk(a)) return false;
      }
      return ops <= limit;
    };
    if (!walk(v)) return false;
    const until = lastUse(v);
    // a read moved later within one region keeps its value alive only across loops (no buffer of an unfusable step)
    const sameRegion = (i: number, j: number): boolean => region.get(g.eqns[i]) === region.get(g.eqns[j]);
    return leaves.every((u) => {
      const last = lastRead(u);
      return last >= until || (last >= 0 && sameRegion(last, until));
    });
  };

  // a chain of single-use values would fuse into one expression as deep as the chain (tens of thousands of ops in
  // the gradient of an unrolled solver: too deep for the recursive tree builder and code generators), so a fused
  // loop's value is stored wherever its tree would grow deeper than MAX_FUSED_DEPTH
  const depth = new Map<Var, number>();
  for (const e of g.eqns) {
    if (!inlined(e.out)) continue;
    let d = 1;
    for (const a of e.inputs) if (a instanceof Var) d = Math.max(d, 1 + (depth.get(a) ?? 0));
    if (d >= MAX_FUSED_DEPTH && fusedLoop(e)) memo.set(e.out, false);
    else depth.set(e.out, d);
  }

  const steps: FusionPlan['steps'] = [];
  for (const e of g.eqns) {
    if (inlined(e.out)) continue;
    // a reshape that is stored keeps its input's bytes (an alias), no loop
    steps.push(elementwise(e) && !isReshape(e) ? { eqn: e, kernel: buildKernel(e, producer, inlined, options) } : { eqn: e });
  }
  return { plan: { steps }, inlined };
}

/** Where a node is evaluated: at loop element i + shift, at (i + shift) modulo a period, or at element 0. */
type Index = { at: 'same' | 'scalar' | number; shift: number };

function buildKernel(root: Eqn, producer: Map<Var, Eqn>, inlined: (v: Var) => boolean, options: FusionOptions): FusedKernel {
  const inputs: Atom[] = [];
  const size = sizeOf(root.out.shape);
  const read = (a: Atom, { at, shift }: Index): FusedNode => {
    if (!(a instanceof Var) && (a.size === 1 || options.uniformLiterals)) {
      const u = a.size === 1 ? a.dataSync()[0] : uniformValue(a);
      if (u !== null) return { kind: 'const', value: u };
    }
    let k = inputs.indexOf(a);
    if (k < 0) k = inputs.push(a) - 1;
    const s = at === 'scalar' ? 0 : shift;
    return { kind: 'read', read: s ? { input: k, at, shift: s } : { input: k, at } };
  };
  const arg = (a: Atom, ix: Index): FusedNode => (a instanceof Var && inlined(a) ? node(producer.get(a) as Eqn, ix) : read(a, ix));
  /** The value of e's output at index ix. */
  const node = (e: Eqn, ix: Index): FusedNode => {
    if (e.prim === 'broadcast') {
      const src = e.inputs[0];
      const n = sizeOf((src as Var).shape);
      if (n === sizeOf(e.out.shape)) return arg(src, ix);
      // a suffix broadcast repeats its input every n elements; inside another period m, n divides m
      return arg(src, n === 1 || ix.at === 'scalar' ? { at: 'scalar', shift: 0 } : { at: n, shift: ix.shift % n });
    }
    if (e.prim === 'reshape') return arg(e.inputs[0], ix);
    const blocks = leadingSumBlocks(e);
    if (blocks) {
      if (ix.at !== 'same') throw new Error('internal: a leading sum read periodically');
      // block b of the input starts b * |out| elements on; summed in order, as the reduction kernel does
      const n = sizeOf(e.out.shape);
      let acc = arg(e.inputs[0], ix);
      for (let b = 1; b < blocks; b++)
        acc = {
          kind: 'op',
          prim: 'add',
          args: [acc, arg(e.inputs[0], { at: 'same', shift: ix.shift + b * n })],
          params: {},
          dtype: e.out.dtype,
        };
      return acc;
    }
    const args = e.inputs.map((a) => arg(a, ix));
    return { kind: 'op', prim: e.prim, args, params: e.params, dtype: e.out.dtype };
  };
  return { out: root.out, inputs, tree: node(root, { at: 'same', shift: 0 }), size };
}
