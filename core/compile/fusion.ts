// Fusion plan: which variables are materialised in memory, and an expression tree per fused
// elementwise loop. A single-use elementwise value feeding an elementwise consumer of the same size is
// computed inline; scalar and trailing-suffix broadcasts are read in place with an index expression.
import { Var, type Atom, type Eqn, type Graph } from '../ir.js';
import { sizeOf, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { AnyParams, PrimName } from '../prims/types.js';
import { defOf } from '../prims/registry.js';

/** How a fused loop reads input k at element i: i itself, element 0, or i modulo a period. */
export type Read = { input: number; at: 'same' | 'scalar' | number };
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

/** Broadcasts that a loop can read in place: scalars and inputs equal to a suffix of the output shape. */
export function inlineBroadcast(e: Eqn): boolean {
  if (e.prim !== 'broadcast') return false;
  const s = [...(e.inputs[0] as Var | Tensor).shape];
  while (s.length && s[0] === 1) s.shift();
  return sameShape(s, e.out.shape.slice(e.out.shape.length - s.length));
}

/**
 * Whether an equation can run inside a fused loop: elementwise primitives, except (with `simdUnary`)
 * f32 transcendentals that the wasm backend runs on its SIMD kernels, and in-place broadcasts.
 */
export function isElementwise(e: Eqn, simdUnary: boolean): boolean {
  const def = defOf(e.prim);
  if (def.elementwise) return !(simdUnary && e.out.dtype === 'f32' && def.simdKernel);
  return inlineBroadcast(e);
}

export function planFusion(g: Graph, simdUnary: boolean): FusionPlan {
  const consumers = new Map<Var, Eqn[]>();
  for (const e of g.eqns) {
    for (const a of e.inputs) if (a instanceof Var) consumers.set(a, [...(consumers.get(a) ?? []), e]);
  }
  const outputs = new Set(g.outputs.filter((a): a is Var => a instanceof Var));
  const producer = new Map<Var, Eqn>(g.eqns.map((e) => [e.out, e]));
  const elementwise = (e: Eqn | undefined): e is Eqn => !!e && isElementwise(e, simdUnary);
  const fusedLoop = (e: Eqn): boolean => elementwise(e) && !inlineBroadcast(e);

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
  const inlined = (v: Var): boolean => {
    const e = producer.get(v);
    const cs = consumers.get(v) ?? [];
    if (!elementwise(e) || outputs.has(v) || !cs.length || !cs.every(fusedLoop)) return false;
    if (inlineBroadcast(e)) return true; // an indexed read: cheap to repeat in every consumer
    return cs.length === 1 && sizeOf(cs[0].out.shape) === sizeOf(v.shape) && region.get(cs[0]) === region.get(e);
  };

  const steps: FusionPlan['steps'] = [];
  for (const e of g.eqns) {
    if (inlined(e.out)) continue;
    steps.push(elementwise(e) ? { eqn: e, kernel: buildKernel(e, producer, inlined) } : { eqn: e });
  }
  return { steps };
}

function buildKernel(root: Eqn, producer: Map<Var, Eqn>, inlined: (v: Var) => boolean): FusedKernel {
  const inputs: Atom[] = [];
  const size = sizeOf(root.out.shape);
  const read = (a: Atom, at: Read['at']): FusedNode => {
    if (!(a instanceof Var) && a.size === 1) return { kind: 'const', value: a.dataSync()[0] };
    let k = inputs.indexOf(a);
    if (k < 0) k = inputs.push(a) - 1;
    return { kind: 'read', read: { input: k, at } };
  };
  const node = (e: Eqn): FusedNode => {
    if (e.prim === 'broadcast') {
      const src = e.inputs[0];
      const n = sizeOf((src as Var).shape);
      return read(src, n === 1 ? 'scalar' : n === size ? 'same' : n);
    }
    const args = e.inputs.map((a) => (a instanceof Var && inlined(a) ? node(producer.get(a) as Eqn) : read(a, 'same')));
    return { kind: 'op', prim: e.prim, args, params: e.params, dtype: e.out.dtype };
  };
  return { out: root.out, inputs, tree: node(root), size };
}
