// Hard constraints from expressions (DeepXDE's apply_output_transform): per field, a mathjs expression in
// the coordinates, the raw network outputs N_<field>, constants and pi, compiled once by pinn/expr.ts into
// tensor ops. The result is a ProblemSpec.transform, so every derivative goes through it.
import type { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import type { DType } from '../core/dtype.js';
import { compileEquation, ExprError, splitEquation, type ExprScope } from './expr.js';
import type { FieldContext } from './context.js';

export interface OutputTransformScope {
  coords: readonly string[];
  fields: readonly string[];
  constants?: Readonly<Record<string, number>>;
}

/** The raw network output of a field as the transform names it: u -> N_u. */
export const rawOutputName = (field: string): string => `N_${field}`;

/** Columns of x and of the raw output as a FieldContext: N_<field> are the "fields", nothing is differentiable. */
class ColumnsContext implements FieldContext {
  readonly n: number;
  readonly dtype: DType;
  constructor(
    private readonly s: OutputTransformScope,
    private readonly xs: Tensor,
    private readonly out: Tensor,
    private readonly label: string,
  ) {
    this.n = xs.shape[0];
    this.dtype = xs.dtype;
  }
  private col(t: Tensor, i: number): Tensor {
    return ops.reshape(ops.sliceAxis(t, 1, i, i + 1), [this.n]);
  }
  u(name: string): Tensor {
    return this.col(
      this.out,
      this.s.fields.findIndex((f) => rawOutputName(f) === name),
    );
  }
  x(coord: string): Tensor {
    return this.col(this.xs, this.s.coords.indexOf(coord));
  }
  private none(what: string): never {
    throw new ExprError(
      `${this.label}: ${what} is not available in an output transform (only coordinates, ${this.s.fields.map(rawOutputName).join(', ')} and constants)`,
    );
  }
  d(field: string, wrt: string | readonly string[]): Tensor {
    return this.none(`the derivative ${field}_${typeof wrt === 'string' ? wrt : wrt.join('')}`);
  }
  lap(field: string): Tensor {
    return this.none(`lap(${field})`);
  }
  grad(field: string): Tensor[] {
    return this.none(`grad(${field})`);
  }
  div(fields: readonly string[]): Tensor {
    return this.none(`div([${fields.join(', ')}])`);
  }
  dn(field: string): Tensor {
    return this.none(`the normal derivative of ${field}`);
  }
  param(name: string): Tensor {
    return this.none(`'${name}'`);
  }
  input(name: string): Tensor {
    return this.none(`'${name}'`);
  }
}

/**
 * `{ u: 'x*(1-x)*N_u + sin(pi*x)' }` -> transform(x [N, d], out [N, fields]) -> [N, fields]; fields not listed pass
 * through. Errors (ExprError) name `${label}.<field>`: unknown fields, symbols, derivatives.
 */
export function outputTransform(
  exprs: Readonly<Record<string, string>>,
  scope: OutputTransformScope,
  label = 'output_transform',
): (x: Tensor, out: Tensor) => Tensor {
  const exprScope: ExprScope = {
    coords: scope.coords,
    fields: scope.fields.map(rawOutputName),
    timeIndex: -1,
    constants: scope.constants ?? {},
  };
  const compiled = new Map<number, (c: FieldContext) => Tensor>();
  for (const [field, src] of Object.entries(exprs)) {
    const j = scope.fields.indexOf(field);
    const where = `${label}.${field}`;
    if (j < 0) throw new ExprError(`${where}: unknown field '${field}'; fields are ${scope.fields.join(', ')}`);
    if (typeof src !== 'string' || !src.trim()) throw new ExprError(`${where}: expected an expression string, got ${JSON.stringify(src)}`);
    if (splitEquation(src)[1] !== null) throw new ExprError(`${where}: expected an expression for ${field} (no '='), got '${src}'`);
    const f = compileEquation(src, exprScope, where);
    // one evaluation on a dummy row surfaces what only shows at run time (derivatives, constants)
    const d = scope.coords.length;
    const k = scope.fields.length;
    f(new ColumnsContext(scope, ops.broadcastTo(ops.scalar(0.5, 'f64'), [1, d]), ops.broadcastTo(ops.scalar(0.5, 'f64'), [1, k]), where));
    compiled.set(j, f);
  }
  const k = scope.fields.length;
  return (x, out) => {
    const c = new ColumnsContext(scope, x, out, label);
    const cols = Array.from({ length: k }, (_, j) => {
      const f = compiled.get(j);
      return f ? ops.reshape(f(c), [c.n, 1]) : ops.sliceAxis(out, 1, j, j + 1);
    });
    return cols.length === 1 ? cols[0] : ops.concat(cols, 1);
  };
}
