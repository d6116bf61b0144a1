// The IR: a graph of single-output primitive equations over variables with static shapes.
import type { DType } from './dtype.js';
import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';
import type { AnyParams, PrimName } from './prims/types.js';

export interface Aval {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Parameters of some primitive (each primitive's own type is PrimParams[name], core/prims/). */
export type Params = AnyParams;

let nextVarId = 0;

export class Var implements Aval {
  readonly id = nextVarId++;
  constructor(
    readonly shape: Shape,
    readonly dtype: DType,
  ) {}
  toString(): string {
    return `v${this.id}`;
  }
}

/** An equation input: a variable, or a concrete tensor embedded as a literal. */
export type Atom = Var | Tensor;

export interface Eqn {
  readonly prim: PrimName;
  readonly inputs: readonly Atom[];
  readonly out: Var;
  readonly params: Params;
}

export interface Graph {
  /** explicit inputs, in call order */
  readonly inputs: readonly Var[];
  /** tensors of enclosing traces (or escaped values) this graph reads, with the variable standing for each */
  readonly captured: ReadonlyArray<readonly [Tensor, Var]>;
  readonly eqns: readonly Eqn[];
  readonly outputs: readonly Atom[];
}

const fmtAval = (a: Aval): string => `${a.dtype}[${a.shape.join(',')}]`;

/** Human-readable listing, in the spirit of jax.make_jaxpr. */
export function printGraph(g: Graph): string {
  const atom = (a: Atom): string => (a instanceof Var ? a.toString() : `lit${fmtAval(a)}`);
  const lines = [
    `{ lambda ${g.inputs.map((v) => `${v}:${fmtAval(v)}`).join(' ')}` +
      (g.captured.length ? ` ; captured ${g.captured.map(([, v]) => `${v}:${fmtAval(v)}`).join(' ')}` : ''),
  ];
  for (const e of g.eqns) {
    const ps = Object.entries(e.params)
      .map(([k, v]) => `${k}=${typeof v === 'function' ? 'fn' : v && typeof v === 'object' && 'eqns' in v ? 'graph' : JSON.stringify(v)}`)
      .join(' ');
    lines.push(`  ${e.out}:${fmtAval(e.out)} = ${e.prim}${ps ? `[${ps}]` : ''} ${e.inputs.map(atom).join(' ')}`);
  }
  lines.push(`  in ( ${g.outputs.map(atom).join(' ')} ) }`);
  return lines.join('\n');
}
