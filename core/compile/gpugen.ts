// Fused elementwise loops as gpu.js kernel sources: the same expression trees that jsgen.ts and
// wasmgen.ts compile, one thread per output element.
import { binaryExpr, lit, unaryExpr } from '../backend/gpu/source.js';
import type { FusedKernel, FusedNode } from './fusion.js';

export function gpuSource(k: FusedKernel): string {
  const lines: string[] = [];
  let tmp = 0;
  const emit = (n: FusedNode): string => {
    if (n.kind === 'const') return lit(n.value);
    if (n.kind === 'read') {
      const { input, at } = n.read;
      const index = at === 'same' ? 'i' : at === 'scalar' ? '0' : `i - Math.floor((i + 0.5) / ${lit(at)}) * ${lit(at)}`;
      return `x${input}[${index}]`;
    }
    const a = n.args.map(emit);
    const expr =
      n.prim === 'where' ? `(${a[0]} != 0.0 ? ${a[1]} : ${a[2]})`
      : n.prim === 'cast' ? a[0]
      : (unaryExpr(n.prim, a[0], n.exponent) ?? binaryExpr(n.prim, a[0], a[1]));
    if (expr === null) throw new Error(`gpugen: '${n.prim}' is not elementwise`);
    const name = `t${tmp++}`;
    lines.push(`const ${name} = ${expr};`);
    return name;
  };
  const result = emit(k.tree);
  const args = k.inputs.map((_, i) => `x${i}`).join(', ');
  return `function (${args}) {\n  const i = this.thread.x;\n  ${lines.join('\n  ')}\n  return ${result};\n}`;
}
