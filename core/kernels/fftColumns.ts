// Truncated real DFTs along the leading axis of [n, L] arrays by FFT, every column at once: the innermost
// loops run over contiguous columns, so one butterfly serves a whole row of signals. Columns q and q + H
// (H = ceil(L/2)) travel as the real and imaginary parts of one complex signal (two real transforms for the
// price of one complex one). Mixed-radix Stockham stages (radix 4 and 2 specialised, any other prime factor by
// its small DFT, so any n works; a large prime factor makes it slow, and then the GEMM path is chosen).
// Same results as core/kernels/spectral.ts's rdftModes / irdftModes.
import type { TypedArray } from '../dtype.js';
import { binScale } from './spectral.js';

interface Stage {
  p: number;
  /** transform length before this stage (L in Van Loan's notation) */
  len: number;
  /** cos and sin of 2 pi t k / (p len), (re, im) for k < len, t < p: the twiddles, conjugated for the forward transform */
  tw: Float64Array;
}
interface Plan {
  n: number;
  stages: Stage[];
}

function factor(n: number): number[] {
  const ps: number[] = [];
  let r = n;
  while (r % 4 === 0) {
    ps.push(4);
    r /= 4;
  }
  for (let p = 2; r > 1; p++)
    while (r % p === 0) {
      ps.push(p);
      r /= p;
    }
  return ps;
}

const plans = new Map<number, Plan>();
function planFor(n: number): Plan {
  let plan = plans.get(n);
  if (!plan) {
    let len = 1;
    const stages = factor(n).map((p) => {
      const tw = new Float64Array(2 * len * p);
      for (let k = 0; k < len; k++)
        for (let t = 0; t < p; t++) {
          const a = (2 * Math.PI * ((t * k) % (p * len))) / (p * len);
          tw[2 * (k * p + t)] = Math.cos(a);
          tw[2 * (k * p + t) + 1] = Math.sin(a);
        }
      const s = { p, len, tw };
      len *= p;
      return s;
    });
    plans.set(n, (plan = { n, stages }));
  }
  return plan;
}

/**
 * In-place-by-swap complex FFT along axis 0 of (re, im), each [n, H]; `sign` -1 forward, +1 inverse (unnormalised).
 * Returns the arrays holding the result (either the inputs or the scratch pair).
 */
function fftRows(
  plan: Plan,
  H: number,
  sign: 1 | -1,
  re: Float32Array | Float64Array,
  im: Float32Array | Float64Array,
  sre: Float32Array | Float64Array,
  sim: Float32Array | Float64Array,
): [Float32Array | Float64Array, Float32Array | Float64Array] {
  const n = plan.n;
  let [xr, xi, yr, yi] = [re, im, sre, sim];
  for (const { p, len, tw } of plan.stages) {
    const r = n / len; // subsequences before the stage
    const rp = r / p; // after
    for (let k = 0; k < len; k++) {
      for (let j = 0; j < rp && (p === 2 || p === 4); j++) {
        const src = (k * r + j) * H;
        const dst = (k * rp + j) * H;
        const srcStep = rp * H;
        const dstStep = len * rp * H;
        if (p === 2) {
          const wr = tw[2 * (k * 2 + 1)];
          const wi = sign * tw[2 * (k * 2 + 1) + 1];
          for (let c = 0; c < H; c++) {
            const ar = xr[src + c];
            const ai = xi[src + c];
            const br0 = xr[src + srcStep + c];
            const bi0 = xi[src + srcStep + c];
            const br = br0 * wr - bi0 * wi;
            const bi = br0 * wi + bi0 * wr;
            yr[dst + c] = ar + br;
            yi[dst + c] = ai + bi;
            yr[dst + dstStep + c] = ar - br;
            yi[dst + dstStep + c] = ai - bi;
          }
        } else if (p === 4) {
          const w1r = tw[2 * (k * 4 + 1)];
          const w1i = sign * tw[2 * (k * 4 + 1) + 1];
          const w2r = tw[2 * (k * 4 + 2)];
          const w2i = sign * tw[2 * (k * 4 + 2) + 1];
          const w3r = tw[2 * (k * 4 + 3)];
          const w3i = sign * tw[2 * (k * 4 + 3) + 1];
          for (let c = 0; c < H; c++) {
            const s0 = src + c;
            const ar = xr[s0];
            const ai = xi[s0];
            const b0r = xr[s0 + srcStep];
            const b0i = xi[s0 + srcStep];
            const c0r = xr[s0 + 2 * srcStep];
            const c0i = xi[s0 + 2 * srcStep];
            const d0r = xr[s0 + 3 * srcStep];
            const d0i = xi[s0 + 3 * srcStep];
            const br = b0r * w1r - b0i * w1i;
            const bi = b0r * w1i + b0i * w1r;
            const cr = c0r * w2r - c0i * w2i;
            const ci = c0r * w2i + c0i * w2r;
            const dr = d0r * w3r - d0i * w3i;
            const di = d0r * w3i + d0i * w3r;
            const t0r = ar + cr;
            const t0i = ai + ci;
            const t1r = ar - cr;
            const t1i = ai - ci;
            const t2r = br + dr;
            const t2i = bi + di;
            // (b - d) times -i (forward) or +i (inverse)
            const t3r = -sign * (bi - di);
            const t3i = sign * (br - dr);
            const d0 = dst + c;
            yr[d0] = t0r + t2r;
            yi[d0] = t0i + t2i;
            yr[d0 + dstStep] = t1r + t3r;
            yi[d0 + dstStep] = t1i + t3i;
            yr[d0 + 2 * dstStep] = t0r - t2r;
            yi[d0 + 2 * dstStep] = t0i - t2i;
            yr[d0 + 3 * dstStep] = t1r - t3r;
            yi[d0 + 3 * dstStep] = t1i - t3i;
          }
        }
      }
      if (p !== 2 && p !== 4) generalRadix(p, len, k, r, rp, H, sign, xr, xi, yr, yi);
    }
    [xr, xi, yr, yi] = [yr, yi, xr, xi];
  }
  return [xr, xi];
}

type Arr = Float32Array | Float64Array;

/** Any other radix p, for one k of a stage: its small DFT sum_t w_{p len}^{t (k + q len)} x_t, twiddles hoisted out of the columns. */
function generalRadix(
  p: number,
  len: number,
  k: number,
  r: number,
  rp: number,
  H: number,
  sign: 1 | -1,
  xr: Arr,
  xi: Arr,
  yr: Arr,
  yi: Arr,
): void {
  for (let q = 0; q < p; q++)
    for (let j = 0; j < rp; j++) {
      const o = (k * rp + j + q * len * rp) * H;
      yr.fill(0, o, o + H);
      yi.fill(0, o, o + H);
    }
  for (let q = 0; q < p; q++)
    for (let t = 0; t < p; t++) {
      const a = (sign * 2 * Math.PI * ((t * (k + q * len)) % (p * len))) / (p * len);
      const wr = Math.cos(a);
      const wi = Math.sin(a);
      for (let j = 0; j < rp; j++) {
        const s = (k * r + j + t * rp) * H;
        const o = (k * rp + j + q * len * rp) * H;
        for (let c = 0; c < H; c++) {
          const xr0 = xr[s + c];
          const xi0 = xi[s + c];
          yr[o + c] += xr0 * wr - xi0 * wi;
          yi[o + c] += xr0 * wi + xi0 * wr;
        }
      }
    }
}

/** Four work arrays of n * H values per (n, H, precision), reused across calls. */
const scratch = new Map<string, Array<Float32Array | Float64Array>>();
function work(n: number, H: number, f64: boolean): Array<Float32Array | Float64Array> {
  const key = `${n}:${H}:${f64}`;
  let w = scratch.get(key);
  if (!w) scratch.set(key, (w = Array.from({ length: 4 }, () => (f64 ? new Float64Array(n * H) : new Float32Array(n * H)))));
  return w;
}

/** Drops the work arrays of (n, columns): the calibration's FFT runs need not keep them when the GEMM path wins. */
export function releaseFftWork(n: number, L: number): void {
  for (const f64 of [false, true]) scratch.delete(`${n}:${Math.ceil(L / 2)}:${f64}`);
}

/** rdft_modes by FFT: x [n, L] -> out [2m, L] (rows re_k, im_k), each bin scaled as binScale says. */
export function rdftModesFft(x: TypedArray, n: number, L: number, m: number, weighted: boolean, out: TypedArray): void {
  const H = Math.ceil(L / 2);
  const f64 = x instanceof Float64Array;
  const [re, im, sre, sim] = work(n, H, f64);
  for (let j = 0; j < n; j++) {
    const row = j * L;
    const at = j * H;
    for (let c = 0; c < H; c++) re[at + c] = x[row + c];
    for (let c = 0; c + H < L; c++) im[at + c] = x[row + H + c];
    if (L % 2) im[at + H - 1] = 0;
  }
  const [zr, zi] = fftRows(planFor(n), H, -1, re, im, sre, sim);
  for (let k = 0; k < m; k++) {
    const s = binScale(n, k, weighted) / 2;
    const a = k * H;
    const b = ((n - k) % n) * H;
    const ro = 2 * k * L;
    const io = ro + L;
    // column q: (Z_k + conj Z_{n-k}) / 2; column q + H: (Z_k - conj Z_{n-k}) / 2i
    for (let c = 0; c < H; c++) {
      out[ro + c] = s * (zr[a + c] + zr[b + c]);
      out[io + c] = s * (zi[a + c] - zi[b + c]);
    }
    for (let c = 0; c + H < L; c++) {
      out[ro + H + c] = s * (zi[a + c] + zi[b + c]);
      out[io + H + c] = s * (zr[b + c] - zr[a + c]);
    }
  }
}

/** irdft_modes by FFT: X [2m, L] (rows re_k, im_k) -> out [n, L] = sum_k scale_k (re_k cos - im_k sin). */
export function irdftModesFft(X: TypedArray, n: number, L: number, m: number, weighted: boolean, out: TypedArray): void {
  const H = Math.ceil(L / 2);
  const f64 = X instanceof Float64Array;
  const [re, im, sre, sim] = work(n, H, f64);
  re.fill(0);
  im.fill(0);
  for (let k = 0; k < m; k++) {
    const end = k === 0 || 2 * k === n; // DC and Nyquist: their imaginary parts have sin = 0 and drop out
    const s = binScale(n, k, weighted) * (end ? 1 : 0.5);
    const ro = 2 * k * L;
    const io = ro + L;
    const a = k * H;
    const b = ((n - k) % n) * H;
    for (let c = 0; c < H; c++) {
      const ar = X[ro + c];
      const ai = end ? 0 : X[io + c];
      const br = c + H < L ? X[ro + H + c] : 0;
      const bi = c + H < L && !end ? X[io + H + c] : 0;
      // Z_k = s (A + iB), Z_{n-k} = s (conj A + i conj B)
      re[a + c] = s * (ar - bi);
      im[a + c] = s * (ai + br);
      if (!end) {
        re[b + c] = s * (ar + bi);
        im[b + c] = s * (br - ai);
      }
    }
  }
  const [zr, zi] = fftRows(planFor(n), H, 1, re, im, sre, sim);
  for (let j = 0; j < n; j++) {
    const row = j * L;
    const at = j * H;
    for (let c = 0; c < H; c++) out[row + c] = zr[at + c];
    for (let c = 0; c + H < L; c++) out[row + H + c] = zi[at + c];
  }
}
