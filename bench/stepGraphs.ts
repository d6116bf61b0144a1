// The compiled value-and-gradient graphs of issue 24's training steps, as fx.jit builds them for the wasm backend:
// the A/B benches (bench/fusionAB.ts, bench/kernelAB.ts) compile one graph twice and time both executables.
import * as fx from '../index.js';
import { inlineCustom } from '../core/compile/inline.js';
import { pruneDead } from '../core/compile/prune.js';
import type { Graph } from '../core/ir.js';
import { fnoStepProblem, poissonStepProblem } from './stepProbe.js';

/** The graph fx.jit(fx.valueAndGrad(loss)) compiles for the wasm backend, and its parameter leaves. */
export function stepGraph<P extends fx.PyTree>(params: P, loss: (p: P) => fx.Tensor): { graph: Graph; args: fx.Tensor[] } {
  const args = fx.leaves(params);
  const graph = fx.makeGraph(
    (...xs) => {
      const [value, grads] = fx.valueAndGrad(loss)(fx.unflatten(params, xs)) as [fx.Tensor, P];
      return [value, ...fx.leaves(grads)];
    },
    args.map((t) => ({ shape: t.shape, dtype: t.dtype })),
  );
  return { graph: pruneDead(inlineCustom(graph)), args };
}

/** The PINN step of bench/core.ts: Poisson 2D on `points` points, an MLP of `layers`, exact Laplacian. */
export function pinnGraph(points: number, layers: readonly number[]) {
  const { net, loss } = poissonStepProblem(points, layers);
  return stepGraph(net.params, loss);
}

/** The FNO-1D step of bench/fno.ts on n grid points. */
export function fnoGraph(n: number) {
  const { model, a, y } = fnoStepProblem(n);
  type P = typeof model.params;
  // as bench/profile.ts: the FNO's parameter record is a pytree without PyTree's index signature
  return stepGraph(model.params as unknown as fx.PyTree, (p) => fx.mean(fx.square(fx.sub(model.applyOnGrid(p as unknown as P, a), y))));
}
