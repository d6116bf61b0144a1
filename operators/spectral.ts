// Spectral convolutions (the Fourier layers' global part): truncate to the lowest modes, mix channels by
// learned complex weights, transform back. Complex numbers are trailing (real, imag) pairs, as in core/fft.
import type { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { rfft, irfft, fft, ifft, rdftModes, irdftModes, complexBlock } from '../core/fft.js';
import { ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';

/**
 * Complex channel mixing out[b, o, k] = sum_i x[b, i, k] w[i, o, k] for every mode k, as one batched real
 * matmul per mode: [xr, xi] @ [[wr, wi], [-wi, wr]] = [xr wr - xi wi, xr wi + xi wr].
 * x: [B, Cin, K, 2], w: [Cin, Cout, K, 2] -> [B, Cout, K, 2].
 */
export function complexMix(x: Tensor, w: Tensor): Tensor {
  const [B, cin, K] = x.shape;
  const [win, cout, wk] = w.shape;
  if (x.rank !== 4 || w.rank !== 4 || win !== cin || wk !== K || x.shape[3] !== 2 || w.shape[3] !== 2) {
    throw new ShapeError(
      'complexMix',
      `expected x [B, Cin, K, 2] and w [Cin, Cout, K, 2] with matching Cin and K, got ${fmt(x.shape)} and ${fmt(w.shape)}`,
    );
  }
  const xm = ops.reshape(ops.transpose(x, [2, 0, 3, 1]), [K, B, 2 * cin]); // [K, B, (re|im) x Cin]
  const y = ops.matmul(xm, complexBlock(w)); // [K, B, 2Cout]
  return ops.transpose(ops.reshape(y, [K, B, 2, cout]), [1, 3, 0, 2]);
}

/** Complex [..., m, 2] -> its first `keep` bins, sliced on the merged last axis (one contiguous run per row). */
function keepBins(x: Tensor, keep: number): Tensor {
  const lead = x.shape.slice(0, -2);
  const merged = ops.reshape(x, [...lead, 2 * x.shape[x.rank - 2]]);
  return ops.reshape(ops.sliceAxis(merged, -1, 0, 2 * keep), [...lead, keep, 2]);
}

/** Complex [..., k, 2] zero-padded at the end to [..., size, 2], on the merged last axis. */
function padBins(x: Tensor, size: number): Tensor {
  const lead = x.shape.slice(0, -2);
  const merged = ops.reshape(x, [...lead, 2 * x.shape[x.rank - 2]]);
  const padded = ops.pad(
    merged,
    merged.shape.map(() => 0),
    merged.shape.map((d, a) => (a === merged.rank - 1 ? 2 * size - d : 0)),
  );
  return ops.reshape(padded, [...lead, size, 2]);
}

/** w [Cin, Cout, K, 2] cut to its first m modes (a no-op when K = m). */
const firstModes = (w: Tensor, m: number): Tensor => (w.shape[2] === m ? w : ops.sliceAxis(w, 2, 0, m));

/**
 * 1D spectral convolution, grid points first: x [n, B, Cin] real, w [Cin, Cout, modes, 2] -> [n, B, Cout].
 * Keeps the lowest min(modes, n/2+1) rfft modes (the rest of the spectrum is zeroed), so any n works: the layer
 * is a fixed operator on functions, evaluated at the resolution of its input. With the grid axis leading, the
 * truncated DFT and its inverse are one GEMM each over all B * C signals (rdftModes / irdftModes), and the
 * complex mixing one GEMM per mode.
 */
export function spectralConv1dPointsFirst(x: Tensor, w: Tensor): Tensor {
  if (x.rank !== 3 || w.rank !== 4 || x.shape[2] !== w.shape[0] || w.shape[3] !== 2) {
    throw new ShapeError(
      'spectralConv1dPointsFirst',
      `expected x [n, B, Cin] and w [Cin, Cout, modes, 2], got ${fmt(x.shape)} and ${fmt(w.shape)}`,
    );
  }
  const [n, B, cin] = x.shape;
  const cout = w.shape[1];
  const m = Math.min(w.shape[2], (n >> 1) + 1);
  const X = ops.reshape(ops.transpose(rdftModes(x, m), [0, 2, 1, 3]), [m, B, 2 * cin]); // [m, B, (re|im) x Cin]
  const Y = ops.matmul(X, complexBlock(firstModes(w, m))); // [m, B, 2Cout]
  return irdftModes(ops.transpose(ops.reshape(Y, [m, B, 2, cout]), [0, 2, 1, 3]), n);
}

/** 1D spectral convolution, channels first: x [B, Cin, n], w [Cin, Cout, modes, 2] -> [B, Cout, n] (see spectralConv1dPointsFirst). */
export function spectralConv1d(x: Tensor, w: Tensor): Tensor {
  if (x.rank !== 3 || w.rank !== 4 || x.shape[1] !== w.shape[0]) {
    throw new ShapeError('spectralConv1d', `expected x [B, Cin, n] and w [Cin, Cout, modes, 2], got ${fmt(x.shape)} and ${fmt(w.shape)}`);
  }
  return ops.transpose(spectralConv1dPointsFirst(ops.transpose(x, [2, 0, 1]), w), [1, 2, 0]);
}

/**
 * 2D spectral convolution (FNO-2D): x [B, Cin, nx, ny], w1/w2 [Cin, Cout, m1, m2, 2] for the kx >= 0 and
 * kx < 0 corners of the half spectrum (as in the reference code). rfft along y, truncation to m2 columns
 * before the fft along x so only the kept columns are transformed.
 */
export function spectralConv2d(x: Tensor, w1: Tensor, w2: Tensor): Tensor {
  if (x.rank !== 4 || w1.rank !== 5 || w1.shape.join() !== w2.shape.join() || x.shape[1] !== w1.shape[0]) {
    throw new ShapeError(
      'spectralConv2d',
      `expected x [B, Cin, nx, ny], w1 = w2 [Cin, Cout, m1, m2, 2], got ${fmt(x.shape)}, ${fmt(w1.shape)}, ${fmt(w2.shape)}`,
    );
  }
  const [B, cin, nx, ny] = x.shape;
  const [, cout, m1, m2] = w1.shape;
  const half = (ny >> 1) + 1;
  if (2 * m1 > nx || m2 > half) {
    throw new ShapeError(
      'spectralConv2d',
      `grid ${nx}x${ny} is too coarse for modes (${m1}, ${m2}): need nx >= ${2 * m1} and ny >= ${2 * m2 - 2}`,
    );
  }
  const Xy = keepBins(rfft(x), m2); // [B, Cin, nx, m2, 2]
  const X = fft(ops.transpose(Xy, [0, 1, 3, 2, 4])); // [B, Cin, m2, nx, 2]
  const kept = ops.concat([ops.sliceAxis(X, 3, 0, m1), ops.sliceAxis(X, 3, nx - m1, nx)], 3); // [B, Cin, m2, 2m1, 2]
  const w = ops.transpose(ops.concat([w1, w2], 2), [0, 1, 3, 2, 4]); // [Cin, Cout, m2, 2m1, 2]
  const K = 2 * m1 * m2;
  const Y = ops.reshape(complexMix(ops.reshape(kept, [B, cin, K, 2]), ops.reshape(w, [cin, cout, K, 2])), [B, cout, m2, 2 * m1, 2]);
  const parts = [ops.sliceAxis(Y, 3, 0, m1), ops.sliceAxis(Y, 3, m1, 2 * m1)];
  if (nx > 2 * m1) parts.splice(1, 0, ops.broadcastTo(ops.scalar(0, Y.dtype), [B, cout, m2, nx - 2 * m1, 2]));
  const full = ops.concat(parts, 3); // [B, Cout, m2, nx, 2]: the dropped middle frequencies are zero
  const Yx = ops.transpose(ifft(full), [0, 1, 3, 2, 4]); // [B, Cout, nx, m2, 2]
  return irfft(padBins(Yx, half), ny);
}
