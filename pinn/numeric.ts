// Point-wise numeric evaluation of mathjs expressions as a tree of closures over the point's coordinates.
// mathjs' own evaluate() wraps its scope on every call (~10 us a point); boundary selectors (`on:`) and exact
// solutions run at every sampled point, every step, so they take this path (~100x faster). Comparisons keep
// mathjs' tolerant semantics (relative 1e-12, absolute 1e-15). Anything outside the supported subset returns
// null and the caller evaluates with mathjs as before.
import type { MathNode } from 'mathjs';
import { NUMERIC_FUNCTIONS } from './branches.js';

export type PointFn = (p: ArrayLike<number>) => number;

const REL_TOL = 1e-12;
const ABS_TOL = 1e-15;
const near = (a: number, b: number): boolean =>
  a === b || Math.abs(a - b) <= Math.max(REL_TOL * Math.max(Math.abs(a), Math.abs(b)), ABS_TOL);

const BINARY: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
  pow: Math.pow,
  smaller: (a, b) => +(a < b && !near(a, b)),
  smallerEq: (a, b) => +(a <= b || near(a, b)),
  larger: (a, b) => +(a > b && !near(a, b)),
  largerEq: (a, b) => +(a >= b || near(a, b)),
  equal: (a, b) => +near(a, b),
  unequal: (a, b) => +!near(a, b),
  and: (a, b) => +(a !== 0 && b !== 0),
  or: (a, b) => +(a !== 0 || b !== 0),
  xor: (a, b) => +((a !== 0) !== (b !== 0)),
};
const UNARY_OPS: Record<string, (a: number) => number> = { unaryMinus: (a) => -a, unaryPlus: (a) => a, not: (a) => +(a === 0) };
const FUNCTIONS: Record<string, (...a: number[]) => number> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  atan2: Math.atan2,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  exp: Math.exp,
  log: Math.log,
  log10: Math.log10,
  log2: Math.log2,
  sqrt: Math.sqrt,
  cbrt: Math.cbrt,
  abs: Math.abs,
  floor: Math.floor,
  ceil: Math.ceil,
  round: Math.round,
  sign: Math.sign,
  stop_gradient: (x: number) => x, // host values carry no gradients
  min: Math.min,
  max: Math.max,
  ...(NUMERIC_FUNCTIONS as unknown as Record<string, (...a: number[]) => number>),
};
const ARITY: Record<string, number> = { atan2: 2, log: 1 };

/** The expression as a function of a point, or null when it uses something outside the supported subset. */
export function pointFunction(node: MathNode, coords: readonly string[], constants: Readonly<Record<string, number>>): PointFn | null {
  const walk = (n: MathNode): PointFn | null => {
    const any = n as unknown as {
      type: string;
      value?: unknown;
      name?: string;
      fn?: string | MathNode;
      args?: MathNode[];
      content?: MathNode;
      condition?: MathNode;
      trueExpr?: MathNode;
      falseExpr?: MathNode;
    };
    switch (any.type) {
      case 'ConstantNode': {
        const v = typeof any.value === 'boolean' ? +any.value : any.value;
        return typeof v === 'number' ? () => v : null;
      }
      case 'SymbolNode': {
        const i = coords.indexOf(any.name as string);
        if (i >= 0) return (p) => p[i];
        const v = constants[any.name as string];
        return typeof v === 'number' ? () => v : null;
      }
      case 'ParenthesisNode':
        return walk(any.content as MathNode);
      case 'ConditionalNode': {
        const [c, a, b] = [walk(any.condition as MathNode), walk(any.trueExpr as MathNode), walk(any.falseExpr as MathNode)];
        return c && a && b ? (p) => (c(p) !== 0 ? a(p) : b(p)) : null;
      }
      case 'OperatorNode': {
        const args = (any.args ?? []).map(walk);
        if (args.some((f) => f === null)) return null;
        const [a, b] = args as PointFn[];
        const fn = any.fn as string;
        if (args.length === 1 && UNARY_OPS[fn])
          return (
            (u) => (p: ArrayLike<number>) =>
              u(a(p))
          )(UNARY_OPS[fn]);
        if (args.length === 2 && BINARY[fn])
          return (
            (op) => (p: ArrayLike<number>) =>
              op(a(p), b(p))
          )(BINARY[fn]);
        return null;
      }
      case 'FunctionNode': {
        const name = (any.fn as unknown as { name?: string }).name ?? '';
        const f = FUNCTIONS[name];
        const args = (any.args ?? []).map(walk);
        if (!f || args.some((g) => g === null) || (ARITY[name] !== undefined && args.length !== ARITY[name])) return null;
        const gs = args as PointFn[];
        if (gs.length === 1) return (p) => f(gs[0](p));
        if (gs.length === 2) return (p) => f(gs[0](p), gs[1](p));
        return (p) => f(...gs.map((g) => g(p)));
      }
      default:
        return null;
    }
  };
  return walk(node);
}
