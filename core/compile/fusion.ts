// Fusion plan: which variables are materialised in memory, and the generated loop for each fused
// elementwise group. A single-use elementwise value feeding an elementwise consumer of the same size is
// computed inline; scalar and trailing-suffix broadcasts are read in place with an index expression.
import { Var, type Atom, type Eqn, type Graph } from '../ir.js';
import { sizeOf, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

const UNARY_JS: Record<string, (a: string) => string> = {
  neg: (a) => `(-${a})`,
  exp: (a) => `Math.exp(${a})`,
  log: (a) => `Math.log(${a})`,
  sin: (a) => `Math.sin(${a})`,
  cos: (a) => `Math.cos(${a})`,
  tanh: (a) => `Math.tanh(${a})`,
  sqrt: (a) => `Math.sqrt(${a})`,
  stop_gradient: (a) => a,
};
const BINARY_JS: Record<string, (a: string, b: string) => string> = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  max: (a, b) => `(${a} >= ${b} ? ${a} : ${b})`,
  gt: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  ge: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
  eq: (a, b) => `(${a} === ${b} ? 1 : 0)`,
};
/** Transcendentals in f32 run on the wasm SIMD kernels rather than inside a JS loop. */
export const SIMD_UNARY = new Set(['exp', 'log', 'sin', 'cos', 'tanh']);

/** Broadcasts that a loop can read in place: scalars and inputs equal to a suffix of the output shape. */
export function inlineBroadcast(e: Eqn): boolean {
  if (e.prim !== 'broadcast') return false;
  const inShape = (e.inputs[0] as Var | Tensor).shape;
  const s = [...inShape];
  while (s.length && s[0] === 1) s.shift();
  return sameShape(s, e.out.shape.slice(e.out.shape.length - s.length));
}

export function isElementwise(e: Eqn, simdUnary: boolean): boolean {
  if (e.prim in BINARY_JS || e.prim === 'where' || e.prim === 'powc' || e.prim === 'cast') return true;
  if (e.prim in UNARY_JS) return !(simdUnary && e.out.dtype === 'f32' && SIMD_UNARY.has(e.prim));
  return inlineBroadcast(e);
}

/** One generated loop: out[i] = body over `inputs` (materialised variables or literal tensors). */
export interface FusedKernel {
  out: Var;
  inputs: Atom[];
  fn: (out: ArrayLike<number>, ins: ArrayLike<number>[], n: number) => void;
  source: string;
}

export interface FusionPlan {
  /** equations that own a materialised output, in order; fused ones carry their kernel */
  steps: Array<{ eqn: Eqn; kernel?: FusedKernel }>;
}

export function planFusion(g: Graph, simdUnary: boolean): FusionPlan {
  const consumers = new Map<Var, Eqn[]>();
  for (const e of g.eqns) {
    for (const a of e.inputs) if (a instanceof Var) consumers.set(a, [...(consumers.get(a) ?? []), e]);
  }
  const outputs = new Set(g.outputs.filter((a): a is Var => a instanceof Var));
  const producer = new Map<Var, Eqn>(g.eqns.map((e) => [e.out, e]));
  const elementwise = (e: Eqn | undefined): e is Eqn => !!e && isElementwise(e, simdUnary);
  const fusedLoop = (e: Eqn): boolean => elementwise(e) && !inlineBroadcast(e);

  /** inlined: computed inside its consumers' loops, never stored */
  const inlined = (v: Var): boolean => {
    const e = producer.get(v);
    const cs = consumers.get(v) ?? [];
    if (!elementwise(e) || outputs.has(v) || !cs.length || !cs.every(fusedLoop)) return false;
    if (inlineBroadcast(e)) return true; // an indexed read: cheap to repeat in every consumer
    return cs.length === 1 && sizeOf(cs[0].out.shape) === sizeOf(v.shape);
  };

  const steps: FusionPlan['steps'] = [];
  for (const e of g.eqns) {
    if (inlined(e.out)) continue;
    steps.push(elementwise(e) ? { eqn: e, kernel: buildKernel(e, producer, inlined) } : { eqn: e });
  }
  return { steps };
}

function buildKernel(root: Eqn, producer: Map<Var, Eqn>, inlined: (v: Var) => boolean): FusedKernel {
  const inputs: Atom[] = [];
  const lines: string[] = [];
  const f32 = root.out.dtype === 'f32';
  const n = sizeOf(root.out.shape);
  let tmp = 0;

  /** Reads atom `a` at `index`: literal scalars become constants, the rest kernel inputs. */
  const load = (a: Atom, index: string): string => {
    if (!(a instanceof Var) && a.size === 1) return `(${a.dataSync()[0]})`;
    let k = inputs.indexOf(a);
    if (k < 0) k = inputs.push(a) - 1;
    return `in${k}[${index}]`;
  };
  const emit = (a: Atom): string => (a instanceof Var && inlined(a) ? emitNode(producer.get(a) as Eqn) : load(a, 'i'));
  const emitNode = (e: Eqn): string => {
    if (e.prim === 'broadcast') {
      const src = e.inputs[0];
      const size = sizeOf((src as Var).shape);
      return load(src, size === 1 ? '0' : size === n ? 'i' : `i % ${size}`);
    }
    const args = e.inputs.map(emit);
    let expr: string;
    if (e.prim in UNARY_JS) expr = UNARY_JS[e.prim](args[0]);
    else if (e.prim in BINARY_JS) expr = BINARY_JS[e.prim](args[0], args[1]);
    else if (e.prim === 'where') expr = `(${args[0]} !== 0 ? ${args[1]} : ${args[2]})`;
    else if (e.prim === 'powc') expr = `Math.pow(${args[0]}, ${e.params.exponent})`;
    else if (e.prim === 'cast') expr = e.params.dtype === 'i32' ? `Math.trunc(${args[0]})` : args[0];
    else throw new Error(`fusion: '${e.prim}' is not elementwise`);
    // round like the unfused f32 backend does after every op
    const name = `t${tmp++}`;
    lines.push(`const ${name} = ${f32 && e.out.dtype === 'f32' ? `Math.fround(${expr})` : expr};`);
    return name;
  };
  const result = emitNode(root);
  const source = `for (let i = 0; i < n; i++) {\n  ${lines.join('\n  ')}\n  out[i] = ${result};\n}`;
  const header = inputs.map((_, k) => `const in${k} = ins[${k}];`).join(' ');
  const fn = new Function('out', 'ins', 'n', `${header}\n${source}`) as FusedKernel['fn'];
  return { out: root.out, inputs, fn, source };
}
