// Expressions around the network, compiled once by pinn/expr.ts into tensor ops, so every derivative goes
// through them: hard constraints (DeepXDE's apply_output_transform: per field, an expression in the
// coordinates, the raw network outputs N_<field>, constants and pi; a ProblemSpec.transform) and input
// features (expressions in the coordinates appended to the network's inputs; a ProblemSpec.features).
import type { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import type { DType } from '../core/dtype.js';
import { compileEquation, ExprError, splitEquation } from './expr.js';
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

/** One expression of `scope` compiled, with a dry run on a dummy row that surfaces run-time errors. */
function compileColumn(src: string, scope: OutputTransformScope, where: string, what: string): (c: FieldContext) => Tensor {
  if (typeof src !== 'string' || !src.trim()) throw new ExprError(`${where}: expected an expression string, got ${JSON.stringify(src)}`);
  if (splitEquation(src)[1] !== null) throw new ExprError(`${where}: expected an expression for ${what} (no '='), got '${src}'`);
  const f = compileEquation(
    src,
    { coords: scope.coords, fields: scope.fields.map(rawOutputName), timeIndex: -1, constants: scope.constants ?? {} },
    where,
  );
  // one evaluation on a dummy row surfaces what only shows at run time (derivatives, constants)
  const half = (k: number): Tensor => ops.broadcastTo(ops.scalar(0.5, 'f64'), [1, k]);
  f(new ColumnsContext(scope, half(scope.coords.length), half(Math.max(scope.fields.length, 1)), where));
  return f;
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
  const compiled = new Map<number, (c: FieldContext) => Tensor>();
  for (const [field, src] of Object.entries(exprs)) {
    const j = scope.fields.indexOf(field);
    const where = `${label}.${field}`;
    if (j < 0) throw new ExprError(`${where}: unknown field '${field}'; fields are ${scope.fields.join(', ')}`);
    compiled.set(j, compileColumn(src, scope, where, field));
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

/** Input features: names in order and the map x [N, d] -> [N, names.length] appended to the network's inputs. */
export interface InputFeatures {
  names: readonly string[];
  map: (x: Tensor) => Tensor;
}

/**
 * `{ d: 'sqrt(x^2 + y^2) - 0.5' }` -> extra network inputs computed from the coordinates (and constants), e.g.
 * distances to boundary pieces, so a solution shaped by the geometry is simple in the network's inputs. Errors
 * (ExprError) name `${label}.<name>`: unknown symbols, raw outputs or derivatives.
 */
export function inputFeatures(
  exprs: Readonly<Record<string, string>>,
  scope: Omit<OutputTransformScope, 'fields'>,
  label = 'input_features',
): InputFeatures {
  const s: OutputTransformScope = { ...scope, fields: [] };
  const names = Object.keys(exprs);
  if (!names.length) throw new ExprError(`${label}: expected at least one feature`);
  const compiled = names.map((name) => compileColumn(exprs[name], s, `${label}.${name}`, `feature '${name}'`));
  return {
    names,
    map: (x) => {
      const c = new ColumnsContext(s, x, x, label);
      const cols = compiled.map((f) => ops.reshape(ops.broadcastTo(f(c), [c.n]), [c.n, 1]));
      return cols.length === 1 ? cols[0] : ops.concat(cols, 1);
    },
  };
}
