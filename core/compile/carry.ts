// Carried state of a compiled graph (fx.jitCarry): output k becomes input j of the next run, and input j stays in
// the arena between runs instead of being copied in. Where the graph allows it the output is computed straight
// into the input's buffer (an optimizer's p' = p - ..., m' = b1 m + ...), so nothing is copied at all.
import { Var, type Atom, type Graph } from '../ir.js';
import type { FusedKernel, FusedNode, FusionPlan } from './fusion.js';
import type { Lifetime } from './memory.js';

/** Output `output` of a run is input `input` of the next one. */
export interface Carry {
  output: number;
  input: number;
}

/** Checks that every carry names an input and an output of `graph` of the same shape and dtype, each input once. */
export function checkCarries(graph: Graph, carries: readonly Carry[]): void {
  const seen = new Set<number>();
  for (const { output, input } of carries) {
    const o = graph.outputs[output];
    const i = graph.inputs[input];
    if (!o || !i) throw new RangeError(`carry: no output ${output} or input ${input} in the graph`);
    if (seen.has(input)) throw new Error(`carry: input ${input} is carried twice`);
    seen.add(input);
    if (o.dtype !== i.dtype || o.shape.join(',') !== i.shape.join(','))
      throw new Error(`carry: output ${output} (${o.dtype}[${o.shape}]) does not match input ${input} (${i.dtype}[${i.shape}])`);
  }
}

/** Whether every read of `input` in the fused loop is of the element being written (so writing in place is safe). */
function readsOnlySame(k: FusedKernel, isInput: (a: Atom) => boolean): boolean {
  const ok = (n: FusedNode): boolean =>
    n.kind === 'const' ||
    (n.kind === 'read' ? !isInput(k.inputs[n.read.input]) || (n.read.at === 'same' && !n.read.shift) : n.args.every(ok));
  return ok(k.tree);
}

/**
 * The carried outputs that can be written into their input's buffer: the output is computed by a fused elementwise
 * loop (planned step s) that owns its bytes, and the input is read by nothing after step s, nor in step s except at
 * the element being written. `life` is the lifetimes by owner before carried inputs are extended; `owner` resolves
 * aliases (reshapes) to the value owning the bytes. Returns output -> input.
 */
export function inPlaceCarries(
  graph: Graph,
  plan: FusionPlan,
  carries: readonly Carry[],
  life: ReadonlyMap<Atom, Lifetime>,
  owner: (a: Atom) => Atom,
): Map<Var, Var> {
  const stepOf = new Map<Var, number>(plan.steps.map((s, i) => [s.eqn.out, i]));
  const out = new Map<Var, Var>();
  for (const { output, input } of carries) {
    const o = graph.outputs[output];
    const i = graph.inputs[input];
    if (!(o instanceof Var) || owner(o) !== o || out.has(o) || graph.inputs.includes(o)) continue;
    const s = stepOf.get(o);
    const kernel = s === undefined ? undefined : plan.steps[s].kernel;
    const last = life.get(i)?.last ?? -1;
    if (s === undefined || !kernel || last > s) continue;
    if (last === s && !readsOnlySame(kernel, (a) => owner(a) === i)) continue;
    out.set(o, i);
  }
  return out;
}
