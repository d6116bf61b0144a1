// The one mathjs instance of the library: mathjs' single-file build (an entry its package exports), whose default
// instance creates each function on first use. `import ... from 'mathjs'` instead evaluates about a thousand ES modules
// and builds all of mathjs' functions up front: 1.5-2 s of CPU per process on a 2-core machine, most of a `fluxion`
// process's start-up (a sweep lane's, a `fluxion run`'s), of which a PINN config uses parse and a few node classes.
// Same version, functions and node classes; types still come from 'mathjs'.
import { createRequire } from 'node:module';
import type { MathJsInstance, MathNode } from 'mathjs';

export const math = createRequire(import.meta.url)('mathjs/lib/browser/math.js') as MathJsInstance;

export const { parse, ConditionalNode, ConstantNode, FunctionNode, OperatorNode, ParenthesisNode, SymbolNode } = math;

/** mathjs' symbolic derivative (created on the first call: it needs simplify and most of the arithmetic). */
export function derivative(expr: MathNode, variable: string, options?: { simplify: boolean }): MathNode {
  return math.derivative(expr, variable, options);
}
