// Rewrites a sum holding every spatial pure second derivative of one field with the same sign
// (u_xx + u_yy, u_t - (u_x1x1 + ... + u_x5x5)) into lap(u). The field context then runs one
// collapsed second-order Taylor pass over the spatial axes instead of one tiled second-order jet per
// axis, which is what a user writing the Laplacian out by hand means. Only bare derivative symbols
// join the fold: `u_xx + 2*u_yy` is left alone, and so is a derivative that also appears elsewhere
// (the context then shares the pure jets, as before).
import type { MathNode } from 'mathjs';
import { FunctionNode, OperatorNode, SymbolNode } from './mathjs.js';

interface SignedTerm {
  negative: boolean;
  node: MathNode;
}

const nameOf = (n: MathNode): string => (n as unknown as { name: string }).name;

/** The terms of a +/- chain, looking through parentheses and unary minus. */
function flatten(n: MathNode, negative: boolean, out: SignedTerm[]): void {
  if (n.type === 'ParenthesisNode') return flatten((n as unknown as { content: MathNode }).content, negative, out);
  if (n.type === 'OperatorNode') {
    const { fn, args } = n as unknown as { fn: string; args: MathNode[] };
    if (fn === 'add' || fn === 'subtract') {
      flatten(args[0], negative, out);
      flatten(args[1], fn === 'subtract' ? !negative : negative, out);
      return;
    }
    if (fn === 'unaryMinus') return flatten(args[0], !negative, out);
    if (fn === 'unaryPlus') return flatten(args[0], negative, out);
  }
  out.push({ negative, node: n });
}

function isSum(n: MathNode): boolean {
  const fn = n.type === 'OperatorNode' ? (n as unknown as { fn: string }).fn : '';
  return fn === 'add' || fn === 'subtract';
}

function rebuild(terms: readonly SignedTerm[]): MathNode {
  const [first, ...rest] = terms;
  let acc: MathNode = first.negative ? new OperatorNode('-', 'unaryMinus', [first.node]) : first.node;
  for (const t of rest) acc = new OperatorNode(t.negative ? '-' : '+', t.negative ? 'subtract' : 'add', [acc, t.node]);
  return acc;
}

/**
 * `node` with every foldable Laplacian written as lap(field). `pureSecond(name)` is the field when
 * `name` is that field's pure second derivative along one spatial axis (else null); `spatialCount` is
 * the number of spatial axes (a fold needs all of them).
 */
export function foldLaplacians(node: MathNode, pureSecond: (symbol: string) => string | null, spatialCount: number): MathNode {
  if (spatialCount < 2) return node; // one axis: u_xx already is the cheapest pass
  const uses = new Map<string, number>();
  node.traverse((n) => {
    if (n.type === 'SymbolNode') uses.set(nameOf(n), (uses.get(nameOf(n)) ?? 0) + 1);
  });
  const foldSum = (n: MathNode): MathNode => {
    const terms: SignedTerm[] = [];
    flatten(n, false, terms);
    // (field, sign) -> indices of its pure second derivatives; each symbol occurs once, so the axes differ
    const groups = new Map<string, { field: string; negative: boolean; idx: number[] }>();
    terms.forEach((t, i) => {
      if (t.node.type !== 'SymbolNode' || uses.get(nameOf(t.node)) !== 1) return;
      const field = pureSecond(nameOf(t.node));
      if (field === null) return;
      const key = `${field}\u0000${t.negative}`;
      const g = groups.get(key) ?? { field, negative: t.negative, idx: [] };
      g.idx.push(i);
      groups.set(key, g);
    });
    const drop = new Set<number>();
    const laps: SignedTerm[] = [];
    for (const g of groups.values())
      if (g.idx.length === spatialCount) {
        for (const i of g.idx) drop.add(i);
        laps.push({ negative: g.negative, node: new FunctionNode(new SymbolNode('lap'), [new SymbolNode(g.field)]) });
      }
    if (!laps.length) return n.map((child) => visit(child));
    // the untouched terms keep their order; their own sub-sums fold too
    const kept = terms.filter((_, i) => !drop.has(i)).map((t) => ({ ...t, node: visit(t.node) }));
    return rebuild([...kept, ...laps]);
  };
  const visit = (n: MathNode): MathNode => (isSum(n) ? foldSum(n) : n.map((child) => visit(child)));
  return visit(node);
}
