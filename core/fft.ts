// Differentiable FFTs along the last axis. Complex values are a trailing (real, imag) pair: [..., n, 2].
import { bind } from './trace.js';
import { Tensor } from './tensor.js';
import * as ops from './ops.js';
import { ShapeError } from './errors.js';
import { fmt } from './shape.js';
import { allocate } from './dtype.js';

function checkComplex(op: string, x: Tensor): void {
  if (x.rank < 2 || x.shape[x.rank - 1] !== 2) {
    throw new ShapeError(op, `expected complex values [..., n, 2], got ${fmt(x.shape)}`);
  }
}

/** numpy.fft.rfft along the last axis: real [..., n] -> complex [..., floor(n/2)+1, 2]. */
export function rfft(x: Tensor): Tensor {
  if (x.rank < 1) throw new ShapeError('rfft', `expected at least one axis, got ${fmt(x.shape)}`);
  return bind('rfft', [x]);
}

/** numpy.fft.irfft along the last complex axis: [..., m, 2] -> real [..., n] (n defaults to 2(m-1)). */
export function irfft(x: Tensor, n?: number): Tensor {
  checkComplex('irfft', x);
  const size = n ?? 2 * (x.shape[x.rank - 2] - 1);
  return bind('irfft', [x], { size });
}

/** numpy.fft.fft (unnormalised) along the last complex axis: [..., n, 2] -> [..., n, 2]. */
export function fft(x: Tensor): Tensor {
  checkComplex('fft', x);
  return bind('fft', [x]);
}

/** numpy.fft.ifft (divides by n) along the last complex axis. */
export function ifft(x: Tensor): Tensor {
  checkComplex('ifft', x);
  return bind('ifft', [x]);
}

/**
 * Per-bin weights [m, 2] for the adjoints of rfft/irfft: bins that irfft counts twice (all but DC and,
 * for even n, Nyquist) get `doubled`, the others `single`; `zeroImagEnds` drops the imaginary parts
 * irfft ignores.
 */
export function binWeights(n: number, like: Tensor, doubled: number, single: number, zeroImagEnds: boolean): Tensor {
  const m = (n >> 1) + 1;
  const w = allocate(like.dtype, 2 * m);
  for (let k = 0; k < m; k++) {
    const end = k === 0 || (n % 2 === 0 && k === n / 2);
    w[2 * k] = end ? single : doubled;
    w[2 * k + 1] = end ? (zeroImagEnds ? 0 : single) : doubled;
  }
  return new Tensor([m, 2], like.dtype, w);
}

/** Cotangent rules (the adjoints of the four linear maps), used by the vjp table. */
export const fftAdjoints = {
  fft: (ct: Tensor): Tensor => ops.mul(ifft(ct), ct.shape[ct.rank - 2]),
  ifft: (ct: Tensor): Tensor => ops.div(fft(ct), ct.shape[ct.rank - 2]),
  rfft: (ct: Tensor, n: number): Tensor => ops.mul(irfft(ops.mul(ct, binWeights(n, ct, 0.5, 1, false)), n), n),
  irfft: (ct: Tensor, n: number): Tensor => ops.div(ops.mul(rfft(ct), binWeights(n, ct, 2, 1, true)), n),
};

/**
 * The m lowest bins of the real DFT along the leading axis: x [n, ...rest] -> [m, 2, ...rest] ((re, im) planes per
 * bin). `weighted` scales bin k by irfft's t_k / n; irdftModes with the same flag is its transpose.
 */
export function rdftModes(x: Tensor, modes: number, weighted = false): Tensor {
  return bind('rdft_modes', [x], { modes, weighted });
}

/** X [m, 2, ...rest] -> real [size, ...rest]; `weighted` (the default) makes it irfft of a spectrum whose other bins are zero. */
export function irdftModes(X: Tensor, size: number, weighted = true): Tensor {
  return bind('irdft_modes', [X], { size, weighted });
}

/** Complex weights w [Cin, Cout, K, 2] as real blocks [K, 2Cin, 2Cout] = [[wr, wi], [-wi, wr]]: [xr | xi] @ block = x w. */
export function complexBlock(w: Tensor): Tensor {
  return bind('complex_block', [w], {});
}
