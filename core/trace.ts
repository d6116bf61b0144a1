// Tracing: record a function over Tensors into a Graph; bind() is the one door every primitive goes through.
import { Var, type Atom, type Eqn, type Graph } from './ir.js';
import { Tensor } from './tensor.js';
import { abstractEval } from './prims/registry.js';
import type { NoParams, PrimName, PrimParams } from './prims/types.js';
import { currentBackend } from './backend/index.js';

/** Parameters are optional exactly for the primitives that take none. */
export type ParamArgs<K extends PrimName> = PrimParams[K] extends NoParams ? [params?: PrimParams[K]] : [params: PrimParams[K]];
const NONE: NoParams = {};

export class Trace {
  readonly inputs: Var[] = [];
  readonly eqns: Eqn[] = [];
  readonly captured = new Map<Tensor, Var>();
  active = true;

  newInput(shape: readonly number[], dtype: Tensor['dtype']): Tensor {
    const v = new Var([...shape], dtype);
    this.inputs.push(v);
    return new Tensor(v.shape, dtype, undefined, v, this);
  }

  /** The atom an input tensor becomes in this trace: literal, own variable, or a captured outer value. */
  atomFor(t: Tensor): Atom {
    if (t.buffer) return t;
    if (t.trace === this) return t.node as Var;
    if (!t.trace?.active) {
      throw new Error(`a traced tensor ${t} escaped the transformation that made it (e.g. stored outside fx.grad/jit and used later)`);
    }
    let v = this.captured.get(t);
    if (!v) {
      v = new Var(t.shape, t.dtype);
      this.captured.set(t, v);
    }
    return v;
  }
}

const traceStack: Trace[] = [];

/** Applies a primitive: computes now when every input is concrete, otherwise records it in the open trace. */
export function bind<K extends PrimName>(prim: K, inputs: readonly Tensor[], ...rest: ParamArgs<K>): Tensor {
  const params = (rest[0] ?? NONE) as PrimParams[K];
  const aval = abstractEval(prim, inputs, params);
  const trace = traceStack[traceStack.length - 1];
  if (inputs.every((t) => t.buffer)) {
    const buffer = currentBackend().run(prim, inputs, aval, params);
    return new Tensor(aval.shape, aval.dtype, buffer);
  }
  if (!trace) {
    const dead = inputs.find((t) => !t.buffer) as Tensor;
    throw new Error(`${prim}: ${dead} is a traced tensor used after its transformation finished`);
  }
  const out = new Var(aval.shape, aval.dtype);
  trace.eqns.push({ prim, inputs: inputs.map((t) => trace.atomFor(t)), out, params } as Eqn);
  return new Tensor(out.shape, out.dtype, undefined, out, trace);
}

/** Traces `f` on symbolic inputs with the given shapes/dtypes (like jax.make_jaxpr). */
export function makeGraph(
  f: (...xs: Tensor[]) => Tensor | readonly Tensor[],
  avals: ReadonlyArray<{ shape: readonly number[]; dtype: Tensor['dtype'] }>,
): Graph {
  const trace = new Trace();
  const args = avals.map((a) => trace.newInput(a.shape, a.dtype));
  traceStack.push(trace);
  let result: Tensor | readonly Tensor[];
  try {
    result = f(...args);
  } finally {
    traceStack.pop();
  }
  const outs = result instanceof Tensor ? [result] : result;
  const outputs = outs.map((t) => {
    if (!(t instanceof Tensor)) throw new Error(`a traced function must return Tensors, got ${typeof t}`);
    return trace.atomFor(t);
  });
  trace.active = false;
  return { inputs: trace.inputs, captured: [...trace.captured], eqns: trace.eqns, outputs };
}

/** The value of an atom in an environment of evaluated variables. */
export function read(env: Map<Var, Tensor>, a: Atom): Tensor {
  if (!(a instanceof Var)) return a;
  const t = env.get(a);
  if (!t) throw new Error(`internal: variable ${a} read before it was written`);
  return t;
}

/** Environment with a graph's explicit inputs bound to `args` and its captured values to themselves. */
export function bindInputs(g: Graph, args: readonly Tensor[]): Map<Var, Tensor> {
  const env = new Map<Var, Tensor>();
  g.inputs.forEach((v, i) => env.set(v, args[i]));
  for (const [t, v] of g.captured) env.set(v, t);
  return env;
}

/** Evaluates a graph; inside an open trace this inlines it (that is how transformations compose). */
export function evalGraph(g: Graph, args: readonly Tensor[]): Tensor[] {
  const env = bindInputs(g, args);
  for (const e of g.eqns)
    env.set(
      e.out,
      rebind(
        e,
        e.inputs.map((a) => read(env, a)),
      ),
    );
  return g.outputs.map((a) => read(env, a));
}

/** Re-applies an equation's primitive to new inputs (interpreters, linear rules). */
export const rebind = (e: Eqn, inputs: readonly Tensor[]): Tensor => bind<PrimName>(e.prim, inputs, e.params);
