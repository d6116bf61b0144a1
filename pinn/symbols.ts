// Symbolic facts about expressions, read off the mathjs tree (never by evaluating at points, where a
// typo such as sin(pi*q) can vanish): the symbols and functions used, names that must never reach mathjs
// (__proto__, constructor), and whether a symbol enters affinely (a derived source term).
import type { MathNode } from 'mathjs';

/** Names every JS object inherits, `prototype`, or dunder names: as symbols they would resolve to object internals. */
export function isReservedName(name: string): boolean {
  return name === 'prototype' || name in Object.prototype || /^__.*__$/.test(name);
}

export interface SymbolUse {
  /** Variables (not function names), each once, in order of appearance. */
  symbols: string[];
  /** Called function names, each once. */
  functions: string[];
  /** Node types outside the expression language (accessors, assignments, objects, strings). */
  unsupported: string[];
}

const SUPPORTED = new Set([
  'ConstantNode',
  'SymbolNode',
  'ParenthesisNode',
  'OperatorNode',
  'FunctionNode',
  'ConditionalNode',
  'RelationalNode',
  'ArrayNode',
]);

const nameOf = (n: MathNode): string => (n as unknown as { name: string }).name;

/** The symbols, functions and unsupported constructs of a parsed expression. */
export function symbolUse(node: MathNode): SymbolUse {
  const symbols = new Set<string>();
  const functions = new Set<string>();
  const unsupported = new Set<string>();
  node.traverse((n, _path, parent) => {
    if (!SUPPORTED.has(n.type)) unsupported.add(n.toString());
    if (n.type === 'ConstantNode') {
      const v = (n as unknown as { value: unknown }).value;
      if (typeof v !== 'number' && typeof v !== 'boolean') unsupported.add(n.toString());
      return;
    }
    if (n.type !== 'SymbolNode') return;
    if (parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === n) functions.add(nameOf(n));
    else symbols.add(nameOf(n));
  });
  return { symbols: [...symbols], functions: [...functions], unsupported: [...unsupported] };
}

/** Degree of `node` in the symbol `s`: 0 (absent), 1 (affine), Infinity (anything else). */
function degree(node: MathNode, s: string): number {
  const deg = (n: MathNode): number => degree(n, s);
  const any = (ns: readonly MathNode[]): number => (ns.some((n) => deg(n) > 0) ? Infinity : 0);
  switch (node.type) {
    case 'SymbolNode':
      return nameOf(node) === s ? 1 : 0;
    case 'ConstantNode':
      return 0;
    case 'ParenthesisNode':
      return deg((node as unknown as { content: MathNode }).content);
    case 'ArrayNode':
      return Math.max(0, ...(node as unknown as { items: MathNode[] }).items.map(deg));
    case 'ConditionalNode': {
      const { condition, trueExpr, falseExpr } = node as unknown as { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
      return deg(condition) > 0 ? Infinity : Math.max(deg(trueExpr), deg(falseExpr));
    }
    case 'OperatorNode': {
      const { fn, args } = node as unknown as { fn: string; args: MathNode[] };
      const d = args.map(deg);
      switch (fn) {
        case 'add':
        case 'subtract':
          return Math.max(...d);
        case 'unaryMinus':
        case 'unaryPlus':
          return d[0];
        case 'multiply': {
          const t = d[0] + d[1];
          return t > 1 ? Infinity : t;
        }
        case 'divide':
          return d[1] > 0 ? Infinity : d[0];
        default:
          return any(args);
      }
    }
    case 'FunctionNode': {
      const { fn, args } = node as unknown as { fn: MathNode; args: MathNode[] };
      return nameOf(fn) === s ? Infinity : any(args);
    }
    default: {
      let found = false;
      node.traverse((n) => {
        found ||= n.type === 'SymbolNode' && nameOf(n) === s;
      });
      return found ? Infinity : 0;
    }
  }
}

/** True when `s` enters `node` affinely (a + b s with a, b free of s): the condition for solving for it. */
export function isAffineIn(node: MathNode, s: string): boolean {
  return degree(node, s) <= 1;
}
