// Fused elementwise loops as gpu.js kernel sources: the same expression trees that jsgen.ts and
// wasmgen.ts compile, one thread per output element; each primitive renders itself (render.gpu).
import { lit } from '../kernels/glsl.js';
import { defOf } from '../prims/registry.js';
import type { FusedKernel, FusedNode } from './fusion.js';

/** The kernel text, or null when some primitive in the loop has no gpu rendering. */
export function gpuSource(k: FusedKernel): string | null {
  const lines: string[] = [];
  let tmp = 0;
  let ok = true;
  const emit = (n: FusedNode): string => {
    if (n.kind === 'const') return lit(n.value);
    if (n.kind === 'read') {
      const { input, at } = n.read;
      const index = at === 'same' ? 'i' : at === 'scalar' ? '0' : `i - Math.floor((i + 0.5) / ${lit(at)}) * ${lit(at)}`;
      return `x${input}[${index}]`;
    }
    const expr = defOf(n.prim).elementwise?.render.gpu(n.args.map(emit), n.params) ?? null;
    if (expr === null) {
      ok = false;
      return '0.0';
    }
    const name = `t${tmp++}`;
    lines.push(`const ${name} = ${expr};`);
    return name;
  };
  const result = emit(k.tree);
  if (!ok) return null;
  const args = k.inputs.map((_, i) => `x${i}`).join(', ');
  return `function (${args}) {\n  const i = this.thread.x;\n  ${lines.join('\n  ')}\n  return ${result};\n}`;
}
