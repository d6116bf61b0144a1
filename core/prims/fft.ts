// Discrete Fourier transforms along the last axis (complex values as a trailing (re, im) pair).
// All four are linear; their transposes are the adjoint transforms (core/fft.ts, fftAdjoints).
import { ShapeError } from '../errors.js';
import { allocate, type TypedArray } from '../dtype.js';
import type { Aval } from '../ir.js';
import { sizeOf } from '../shape.js';
import * as fftKernels from '../kernels/fft.js';
import type { NoParams, PrimTable } from './types.js';
import { batchLeading } from './batching.js';

export interface FftParams {
  rfft: NoParams;
  /** size: the length of the real signal */
  irfft: { readonly size: number };
  fft: NoParams;
  ifft: NoParams;
}

/** Complex values stored as (re, im) pairs: row `row` of length re.length <-> split arrays. */
function deinterleave(x: TypedArray, row: number, re: Float64Array, im: Float64Array): void {
  for (let k = 0; k < re.length; k++) {
    re[k] = x[2 * (row + k)];
    im[k] = x[2 * (row + k) + 1];
  }
}
function interleave(re: Float64Array, im: Float64Array, out: TypedArray, row: number): void {
  for (let k = 0; k < re.length; k++) {
    out[2 * (row + k)] = re[k];
    out[2 * (row + k) + 1] = im[k];
  }
}

function complexTransform(x: TypedArray, n: number, out: Aval, inverse: boolean): TypedArray {
  const res = allocate(out.dtype, x.length);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let r = 0; r < x.length / (2 * n); r++) {
    deinterleave(x, r * n, re, im);
    fftKernels.fftInPlace(re, im, inverse);
    interleave(re, im, res, r * n);
  }
  return res;
}

const sameAval = ([a]: readonly Aval[]): Aval => ({ shape: a.shape, dtype: a.dtype });

export const fftPrims: PrimTable<keyof FftParams> = {
  rfft: {
    name: 'rfft',
    batch: batchLeading(),
    shape: ([a]) => {
      if (a.dtype === 'i32') throw new ShapeError('rfft', 'expected a float tensor');
      const n = a.shape[a.shape.length - 1];
      return { shape: [...a.shape.slice(0, -1), (n >> 1) + 1, 2], dtype: a.dtype };
    },
    impl: ([x], [s], out) => {
      const n = s[s.length - 1];
      const m = (n >> 1) + 1;
      const res = allocate(out.dtype, sizeOf(out.shape));
      for (let r = 0; r < x.length / n; r++) {
        const { re, im } = fftKernels.rfft(Float64Array.from(x.subarray(r * n, (r + 1) * n)));
        interleave(re, im, res, r * m);
      }
      return res;
    },
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct, [x]) => [lax.fftAdjoints.rfft(ct, x.shape[x.rank - 1])] },
  },
  irfft: {
    name: 'irfft',
    batch: batchLeading(),
    shape: ([a], { size: n }) => {
      const m = a.shape[a.shape.length - 2];
      if (!Number.isInteger(n) || n < 1 || (n >> 1) + 1 !== m) {
        throw new ShapeError('irfft', `${m} bins cannot come from a real signal of length ${n}`);
      }
      return { shape: [...a.shape.slice(0, -2), n], dtype: a.dtype };
    },
    impl: ([x], [s], out, { size: n }) => {
      const m = s[s.length - 2];
      const res = allocate(out.dtype, sizeOf(out.shape));
      const re = new Float64Array(m);
      const im = new Float64Array(m);
      for (let r = 0; r < x.length / (2 * m); r++) {
        deinterleave(x, r * m, re, im);
        res.set(fftKernels.irfft(re, im, n), r * n);
      }
      return res;
    },
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct, _x, { size }) => [lax.fftAdjoints.irfft(ct, size)] },
  },
  fft: {
    name: 'fft',
    batch: batchLeading(),
    shape: sameAval,
    impl: ([x], [s], out) => complexTransform(x, s[s.length - 2], out, false),
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct) => [lax.fftAdjoints.fft(ct)] },
  },
  ifft: {
    name: 'ifft',
    batch: batchLeading(),
    shape: sameAval,
    impl: ([x], [s], out) => complexTransform(x, s[s.length - 2], out, true),
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct) => [lax.fftAdjoints.ifft(ct)] },
  },
};
