// gpu.js kernel sources, generated per primitive from static shapes and params. Every kernel is
// one-dimensional over the flattened output (thread i computes out[i]); shapes and strides are baked
// in as literals, so each kernel is straight-line arithmetic plus constant-bound loops, which gpu.js
// translates to GLSL (webgl/webgl2), WGSL, WebAssembly or plain JS (cpu) alike.
import type { Params } from '../../ir.js';
import { sizeOf, stridesOf, type Shape } from '../../shape.js';

/** A float literal that GLSL accepts (it rejects `2` where a float is expected). */
export function lit(v: number): string {
  if (Number.isNaN(v)) return '(0.0 / 0.0)';
  if (!Number.isFinite(v)) return v > 0 ? '3.4e38' : '-3.4e38';
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Elementwise expressions shared by the per-primitive kernels and the fused loops (gpugen.ts). */
export function unaryExpr(prim: string, a: string, exponent?: number): string | null {
  switch (prim) {
    case 'neg': return `(-${a})`;
    case 'stop_gradient': return a;
    case 'exp': return `Math.exp(${a})`;
    case 'log': return `Math.log(${a})`;
    case 'sin': return `Math.sin(${a})`;
    case 'cos': return `Math.cos(${a})`;
    // GLSL's tanh overflows to NaN for large |x| on some drivers; tanh(15) is 1 in f32 anyway
    case 'tanh': return `Math.tanh(Math.min(Math.max(${a}, -15.0), 15.0))`;
    case 'sqrt': return `Math.sqrt(${a})`;
    case 'powc': return powExpr(a, exponent as number);
    default: return null;
  }
}

/** GLSL's pow is undefined for negative bases, so integer exponents keep the sign by hand. */
function powExpr(a: string, p: number): string {
  if (p === 1) return a;
  if (p === 2) return `(${a} * ${a})`;
  if (!Number.isInteger(p)) return `Math.pow(${a}, ${lit(p)})`;
  const mag = `Math.pow(Math.abs(${a}), ${lit(p)})`;
  return p % 2 === 0 ? mag : `(${a} < 0.0 ? -${mag} : ${mag})`;
}

export function binaryExpr(prim: string, a: string, b: string): string | null {
  switch (prim) {
    case 'add': return `(${a} + ${b})`;
    case 'sub': return `(${a} - ${b})`;
    case 'mul': return `(${a} * ${b})`;
    case 'div': return `(${a} / ${b})`;
    case 'max': return `Math.max(${a}, ${b})`;
    case 'gt': return `(${a} > ${b} ? 1.0 : 0.0)`;
    case 'ge': return `(${a} >= ${b} ? 1.0 : 0.0)`;
    case 'eq': return `(${a} == ${b} ? 1.0 : 0.0)`;
    default: return null;
  }
}

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

/** `base + sum_d coef[d] * idx_d` with zero terms dropped. */
function affine(base: number, coef: readonly number[], name: string): string {
  const terms = coef.flatMap((c, d) => (c === 0 ? [] : [c === 1 ? `${name}${d}` : `${name}${d} * ${lit(c)}`]));
  if (base !== 0 || !terms.length) terms.unshift(lit(base));
  return terms.join(' + ');
}

const body = (args: number, lines: string[], result: string): string =>
  `function (${[...Array(args).keys()].map((k) => `x${k}`).join(', ')}) {\n  const i = this.thread.x;\n  ${lines.join('\n  ')}\n  return ${result};\n}`;

/** A kernel reading input 0 at an affine function of the output's multi-index. */
function stridedRead(outShape: Shape, base: number, coef: readonly number[]): string {
  if (outShape.length === 0) return body(1, [], `x0[${lit(base)}]`);
  return body(1, decompose('i', outShape, 'o'), `x0[${affine(base, coef, 'o')}]`);
}

/** Reduction over `axes`: each thread loops over the reduced elements of its output cell. */
function reduction(inShape: Shape, axes: readonly number[], max: boolean): string {
  const strides = stridesOf(inShape);
  const kept = inShape.map((_, d) => d).filter((d) => !axes.includes(d));
  const reduced = [...axes].sort((a, b) => a - b);
  const lines = kept.length ? decompose('i', kept.map((d) => inShape[d]), 'o') : [];
  const keptOffset = kept.map((d, j) => `o${j} * ${lit(strides[d])}`).join(' + ') || '0.0';
  const count = sizeOf(reduced.map((d) => inShape[d]));
  lines.push(`const base = ${keptOffset};`, `let acc = ${max ? '-3.4e38' : '0.0'};`);
  const inner = decompose('j', reduced.map((d) => inShape[d]), 'r');
  const offset = reduced.map((d, j) => `r${j} * ${lit(strides[d])}`).join(' + ') || '0.0';
  const v = `x0[base + ${offset}]`;
  lines.push(
    `for (let j = 0; j < ${count}; j++) {`,
    ...inner.map((l) => `  ${l}`),
    `  acc = ${max ? `Math.max(acc, ${v})` : `acc + ${v}`};`,
    '}',
  );
  return body(1, lines, 'acc');
}

function matmul(aShape: Shape, outShape: Shape, p: Params): string {
  const r = outShape.length;
  const [m, n] = [outShape[r - 2], outShape[r - 1]];
  const k = p.transA ? aShape[r - 2] : aShape[r - 1];
  // element (row, kk) of A and (kk, col) of B inside batch b, in row-major storage
  const aAt = p.transA ? `b * ${lit(m * k)} + kk * ${lit(m)} + row` : `b * ${lit(m * k)} + row * ${lit(k)} + kk`;
  const bAt = p.transB ? `b * ${lit(k * n)} + col * ${lit(k)} + kk` : `b * ${lit(k * n)} + kk * ${lit(n)} + col`;
  const lines = [
    ...decompose('i', [sizeOf(outShape.slice(0, r - 2)), m, n], 'o'),
    'const b = o0;', 'const row = o1;', 'const col = o2;',
    'let acc = 0.0;',
    `for (let kk = 0; kk < ${k}; kk++) {`,
    `  acc = acc + x0[${aAt}] * x1[${bAt}];`,
    '}',
  ];
  return body(2, lines, 'acc');
}

function concat(inShapes: readonly Shape[], outShape: Shape, axis: number): string {
  const inner = sizeOf(outShape.slice(axis + 1));
  const lines = decompose('i', [sizeOf(outShape.slice(0, axis)), outShape[axis], inner], 'o');
  let start = 0;
  const branches = inShapes.map((s, k) => {
    const len = s[axis];
    const read = `x${k}[o0 * ${lit(len * inner)} + (o1 - ${lit(start)}) * ${lit(inner)} + o2]`;
    start += len;
    return { end: start, read };
  });
  // nested conditionals: the first input whose range holds o1
  const expr = branches.slice(0, -1).reduceRight((acc, b) => `(o1 < ${lit(b.end)} ? ${b.read} : ${acc})`, branches[branches.length - 1].read);
  return body(inShapes.length, lines, expr);
}

function pad(inShape: Shape, outShape: Shape, p: Params): string {
  const before = p.before as readonly number[];
  const strides = stridesOf(inShape);
  const lines = decompose('i', outShape, 'o');
  const inside = inShape.map((d, k) => `o${k} >= ${lit(before[k])} && o${k} < ${lit(before[k] + d)}`).join(' && ') || 'true';
  const at = inShape.map((_, k) => `(o${k} - ${lit(before[k])}) * ${lit(strides[k])}`).join(' + ') || '0.0';
  lines.push('let v = 0.0;', `if (${inside}) {`, `  v = x0[${at}];`, '}');
  return body(1, lines, 'v');
}

function gather(xShape: Shape, idxShape: Shape, axis: number): string {
  const inner = sizeOf(xShape.slice(axis + 1));
  const lines = decompose('i', [sizeOf(xShape.slice(0, axis)), sizeOf(idxShape), inner], 'o');
  return body(2, lines, `x0[o0 * ${lit(xShape[axis] * inner)} + x1[o1] * ${lit(inner)} + o2]`);
}

/**
 * The kernel source computing `prim` for these shapes, or null when the primitive stays on the
 * reference loops (random draws, FFTs, scatter-add, and anything not f32 in and out).
 */
export function primitiveSource(prim: string, inShapes: readonly Shape[], outShape: Shape, p: Params): string | null {
  const [s0] = inShapes;
  const unary = unaryExpr(prim, 'x0[i]', p.exponent);
  if (unary) return body(1, [], unary);
  const binary = binaryExpr(prim, 'x0[i]', 'x1[i]');
  if (binary) return body(2, [], binary);
  switch (prim) {
    case 'where': return body(3, [], '(x0[i] != 0.0 ? x1[i] : x2[i])');
    case 'reshape':
    case 'cast': return body(1, [], 'x0[i]');
    case 'broadcast': {
      const off = outShape.length - s0.length;
      const strides = stridesOf(s0);
      return stridedRead(outShape, 0, outShape.map((_, d) => (d < off || s0[d - off] === 1 ? 0 : strides[d - off])));
    }
    case 'transpose': {
      const strides = stridesOf(s0);
      return stridedRead(outShape, 0, (p.perm as readonly number[]).map((a) => strides[a]));
    }
    case 'slice': {
      const strides = stridesOf(s0);
      const base = (p.start as readonly number[]).reduce((acc, st, d) => acc + st * strides[d], 0);
      return stridedRead(outShape, base, strides);
    }
    case 'reduce_sum':
    case 'reduce_max': return reduction(s0, p.axes ?? [], prim === 'reduce_max');
    case 'matmul': return matmul(s0, outShape, p);
    case 'concat': return concat(inShapes, outShape, p.axis as number);
    case 'pad': return pad(s0, outShape, p);
    case 'gather': return gather(s0, inShapes[1], p.axis as number);
    default: return null;
  }
}
