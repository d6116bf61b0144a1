// Compiled graphs run a custom_vjp / custom_jvp equation (fx.customVjp, fx.checkpoint, ...) as its traced primal:
// the rules only matter to transformations, which have already run by the time a graph is compiled. Without this
// pass such an equation falls back to evaluating the user's function op by op on every run, outside the plan.
import { Var, type Atom, type Eqn, type Graph } from '../ir.js';
import type { CustomBase } from '../prims/custom.js';

const isCustom = (e: Eqn): boolean => e.prim === 'custom_vjp' || e.prim === 'custom_jvp';

/** The graph with every custom equation replaced by its primal's equations (recursively); `graph` itself when there is none. */
export function inlineCustom(graph: Graph): Graph {
  if (!graph.eqns.some(isCustom)) return graph;
  const eqns: Eqn[] = [];
  // what a variable of the graph being copied now stands for (a custom equation's output: its primal's output)
  const top = new Map<Var, Atom>();
  const at = (sub: Map<Var, Atom>, a: Atom): Atom => (a instanceof Var ? (sub.get(a) ?? a) : a);
  const copy = (src: readonly Eqn[], sub: Map<Var, Atom>, fresh: boolean): void => {
    for (const e of src) {
      const inputs = e.inputs.map((a) => at(sub, a));
      const primal = isCustom(e) ? (e.params as unknown as CustomBase).primal : null;
      // a primal reading values of an enclosing trace (captured) cannot be spliced in: keep the equation
      if (primal && !primal.captured.length) {
        const inner = new Map<Var, Atom>(primal.inputs.map((v, i) => [v, inputs[i]]));
        // the same primal graph may back several equations (a jitted function evaluated twice), so its variables are renamed
        copy(primal.eqns, inner, true);
        sub.set(e.out, at(inner, primal.outputs[0]));
        continue;
      }
      const out = fresh ? new Var(e.out.shape, e.out.dtype) : e.out;
      if (fresh) sub.set(e.out, out);
      eqns.push({ prim: e.prim, inputs, out, params: e.params });
    }
  };
  copy(graph.eqns, top, false);
  return { inputs: graph.inputs, captured: graph.captured, eqns, outputs: graph.outputs.map((a) => at(top, a)) };
}
