// Fused loops as generated JavaScript: works for every dtype and every elementwise primitive; each
// primitive renders itself (core/prims/, render.js).
import type { FusedKernel, FusedNode } from './fusion.js';
import { defOf } from '../prims/registry.js';
import { JS_HELPERS } from '../prims/elementwise.js';

export type LoopFn = (out: ArrayLike<number>, ins: ArrayLike<number>[]) => void;

export function jsSource(k: FusedKernel): string {
  const lines: string[] = [];
  const f32 = k.out.dtype === 'f32';
  let tmp = 0;
  const emit = (n: FusedNode): string => {
    if (n.kind === 'const') return `(${n.value})`;
    if (n.kind === 'read') {
      const { input, at } = n.read;
      const i = n.read.shift ? `(i + ${n.read.shift})` : 'i';
      return `in${input}[${at === 'same' ? i : at === 'scalar' ? '0' : `${i} % ${at}`}]`;
    }
    const render = defOf(n.prim).elementwise?.render.js;
    if (!render) throw new Error(`jsgen: '${n.prim}' is not elementwise`);
    const expr = render(n.args.map(emit), n.params, f32);
    const name = `t${tmp++}`;
    // round like the unfused f32 backend does after every op
    lines.push(`const ${name} = ${f32 && n.dtype !== 'i32' ? `Math.fround(${expr})` : expr};`);
    return name;
  };
  const result = emit(k.tree);
  const header = k.inputs.map((_, i) => `const in${i} = ins[${i}];`).join(' ');
  return `${header}\nfor (let i = 0; i < ${k.size}; i++) {\n  ${lines.join('\n  ')}\n  out[i] = ${result};\n}`;
}

export function jsLoop(k: FusedKernel): LoopFn {
  // S: the scalar helpers (erf, softplus) that some primitives render as calls
  const loop = new Function('out', 'ins', 'S', jsSource(k)) as (
    out: ArrayLike<number>,
    ins: ArrayLike<number>[],
    S: typeof JS_HELPERS,
  ) => void;
  return (out, ins) => loop(out, ins, JS_HELPERS);
}
