// Fused loops as generated JavaScript: works for every dtype and every elementwise primitive.
import type { FusedKernel, FusedNode } from './fusion.js';
import { smallIntegerPower } from './wasmgen.js';

export type LoopFn = (out: ArrayLike<number>, ins: ArrayLike<number>[]) => void;

const UNARY: Record<string, (a: string) => string> = {
  neg: (a) => `(-${a})`,
  exp: (a) => `Math.exp(${a})`,
  log: (a) => `Math.log(${a})`,
  sin: (a) => `Math.sin(${a})`,
  cos: (a) => `Math.cos(${a})`,
  tanh: (a) => `Math.tanh(${a})`,
  sqrt: (a) => `Math.sqrt(${a})`,
  stop_gradient: (a) => a,
};
const BINARY: Record<string, (a: string, b: string) => string> = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  max: (a, b) => `(${a} >= ${b} ? ${a} : ${b})`,
  gt: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  ge: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
  eq: (a, b) => `(${a} === ${b} ? 1 : 0)`,
};

/** x^e as the wasm loops compute it in f32: a left fold of rounded multiplications (then 1/x^|e|). */
function f32Power(x: string, e: number): string {
  if (e === 0) return '1';
  let code = x;
  for (let k = 1; k < Math.abs(e); k++) code = `Math.fround(${code} * ${x})`;
  return e > 0 ? code : `(1 / ${code})`;
}

export function jsSource(k: FusedKernel): string {
  const lines: string[] = [];
  const f32 = k.out.dtype === 'f32';
  let tmp = 0;
  const emit = (n: FusedNode): string => {
    if (n.kind === 'const') return `(${n.value})`;
    if (n.kind === 'read') {
      const { input, at } = n.read;
      return `in${input}[${at === 'same' ? 'i' : at === 'scalar' ? '0' : `i % ${at}`}]`;
    }
    const a = n.args.map(emit);
    let expr: string;
    if (n.prim in UNARY) expr = UNARY[n.prim](a[0]);
    else if (n.prim in BINARY) expr = BINARY[n.prim](a[0], a[1]);
    else if (n.prim === 'where') expr = `(${a[0]} !== 0 ? ${a[1]} : ${a[2]})`;
    else if (n.prim === 'powc') expr = f32 && smallIntegerPower(n.exponent) ? f32Power(a[0], n.exponent) : `Math.pow(${a[0]}, ${n.exponent})`;
    else if (n.prim === 'cast') expr = n.toDtype === 'i32' ? `Math.trunc(${a[0]})` : a[0];
    else throw new Error(`jsgen: '${n.prim}' is not elementwise`);
    const name = `t${tmp++}`;
    // round like the unfused f32 backend does after every op
    lines.push(`const ${name} = ${f32 && n.toDtype !== 'i32' ? `Math.fround(${expr})` : expr};`);
    return name;
  };
  const result = emit(k.tree);
  const header = k.inputs.map((_, i) => `const in${i} = ins[${i}];`).join(' ');
  return `${header}\nfor (let i = 0; i < ${k.size}; i++) {\n  ${lines.join('\n  ')}\n  out[i] = ${result};\n}`;
}

export function jsLoop(k: FusedKernel): LoopFn {
  return new Function('out', 'ins', jsSource(k)) as LoopFn;
}
