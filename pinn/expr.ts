// The PDE expression compiler: mathjs strings such as `u_t + u*u_x - 0.01/pi*u_xx`, `-lap(u) = f`,
// `div(grad(u))`, `u_t + dot([u, v], grad(u))`, compiled once into closures over a FieldContext.
// The closures call c.d()/c.lap(), so the probe run of the context decides which jets to take.
// `exact:` solutions produce missing source terms symbolically (mathjs derivative).
import type { MathNode } from 'mathjs';
import { parse } from './mathjs.js';
import { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import type { FieldContext } from './context.js';
import { branchDerivative, NUMERIC_FUNCTIONS } from './branches.js';
import { pointFunction } from './numeric.js';
import { isAffineIn, isReservedName, symbolUse } from './symbols.js';
import { foldLaplacians } from './lapFold.js';

/** A compiled value: a constant, a per-point tensor, or a vector of those (grad, [u, v]). */
export type Val = number | Tensor | Val[];

export interface ExprScope {
  coords: readonly string[];
  fields: readonly string[];
  /** index of the time coordinate (excluded from lap/grad/div), or -1 */
  timeIndex?: number;
  /** fixed named constants */
  constants?: Readonly<Record<string, number>>;
  /** trainable unknown constants (read through c.param) */
  unknowns?: readonly string[];
  /** per-point coefficients evaluated on the host (data, never differentiated), read through c.input */
  coefficients?: readonly string[];
}

export type Compiled = (c: FieldContext) => Val;

const BUILTIN_CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

type Unary = (x: Tensor) => Tensor;
const UNARY: Record<string, { t: Unary; n: (x: number) => number }> = {
  sin: { t: ops.sin, n: Math.sin },
  cos: { t: ops.cos, n: Math.cos },
  tan: { t: (x) => ops.div(ops.sin(x), ops.cos(x)), n: Math.tan },
  exp: { t: ops.exp, n: Math.exp },
  log: { t: ops.log, n: Math.log },
  tanh: { t: ops.tanh, n: Math.tanh },
  sinh: { t: (x) => ops.mul(0.5, ops.sub(ops.exp(x), ops.exp(ops.neg(x)))), n: Math.sinh },
  cosh: { t: (x) => ops.mul(0.5, ops.add(ops.exp(x), ops.exp(ops.neg(x)))), n: Math.cosh },
  sqrt: { t: ops.sqrt, n: Math.sqrt },
  abs: { t: ops.abs, n: Math.abs },
  // a weight that must not be trained through (e.g. a residual weight computed from the fields): value unchanged
  stop_gradient: { t: ops.stopGradient, n: (x) => x },
};

export class ExprError extends Error {}

/** Functions the tensor compiler knows (compileNode); coefficient names are callable too. */
export const EXPR_FUNCTIONS: readonly string[] = [
  ...Object.keys(UNARY),
  'lap',
  'laplacian',
  'grad',
  'div',
  'dot',
  'pow',
  'min',
  'max',
  'sign',
  'heaviside',
  'piecewise',
];

/** pi and e, known to every expression. */
export const BUILTIN_CONSTANT_NAMES: readonly string[] = Object.keys(BUILTIN_CONSTANTS);

/** Splits `lhs = rhs` at a top-level single '=' (not ==, <=, >=, !=). */
export function splitEquation(src: string): [string, string | null] {
  let depth = 0;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === '=' && depth === 0 && !'=<>!'.includes(src[i - 1] ?? '') && src[i + 1] !== '=') {
      return [src.slice(0, i), src.slice(i + 1)];
    }
  }
  return [src, null];
}

/** Parses an equation into one node `lhs - (rhs)`; errors name the label and expression. */
export function parseEquation(src: string, label: string): MathNode {
  const [lhs, rhs] = splitEquation(src);
  try {
    const l = parse(lhs);
    return rhs === null ? l : parse(`(${lhs}) - (${rhs})`);
  } catch (e) {
    throw new ExprError(`${label}: cannot parse '${src}': ${(e as Error).message}`);
  }
}

function coordSplit(scope: ExprScope, s: string): string[] | null {
  const byLength = [...scope.coords].sort((a, b) => b.length - a.length);
  const out: string[] = [];
  let at = 0;
  while (at < s.length) {
    const hit = byLength.find((c) => s.startsWith(c, at));
    if (!hit) return null;
    out.push(hit);
    at += hit.length;
  }
  return out.length ? out : null;
}

/** 'u_xt' -> ['u', ['x','t']] when u is a field and 'xt' splits into coordinates. */
export function derivativeSymbol(scope: ExprScope, name: string): [string, string[]] | null {
  const us = name.indexOf('_');
  if (us <= 0) return null;
  // fields may themselves contain underscores: try every split point, longest field first
  for (let i = name.lastIndexOf('_'); i > 0; i = name.lastIndexOf('_', i - 1)) {
    const field = name.slice(0, i);
    if (!scope.fields.includes(field)) continue;
    const wrt = coordSplit(scope, name.slice(i + 1));
    if (wrt) return [field, wrt];
  }
  return null;
}

// ---- arithmetic on Val (numbers fold, vectors act elementwise) ----
function lift(
  a: Val,
  b: Val,
  t: (x: Tensor | number, y: Tensor | number) => Tensor | number,
  n: (x: number, y: number) => number,
  what: string,
): Val {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) throw new ExprError(`${what}: vectors of lengths ${a.length} and ${b.length}`);
      return a.map((ai, i) => lift(ai, b[i], t, n, what));
    }
    return Array.isArray(a) ? a.map((ai) => lift(ai, b, t, n, what)) : (b as Val[]).map((bi) => lift(a, bi, t, n, what));
  }
  if (typeof a === 'number' && typeof b === 'number') return n(a, b);
  return t(a, b);
}
const addV = (a: Val, b: Val): Val => lift(a, b, ops.add, (x, y) => x + y, '+');
const subV = (a: Val, b: Val): Val => lift(a, b, ops.sub, (x, y) => x - y, '-');
const mulV = (a: Val, b: Val): Val => lift(a, b, ops.mul, (x, y) => x * y, '*');
const divV = (a: Val, b: Val): Val => lift(a, b, ops.div, (x, y) => x / y, '/');
function powV(a: Val, b: Val): Val {
  return lift(a, b, (x, y) => (y === 2 && x instanceof Tensor ? ops.square(x) : ops.pow(x, y)), Math.pow, '^');
}
function mapV(a: Val, f: { t: Unary; n: (x: number) => number }): Val {
  if (Array.isArray(a)) return a.map((v) => mapV(v, f));
  return typeof a === 'number' ? f.n(a) : f.t(a);
}
function dotV(a: Val, b: Val, label: string): Val {
  if (!Array.isArray(a) || !Array.isArray(b)) throw new ExprError(`${label}: dot(a, b) expects two vectors`);
  return (mulV(a, b) as Val[]).reduce((s, v) => addV(s, v));
}

// ---- comparisons and branches: truth values are 0/1 numbers or tensors (the core's gt/ge/eq/where) ----
type Comparison = 'smaller' | 'smallerEq' | 'larger' | 'largerEq' | 'equal' | 'unequal';
type Scalar = Tensor | number;
const COMPARE: Record<Comparison, { t: (x: Scalar, y: Scalar) => Tensor; n: (x: number, y: number) => boolean }> = {
  larger: { t: ops.greater, n: (x, y) => x > y },
  largerEq: { t: ops.greaterEqual, n: (x, y) => x >= y },
  smaller: { t: (x, y) => ops.greater(y, x), n: (x, y) => x < y },
  smallerEq: { t: (x, y) => ops.greaterEqual(y, x), n: (x, y) => x <= y },
  equal: { t: ops.equal, n: (x, y) => x === y },
  unequal: { t: (x, y) => ops.sub(1, ops.equal(x, y)), n: (x, y) => x !== y },
};
function compareV(op: Comparison, a: Val, b: Val): Val {
  const f = COMPARE[op];
  return lift(a, b, f.t, (x, y) => (f.n(x, y) ? 1 : 0), op);
}
const truthT = (x: Scalar): Scalar => (typeof x === 'number' ? (x !== 0 ? 1 : 0) : ops.where(x, 1, 0));
/** cond ? a : b per point; a constant condition evaluates only the branch it selects (folds). */
function branchV(k: Val, a: () => Val, b: () => Val): Val {
  if (typeof k === 'number') return k !== 0 ? a() : b();
  const [x, y] = [a(), b()];
  if (Array.isArray(k) || Array.isArray(x) || Array.isArray(y)) {
    const len = [k, x, y].find((v): v is Val[] => Array.isArray(v))?.length ?? 0;
    const at = (v: Val, i: number): Val => (Array.isArray(v) ? v[i] : v);
    if ([k, x, y].some((v) => Array.isArray(v) && v.length !== len)) throw new ExprError('?: vectors of different lengths');
    return Array.from({ length: len }, (_, i) =>
      branchV(
        at(k, i),
        () => at(x, i),
        () => at(y, i),
      ),
    );
  }
  return ops.where(k, x, y);
}
const andV = (a: Val, b: Val): Val =>
  lift(
    a,
    b,
    (x, y) => (typeof x === 'number' ? (x !== 0 ? truthT(y) : 0) : ops.where(x, truthT(y), 0)),
    (x, y) => (x !== 0 && y !== 0 ? 1 : 0),
    'and',
  );
const orV = (a: Val, b: Val): Val =>
  lift(
    a,
    b,
    (x, y) => (typeof x === 'number' ? (x !== 0 ? 1 : truthT(y)) : ops.where(x, 1, truthT(y))),
    (x, y) => (x !== 0 || y !== 0 ? 1 : 0),
    'or',
  );
const notV = (a: Val): Val => mapV(a, { t: (x) => ops.where(x, 0, 1), n: (x) => (x !== 0 ? 0 : 1) });
const minV = (a: Val, b: Val): Val => lift(a, b, ops.minimum, Math.min, 'min');
const maxV = (a: Val, b: Val): Val => lift(a, b, ops.maximum, Math.max, 'max');
/** pos where x > 0, neg where x < 0, zero at 0: sign(x) and heaviside(x); piecewise constant, so its derivative is 0. */
const heavisideLike = (x: Val, pos: Val, neg: Val, zero: Val): Val =>
  branchV(
    compareV('larger', x, 0),
    () => pos,
    () =>
      branchV(
        compareV('smaller', x, 0),
        () => neg,
        () => zero,
      ),
  );

/** The scalar result of a compiled expression as an [N] tensor (constants broadcast). */
export function toTensor(v: Val, c: FieldContext, label: string): Tensor {
  if (Array.isArray(v)) throw new ExprError(`${label}: the expression is a vector; expected a scalar (use dot/div or one component)`);
  if (typeof v === 'number') return ops.broadcastTo(ops.scalar(v, c.dtype), [c.n]);
  return v.rank === 0 ? ops.broadcastTo(v, [c.n]) : v;
}

/**
 * Compiles a parsed expression. `label` and `src` appear in errors:
 * `pde[0]: unknown symbol 'w' in 'u_t + w'`.
 */
export function compileNode(node: MathNode, scope: ExprScope, label: string, src: string): Compiled {
  const consts = { ...BUILTIN_CONSTANTS, ...(scope.constants ?? {}) };
  const unknowns = new Set(scope.unknowns ?? []);
  const coefficients = new Set(scope.coefficients ?? []);
  const fail = (msg: string): never => {
    throw new ExprError(`${label}: ${msg} in '${src}'`);
  };
  const fieldArg = (n: MathNode, fn: string): string => {
    const name = n.type === 'SymbolNode' ? (n as unknown as { name: string }).name : '';
    if (!scope.fields.includes(name)) fail(`${fn}() expects a field name (one of ${scope.fields.join(', ')}), got '${n.toString()}'`);
    return name;
  };

  const walk = (n: MathNode): Compiled => {
    switch (n.type) {
      case 'ConstantNode': {
        const raw = (n as unknown as { value: unknown }).value;
        const v = typeof raw === 'boolean' ? Number(raw) : raw; // true/false are 1/0, as comparisons yield
        if (typeof v !== 'number') fail(`unsupported constant ${String(v)}`);
        return () => v as number;
      }
      case 'ParenthesisNode':
        return walk((n as unknown as { content: MathNode }).content);
      case 'ConditionalNode': {
        const { condition, trueExpr, falseExpr } = n as unknown as { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
        const [k, a, b] = [walk(condition), walk(trueExpr), walk(falseExpr)];
        return (c) =>
          branchV(
            k(c),
            () => a(c),
            () => b(c),
          );
      }
      case 'RelationalNode': {
        // chained comparisons: 0 < x < 1 is (0 < x) and (x < 1)
        const { conditionals, params } = n as unknown as { conditionals: string[]; params: MathNode[] };
        const ps = params.map(walk);
        return (c) => {
          const vs = ps.map((f) => f(c));
          return conditionals.map((op, i) => compareV(op as Comparison, vs[i], vs[i + 1])).reduce((x, y) => andV(x, y));
        };
      }
      case 'SymbolNode': {
        const name = (n as unknown as { name: string }).name;
        if (isReservedName(name)) fail(`reserved name '${name}' (not a symbol)`);
        if (scope.fields.includes(name)) return (c) => c.u(name);
        if (scope.coords.includes(name)) return (c) => c.x(name);
        if (unknowns.has(name)) return (c) => c.param(name);
        if (coefficients.has(name)) return (c) => c.input(name);
        if (Object.hasOwn(consts, name)) {
          const v = consts[name];
          return () => v;
        }
        const der = derivativeSymbol(scope, name);
        if (der) return (c) => c.d(der[0], der[1]);
        return fail(`unknown symbol '${name}'`);
      }
      case 'ArrayNode': {
        const items = (n as unknown as { items: MathNode[] }).items.map(walk);
        return (c) => items.map((f) => f(c));
      }
      case 'OperatorNode': {
        const { fn, args } = n as unknown as { fn: string; args: MathNode[] };
        const a = args.map(walk);
        switch (fn) {
          case 'unaryMinus':
            return (c) => mulV(-1, a[0](c));
          case 'unaryPlus':
            return a[0];
          case 'add':
            return (c) => addV(a[0](c), a[1](c));
          case 'subtract':
            return (c) => subV(a[0](c), a[1](c));
          case 'multiply':
            return (c) => mulV(a[0](c), a[1](c));
          case 'divide':
            return (c) => divV(a[0](c), a[1](c));
          case 'pow':
            return (c) => powV(a[0](c), a[1](c));
          case 'smaller':
          case 'smallerEq':
          case 'larger':
          case 'largerEq':
          case 'equal':
          case 'unequal':
            return (c) => compareV(fn, a[0](c), a[1](c));
          case 'and':
            return (c) => andV(a[0](c), a[1](c));
          case 'or':
            return (c) => orV(a[0](c), a[1](c));
          case 'not':
            return (c) => notV(a[0](c));
          default:
            return fail(`unsupported operator '${(n as unknown as { op: string }).op}'`);
        }
      }
      case 'FunctionNode': {
        const { fn, args } = n as unknown as { fn: { name: string }; args: MathNode[] };
        const name = fn.name;
        if (isReservedName(name)) fail(`reserved name '${name}' (not a function)`);
        const arity = (k: number): void => {
          if (args.length !== k) fail(`${name}() expects ${k} argument${k > 1 ? 's' : ''}, got ${args.length}`);
        };
        if (name === 'lap' || name === 'laplacian') {
          arity(1);
          const f = fieldArg(args[0], name);
          return (c) => c.lap(f);
        }
        if (coefficients.has(name)) {
          // a(x, y): the coefficient at the point itself (it is data on the host, not a function of tensors)
          const own =
            args.length === scope.coords.length &&
            args.every((a, k) => a.type === 'SymbolNode' && (a as unknown as { name: string }).name === scope.coords[k]);
          if (!own)
            fail(`coefficient ${name}() is only evaluated at the point itself: write ${name} or ${name}(${scope.coords.join(', ')})`);
          return (c) => c.input(name);
        }
        if (name === 'grad') {
          arity(1);
          const f = fieldArg(args[0], name);
          return (c) => c.grad(f);
        }
        if (name === 'div') {
          arity(1);
          const arg = args[0];
          if (arg.type === 'FunctionNode' && (arg as unknown as { fn: { name: string } }).fn.name === 'grad') {
            const f = fieldArg((arg as unknown as { args: MathNode[] }).args[0], 'grad');
            return (c) => c.lap(f);
          }
          if (arg.type === 'ArrayNode') {
            const fs = (arg as unknown as { items: MathNode[] }).items.map((it) => fieldArg(it, 'div'));
            return (c) => c.div(fs);
          }
          return fail(`div() expects grad(field) or a list of fields [u, v], got '${arg.toString()}'`);
        }
        if (name === 'dot') {
          arity(2);
          const [a, b] = args.map(walk);
          return (c) => dotV(a(c), b(c), label);
        }
        if (name === 'pow') {
          arity(2);
          const [a, b] = args.map(walk);
          return (c) => powV(a(c), b(c));
        }
        if (name === 'min' || name === 'max') {
          if (args.length < 2) fail(`${name}() expects at least 2 arguments, got ${args.length}`);
          const fs = args.map(walk);
          const pick = name === 'min' ? minV : maxV;
          return (c) => fs.map((f) => f(c)).reduce(pick);
        }
        if (name === 'sign') {
          arity(1);
          const a = walk(args[0]);
          return (c) => heavisideLike(a(c), 1, -1, 0);
        }
        if (name === 'heaviside') {
          // H(0) = 0.5 unless a second argument gives it (numpy.heaviside(x, h0))
          if (args.length !== 1 && args.length !== 2) fail(`heaviside() expects 1 or 2 arguments (x[, value at 0]), got ${args.length}`);
          const [a, h0] = args.map(walk);
          return (c) => heavisideLike(a(c), 1, 0, h0 ? h0(c) : 0.5);
        }
        if (name === 'piecewise') {
          if (args.length < 3 || args.length % 2 === 0)
            fail(`piecewise() expects pairs (condition, value) then an otherwise value (an odd count >= 3), got ${args.length} arguments`);
          const fs = args.map(walk);
          const from = (c: FieldContext, i: number): Val =>
            i === fs.length - 1
              ? fs[i](c)
              : branchV(
                  fs[i](c),
                  () => fs[i + 1](c),
                  () => from(c, i + 2),
                );
          return (c) => from(c, 0);
        }
        const u = Object.hasOwn(UNARY, name) ? UNARY[name] : undefined;
        if (!u) return fail(`unknown function '${name}'`);
        arity(1);
        const a = walk(args[0]);
        return (c) => mapV(a(c), u);
      }
      default:
        return fail(`unsupported syntax '${n.toString()}' (${n.type})`);
    }
  };
  return walk(foldLaplacians(node, (name) => pureSecondField(scope, name), spatialCoords(scope).length));
}

/** The coordinates lap/grad/div act on: all but the time coordinate. */
function spatialCoords(scope: ExprScope): string[] {
  return scope.coords.filter((_, i) => i !== (scope.timeIndex ?? -1));
}

/** The field of `name` when it is a pure second derivative along one spatial coordinate ('u_yy' -> 'u'). */
function pureSecondField(scope: ExprScope, name: string): string | null {
  const [field, wrt] = derivativeSymbol(scope, name) ?? ['', []];
  const pure = wrt.length === 2 && wrt[0] === wrt[1] && spatialCoords(scope).includes(wrt[0]);
  return pure ? field : null;
}

/** Compiles one equation string (`lhs = rhs` becomes lhs - rhs) to a scalar residual. */
export function compileEquation(src: string, scope: ExprScope, label: string): (c: FieldContext) => Tensor {
  const f = compileNode(parseEquation(src, label), scope, label, src);
  return (c) => toTensor(f(c), c, label);
}

/** Free symbols of an expression that are none of fields, coordinates, derivatives, constants, unknowns. */
export function unknownSymbols(src: string, scope: ExprScope, label: string): string[] {
  const node = parseEquation(src, label);
  const consts = { ...BUILTIN_CONSTANTS, ...(scope.constants ?? {}) };
  const out = new Set<string>();
  node.traverse((n, _path, parent) => {
    if (n.type !== 'SymbolNode') return;
    if (parent && parent.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === n) return;
    const name = (n as unknown as { name: string }).name;
    if (scope.fields.includes(name) || scope.coords.includes(name) || Object.hasOwn(consts, name)) return;
    if ((scope.unknowns ?? []).includes(name) || (scope.coefficients ?? []).includes(name) || derivativeSymbol(scope, name)) return;
    out.add(name);
  });
  return [...out];
}

// ---- manufactured solutions ----

/** Replaces fields and their derivatives in `node` by the exact solutions' symbolic expressions. */
function substituteExact(node: MathNode, scope: ExprScope, exact: Readonly<Record<string, MathNode>>, label: string): MathNode {
  const spatial = spatialCoords(scope);
  const ex = (field: string): MathNode => {
    const e = exact[field];
    if (!e) throw new ExprError(`${label}: no exact solution for field '${field}'`);
    return e;
  };
  // branchDerivative: mathjs' derivative, also through ?:, sign, heaviside, piecewise, min, max
  const diff = (e: MathNode, wrt: readonly string[]): MathNode => wrt.reduce((acc, v) => branchDerivative(acc, v), e);
  const sum = (ns: MathNode[]): MathNode => parse(ns.map((k) => `(${k.toString()})`).join(' + '));
  return node.transform((n) => {
    if (n.type === 'FunctionNode') {
      const { fn, args } = n as unknown as { fn: { name: string }; args: MathNode[] };
      const argName = (a: MathNode): string => (a.type === 'SymbolNode' ? (a as unknown as { name: string }).name : '');
      if (fn.name === 'lap' || fn.name === 'laplacian') return sum(spatial.map((v) => diff(ex(argName(args[0])), [v, v])));
      if (fn.name === 'grad') return parse(`[${spatial.map((v) => diff(ex(argName(args[0])), [v]).toString()).join(', ')}]`);
      if (fn.name === 'div') {
        const a = args[0];
        if (a.type === 'FunctionNode')
          return sum(spatial.map((v) => diff(ex(argName((a as unknown as { args: MathNode[] }).args[0])), [v, v])));
        const items = (a as unknown as { items: MathNode[] }).items;
        return sum(items.map((it, k) => diff(ex(argName(it)), [spatial[k]])));
      }
      return n;
    }
    if (n.type === 'SymbolNode') {
      const name = (n as unknown as { name: string }).name;
      if (scope.fields.includes(name)) return parse(`(${ex(name).toString()})`);
      const der = derivativeSymbol(scope, name);
      if (der) return parse(`(${diff(ex(der[0]), der[1]).toString()})`);
    }
    return n;
  });
}

/**
 * Source term `s` of an equation that makes the exact solution satisfy it, found symbolically:
 * with R(s) the residual of the exact solution (linear in s), s = -R(0) / (R(1) - R(0)).
 * Returns a simplified expression in the coordinates.
 */
export function deriveSource(
  src: string,
  source: string,
  scope: ExprScope,
  exact: Readonly<Record<string, string>>,
  label: string,
): string {
  const exactNodes: Record<string, MathNode> = {};
  for (const [f, e] of Object.entries(exact)) {
    try {
      exactNodes[f] = parse(e);
    } catch (err) {
      throw new ExprError(`${label}: cannot parse exact solution for '${f}': '${e}': ${(err as Error).message}`);
    }
  }
  const R = substituteExact(parseEquation(src, label), scope, exactNodes, label);
  const at = (v: number): MathNode =>
    R.transform((n) => (n.type === 'SymbolNode' && (n as unknown as { name: string }).name === source ? parse(String(v)) : n));
  const r0 = at(0).toString();
  const r1 = at(1).toString();
  // linear in s <=> R(2) - 2 R(1) + R(0) = 0; checked numerically at a few points (no mathjs simplify:
  // it costs seconds on long derivative chains)
  // coefficients enter as extra variables with values that vary across probes (so a slope a(x) never folds)
  const vars = [...scope.coords, ...(scope.coefficients ?? [])];
  const num = (e: string): ((p: ArrayLike<number>) => number) =>
    compileNumeric(withoutCalls(e, scope.coefficients ?? []), vars, scope.constants ?? {}, label);
  // linearity is read off the tree (symbols.ts): probing R(0), R(1), R(2) numerically misses sin(pi*s), which
  // vanishes at integers; the probes below only detect a slope that is zero everywhere and a constant slope
  const slopeAt = num(`(${r1}) - (${r0})`);
  const probes = [0.137, 0.291, 0.533, 0.718].map((v, k) =>
    vars.map((_, i) => v + 0.1 * ((i + k) % 3) + (i >= scope.coords.length ? 0.37 * i * (k + 1) : 0)),
  );
  const slopes = probes.map(slopeAt);
  if (!isAffineIn(parseEquation(src, label), source) || slopes.every((v) => v === 0)) {
    throw new ExprError(`${label}: the source symbol '${source}' must appear linearly in '${src}' to be derived from the exact solution`);
  }
  const constSlope = slopes.every((v) => Math.abs(v - slopes[0]) <= 1e-12 * Math.abs(slopes[0]));
  const slope = constSlope ? `(${slopes[0]})` : `((${r1}) - (${r0}))`;
  return `-(${r0}) / ${slope}`;
}
/** `a(x, y)` -> `a` for the coefficient names (the numeric evaluator holds their values as numbers). */
function withoutCalls(src: string, coefficients: readonly string[]): string {
  if (!coefficients.length) return src;
  return parse(src)
    .transform((n) =>
      n.type === 'FunctionNode' && coefficients.includes((n as unknown as { fn: { name: string } }).fn.name)
        ? parse((n as unknown as { fn: { name: string } }).fn.name)
        : n,
    )
    .toString();
}

/** Numeric (plain JS) evaluation of an expression in the coordinates and constants, per point. */
export function compileNumeric(
  src: string,
  coords: readonly string[],
  constants: Readonly<Record<string, number>> = {},
  label = 'exact',
): (p: ArrayLike<number>) => number {
  let code: ReturnType<MathNode['compile']>;
  try {
    code = parse(src).compile();
  } catch (e) {
    throw new ExprError(`${label}: cannot parse '${src}': ${(e as Error).message}`);
  }
  // unknown and reserved names are errors now, decided on the tree, not at the first point evaluated
  const use = symbolUse(parse(src));
  const bad =
    use.symbols.find(
      (s) => isReservedName(s) || !(coords.includes(s) || Object.hasOwn(constants, s) || Object.hasOwn(BUILTIN_CONSTANTS, s)),
    ) ?? use.functions.find(isReservedName);
  if (bad !== undefined)
    throw new ExprError(
      `${label}: ${isReservedName(bad) ? 'reserved name' : 'unknown symbol'} '${bad}' in '${src}'; known: ${[...coords, ...Object.keys(constants), ...Object.keys(BUILTIN_CONSTANTS)].join(', ')}`,
    );
  if (use.unsupported.length) throw new ExprError(`${label}: unsupported syntax '${use.unsupported[0]}' in '${src}'`);
  const fast = pointFunction(parse(src), coords, { ...BUILTIN_CONSTANTS, ...constants });
  if (fast) return fast;
  const scope: Record<string, unknown> = { ...NUMERIC_FUNCTIONS, ...BUILTIN_CONSTANTS, ...constants };
  return (p) => {
    coords.forEach((c, i) => (scope[c] = p[i]));
    let v: unknown;
    try {
      v = code.evaluate(scope);
    } catch (e) {
      throw new ExprError(`${label}: cannot evaluate '${src}': ${(e as Error).message}`);
    }
    if (typeof v !== 'number') throw new ExprError(`${label}: '${src}' did not evaluate to a number`);
    return v;
  };
}
