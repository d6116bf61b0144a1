// A PINN problem whose network is replaced by its exact solution: residuals and condition losses of the exact
// solution can then be evaluated by the real trainer (test/pinn/residuals.test.ts, test/bench/balancingSweeps.test.ts).
import * as fx from '../../index.js';
import * as pinn from '../../pinn/index.js';

/** A context that only knows coordinates: evaluates exact-solution expressions as tensors. */
function coordContext(x: fx.Tensor, coords: readonly string[]): pinn.FieldContext {
  const no = (): never => {
    throw new Error('coordinates only');
  };
  return {
    n: x.shape[0],
    dtype: x.dtype,
    u: no,
    d: no,
    lap: no,
    grad: no,
    div: no,
    dn: no,
    param: no,
    input: no,
    x: (c) => fx.reshape(pinn.column(x, coords.indexOf(c)), [x.shape[0]]),
  };
}

/** The spec with the network replaced by its exact solution (the net output is multiplied by 0). */
export function exactly(spec: pinn.ProblemSpec, exact: Record<string, string> = spec.exact as Record<string, string>): pinn.ProblemSpec {
  const scope = { coords: spec.coords, fields: [], constants: spec.constants };
  const fns = spec.fields.map((f) => pinn.compileNode(pinn.parseEquation(exact[f], f), scope, `exact.${f}`, exact[f]));
  return {
    ...spec,
    transform: (x, out) => {
      const c = coordContext(x, spec.coords);
      const cols = fns.map((fn) => fx.reshape(pinn.toTensor(fn(c), c, 'exact'), [x.shape[0], 1]));
      return fx.add(cols.length > 1 ? fx.concat(cols, 1) : cols[0], fx.mul(0, out));
    },
  };
}

export function interiorPoints(spec: pinn.ProblemSpec, n: number): Float64Array {
  return spec.domain.sampleInterior(n, 'halton', 3).data;
}

export const maxAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
