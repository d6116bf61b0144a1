// FFT primitives against the naive DFT definition, and round trips.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { rand64, relErr } from '../support/check.js';

function naiveDft(x: ArrayLike<number>, n: number, sign: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const t = (sign * 2 * Math.PI * j * k) / n;
      re += x[2 * j] * Math.cos(t) - x[2 * j + 1] * Math.sin(t);
      im += x[2 * j] * Math.sin(t) + x[2 * j + 1] * Math.cos(t);
    }
    out.push(re, im);
  }
  return out;
}

describe('fft primitives', () => {
  for (const n of [8, 7, 12]) {
    it(`rfft/fft match the naive DFT and invert (n = ${n})`, () => {
      const x = rand64([3, n], n);
      const X = fx.rfft(x);
      expect(X.shape).to.deep.equal([3, (n >> 1) + 1, 2]);
      const xd = x.dataSync();
      for (let r = 0; r < 3; r++) {
        const asComplex = Array.from({ length: 2 * n }, (_, i) => (i % 2 ? 0 : xd[r * n + i / 2]));
        const want = naiveDft(asComplex, n, -1).slice(0, 2 * ((n >> 1) + 1));
        const got = X.dataSync().slice(r * want.length, (r + 1) * want.length);
        expect(relErr(got, want)).to.be.below(1e-12);
      }
      expect(relErr(fx.irfft(X, n).dataSync(), xd)).to.be.below(1e-12);
      const z = rand64([n, 2], 100 + n);
      expect(relErr(fx.fft(z).dataSync(), naiveDft(z.dataSync(), n, -1))).to.be.below(1e-12);
      expect(relErr(fx.ifft(fx.fft(z)).dataSync(), z.dataSync())).to.be.below(1e-12);
    });
  }

  it('a spectral derivative through rfft/irfft is differentiable (grad of sum(sin-mode derivative)^2)', () => {
    const n = 16;
    const xs = Array.from({ length: n }, (_, j) => (2 * Math.PI * j) / n);
    const u = fx.tensor(
      xs.map((x) => Math.sin(3 * x)),
      [n],
      'f64',
    );
    const ik = fx.tensor(Array.from({ length: n / 2 + 1 }, (_, k) => [0, k]).flat(), [n / 2 + 1, 2], 'f64');
    const deriv = (v: fx.Tensor) => {
      const V = fx.rfft(v);
      const re = fx.sliceAxis(V, 1, 0, 1);
      const im = fx.sliceAxis(V, 1, 1, 2);
      const k = fx.sliceAxis(ik, 1, 1, 2);
      return fx.irfft(fx.concat([fx.neg(fx.mul(im, k)), fx.mul(re, k)], 1), n); // i k V
    };
    expect(
      relErr(
        deriv(u).dataSync(),
        xs.map((x) => 3 * Math.cos(3 * x)),
      ),
    ).to.be.below(1e-12);
    const g = fx.grad((v: fx.Tensor) => fx.sum(fx.square(deriv(v))))(u) as fx.Tensor;
    // d/du sum (D u)^2 = 2 D^T D u = -2 D^2 u = 2 * 9 * sin(3x) for this mode
    expect(
      relErr(
        g.dataSync(),
        xs.map((x) => 18 * Math.sin(3 * x)),
      ),
    ).to.be.below(1e-10);
  });
});
