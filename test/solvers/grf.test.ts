import { expect } from 'chai';
import { rfft } from '../../core/kernels/fft.js';
import { grf1dEigenvalues, sampleGrf1d, grf2dStd, sampleGrf2d, thresholdCoefficient } from '../../solvers/grf.js';

describe('solvers/grf', () => {
  it('1D periodic GRF: sample power spectrum matches 625 (-Delta + 25 I)^-2', () => {
    const n = 32,
      count = 4000;
    const samples = sampleGrf1d({ n, count, seed: 7 });
    const lam = grf1dEigenvalues(n);
    expect(lam[1]).to.be.closeTo(625 / (4 * Math.PI ** 2 + 25) ** 2, 1e-15);
    const power = new Float64Array(lam.length);
    for (let s = 0; s < count; s++) {
      const f = rfft(samples.subarray(s * n, (s + 1) * n));
      for (let k = 0; k < lam.length; k++) power[k] += (f.re[k] ** 2 + f.im[k] ** 2) / (n * n * count);
    }
    for (let k = 0; k < lam.length; k++) {
      // E|X_k|^2 / n^2 = lambda_k (the Nyquist bin holds the cosine only: 2 lambda)
      const expected = k === n / 2 ? 2 * lam[k] : lam[k];
      expect(power[k] / expected, `bin ${k}`).to.be.within(0.9, 1.1);
    }
  });

  it('1D periodic GRF: pointwise variance and lag covariance match the KL sums', () => {
    const n = 16,
      count = 5000;
    const samples = sampleGrf1d({ n, count, seed: 8, alpha: 1.5, tau: 2, sigma: 3 });
    const lam = grf1dEigenvalues(n, { alpha: 1.5, tau: 2, sigma: 3 });
    const cov = (lag: number) => {
      let c = lam[0];
      for (let k = 1; k < lam.length; k++) c += 2 * lam[k] * Math.cos((2 * Math.PI * k * lag) / n);
      return c;
    };
    for (const lag of [0, 3]) {
      let acc = 0;
      for (let s = 0; s < count; s++) for (let j = 0; j < n; j++) acc += samples[s * n + j] * samples[s * n + ((j + lag) % n)];
      expect(acc / (count * n) / cov(lag), `lag ${lag}`).to.be.within(0.9, 1.1);
    }
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const a = sampleGrf1d({ n: 8, seed: 1 });
    const b = sampleGrf1d({ n: 8, seed: 1 });
    const c = sampleGrf1d({ n: 8, seed: 2 });
    expect(Array.from(a)).to.deep.equal(Array.from(b));
    expect(Array.from(a)).to.not.deep.equal(Array.from(c));
  });

  it('2D GRF: pointwise variance matches sum of lambda c_k1^2 c_k2^2 (FNO Darcy scaling)', () => {
    const s = 9,
      count = 3000;
    const std = grf2dStd(s);
    expect(std[0]).to.equal(0);
    expect(std[1]).to.be.closeTo(3 * (Math.PI ** 2 + 9) ** -1, 1e-15);
    const samples = sampleGrf2d({ s, count, seed: 3 });
    const basis = (k: number, i: number) => (k === 0 ? 1 : Math.SQRT2 * Math.cos((Math.PI * k * i) / (s - 1)));
    let sampleVar = 0,
      exactVar = 0,
      sampleCov = 0,
      exactCov = 0;
    for (let iy = 0; iy < s; iy++)
      for (let ix = 0; ix < s; ix++) {
        let v = 0,
          c = 0;
        for (let a = 0; a < s; a++)
          for (let b = 0; b < s; b++) {
            const l = std[a * s + b] ** 2;
            v += l * (basis(a, iy) * basis(b, ix)) ** 2;
            c += l * basis(a, iy) * basis(b, ix) * basis(a, iy) * basis(b, s - 1 - ix);
          }
        exactVar += v;
        exactCov += c;
        for (let n = 0; n < count; n++) {
          const row = n * s * s + iy * s;
          sampleVar += samples[row + ix] ** 2 / count;
          sampleCov += (samples[row + ix] * samples[row + s - 1 - ix]) / count;
        }
      }
    expect(sampleVar / exactVar).to.be.within(0.93, 1.07);
    // covariance between mirror points, normalized by the variance scale
    expect(Math.abs(sampleCov - exactCov) / exactVar).to.be.below(0.07);
  });

  it('threshold coefficient maps the sign of the field to 12 / 3', () => {
    const a = thresholdCoefficient(Float64Array.from([-0.1, 0, 2]));
    expect(Array.from(a)).to.deep.equal([3, 12, 12]);
    expect(() => sampleGrf2d({ s: 1, seed: 0 })).to.throw(/s must be/);
    expect(() => sampleGrf1d({ n: 8, seed: 0, alpha: -1 })).to.throw(/alpha/);
  });
});
