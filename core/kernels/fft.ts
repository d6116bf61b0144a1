// Dependency-free FFT kernels on split real/imaginary Float64Array pairs.
// Conventions follow numpy.fft: forward transforms are unnormalized with exp(-2*pi*i*j*k/n),
// inverse transforms divide by n. Radix-2 iterative for powers of two, Bluestein (chirp-z
// through a power-of-two convolution) for every other length. Plans (twiddles, bit-reversal,
// chirps) are cached per length because the same sizes recur every time step / training step.
// This file imports nothing so the autodiff core can wrap it as a primitive.

export interface Complex {
  re: Float64Array;
  im: Float64Array;
}

function assertLength(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name}: length must be a positive integer, got ${n}`);
}

function assertPair(re: Float64Array, im: Float64Array, name: string): void {
  if (re.length !== im.length) {
    throw new RangeError(`${name}: re and im must have equal length, got ${re.length} and ${im.length}`);
  }
}

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

// ---------------------------------------------------------------- radix-2 plan

interface Radix2Plan {
  n: number;
  cos: Float64Array; // cos(2*pi*k/n), k < n/2
  sin: Float64Array; // sin(2*pi*k/n)
  rev: Uint32Array; // bit-reversal permutation
}

const radix2Plans = new Map<number, Radix2Plan>();

function radix2Plan(n: number): Radix2Plan {
  let plan = radix2Plans.get(n);
  if (plan) return plan;
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    const t = (2 * Math.PI * k) / n;
    cos[k] = Math.cos(t);
    sin[k] = Math.sin(t);
  }
  const rev = new Uint32Array(n);
  let bits = 0;
  while (1 << bits < n) bits++;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    rev[i] = r;
  }
  plan = { n, cos, sin, rev };
  radix2Plans.set(n, plan);
  return plan;
}

/** Unnormalized in-place radix-2 transform; sign -1 forward, +1 inverse (no 1/n). */
function radix2(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  if (n <= 1) return;
  const { cos, sin, rev } = radix2Plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  // size-2 stage: twiddle 1, no multiplications
  for (let a = 0; a < n; a += 2) {
    const xr = re[a + 1],
      xi = im[a + 1];
    re[a + 1] = re[a] - xr;
    im[a + 1] = im[a] - xi;
    re[a] += xr;
    im[a] += xi;
  }
  for (let size = 4; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    if (half < 64) {
      // few twiddles, many blocks: hoist each twiddle out of the block loop
      for (let k = 0, t = 0; k < half; k++, t += step) {
        const wr = cos[t];
        const wi = sign * sin[t];
        for (let a = k; a < n; a += size) {
          const b = a + half;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
      continue;
    }
    for (let start = 0; start < n; start += size) {
      for (let k = 0, t = 0; k < half; k++, t += step) {
        const wr = cos[t];
        const wi = sign * sin[t];
        const a = start + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

// ---------------------------------------------------------------- Bluestein plan

interface BluesteinPlan {
  n: number;
  m: number; // power of two >= 2n - 1
  chirpRe: Float64Array; // exp(-i*pi*k^2/n), k < n
  chirpIm: Float64Array;
  kernelRe: Float64Array; // FFT of the conjugate chirp, wrapped to length m
  kernelIm: Float64Array;
  workRe: Float64Array;
  workIm: Float64Array;
}

const bluesteinPlans = new Map<number, BluesteinPlan>();

function bluesteinPlan(n: number): BluesteinPlan {
  let plan = bluesteinPlans.get(n);
  if (plan) return plan;
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const chirpRe = new Float64Array(n);
  const chirpIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // k^2 mod 2n keeps the angle small, so large k does not lose precision
    const t = (Math.PI * ((k * k) % (2 * n))) / n;
    chirpRe[k] = Math.cos(t);
    chirpIm[k] = -Math.sin(t);
  }
  const kernelRe = new Float64Array(m);
  const kernelIm = new Float64Array(m);
  kernelRe[0] = chirpRe[0];
  kernelIm[0] = -chirpIm[0];
  for (let k = 1; k < n; k++) {
    kernelRe[k] = kernelRe[m - k] = chirpRe[k];
    kernelIm[k] = kernelIm[m - k] = -chirpIm[k];
  }
  radix2(kernelRe, kernelIm, -1);
  plan = { n, m, chirpRe, chirpIm, kernelRe, kernelIm, workRe: new Float64Array(m), workIm: new Float64Array(m) };
  bluesteinPlans.set(n, plan);
  return plan;
}

/** Unnormalized in-place transform of any length via the chirp-z identity jk = (j^2 + k^2 - (k-j)^2)/2. */
function bluestein(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  const { m, chirpRe, chirpIm, kernelRe, kernelIm, workRe, workIm } = bluesteinPlan(n);
  // inverse = conj(forward(conj(x))): conjugate the input and output around a forward transform
  for (let k = 0; k < n; k++) {
    const xr = re[k];
    const xi = sign * im[k] * -1;
    workRe[k] = xr * chirpRe[k] - xi * chirpIm[k];
    workIm[k] = xr * chirpIm[k] + xi * chirpRe[k];
  }
  workRe.fill(0, n);
  workIm.fill(0, n);
  radix2(workRe, workIm, -1);
  for (let k = 0; k < m; k++) {
    const ar = workRe[k],
      ai = workIm[k];
    const br = kernelRe[k],
      bi = kernelIm[k];
    workRe[k] = ar * br - ai * bi;
    workIm[k] = ar * bi + ai * br;
  }
  radix2(workRe, workIm, 1);
  const scale = 1 / m;
  for (let k = 0; k < n; k++) {
    const ar = workRe[k] * scale,
      ai = workIm[k] * scale;
    re[k] = ar * chirpRe[k] - ai * chirpIm[k];
    im[k] = (ar * chirpIm[k] + ai * chirpRe[k]) * (sign * -1);
  }
}

// ---------------------------------------------------------------- complex 1D

/** In-place complex transform of any length. Forward is unnormalized; inverse divides by n. */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  assertPair(re, im, 'fftInPlace');
  const n = re.length;
  if (n === 0) throw new RangeError('fftInPlace: length must be a positive integer, got 0');
  const sign = inverse ? 1 : -1;
  if (isPowerOfTwo(n)) radix2(re, im, sign);
  else bluestein(re, im, sign);
  if (inverse) {
    const s = 1 / n;
    for (let k = 0; k < n; k++) {
      re[k] *= s;
      im[k] *= s;
    }
  }
}

/** Forward complex FFT, returning new arrays (numpy.fft.fft). */
export function fft(re: Float64Array, im: Float64Array): Complex {
  const out = { re: Float64Array.from(re), im: Float64Array.from(im) };
  fftInPlace(out.re, out.im, false);
  return out;
}

/** Inverse complex FFT with 1/n, returning new arrays (numpy.fft.ifft). */
export function ifft(re: Float64Array, im: Float64Array): Complex {
  const out = { re: Float64Array.from(re), im: Float64Array.from(im) };
  fftInPlace(out.re, out.im, true);
  return out;
}

// ---------------------------------------------------------------- real 1D

const realTwiddles = new Map<number, Complex>();

/** exp(-2*pi*i*k/n) for k = 0..n/2, shared by rfft and irfft of even length n. */
function realTwiddle(n: number): Complex {
  let w = realTwiddles.get(n);
  if (w) return w;
  const h = n >> 1;
  w = { re: new Float64Array(h + 1), im: new Float64Array(h + 1) };
  for (let k = 0; k <= h; k++) {
    const t = (-2 * Math.PI * k) / n;
    w.re[k] = Math.cos(t);
    w.im[k] = Math.sin(t);
  }
  realTwiddles.set(n, w);
  return w;
}

/**
 * Real-input FFT: n real samples -> floor(n/2)+1 bins (numpy.fft.rfft).
 * Even n packs the signal into an n/2-point complex transform and untangles it.
 */
export function rfft(x: Float64Array): Complex {
  const n = x.length;
  assertLength(n, 'rfft');
  const bins = (n >> 1) + 1;
  const outRe = new Float64Array(bins);
  const outIm = new Float64Array(bins);
  if (n % 2 === 1 || n < 4) {
    const re = Float64Array.from(x);
    const im = new Float64Array(n);
    fftInPlace(re, im);
    outRe.set(re.subarray(0, bins));
    outIm.set(im.subarray(0, bins));
    return { re: outRe, im: outIm };
  }
  const h = n >> 1;
  const zr = new Float64Array(h);
  const zi = new Float64Array(h);
  for (let j = 0; j < h; j++) {
    zr[j] = x[2 * j];
    zi[j] = x[2 * j + 1];
  }
  fftInPlace(zr, zi);
  const tw = realTwiddle(n);
  for (let k = 0; k <= h; k++) {
    const a = k % h;
    const b = (h - k) % h;
    // even part E_k = (Z_k + conj Z_{h-k})/2, odd part O_k = (Z_k - conj Z_{h-k})/(2i)
    const er = 0.5 * (zr[a] + zr[b]);
    const ei = 0.5 * (zi[a] - zi[b]);
    const or = 0.5 * (zi[a] + zi[b]);
    const oi = -0.5 * (zr[a] - zr[b]);
    const wr = tw.re[k],
      wi = tw.im[k];
    outRe[k] = er + wr * or - wi * oi;
    outIm[k] = ei + wr * oi + wi * or;
  }
  return { re: outRe, im: outIm };
}

/**
 * Inverse of rfft: floor(n/2)+1 bins -> n real samples, divided by n (numpy.fft.irfft).
 * The imaginary parts of the DC bin (and of the Nyquist bin for even n) are ignored, as numpy does.
 */
export function irfft(re: Float64Array, im: Float64Array, n: number): Float64Array {
  assertPair(re, im, 'irfft');
  assertLength(n, 'irfft');
  const bins = (n >> 1) + 1;
  if (re.length !== bins) throw new RangeError(`irfft: expected ${bins} bins for n = ${n}, got ${re.length}`);
  const out = new Float64Array(n);
  if (n % 2 === 1 || n < 4) {
    const fr = new Float64Array(n);
    const fi = new Float64Array(n);
    for (let k = 0; k < bins; k++) {
      fr[k] = re[k];
      fi[k] = im[k];
    }
    fi[0] = 0;
    if (n % 2 === 0) fi[n >> 1] = 0;
    for (let k = bins; k < n; k++) {
      fr[k] = re[n - k];
      fi[k] = -im[n - k];
    }
    fftInPlace(fr, fi, true);
    out.set(fr);
    return out;
  }
  const h = n >> 1;
  const zr = new Float64Array(h);
  const zi = new Float64Array(h);
  const tw = realTwiddle(n);
  for (let k = 0; k < h; k++) {
    // X_k and conj X_{h-k} give the even/odd sub-spectra; Z = E + i O
    const xr = re[k],
      xi = k === 0 ? 0 : im[k];
    const yr = re[h - k],
      yi = h - k === h ? 0 : -im[h - k];
    const er = 0.5 * (xr + yr);
    const ei = 0.5 * (xi + yi);
    const wr = tw.re[k],
      wi = -tw.im[k]; // exp(+2*pi*i*k/n)
    const dr = 0.5 * (xr - yr),
      di = 0.5 * (xi - yi);
    const or = dr * wr - di * wi;
    const oi = dr * wi + di * wr;
    zr[k] = er - oi;
    zi[k] = ei + or;
  }
  fftInPlace(zr, zi, true);
  for (let j = 0; j < h; j++) {
    out[2 * j] = zr[j];
    out[2 * j + 1] = zi[j];
  }
  return out;
}

// ---------------------------------------------------------------- strided / batched

function checkShape(shape: readonly number[], size: number, axis: number, name: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`${name}: shape entries must be positive integers, got [${shape.join(', ')}]`);
  }
  const total = shape.reduce((p, d) => p * d, 1);
  if (total !== size) throw new RangeError(`${name}: shape [${shape.join(', ')}] holds ${total} elements but the array has ${size}`);
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new RangeError(`${name}: axis must be an integer in [0, ${shape.length - 1}], got ${axis}`);
  }
}

/**
 * In-place complex FFT of every line along `axis` of a row-major array of `shape`.
 * Lines are gathered into a contiguous scratch buffer so the 1D kernel runs unit-stride.
 */
export function fftAlongAxis(re: Float64Array, im: Float64Array, shape: readonly number[], axis: number, inverse = false): void {
  assertPair(re, im, 'fftAlongAxis');
  checkShape(shape, re.length, axis, 'fftAlongAxis');
  const n = shape[axis];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  if (inner === 1) {
    for (let o = 0; o < outer; o++) fftInPlace(re.subarray(o * n, (o + 1) * n), im.subarray(o * n, (o + 1) * n), inverse);
    return;
  }
  const lr = new Float64Array(n);
  const li = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let s = 0; s < inner; s++) {
      for (let k = 0, p = base + s; k < n; k++, p += inner) {
        lr[k] = re[p];
        li[k] = im[p];
      }
      fftInPlace(lr, li, inverse);
      for (let k = 0, p = base + s; k < n; k++, p += inner) {
        re[p] = lr[k];
        im[p] = li[k];
      }
    }
  }
}

// ---------------------------------------------------------------- 2D helpers

/** In-place 2D complex FFT of a row-major rows x cols array (inverse divides by rows*cols). */
export function fft2InPlace(re: Float64Array, im: Float64Array, rows: number, cols: number, inverse = false): void {
  fftAlongAxis(re, im, [rows, cols], 1, inverse);
  fftAlongAxis(re, im, [rows, cols], 0, inverse);
}

export function fft2(re: Float64Array, im: Float64Array, rows: number, cols: number): Complex {
  const out = { re: Float64Array.from(re), im: Float64Array.from(im) };
  fft2InPlace(out.re, out.im, rows, cols, false);
  return out;
}

export function ifft2(re: Float64Array, im: Float64Array, rows: number, cols: number): Complex {
  const out = { re: Float64Array.from(re), im: Float64Array.from(im) };
  fft2InPlace(out.re, out.im, rows, cols, true);
  return out;
}

/** Real 2D FFT (numpy.fft.rfft2): rows x cols reals -> rows x (floor(cols/2)+1) complex. */
export function rfft2(x: Float64Array, rows: number, cols: number): Complex {
  checkShape([rows, cols], x.length, 1, 'rfft2');
  const bins = (cols >> 1) + 1;
  const re = new Float64Array(rows * bins);
  const im = new Float64Array(rows * bins);
  for (let r = 0; r < rows; r++) {
    const line = rfft(x.subarray(r * cols, (r + 1) * cols));
    re.set(line.re, r * bins);
    im.set(line.im, r * bins);
  }
  fftAlongAxis(re, im, [rows, bins], 0, false);
  return { re, im };
}

/** Inverse of rfft2 (numpy.fft.irfft2 with s = [rows, cols]). */
export function irfft2(re: Float64Array, im: Float64Array, rows: number, cols: number): Float64Array {
  assertPair(re, im, 'irfft2');
  const bins = (cols >> 1) + 1;
  checkShape([rows, bins], re.length, 0, 'irfft2');
  const wr = Float64Array.from(re);
  const wi = Float64Array.from(im);
  fftAlongAxis(wr, wi, [rows, bins], 0, true);
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    out.set(irfft(wr.subarray(r * bins, (r + 1) * bins), wi.subarray(r * bins, (r + 1) * bins), cols), r * cols);
  }
  return out;
}

/** Reference O(n^2) DFT (tests and benchmarks compare the fast kernels against it). */
export function naiveDft(re: Float64Array, im: Float64Array, inverse = false): Complex {
  assertPair(re, im, 'naiveDft');
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let sr = 0,
      si = 0;
    for (let j = 0; j < n; j++) {
      const t = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(t),
        s = Math.sin(t);
      sr += re[j] * c - im[j] * s;
      si += re[j] * s + im[j] * c;
    }
    outRe[k] = inverse ? sr / n : sr;
    outIm[k] = inverse ? si / n : si;
  }
  return { re: outRe, im: outIm };
}
