// Dead-equation elimination before compiling: reverse-mode rules return a cotangent for every input of a primitive,
// and the ones nothing reads (an input that is not differentiated) would otherwise run on every call of the graph.
import { Var, type Eqn, type Graph } from '../ir.js';

/** The graph without equations whose outputs reach no output; host calls are kept (their function may act). */
export function pruneDead(graph: Graph): Graph {
  const live = new Set<Var>(graph.outputs.filter((a): a is Var => a instanceof Var));
  const kept: Eqn[] = [];
  for (let k = graph.eqns.length - 1; k >= 0; k--) {
    const e = graph.eqns[k];
    if (!live.has(e.out) && e.prim !== 'host_call') continue;
    kept.push(e);
    for (const a of e.inputs) if (a instanceof Var) live.add(a);
  }
  if (kept.length === graph.eqns.length) return graph;
  return { ...graph, eqns: kept.reverse() };
}
