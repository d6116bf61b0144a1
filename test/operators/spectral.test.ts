// Spectral convolutions against their analytic action on single Fourier modes.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { spectralConv1d, spectralConv1dPointsFirst, spectralConv2d, complexMix } from '../../operators/index.js';
import { fdGrad, rand64, relErr } from '../support/check.js';
import { skipBecause } from '../support/skip.js';
import { wasmKernels } from '../../core/backend/wasm.js';
import { SPECTRAL_PATHS, setSpectralPath } from '../../core/compile/spectralStep.js';

const TWO_PI = 2 * Math.PI;

/** complex weights [cin, cout, ...modes, 2] with entry (i, o, k...) = (re, im) from a rule */
function weights(shape: number[], value: (flat: number) => [number, number]): fx.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) [data[2 * i], data[2 * i + 1]] = value(i);
  return fx.tensor(data, [...shape, 2], 'f64');
}

describe('operators: spectral convolution', () => {
  it('1D: a single mode cos(2 pi k x) becomes wr cos - wi sin per output channel; modes >= `modes` are removed', () => {
    const n = 32,
      modes = 5,
      cin = 2,
      cout = 3;
    const w = weights([cin, cout, modes], (f) => [0.3 + 0.1 * f, -0.2 + 0.05 * f]);
    const wd = w.dataSync();
    const xs = Array.from({ length: n }, (_, j) => j / n);
    for (const k of [1, 3, 7]) {
      // channel 1 carries the mode, channel 0 is zero
      const x = fx.tensor(xs.flatMap(() => 0).concat(xs.map((x) => Math.cos(TWO_PI * k * x))), [1, cin, n], 'f64');
      const y = spectralConv1d(x, w).dataSync();
      expect(y.length).to.equal(cout * n);
      for (let o = 0; o < cout; o++) {
        const at = 2 * ((1 * cout + o) * modes + k);
        const [wr, wi] = k < modes ? [wd[at], wd[at + 1]] : [0, 0];
        const want = xs.map((x) => wr * Math.cos(TWO_PI * k * x) - wi * Math.sin(TWO_PI * k * x));
        const got = Array.from(y.slice(o * n, (o + 1) * n));
        if (k < modes) expect(relErr(got, want)).to.be.below(1e-12, `k=${k} o=${o}`);
        else expect(Math.max(...got.map(Math.abs))).to.be.below(1e-12);
      }
    }
  });

  it('complexMix equals the complex sum over input channels computed by hand', () => {
    const x = weights([2, 3, 4], (f) => [Math.sin(f + 1), Math.cos(2 * f)]); // [B=2, Cin=3, K=4, 2]
    const w = weights([3, 2, 4], (f) => [0.1 * f - 0.5, 0.3 - 0.07 * f]);
    const y = complexMix(x, w).dataSync();
    const xd = x.dataSync(),
      wd = w.dataSync();
    const want: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let o = 0; o < 2; o++)
        for (let k = 0; k < 4; k++) {
          let re = 0,
            im = 0;
          for (let i = 0; i < 3; i++) {
            const a = 2 * ((b * 3 + i) * 4 + k),
              c = 2 * ((i * 2 + o) * 4 + k);
            re += xd[a] * wd[c] - xd[a + 1] * wd[c + 1];
            im += xd[a] * wd[c + 1] + xd[a + 1] * wd[c];
          }
          want.push(re, im);
        }
    expect(relErr(y, want)).to.be.below(1e-14);
  });

  it('2D: modes (kx, ky) with kx >= 0 use w1, kx < 0 use w2; analytic result wr cos - wi sin', () => {
    const nx = 12,
      ny = 10,
      m1 = 3,
      m2 = 3;
    const w1 = weights([1, 1, m1, m2], (f) => [0.5 + 0.1 * f, 0.2 - 0.03 * f]);
    const w2 = weights([1, 1, m1, m2], (f) => [-0.4 + 0.02 * f, 0.6 - 0.05 * f]);
    for (const [kx, ky] of [
      [1, 2],
      [-2, 1],
      [0, 1],
      [2, 4],
    ]) {
      const theta = (i: number, j: number) => TWO_PI * ((kx * i) / nx + (ky * j) / ny);
      const x = fx.tensor(
        Array.from({ length: nx * ny }, (_, p) => Math.cos(theta(Math.floor(p / ny), p % ny))),
        [1, 1, nx, ny],
        'f64',
      );
      const y = spectralConv2d(x, w1, w2).dataSync();
      let wr = 0,
        wi = 0;
      if (ky < m2) {
        const [w, row] = kx >= 0 ? [w1, kx] : [w2, m1 + kx];
        if (row >= 0 && row < m1) [wr, wi] = [w.dataSync()[2 * (row * m2 + ky)], w.dataSync()[2 * (row * m2 + ky) + 1]];
      }
      const want = Array.from({ length: nx * ny }, (_, p) => {
        const t = theta(Math.floor(p / ny), p % ny);
        return wr * Math.cos(t) - wi * Math.sin(t);
      });
      if (wr || wi) expect(relErr(y, want)).to.be.below(1e-12, `mode (${kx}, ${ky})`);
      else expect(Math.max(...Array.from(y, Math.abs))).to.be.below(1e-12, `mode (${kx}, ${ky}) must be filtered`);
    }
  });

  it('rejects mismatched shapes and grids too coarse for the modes', () => {
    const x = fx.zeros([1, 2, 8], 'f64');
    expect(() => spectralConv1d(x, fx.zeros([3, 2, 4, 2], 'f64'))).to.throw(/Cin/);
    const w = fx.zeros([1, 1, 4, 4, 2], 'f64');
    expect(() => spectralConv2d(fx.zeros([1, 1, 6, 6], 'f64'), w, w)).to.throw(/too coarse/);
  });

  describe('1D layer against the rfft path (rfft, keep m bins, complexMix, zero-pad, irfft)', () => {
    const m = 16;
    /** the layer written with the generic FFT primitives: an independent implementation */
    const viaRfft = (x: fx.Tensor, w: fx.Tensor): fx.Tensor => {
      const n = x.shape[2];
      const X = fx.sliceAxis(fx.rfft(x), 2, 0, m); // [B, Cin, m, 2]
      const Y = complexMix(X, w);
      return fx.irfft(fx.pad(Y, [0, 0, 0, 0], [0, 0, (n >> 1) + 1 - m, 0]), n);
    };
    /** value and gradients (x, w) of <layer(x, w), r> */
    const probe = (layer: (x: fx.Tensor, w: fx.Tensor) => fx.Tensor) => (x: fx.Tensor, w: fx.Tensor, r: fx.Tensor) => {
      const [v, g] = fx.valueAndGrad((a: fx.Tensor, b: fx.Tensor) => fx.sum(fx.mul(layer(a, b), r)), [0, 1])(x, w) as [
        fx.Tensor,
        fx.Tensor[],
      ];
      return [layer(x, w), v, ...g];
    };
    const inputs = (n: number): [fx.Tensor, fx.Tensor, fx.Tensor] => [
      rand64([2, 3, n], n),
      rand64([3, 4, m, 2], n + 1),
      rand64([2, 4, n], n + 2),
    ];

    const backend = fx.getBackend() as fx.BackendName;
    before(function () {
      if (!wasmKernels()) skipBecause(this, 'no wasm build');
    });
    after(() => {
      setSpectralPath('auto');
      fx.setBackend(backend);
    });
    for (const path of SPECTRAL_PATHS)
      for (const n of [64, 256, 1000, 1024]) {
        it(`${path}, n=${n}: outputs and gradients equal the rfft path's to f32 tolerance (jit on wasm, f32)`, () => {
          setSpectralPath(path);
          fx.setBackend('js');
          const want = probe(viaRfft)(...inputs(n));
          fx.setBackend('wasm');
          const [x, w, r] = inputs(n).map((t) => fx.cast(t, 'f32'));
          const got = fx.jit(probe(spectralConv1d))(x, w, r);
          got.forEach((t, i) => expect(relErr(t.dataSync(), want[i].dataSync())).to.be.below(3e-5, `output ${i}`));
        });
      }

    it('n=1000 (not a power of two): gradients match central differences (f64)', () => {
      const [x, w, r] = inputs(1000);
      const f = (a: fx.Tensor, b: fx.Tensor) => fx.sum(fx.mul(spectralConv1d(a, b), r)).item();
      const [, , gx, gw] = probe(spectralConv1d)(x, w, r);
      const picks = [0, 17, 999, 1500, 5999];
      expect(
        relErr(
          picks.map((i) => gx.dataSync()[i]),
          fdGrad(f, [x, w], 0, 1e-6, picks),
        ),
      ).to.be.below(1e-7);
      const wPicks = [0, 1, 31, 200, 383];
      expect(
        relErr(
          wPicks.map((i) => gw.dataSync()[i]),
          fdGrad(f, [x, w], 1, 1e-6, wPicks),
        ),
      ).to.be.below(1e-7);
    });

    it('the points-first form is the channels-first form transposed', () => {
      const [x, w] = inputs(24);
      const a = spectralConv1d(x, w);
      const b = spectralConv1dPointsFirst(fx.transpose(x, [2, 0, 1]), w);
      expect(relErr(fx.transpose(b, [1, 2, 0]).dataSync(), a.dataSync())).to.be.below(1e-14);
    });
  });
});
