// Reverse mode as two compiled halves (JAX's vjp with its residuals, under jit): the forward half returns f's output
// and the residuals, the values of the forward pass its backward reads; the backward half maps them and an output
// cotangent (and the inputs again) to input cotangents; cheap forward values are recomputed there rather than kept.
// A driver that runs a step forward and later pulls a cotangent back through it
// (checkpointed rollouts: the segment is recomputed just before its reverse sweep) then skips the forward pass that
// a compiled vjp of the whole step would repeat.
import { evalGraph, makeGraph } from './trace.js';
import type { Tensor } from './tensor.js';
import { Var, type Atom, type Eqn, type Graph } from './ir.js';
import { vjp } from './api.js';
import { currentBackend, type Backend, type Compiled, type RunOptions } from './backend/index.js';
import { defOf } from './prims/registry.js';

export interface SplitVjp {
  /** f(...xs) and the residuals `backward` needs */
  forward(...xs: Tensor[]): { out: Tensor; residuals: Tensor[] };
  /** the cotangent of each input of f for output cotangent ct, from the inputs and `forward`'s residuals at them */
  backward(xs: readonly Tensor[], residuals: readonly Tensor[], ct: Tensor): Tensor[];
}

type Avals = ReadonlyArray<{ shape: readonly number[]; dtype: Tensor['dtype'] }>;

/**
 * Equations the backward half recomputes from their inputs rather than keeping their outputs: elementwise and layout
 * operations (a pass over the values, about what storing and reloading them costs). Transfers, products,
 * reductions and the like are kept.
 */
export const recomputeCheap = (e: Eqn): boolean => {
  const def = defOf(e.prim);
  return !!(def.elementwise || def.alias || def.view) || e.prim === 'concat' || e.prim === 'pad' || e.prim === 'stop_gradient';
};

/**
 * Splits g at input `late`: early(inputs but late) -> [outputs[0], ...residuals] and
 * late(...inputs but late, ...residuals, late) -> outputs[1..]. The late graph holds the equations that depend on
 * `late`, plus the early ones `recompute` selects that it needs (recomputed there from their own inputs, recursively);
 * the residuals are the other early values it reads.
 */
export function splitGraph(g: Graph, late: Var, recompute: (e: Eqn) => boolean = () => false): { early: Graph; late: Graph } {
  if (g.captured.length) throw new Error('splitGraph: the graph reads values of an enclosing trace');
  const isLate = new Set<Var>([late]);
  const lateEqns = new Set<Eqn>();
  for (const e of g.eqns) {
    if (e.inputs.some((a) => a instanceof Var && isLate.has(a))) {
      isLate.add(e.out);
      lateEqns.add(e);
    }
  }
  if (g.outputs[0] instanceof Var && isLate.has(g.outputs[0])) throw new Error('splitGraph: the first output depends on the late input');
  const inputs = new Set<Var>(g.inputs);
  const producer = new Map<Var, Eqn>(g.eqns.map((e) => [e.out, e]));
  const residuals: Var[] = [];
  const seen = new Set<Var>();
  const need = (a: Atom): void => {
    if (!(a instanceof Var) || isLate.has(a) || seen.has(a)) return;
    seen.add(a);
    const e = producer.get(a);
    if (e && recompute(e)) {
      lateEqns.add(e);
      e.inputs.forEach(need);
    } else if (!inputs.has(a)) residuals.push(a);
  };
  for (const e of g.eqns) if (lateEqns.has(e) && isLate.has(e.out)) e.inputs.forEach(need);
  g.outputs.slice(1).forEach(need);
  const xs = g.inputs.filter((v) => v !== late);
  return {
    early: { inputs: xs, captured: [], eqns: g.eqns.filter((e) => !isLate.has(e.out)), outputs: [g.outputs[0], ...residuals] },
    late: { inputs: [...xs, ...residuals, late], captured: [], eqns: g.eqns.filter((e) => lateEqns.has(e)), outputs: g.outputs.slice(1) },
  };
}

/** A graph run compiled on the current backend (compiled once per backend), or interpreted inside a trace. */
function runner(graph: Graph, options: RunOptions): (xs: readonly Tensor[]) => Tensor[] {
  const compiled = new WeakMap<Backend, Compiled | null>();
  return (xs) => {
    if (xs.some((t) => t.isTracer)) return evalGraph(graph, xs);
    const backend = currentBackend();
    let exe = compiled.get(backend);
    if (exe === undefined) compiled.set(backend, (exe = backend.compile?.(graph) ?? null));
    return exe ? exe.run(xs, options) : evalGraph(graph, xs);
  };
}

/**
 * f's reverse mode at inputs of the given shapes, compiled as a forward half with residuals and a backward half.
 * reuseOutputs (fx.jit's option): each half's outputs are overwritten by its next call.
 */
export function splitVjp(f: (...xs: Tensor[]) => Tensor, avals: Avals, options: RunOptions = {}): SplitVjp {
  const probe = makeGraph((...xs) => f(...xs), avals);
  const y = probe.outputs[0];
  const n = avals.length;
  const g = makeGraph(
    (...xs) => {
      const [out, pullback] = vjp(f, ...xs.slice(0, n));
      return [out, ...pullback(xs[n])];
    },
    [...avals, { shape: y.shape, dtype: y.dtype }],
  );
  const halves = splitGraph(g, g.inputs[n], recomputeCheap);
  const early = runner(halves.early, options);
  const late = runner(halves.late, options);
  return {
    forward: (...xs) => {
      const [out, ...residuals] = early(xs);
      return { out, residuals };
    },
    backward: (xs, residuals, ct) => late([...xs, ...residuals, ct]),
  };
}
