// Conditionals for mathjs' numeric evaluator and symbolic derivative, which know neither
// `heaviside`/`piecewise` nor how to differentiate `c ? a : b`, `sign`, `min`, `max`.
// The derivative of a branching expression is the derivative of the selected branch (defined almost
// everywhere, and finite at the switch point): every branch is hoisted to the top,
// E[c ? a : b] = c ? E[a] : E[b], and mathjs differentiates the branch-free leaves.
import type { MathNode } from 'mathjs';
import { ConditionalNode, ConstantNode, OperatorNode, ParenthesisNode, derivative as symDerivative } from './mathjs.js';

/** H(0) = 0.5 (numpy.heaviside(x, 0.5)) unless a second argument says otherwise. */
export const HEAVISIDE_AT_ZERO = 0.5;

/** Functions the numeric evaluator (compileNumeric) adds to mathjs for expressions. */
export const NUMERIC_FUNCTIONS: Readonly<Record<string, (...a: never[]) => number>> = {
  heaviside: (x: number, h0: number = HEAVISIDE_AT_ZERO): number => (x > 0 ? 1 : x < 0 ? 0 : h0),
  piecewise: (...a: Array<number | boolean>): number => {
    for (let i = 0; i + 1 < a.length; i += 2) if (a[i]) return Number(a[i + 1]);
    return Number(a[a.length - 1]);
  },
};

const RELATIONAL = new Set(['smaller', 'smallerEq', 'larger', 'largerEq', 'equal', 'unequal', 'and', 'or', 'not', 'xor']);
const num = (v: number): MathNode => new ConstantNode(v);
const cond = (c: MathNode, a: MathNode, b: MathNode): MathNode => new ConditionalNode(c, a, b);
const cmp = (op: string, fn: string, a: MathNode, b: MathNode): MathNode => new OperatorNode(op as never, fn as never, [a, b]);

/**
 * Rewrites sign/heaviside/piecewise/min/max/abs as `?:` and truth values used as numbers
 * (`(x < 0.5) * 3`) as `cond ? 1 : 0`, so only ConditionalNodes carry branches.
 */
export function desugarBranches(node: MathNode): MathNode {
  const walk = (n: MathNode, asCondition: boolean): MathNode => {
    if (n.type === 'ConditionalNode') {
      const c = n as unknown as { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
      return cond(walk(c.condition, true), walk(c.trueExpr, false), walk(c.falseExpr, false));
    }
    if (n.type === 'ParenthesisNode') return new ParenthesisNode(walk((n as unknown as { content: MathNode }).content, asCondition));
    if (n.type === 'RelationalNode' || (n.type === 'OperatorNode' && RELATIONAL.has((n as unknown as { fn: string }).fn))) {
      // operands of and/or/not/xor are conditions; those of comparisons are numbers
      const logical = ['and', 'or', 'not', 'xor'].includes((n as unknown as { fn?: string }).fn ?? '');
      const inner = n.map((ch) => walk(ch, logical));
      return asCondition ? inner : cond(inner, num(1), num(0));
    }
    if (n.type === 'FunctionNode') {
      const name = (n as unknown as { fn: { name: string } }).fn.name;
      const args = (n as unknown as { args: MathNode[] }).args.map((a) => walk(a, false));
      const x = args[0];
      switch (name) {
        case 'sign':
          return cond(cmp('>', 'larger', x, num(0)), num(1), cond(cmp('<', 'smaller', x, num(0)), num(-1), num(0)));
        case 'heaviside':
          return cond(
            cmp('>', 'larger', x, num(0)),
            num(1),
            cond(cmp('<', 'smaller', x, num(0)), num(0), args[1] ?? num(HEAVISIDE_AT_ZERO)),
          );
        case 'abs':
          return cond(cmp('>=', 'largerEq', x, num(0)), x, new OperatorNode('-', 'unaryMinus', [x]));
        case 'min':
        case 'max':
          return args.reduce((a, b) => cond(cmp(name === 'min' ? '<=' : '>=', name === 'min' ? 'smallerEq' : 'largerEq', a, b), a, b));
        case 'piecewise': {
          let out = args[args.length - 1];
          for (let i = args.length - 3; i >= 0; i -= 2)
            out = cond(walk((n as unknown as { args: MathNode[] }).args[i], true), args[i + 1], out);
          return out;
        }
        default:
          return n.map((ch) => walk(ch, false));
      }
    }
    return n.map((ch) => walk(ch, false));
  };
  return walk(node, false);
}

/** The first ConditionalNode of `n` (pre-order), or null. */
function firstConditional(n: MathNode): MathNode | null {
  let hit: MathNode | null = null;
  n.traverse((m) => {
    if (!hit && m.type === 'ConditionalNode') hit = m;
  });
  return hit;
}

/** d e / d v where e may branch: branches hoisted to the top, each leaf differentiated by mathjs. */
export function branchDerivative(e: MathNode, v: string): MathNode {
  const hoisted = (n: MathNode): MathNode => {
    if (n.type === 'ParenthesisNode') return hoisted((n as unknown as { content: MathNode }).content);
    if (n.type === 'ConditionalNode') {
      const c = n as unknown as { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
      return cond(c.condition, hoisted(c.trueExpr), hoisted(c.falseExpr));
    }
    const inner = firstConditional(n);
    if (!inner) return symDerivative(n, v, { simplify: false });
    const c = inner as unknown as { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
    const replace = (by: MathNode): MathNode => n.transform((m) => (m === inner ? new ParenthesisNode(by) : m));
    return cond(c.condition, hoisted(replace(c.trueExpr)), hoisted(replace(c.falseExpr)));
  };
  return hoisted(desugarBranches(e));
}
