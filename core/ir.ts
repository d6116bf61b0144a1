// The IR: a graph of single-output primitive equations over variables with static shapes.
import type { DType } from './dtype.js';
import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';

export interface Aval {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Parameters of a primitive; each primitive reads only its own fields. */
export interface Params {
  readonly shape?: readonly number[]; // broadcast, reshape, random
  readonly perm?: readonly number[]; // transpose
  readonly axes?: readonly number[]; // reduce_sum, reduce_max
  readonly axis?: number; // concat, gather, scatter_add
  readonly size?: number; // scatter_add: length of the output axis
  readonly start?: readonly number[]; // slice
  readonly before?: readonly number[]; // pad
  readonly after?: readonly number[]; // pad
  readonly transA?: boolean; // matmul
  readonly transB?: boolean;
  readonly exponent?: number; // powc
  readonly dtype?: DType; // cast, random
  readonly dist?: 'normal' | 'uniform' | 'rademacher'; // random
}

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
  readonly prim: string;
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
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    lines.push(`  ${e.out}:${fmtAval(e.out)} = ${e.prim}${ps ? `[${ps}]` : ''} ${e.inputs.map(atom).join(' ')}`);
  }
  lines.push(`  in ( ${g.outputs.map(atom).join(' ')} ) }`);
  return lines.join('\n');
}
