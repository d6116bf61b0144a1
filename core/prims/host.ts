// A call back into host code inside a traced program (JAX's pure_callback): the function receives its
// inputs' values as typed arrays and returns the output's. It lets solvers written on Float64Arrays (CG
// with a tolerance, multigrid, Newton) run inside jit and grad; it has no derivative of its own, so it is
// differentiated through a rule around it (fx.linearSolve, fx.root, fx.customVjp).
import type { DType, TypedArray } from '../dtype.js';
import { fmt, sizeOf, type Shape } from '../shape.js';
import type { PrimTable } from './types.js';
import { perExample } from './batching.js';

export interface HostParams {
  host_call: {
    readonly name: string;
    readonly fn: (inputs: TypedArray[], shapes: Shape[]) => TypedArray;
    readonly shape: Shape;
    readonly dtype: DType;
  };
}

const noDerivative = (name: string): never => {
  throw new Error(`hostCall '${name}' has no derivative: differentiate through a rule around it (fx.linearSolve, fx.root or fx.customVjp)`);
};

export const hostPrims: PrimTable<'host_call'> = {
  host_call: {
    name: 'host_call',
    shape: (_ins, p) => ({ shape: p.shape, dtype: p.dtype }),
    impl: (ins, shapes, out, p) => {
      const y = p.fn(ins, shapes);
      const n = sizeOf(out.shape);
      if (y.length !== n) throw new Error(`hostCall '${p.name}': returned ${y.length} values, expected ${n} (shape ${fmt(out.shape)})`);
      return y;
    },
    diff: { kind: 'rules', jet: (_l, _x, _y, _k, p) => noDerivative(p.name), vjp: (_l, _c, _i, _o, p) => noDerivative(p.name) },
    // one host call per example
    batch: perExample(),
  },
};
