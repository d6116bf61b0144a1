// The bspline_transfer primitive (core/prims/bspline.ts) as gpu.js kernels, for the first-order slots the MPM step
// and its gradient use (no tangents; jvp transfers with tangents stay on the reference loops). Every kernel is one
// thread per output cell (source.ts), with the stencil's 3^d nodes unrolled:
//   coef [c, 1+d, N] (G2P): the particle's stencil sums of the grid times w and w (x_node - x_p);
//   pos [d, N]: the position gradient, d/dx_a [w (A_0 + sum_b A_b off_b)] = dw/dx_a v - w A_{1+a};
//   grid [c, nGrid^d] (P2G) in gather form, as scatter-add's kernel (WebGL cannot scatter): each cell scans every
//   particle and adds those whose stencil holds it, so a call costs cells x N; past TRANSFER_MAX_WORK or
//   TRANSFER_MAX_PARTICLES the whole transfer stays on the host loops;
//   pos+coef / pos+grid: both in one kernel over the flat output (pos first).
// A device kernel cannot throw: the host checks the positions first (bsplineGuard), so a particle off the grid
// raises the same RangeError as the reference loops.
import type { PrimParams } from '../../prims/types.js';
import type { TypedArray } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import { checkOnGrid, slotsOf } from '../../kernels/bspline.js';
import { body, decompose, lit } from './text.js';

type P = PrimParams['bspline_transfer'];

/** Above this many particle tests per call (grid cells x particles), a transfer filling the grid stays on the host. */
export const TRANSFER_MAX_WORK = 1 << 24;
/** Above this many particles (one thread's scan of a P2G cell) too. */
export const TRANSFER_MAX_PARTICLES = 1 << 16;

interface Geometry {
  d: number;
  n: number;
  c: number;
  nGrid: number;
  /** grid cells nGrid^d, coefficient rows 1 + d */
  G: number;
  R: number;
  /** the kernel arguments holding positions, coefficients and grid (null: not an input of this slot) */
  A: string | null;
  g: string | null;
}

interface Part {
  lines: string[];
  result: string;
}

/** The 3^d stencil nodes: per node its digit per axis (axis 0 slowest) and its flat offset from the base node. */
function stencil(d: number, nGrid: number): Array<{ k: number[]; off: number }> {
  return Array.from({ length: 3 ** d }, (_, kk) => {
    const k = Array.from({ length: d }, (_v, a) => Math.floor(kk / 3 ** (d - 1 - a)) % 3);
    return { k, off: k.reduce((acc, ka, a) => acc + ka * nGrid ** (d - 1 - a), 0) };
  });
}

/** `e0` where idx is 0, `e1` where 1, ... (idx a float holding an integer). */
const select = (idx: string, exprs: readonly string[]): string =>
  exprs.slice(0, -1).reduceRight((acc, e, r) => `(${idx} < ${lit(r + 0.5)} ? ${e} : ${acc})`, exprs[exprs.length - 1]);

/**
 * Per axis a of particle `p`: base node b, fraction f, weights w{a}_k, offsets h{a}_k = (k - f) dx and, with
 * `deriv`, the weights' x-derivatives e{a}_k; then the base node's flat index bi. Names carry the prefix `pre`.
 */
function particleLines(q: Geometry, p: string, pre: string, deriv: boolean): string[] {
  const { d, n, nGrid } = q;
  const L: string[] = [];
  for (let a = 0; a < d; a++) {
    const f = `${pre}f${a}`;
    L.push(
      `const ${pre}s${a} = x0[${a ? `${p} + ${lit(a * n)}` : p}] * ${lit(nGrid)};`,
      `const ${pre}b${a} = Math.floor(${pre}s${a} - 0.5);`,
      `const ${f} = ${pre}s${a} - ${pre}b${a};`,
      `const ${pre}w${a}_0 = 0.5 * (1.5 - ${f}) * (1.5 - ${f});`,
      `const ${pre}w${a}_1 = 0.75 - (${f} - 1.0) * (${f} - 1.0);`,
      `const ${pre}w${a}_2 = 0.5 * (${f} - 0.5) * (${f} - 0.5);`,
      ...[0, 1, 2].map((k) => `const ${pre}h${a}_${k} = (${lit(k)} - ${f}) * ${lit(1 / nGrid)};`),
    );
    if (deriv)
      L.push(
        `const ${pre}e${a}_0 = (${f} - 1.5) * ${lit(nGrid)};`,
        `const ${pre}e${a}_1 = -2.0 * (${f} - 1.0) * ${lit(nGrid)};`,
        `const ${pre}e${a}_2 = (${f} - 0.5) * ${lit(nGrid)};`,
      );
  }
  const bi = Array.from({ length: d }, (_, a) => (a < d - 1 ? `${pre}b${a} * ${lit(nGrid ** (d - 1 - a))}` : `${pre}b${a}`));
  L.push(`const ${pre}bi = ${bi.join(' + ')};`);
  return L;
}

/** G2P: out[ch, r, p] = sum over the stencil of g[ch, node] w (r = 0) or w h_{r-1}. */
function coefPart(q: Geometry, flat: string, pre: string): Part {
  const g = q.g as string;
  const L = [...decompose(flat, [q.c, q.R, q.n], `${pre}o`), ...particleLines(q, `${pre}o2`, pre, false)];
  L.push(`const ${pre}gb = ${pre}o0 * ${lit(q.G)} + ${pre}bi;`, `let ${pre}t = 0.0;`);
  for (let r = 0; r < q.R; r++) L.push(`let ${pre}c${r} = 0.0;`);
  for (const { k, off } of stencil(q.d, q.nGrid)) {
    L.push(
      `${pre}t = ${g}[${pre}gb + ${lit(off)}] * ${k.map((ka, a) => `${pre}w${a}_${ka}`).join(' * ')};`,
      `${pre}c0 = ${pre}c0 + ${pre}t;`,
    );
    k.forEach((ka, a) => L.push(`${pre}c${1 + a} = ${pre}c${1 + a} + ${pre}t * ${pre}h${a}_${ka};`));
  }
  return {
    lines: L,
    result: select(
      `${pre}o1`,
      Array.from({ length: q.R }, (_, r) => `${pre}c${r}`),
    ),
  };
}

/** The position gradient: out[a, p] = sum over channels and the stencil of g (dw/dx_a v - w A_{1+a}). */
function posPart(q: Geometry, flat: string, pre: string): Part {
  const { d, n, c, R } = q;
  const [A, g] = [q.A as string, q.g as string];
  const L = [...decompose(flat, [d, n], `${pre}o`), ...particleLines(q, `${pre}o1`, pre, true)];
  for (let a = 0; a < d; a++) L.push(`let ${pre}z${a} = 0.0;`);
  L.push(`let ${pre}t = 0.0;`, `let ${pre}v = 0.0;`, `for (let ch = 0; ch < ${c}; ch++) {`);
  const I: string[] = [`const ${pre}ab = ch * ${lit(R * n)} + ${pre}o1;`];
  for (let r = 0; r < R; r++) I.push(`const ${pre}a${r} = ${A}[${r ? `${pre}ab + ${lit(r * n)}` : `${pre}ab`}];`);
  I.push(`const ${pre}gb = ch * ${lit(q.G)} + ${pre}bi;`);
  for (const { k, off } of stencil(d, q.nGrid)) {
    const w = k.map((ka, a) => `${pre}w${a}_${ka}`).join(' * ');
    I.push(
      `${pre}t = ${g}[${pre}gb + ${lit(off)}];`,
      `${pre}v = ${pre}a0 + ${k.map((ka, a) => `${pre}a${1 + a} * ${pre}h${a}_${ka}`).join(' + ')};`,
    );
    for (let a = 0; a < d; a++) {
      const dw = k.map((kb, b) => `${pre}${b === a ? 'e' : 'w'}${b}_${kb}`).join(' * ');
      I.push(`${pre}z${a} = ${pre}z${a} + ${pre}t * (${dw} * ${pre}v - ${w} * ${pre}a${1 + a});`);
    }
  }
  L.push(...I.map((l) => `  ${l}`), '}');
  return {
    lines: L,
    result: select(
      `${pre}o0`,
      Array.from({ length: d }, (_, a) => `${pre}z${a}`),
    ),
  };
}

/** P2G in gather form: out[ch, node] = sum over the particles whose stencil holds the node of w (A_0 + sum_a A_{1+a} h_a). */
function gridPart(q: Geometry, flat: string, pre: string): Part {
  const { d, n, nGrid, R } = q;
  const A = q.A as string;
  const L = [
    ...decompose(flat, [q.c, ...Array<number>(d).fill(nGrid)], `${pre}o`),
    `let ${pre}acc = 0.0;`,
    `for (let p = 0; p < ${n}; p++) {`,
  ];
  const I: string[] = [];
  for (let a = 0; a < d; a++)
    I.push(
      `const ${pre}s${a} = x0[${a ? `p + ${lit(a * n)}` : 'p'}] * ${lit(nGrid)};`,
      `const ${pre}b${a} = Math.floor(${pre}s${a} - 0.5);`,
      `const ${pre}k${a} = ${pre}o${1 + a} - ${pre}b${a};`,
    );
  const inside = Array.from({ length: d }, (_, a) => `${pre}k${a} > -0.5 && ${pre}k${a} < 2.5`).join(' && ');
  I.push(`if (${inside}) {`);
  const J: string[] = [];
  for (let a = 0; a < d; a++) {
    const [f, k] = [`${pre}f${a}`, `${pre}k${a}`];
    J.push(
      `const ${f} = ${pre}s${a} - ${pre}b${a};`,
      `const ${pre}w${a} = ${select(k, [`0.5 * (1.5 - ${f}) * (1.5 - ${f})`, `0.75 - (${f} - 1.0) * (${f} - 1.0)`, `0.5 * (${f} - 0.5) * (${f} - 0.5)`])};`,
    );
  }
  J.push(`const ${pre}ab = ${pre}o0 * ${lit(R * n)} + p;`);
  const v = [
    `${A}[${pre}ab]`,
    ...Array.from({ length: d }, (_, a) => `${A}[${pre}ab + ${lit((1 + a) * n)}] * (${pre}k${a} - ${pre}f${a}) * ${lit(1 / nGrid)}`),
  ];
  const w = Array.from({ length: d }, (_, a) => `${pre}w${a}`).join(' * ');
  J.push(`${pre}acc = ${pre}acc + ${w} * (${v.join(' + ')});`);
  I.push(...J.map((l) => `  ${l}`), '}');
  L.push(...I.map((l) => `  ${l}`), '}');
  return { lines: L, result: `${pre}acc` };
}

const PARTS = { coef: coefPart, pos: posPart, grid: gridPart } as const;

/** The kernel source of a first-order transfer, or null where it stays on the host (tangents, a P2G too large). */
export function bsplineKernel(inShapes: readonly Shape[], p: P): string | null {
  if (p.tangents > 0) return null;
  const [d, n] = inShapes[0];
  const c = inShapes[1][0];
  const G = p.nGrid ** d;
  const slots = slotsOf(p.free);
  if (slots.includes('grid') && (n > TRANSFER_MAX_PARTICLES || c * G * n > TRANSFER_MAX_WORK)) return null;
  const A = p.free === 'coef' ? null : 'x1';
  const g = p.free === 'grid' ? null : A ? 'x2' : 'x1';
  const q: Geometry = { d, n, c, nGrid: p.nGrid, G, R: 1 + d, A, g };
  const args = 1 + (A ? 1 : 0) + (g ? 1 : 0);
  if (slots.length === 1) {
    const part = PARTS[slots[0]](q, 'i', '');
    return body(args, part.lines, part.result);
  }
  const pos = posPart(q, 'i', 'P');
  const rest = PARTS[slots[1]](q, `i - ${lit(d * n)}`, 'Q');
  const indent = (ls: string[]) => ls.map((l) => `  ${l}`);
  const lines = [
    'let out = 0.0;',
    `if (i < ${lit(d * n)}) {`,
    ...indent(pos.lines),
    `  out = ${pos.result};`,
    '} else {',
    ...indent(rest.lines),
    `  out = ${rest.result};`,
    '}',
  ];
  return body(args, lines, 'out');
}

/** The host's check before a device transfer: every particle's stencil inside the grid (input 0, the positions). */
export function bsplineGuard(inShapes: readonly Shape[], p: P): { inputs: readonly number[]; check(values: readonly TypedArray[]): void } {
  const [d, n] = inShapes[0];
  return { inputs: [0], check: ([x]) => checkOnGrid(x, d, n, p.nGrid) };
}
