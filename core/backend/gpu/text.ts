// Pieces of gpu.js kernel text shared by the per-primitive kernel generators (source.ts, bspline.ts).
import { lit } from '../../kernels/glsl.js';
import { stridesOf, type Shape } from '../../shape.js';

export { lit };

/**
 * Lines that split the flat index `flat` into per-axis indices `${name}0..` of `shape`. Floating-point
 * division on a GPU may be approximate, so the quotient is taken at flat + 0.5 (exact below 2^23).
 */
export function decompose(flat: string, shape: Shape, name: string): string[] {
  const strides = stridesOf(shape);
  const lines = [`let ${name}r = ${flat};`];
  shape.forEach((_, d) => {
    const s = strides[d];
    lines.push(`const ${name}${d} = ${s === 1 ? `${name}r` : `Math.floor((${name}r + 0.5) / ${lit(s)})`};`);
    if (d < shape.length - 1) lines.push(`${name}r = ${name}r - ${name}${d} * ${lit(s)};`);
  });
  return lines;
}

/** A kernel of `args` inputs x0.. over the flat output (thread i computes out[i]): `lines`, then `result`. */
export const body = (args: number, lines: string[], result: string): string =>
  `function (${[...Array(args).keys()].map((k) => `x${k}`).join(', ')}) {\n  const i = this.thread.x;\n  ${lines.join('\n  ')}\n  return ${result};\n}`;
