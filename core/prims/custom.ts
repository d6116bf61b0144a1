// Functions with user-supplied derivative rules (fx.customVjp, fx.customJvp; api in core/custom.ts).
// The equation carries the traced primal and the rules; each transformation reads them (kind 'custom').
import type { Graph } from '../ir.js';
import { Tensor } from '../tensor.js';
import type { TypedArray } from '../dtype.js';
import type { PrimTable } from './types.js';

export interface CustomBase {
  /** the user's function name, for messages and printed graphs */
  readonly name: string;
  /** f traced on the call's input shapes (differentiated where no rule applies) */
  readonly primal: Graph;
  /** f itself, for evaluation on concrete inputs */
  readonly f: (...xs: Tensor[]) => Tensor;
}
export interface CustomVjpParams extends CustomBase {
  /** returns [f(xs), residuals] */
  readonly fwd: (...xs: Tensor[]) => [Tensor, Tensor[]];
  /** one cotangent per input (null: zero) from the residuals and the output cotangent */
  readonly bwd: (residuals: Tensor[], ct: Tensor) => Array<Tensor | null>;
}
export interface CustomJvpParams extends CustomBase {
  /** [f(primals), tangent out]; linear in the tangents */
  readonly jvp: (primals: Tensor[], tangents: Tensor[]) => [Tensor, Tensor];
}
export interface CustomParams {
  custom_vjp: CustomVjpParams;
  custom_jvp: CustomJvpParams;
}

function evaluate(ins: TypedArray[], shapes: readonly (readonly number[])[], f: (...xs: Tensor[]) => Tensor): TypedArray {
  const xs = ins.map((b, i) => new Tensor([...shapes[i]], b instanceof Float64Array ? 'f64' : b instanceof Int32Array ? 'i32' : 'f32', b));
  return f(...xs).dataSync();
}

const outAval = (p: CustomBase) => {
  const out = p.primal.outputs[0];
  return { shape: out.shape, dtype: out.dtype };
};

/** Custom rules are batched by core/transforms/batch.ts, which rebuilds the function from batched rules. */
const viaBatchGraph = (): never => {
  throw new Error('internal: custom equations are batched by batchGraph');
};

export const customPrims: PrimTable<keyof CustomParams> = {
  custom_vjp: {
    name: 'custom_vjp',
    shape: (_, p) => outAval(p),
    impl: (ins, s, _o, p) => evaluate(ins, s, p.f),
    diff: { kind: 'custom' },
    batch: viaBatchGraph,
  },
  custom_jvp: {
    name: 'custom_jvp',
    shape: (_, p) => outAval(p),
    impl: (ins, s, _o, p) => evaluate(ins, s, p.f),
    diff: { kind: 'custom' },
    batch: viaBatchGraph,
  },
};
