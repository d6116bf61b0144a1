// WGSL kernels for the four FFT primitives (core/prims/fft.ts) along the last axis, complex values as (re, im)
// word pairs. Every transform runs through one complex core: for a power-of-two length, radix-2 Stockham stages
// (one dispatch per stage, one thread per butterfly, natural order out, no bit reversal); for any other length a
// direct DFT (one thread per output bin, O(n) each). Twiddles come from a table computed in f64 on the host and
// stored in the arena, so no shader evaluates sin/cos. rfft and irfft widen their input to a complex sequence in
// scratch, run the core and keep what they return (real parts, or the first floor(n/2)+1 bins).
import type { PrimParams } from '../../prims/types.js';
import { sizeOf, type Shape } from '../../shape.js';
import { wgslLit } from '../../kernels/wgsl.js';
import { decompose, perElement, u, type Kernel } from './shaders.js';

export type FftPrim = 'rfft' | 'irfft' | 'fft' | 'ifft';

/** One FFT equation: `rows` transforms of length `n`, of primitive `prim`. */
export interface FftJob {
  readonly prim: FftPrim;
  readonly n: number;
  readonly rows: number;
}

export function fftJob(prim: FftPrim, inShape: Shape, params: PrimParams[FftPrim]): FftJob {
  const r = inShape.length;
  if (prim === 'rfft') return { prim, n: inShape[r - 1], rows: sizeOf(inShape.slice(0, -1)) };
  const n = prim === 'irfft' ? (params as PrimParams['irfft']).size : inShape[r - 2];
  return { prim, n, rows: sizeOf(inShape.slice(0, -2)) };
}

const isPowerOfTwo = (n: number): boolean => n > 1 && (n & (n - 1)) === 0;

/** Words of scratch a job needs during its own step: a ping-pong buffer, and for rfft/irfft the widened input and the result. */
export function fftScratchWords({ prim, n, rows }: FftJob): number {
  const complex = 2 * n * rows;
  return prim === 'fft' || prim === 'ifft' ? complex : 3 * complex;
}

/** (cos, sin)(2 pi t / n) for t < n, interleaved: the twiddle table every kernel of a length-n job reads. */
export function twiddleTable(n: number): Float32Array {
  const table = new Float32Array(2 * n);
  for (let t = 0; t < n; t++) {
    table[2 * t] = Math.cos((2 * Math.PI * t) / n);
    table[2 * t + 1] = Math.sin((2 * Math.PI * t) / n);
  }
  return table;
}

/** ` * scale` for a scale other than 1. */
const scaled = (scale: number): string => (scale === 1 ? '' : ` * ${wgslLit(Math.fround(scale))}`);

/**
 * The complex transform of `rows` sequences of length n from `src` to `dst` (word offsets; [rows, n, 2] each),
 * `ping` a third area of that size; `src` is only read. Forward uses exp(-2 pi i jk/n), inverse exp(+...), and
 * every output is multiplied by `scale`.
 */
function complexCore(
  n: number,
  rows: number,
  inverse: boolean,
  src: number,
  dst: number,
  ping: number,
  tw: number,
  scale: number,
): Kernel[] {
  const sin = inverse ? `m[${u(tw)} + 2u * t + 1u]` : `-m[${u(tw)} + 2u * t + 1u]`;
  const label = `${inverse ? 'inverse ' : ''}FFT ${rows}x${n}`;
  if (!isPowerOfTwo(n)) {
    const body = [
      ...decompose('i', [rows, n], 'o'),
      `let a = ${u(src)} + o0 * ${u(2 * n)};`,
      'var re = 0.0;',
      'var im = 0.0;',
      'var t = 0u;',
      `for (var j = 0u; j < ${u(n)}; j = j + 1u) {`,
      `  let c = m[${u(tw)} + 2u * t];`,
      `  let s = ${sin};`,
      '  let xr = m[a + 2u * j];',
      '  let xi = m[a + 2u * j + 1u];',
      '  re = re + xr * c - xi * s;',
      '  im = im + xr * s + xi * c;',
      // t = (j k) mod n, kept below n so it never overflows
      `  t = t + o1; if (t >= ${u(n)}) { t = t - ${u(n)}; }`,
      '}',
      `m[${u(dst)} + 2u * i] = re${scaled(scale)};`,
      `m[${u(dst)} + 2u * i + 1u] = im${scaled(scale)};`,
    ];
    return [perElement(rows * n, body, `${label} (direct DFT)`)];
  }
  const half = n / 2;
  const stages = Math.log2(n);
  const kernels: Kernel[] = [];
  let from = src;
  for (let s = 0, ns = 1; s < stages; s++, ns *= 2) {
    // the last stage writes dst; the ones before alternate so that they end there
    const to = (stages - 1 - s) % 2 === 0 ? dst : ping;
    const last = s === stages - 1 ? scale : 1;
    const body = [
      ...decompose('i', [rows, half], 'o'),
      `let k = o1 & ${u(ns - 1)};`,
      `let t = k * ${u(n / (2 * ns))};`,
      `let c = m[${u(tw)} + 2u * t];`,
      `let s = ${sin};`,
      `let a = ${u(from)} + o0 * ${u(2 * n)} + 2u * o1;`,
      `let xr = m[a + ${u(n)}];`,
      `let xi = m[a + ${u(n + 1)}];`,
      'let vr = xr * c - xi * s;',
      'let vi = xr * s + xi * c;',
      'let ur = m[a];',
      'let ui = m[a + 1u];',
      // butterfly j = o1 of stage ns lands at 2 (j - k) + k and ns past it (Stockham autosort)
      `let d = ${u(to)} + o0 * ${u(2 * n)} + 2u * (2u * (o1 - k) + k);`,
      `m[d] = (ur + vr)${scaled(last)};`,
      `m[d + 1u] = (ui + vi)${scaled(last)};`,
      `m[d + ${u(2 * ns)}] = (ur - vr)${scaled(last)};`,
      `m[d + ${u(2 * ns + 1)}] = (ui - vi)${scaled(last)};`,
    ];
    kernels.push(perElement(rows * half, body, `${label} (stage ${s + 1} of ${stages})`));
    from = to;
  }
  return kernels;
}

/**
 * The kernels of one FFT equation reading `src` and writing `dst`, with `scratch` (fftScratchWords words, used
 * during this equation only) and the twiddle table of its length at `tw`.
 */
export function fftKernels(job: FftJob, src: number, dst: number, scratch: number, tw: number): Kernel[] {
  const { prim, n, rows } = job;
  const complex = 2 * n * rows;
  if (prim === 'fft' || prim === 'ifft') {
    const inverse = prim === 'ifft';
    return complexCore(n, rows, inverse, src, dst, scratch, tw, inverse ? 1 / n : 1);
  }
  const [wide, result, ping] = [scratch, scratch + complex, scratch + 2 * complex];
  const m = (n >> 1) + 1;
  if (prim === 'rfft') {
    const widen = perElement(
      rows * n,
      [`m[${u(wide)} + 2u * i] = m[${u(src)} + i];`, `m[${u(wide)} + 2u * i + 1u] = 0.0;`],
      `rfft ${rows}x${n} (widen)`,
    );
    const keep = perElement(
      rows * 2 * m,
      [...decompose('i', [rows, 2 * m], 'o'), `m[${u(dst)} + i] = m[${u(result)} + o0 * ${u(2 * n)} + o1];`],
      `rfft ${rows}x${n} (first ${m} bins)`,
    );
    return [widen, ...complexCore(n, rows, false, wide, result, ping, tw, 1), keep];
  }
  // irfft: the Hermitian extension of the m bins (numpy ignores the imaginary parts of DC and, n even, Nyquist)
  const widen = perElement(
    rows * n,
    [
      ...decompose('i', [rows, n], 'o'),
      `let x = ${u(src)} + o0 * ${u(2 * m)};`,
      'var re = 0.0;',
      'var im = 0.0;',
      `if (o1 < ${u(m)}) {`,
      '  re = m[x + 2u * o1];',
      `  im = select(m[x + 2u * o1 + 1u], 0.0, o1 == 0u || 2u * o1 == ${u(n)});`,
      '} else {',
      `  re = m[x + 2u * (${u(n)} - o1)];`,
      `  im = -m[x + 2u * (${u(n)} - o1) + 1u];`,
      '}',
      `m[${u(wide)} + 2u * i] = re;`,
      `m[${u(wide)} + 2u * i + 1u] = im;`,
    ],
    `irfft ${rows}x${n} (Hermitian extension)`,
  );
  const real = perElement(rows * n, [`m[${u(dst)} + i] = m[${u(result)} + 2u * i];`], `irfft ${rows}x${n} (real parts)`);
  return [widen, ...complexCore(n, rows, true, wide, result, ping, tw, 1 / n), real];
}
