// The truncated real DFTs of the spectral layers (rdft_modes / irdft_modes) against numpy-convention rfft/irfft,
// their FFT kernels against the direct sums, and the compiled wasm steps (GEMM, folded GEMM and FFT paths) against
// the js reference, at power-of-two, mixed-radix (1000) and prime lengths.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { onBackend, rand64, relErr } from '../support/check.js';
import { skipBecause } from '../support/skip.js';
import { wasmKernels } from '../../core/backend/wasm.js';
import { rdftModes, irdftModes } from '../../core/kernels/spectral.js';
import { rdftModesFft, irdftModesFft } from '../../core/kernels/fftColumns.js';
import { SPECTRAL_PATHS, setSpectralPath } from '../../core/compile/spectralStep.js';
import { foldBuilt, irdftFold, rdftFold } from '../../core/compile/spectralFold.js';

const on = onBackend;

/** [n, L] -> [L, n] (rows become signals for rfft) */
const rowsLast = (x: fx.Tensor): fx.Tensor => fx.transpose(x, [1, 0]);
const SIZES = [64, 256, 1000, 1024];

describe('spectral-layer DFTs (rdft_modes, irdft_modes)', () => {
  for (const n of SIZES) {
    it(`n=${n}: rdftModes is rfft's first 16 bins, irdftModes(weighted) is irfft of them zero-padded (f64)`, () => {
      const m = 16;
      const L = 3;
      const x = rand64([n, L], n);
      const X = on('js', () => fx.rdftModes(x, m)); // [m, 2, L]
      const ref = on('js', () => fx.sliceAxis(fx.rfft(rowsLast(x)), 1, 0, m)); // [L, m, 2]
      expect(relErr(fx.transpose(X, [2, 0, 1]).dataSync(), ref.dataSync())).to.be.below(1e-12);
      const spec = rand64([m, 2, L], n + 1);
      const y = on('js', () => fx.irdftModes(spec, n)); // [n, L]
      const full = fx.pad(fx.transpose(spec, [2, 0, 1]), [0, 0, 0], [0, (n >> 1) + 1 - m, 0]); // [L, n/2+1, 2]
      const want = on('js', () => fx.irfft(full, n)); // [L, n]
      expect(relErr(rowsLast(y).dataSync(), want.dataSync())).to.be.below(1e-12);
    });
  }

  it('FFT kernels equal the direct sums: every bin, odd column counts, mixed-radix and prime lengths (f64)', () => {
    for (const [n, L, m] of [
      [64, 5, 33],
      [256, 7, 16],
      [1000, 6, 16],
      [1024, 4, 513],
      [97, 3, 49],
      [30, 1, 16],
    ]) {
      for (const weighted of [false, true]) {
        const x = rand64([n, L], 3 * n + L).dataSync();
        const [a, b] = [new Float64Array(2 * m * L), new Float64Array(2 * m * L)];
        rdftModes(x, n, L, m, weighted, a);
        rdftModesFft(x, n, L, m, weighted, b);
        expect(relErr(b, a)).to.be.below(1e-12, `rdft n=${n} L=${L} m=${m}`);
        const X = rand64([2 * m, L], 5 * n + L).dataSync();
        const [c, d] = [new Float64Array(n * L), new Float64Array(n * L)];
        irdftModes(X, n, L, m, weighted, c);
        irdftModesFft(X, n, L, m, weighted, d);
        expect(relErr(d, c)).to.be.below(1e-12, `irdft n=${n} L=${L} m=${m}`);
      }
    }
  });

  describe('compiled on wasm, GEMM, folded GEMM and FFT paths (f32)', () => {
    before(function () {
      if (!wasmKernels()) skipBecause(this, 'no wasm build');
    });
    after(() => setSpectralPath('auto'));
    // odd and tiny lengths: the folded GEMM's middle row (even n only) and its empty sine half (n <= 2)
    for (const path of SPECTRAL_PATHS)
      for (const [n, m] of [
        ...SIZES.map((s) => [s, 16]),
        [97, 16],
        [33, 16],
        [10, 4],
        [8, 5],
        [8, 4],
        [4, 1],
        [4, 2],
        [4, 3],
        [3, 2],
        [2, 2],
      ]) {
        it(`${path}, n=${n}, ${m} modes: values and the vjp of both transforms match the js reference`, () => {
          setSpectralPath(path);
          const x = rand64([n, 4, 6], n + 7);
          const ct = rand64([m, 2, 4, 6], n + 8);
          const cy = rand64([n, 4, 6], n + 9);
          // both directions, both weightings: the vjp of irdft_modes (weighted) is a weighted rdft_modes
          const f = (z: fx.Tensor, c: fx.Tensor, d: fx.Tensor) => {
            const [X, back] = fx.vjp((u: fx.Tensor) => fx.rdftModes(u, m), z);
            const [y, backY] = fx.vjp((u: fx.Tensor) => fx.irdftModes(u, n), X);
            return [X, y, back(c)[0] as fx.Tensor, backY(d)[0] as fx.Tensor];
          };
          const ref = on('js', () => f(x, ct, cy));
          const got = on('wasm', () => fx.jit(f)(fx.cast(x, 'f32'), fx.cast(ct, 'f32'), fx.cast(cy, 'f32')));
          got.forEach((g, i) => expect(relErr(g.dataSync(), ref[i].dataSync())).to.be.below(2e-5, `output ${i}`));
        });
      }
  });

  it('fold in f64 (the f64x2 pass kernel, f64 GEMMs): n=64 and n=30 equal the js reference to 1e-12', function () {
    if (!wasmKernels()) return skipBecause(this, 'no wasm build');
    try {
      setSpectralPath('fold');
      for (const n of [64, 30]) {
        const x = rand64([n, 3, 5], n);
        const ct = rand64([12, 2, 3, 5], n + 1);
        const f = (z: fx.Tensor, c: fx.Tensor) => {
          const [X, back] = fx.vjp((u: fx.Tensor) => fx.rdftModes(u, 12), z);
          return [X, fx.irdftModes(X, n), back(c)[0] as fx.Tensor];
        };
        const ref = on('js', () => f(x, ct));
        const got = on('wasm', () => fx.jit(f)(x, ct));
        got.forEach((g, i) => expect(relErr(g.dataSync(), ref[i].dataSync())).to.be.below(1e-12, `n=${n} output ${i}`));
      }
    } finally {
      setSpectralPath('auto');
    }
  });

  it('the fold path needs the butterfly4 kernel only where 4 divides n (an older kernels build leaves it out there)', () => {
    const k = wasmKernels();
    const stale = { raw: {} } as unknown as NonNullable<typeof k>;
    const shape = (n: number) => ({ n, m: 4, L: 3, weighted: false, dtype: 'f32' as const });
    expect(foldBuilt(stale, shape(1024))).to.equal(false);
    expect(foldBuilt(stale, shape(1022))).to.equal(true);
    if (k) expect(foldBuilt(k, shape(1024))).to.equal(true);
  });

  it('fold: a NaN spectrum through the inverse leaves no NaN in the next forward transform of finite data (shared scratch)', function () {
    const k = wasmKernels();
    if (!k) return skipBecause(this, 'no wasm build');
    const s = { n: 64, m: 16, L: 5, weighted: false, dtype: 'f32' as const };
    const [X, y, x, out] = [2 * s.m * s.L, s.n * s.L, s.n * s.L, 2 * s.m * s.L].map((len) => k.alloc(4 * len));
    try {
      k.f32view(X, 2 * s.m * s.L).fill(Number.NaN);
      irdftFold(k, s)(X, y);
      const xs = rand64([s.n, s.L], 3).dataSync();
      k.f32view(x, s.n * s.L).set(xs);
      rdftFold(k, s)(x, out);
      const want = new Float64Array(2 * s.m * s.L);
      rdftModes(Float64Array.from(k.f32view(x, s.n * s.L)), s.n, s.L, s.m, false, want);
      expect(relErr(k.f32view(out, 2 * s.m * s.L), want)).to.be.below(1e-5);
    } finally {
      for (const p of [X, y, x, out]) k.free(p);
    }
  });

  it('vmap over a leading example axis equals the per-example loop', () => {
    const xs = rand64([3, 12, 2, 2], 11);
    const got = fx.vmap((x: fx.Tensor) => fx.irdftModes(fx.rdftModes(x, 5), 12, false))(xs);
    const want = fx.concat(
      [0, 1, 2].map((b) => {
        const x = fx.reshape(fx.sliceAxis(xs, 0, b, b + 1), [12, 2, 2]);
        return fx.reshape(fx.irdftModes(fx.rdftModes(x, 5), 12, false), [1, 12, 2, 2]);
      }),
      0,
    );
    expect(relErr(got.dataSync(), want.dataSync())).to.be.below(1e-12);
  });

  it('rejects more modes than the length has and non-pair spectra, naming the primitive', () => {
    expect(() => fx.rdftModes(rand64([8, 2], 1), 6)).to.throw(/rdft_modes.*modes 6/);
    expect(() => fx.irdftModes(rand64([4, 3, 2], 1), 8)).to.throw(/irdft_modes/);
    expect(() => fx.irdftModes(rand64([6, 2, 2], 1), 8)).to.throw(/irdft_modes.*size 8/);
  });
});
