import { expect } from 'chai';
import { Rng } from '../../core/random.js';
import { fft, ifft, rfft, irfft, fftAlongAxis, fft2, ifft2, rfft2, irfft2, naiveDft, fftInPlace } from '../../core/kernels/fft.js';
import { maxDiff } from './helpers.js';

function randomArray(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

const lengths = [1, 2, 3, 4, 5, 6, 7, 8, 12, 15, 16, 17, 31, 64, 97, 100, 128, 210];

describe('solvers/fft kernel', () => {
  it('complex FFT matches the naive DFT for powers of two and other lengths', () => {
    const rng = new Rng(11);
    for (const n of lengths) {
      const re = randomArray(rng, n),
        im = randomArray(rng, n);
      const fast = fft(re, im);
      const slow = naiveDft(re, im);
      const tol = 1e-12 * n * Math.sqrt(n);
      expect(maxDiff(fast.re, slow.re), `re n=${n}`).to.be.below(tol);
      expect(maxDiff(fast.im, slow.im), `im n=${n}`).to.be.below(tol);
      const inv = naiveDft(re, im, true);
      const fastInv = ifft(re, im);
      expect(maxDiff(fastInv.re, inv.re), `ifft n=${n}`).to.be.below(tol);
      expect(maxDiff(fastInv.im, inv.im), `ifft n=${n}`).to.be.below(tol);
    }
  });

  it('ifft(fft(x)) recovers x and Parseval holds', () => {
    const rng = new Rng(12);
    for (const n of [8, 9, 1000, 1024]) {
      const re = randomArray(rng, n),
        im = randomArray(rng, n);
      const f = fft(re, im);
      const back = ifft(f.re, f.im);
      expect(maxDiff(back.re, re)).to.be.below(1e-12);
      expect(maxDiff(back.im, im)).to.be.below(1e-12);
      let timeEnergy = 0,
        freqEnergy = 0;
      for (let i = 0; i < n; i++) {
        timeEnergy += re[i] ** 2 + im[i] ** 2;
        freqEnergy += f.re[i] ** 2 + f.im[i] ** 2;
      }
      expect(freqEnergy / n).to.be.closeTo(timeEnergy, 1e-10 * timeEnergy);
    }
  });

  it('rfft matches the first n/2+1 bins of the complex FFT; irfft inverts it', () => {
    const rng = new Rng(13);
    for (const n of [1, 2, 3, 4, 6, 7, 10, 16, 33, 64, 100]) {
      const x = randomArray(rng, n);
      const full = naiveDft(x, new Float64Array(n));
      const half = rfft(x);
      const bins = Math.floor(n / 2) + 1;
      expect(half.re.length).to.equal(bins);
      expect(maxDiff(half.re, full.re.slice(0, bins)), `n=${n}`).to.be.below(1e-11);
      expect(maxDiff(half.im, full.im.slice(0, bins)), `n=${n}`).to.be.below(1e-11);
      expect(maxDiff(irfft(half.re, half.im, n), x), `irfft n=${n}`).to.be.below(1e-12);
    }
  });

  it('fftAlongAxis transforms each line of a 3D array along the chosen axis', () => {
    const rng = new Rng(14);
    const shape = [3, 5, 4];
    const size = 60;
    const re = randomArray(rng, size),
      im = randomArray(rng, size);
    for (let axis = 0; axis < 3; axis++) {
      const r = Float64Array.from(re),
        i = Float64Array.from(im);
      fftAlongAxis(r, i, shape, axis);
      const strides = [20, 4, 1];
      const n = shape[axis];
      // check one line per (other indices) against the naive DFT
      for (let flat = 0; flat < size; flat++) {
        const idx = [Math.floor(flat / 20), Math.floor(flat / 4) % 5, flat % 4];
        if (idx[axis] !== 0) continue;
        const lr = new Float64Array(n),
          li = new Float64Array(n);
        for (let k = 0; k < n; k++) {
          lr[k] = re[flat + k * strides[axis]];
          li[k] = im[flat + k * strides[axis]];
        }
        const ref = naiveDft(lr, li);
        for (let k = 0; k < n; k++) {
          expect(r[flat + k * strides[axis]]).to.be.closeTo(ref.re[k], 1e-12);
          expect(i[flat + k * strides[axis]]).to.be.closeTo(ref.im[k], 1e-12);
        }
      }
      fftAlongAxis(r, i, shape, axis, true);
      expect(maxDiff(r, re)).to.be.below(1e-13);
      expect(maxDiff(i, im)).to.be.below(1e-13);
    }
  });

  it('2D transforms agree with the separable definition and rfft2 with fft2', () => {
    const rng = new Rng(15);
    const rows = 6,
      cols = 10;
    const x = randomArray(rng, rows * cols);
    const zero = new Float64Array(rows * cols);
    const full = fft2(x, zero, rows, cols);
    // direct 2D DFT of one coefficient
    const [p, q] = [2, 3];
    let sr = 0,
      si = 0;
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const t = -2 * Math.PI * ((p * r) / rows + (q * c) / cols);
        sr += x[r * cols + c] * Math.cos(t);
        si += x[r * cols + c] * Math.sin(t);
      }
    expect(full.re[p * cols + q]).to.be.closeTo(sr, 1e-11);
    expect(full.im[p * cols + q]).to.be.closeTo(si, 1e-11);
    const half = rfft2(x, rows, cols);
    const bins = cols / 2 + 1;
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < bins; c++) {
        expect(half.re[r * bins + c]).to.be.closeTo(full.re[r * cols + c], 1e-11);
        expect(half.im[r * bins + c]).to.be.closeTo(full.im[r * cols + c], 1e-11);
      }
    expect(maxDiff(irfft2(half.re, half.im, rows, cols), x)).to.be.below(1e-13);
    const back = ifft2(full.re, full.im, rows, cols);
    expect(maxDiff(back.re, x)).to.be.below(1e-13);
  });

  it('rejects bad arguments with messages naming them', () => {
    expect(() => fftInPlace(new Float64Array(4), new Float64Array(3))).to.throw(/equal length/);
    expect(() => fftAlongAxis(new Float64Array(6), new Float64Array(6), [2, 3], 2)).to.throw(/axis/);
    expect(() => fftAlongAxis(new Float64Array(6), new Float64Array(6), [2, 4], 0)).to.throw(/shape/);
    expect(() => irfft(new Float64Array(3), new Float64Array(3), 8)).to.throw(/bins/);
  });
});
