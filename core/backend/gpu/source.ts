// gpu.js kernel sources, generated per primitive from static shapes and params. Every kernel is
// one-dimensional over the flattened output (thread i computes out[i]); shapes and strides are baked
// in as literals, so each kernel is straight-line arithmetic plus constant-bound loops, which gpu.js
// translates to GLSL (webgl/webgl2), WGSL, WebAssembly or plain JS (cpu) alike.
import type { AnyParams, PrimName, PrimParams } from '../../prims/types.js';
import type { TypedArray } from '../../dtype.js';
import { defOf } from '../../prims/registry.js';
import { sizeOf, stridesOf, type Shape } from '../../shape.js';
import { body, decompose, lit } from './text.js';
import { bsplineGuard, bsplineKernel } from './bspline.js';

export { decompose, lit };

/** `base + sum_d coef[d] * idx_d` with zero terms dropped. */
function affine(base: number, coef: readonly number[], name: string): string {
  const terms = coef.flatMap((c, d) => (c === 0 ? [] : [c === 1 ? `${name}${d}` : `${name}${d} * ${lit(c)}`]));
  if (base !== 0 || !terms.length) terms.unshift(lit(base));
  return terms.join(' + ');
}

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
  const lines = kept.length
    ? decompose(
        'i',
        kept.map((d) => inShape[d]),
        'o',
      )
    : [];
  const keptOffset = kept.map((d, j) => `o${j} * ${lit(strides[d])}`).join(' + ') || '0.0';
  const count = sizeOf(reduced.map((d) => inShape[d]));
  lines.push(`const base = ${keptOffset};`, `let acc = ${max ? '-3.4e38' : '0.0'};`);
  const inner = decompose(
    'j',
    reduced.map((d) => inShape[d]),
    'r',
  );
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

function matmul(aShape: Shape, outShape: Shape, p: PrimParams['matmul']): string {
  const r = outShape.length;
  const [m, n] = [outShape[r - 2], outShape[r - 1]];
  const k = p.transA ? aShape[r - 2] : aShape[r - 1];
  // element (row, kk) of A and (kk, col) of B inside batch b, in row-major storage
  const aAt = p.transA ? `b * ${lit(m * k)} + kk * ${lit(m)} + row` : `b * ${lit(m * k)} + row * ${lit(k)} + kk`;
  const bAt = p.transB ? `b * ${lit(k * n)} + col * ${lit(k)} + kk` : `b * ${lit(k * n)} + kk * ${lit(n)} + col`;
  const lines = [
    ...decompose('i', [sizeOf(outShape.slice(0, r - 2)), m, n], 'o'),
    'const b = o0;',
    'const row = o1;',
    'const col = o2;',
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
  const expr = branches
    .slice(0, -1)
    .reduceRight((acc, b) => `(o1 < ${lit(b.end)} ? ${b.read} : ${acc})`, branches[branches.length - 1].read);
  return body(inShapes.length, lines, expr);
}

function pad(inShape: Shape, outShape: Shape, { before }: PrimParams['pad']): string {
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

/** Above this many index tests per call (output cells x indices), scatter-add stays on the reference loops. */
export const SCATTER_MAX_WORK = 1 << 24;
/** Above this many indices (one thread's loop; a long-running shader can trip a GPU watchdog) too. */
export const SCATTER_MAX_INDICES = 1 << 16;

/**
 * Scatter-add in gather form (WebGL cannot scatter): output cell (o, a, i) sums the updates (o, j, i) of every j with
 * idx[j] = a, so each thread scans all m indices and a call costs output x m; past SCATTER_MAX_WORK or
 * SCATTER_MAX_INDICES (large index lists, e.g. particle-to-grid transfers) the host loops' O(m) is the better deal. An out-of-range index adds nothing here
 * (the host loops throw), as gather's kernel does not check its indices either.
 */
function scatterAdd(idxShape: Shape, outShape: Shape, { axis, size }: PrimParams['scatter_add']): string | null {
  const m = sizeOf(idxShape);
  if (m > SCATTER_MAX_INDICES || sizeOf(outShape) * m > SCATTER_MAX_WORK) return null;
  const inner = sizeOf(outShape.slice(axis + 1));
  const lines = [
    ...decompose('i', [sizeOf(outShape.slice(0, axis)), size, inner], 'o'),
    'let acc = 0.0;',
    `for (let j = 0; j < ${m}; j++) {`,
    // indices are exact in f32; the half-unit window keeps an approximate GPU comparison safe
    '  if (Math.abs(x0[j] - o1) < 0.5) {',
    `    acc = acc + x1[o0 * ${lit(m * inner)} + j * ${lit(inner)} + o2];`,
    '  }',
    '}',
  ];
  return body(2, lines, 'acc');
}

/** Kernels of the primitives that are not elementwise, per primitive (absent or null: stays on the reference loops). */
type KernelText<K extends PrimName> = (inShapes: readonly Shape[], outShape: Shape, p: PrimParams[K]) => string | null;
const KERNELS: { [K in PrimName]?: KernelText<K> } = {
  reshape: () => body(1, [], 'x0[i]'),
  broadcast: ([s0], outShape) => {
    const off = outShape.length - s0.length;
    const strides = stridesOf(s0);
    return stridedRead(
      outShape,
      0,
      outShape.map((_, d) => (d < off || s0[d - off] === 1 ? 0 : strides[d - off])),
    );
  },
  transpose: ([s0], outShape, { perm }) => {
    const strides = stridesOf(s0);
    return stridedRead(
      outShape,
      0,
      perm.map((a) => strides[a]),
    );
  },
  slice: ([s0], outShape, { start }) => {
    const strides = stridesOf(s0);
    return stridedRead(
      outShape,
      start.reduce((acc, st, d) => acc + st * strides[d], 0),
      strides,
    );
  },
  reduce_sum: ([s0], _o, { axes }) => reduction(s0, axes, false),
  reduce_max: ([s0], _o, { axes }) => reduction(s0, axes, true),
  matmul: ([s0], outShape, p) => matmul(s0, outShape, p),
  concat: (inShapes, outShape, { axis }) => concat(inShapes, outShape, axis),
  pad: ([s0], outShape, p) => pad(s0, outShape, p),
  gather: ([s0, s1], _o, { axis }) => gather(s0, s1, axis),
  scatter_add: ([s0], outShape, p) => scatterAdd(s0, outShape, p),
  bspline_transfer: (inShapes, _o, p) => bsplineKernel(inShapes, p),
};

/** A check a device kernel cannot make (it cannot throw), run on the host before it on the inputs it names. */
export interface HostCheck {
  readonly inputs: readonly number[];
  check(values: readonly TypedArray[]): void;
}
const CHECKS: { [K in PrimName]?: (inShapes: readonly Shape[], p: PrimParams[K]) => HostCheck } = {
  bspline_transfer: bsplineGuard,
};

/** The host check to run before `prim`'s device kernel, if it has one. */
export function hostCheck(prim: PrimName, inShapes: readonly Shape[], p: AnyParams): HostCheck | null {
  const make = CHECKS[prim] as ((s: readonly Shape[], q: AnyParams) => HostCheck) | undefined;
  return make ? make(inShapes, p) : null;
}

/**
 * The kernel source computing `prim` for these shapes, or null when the primitive stays on the
 * reference loops (random draws, FFTs, scatter-add over large index lists, B-spline transfers with tangents or a
 * P2G too large for the gather form, and anything not f32 in and out).
 */
export function primitiveSource(prim: PrimName, inShapes: readonly Shape[], outShape: Shape, p: AnyParams): string | null {
  const ew = defOf(prim).elementwise;
  if (ew) {
    const expr = ew.render.gpu(
      inShapes.map((_, k) => `x${k}[i]`),
      p,
    );
    return expr === null ? null : body(inShapes.length, [], expr);
  }
  const kernel = KERNELS[prim] as KernelText<PrimName> | undefined;
  return kernel ? kernel(inShapes, outShape, p) : null;
}
