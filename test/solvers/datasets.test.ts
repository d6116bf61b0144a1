import { expect } from 'chai';
import { burgersDataset, darcyDataset, antiderivativeDataset, solveBurgers1d, solveDarcy, sampleGrf1d } from '../../solvers/index.js';
import { rfft, irfft } from '../../core/kernels/fft.js';

describe('solvers/datasets', () => {
  it('burgersDataset pairs GRF inputs with Burgers solutions, subsampled from a finer solve', () => {
    const d = burgersDataset({ n: 2, resolution: 32, solverResolution: 64, nu: 0.1, T: 0.2, seed: 4 });
    expect(d.inputs.length).to.equal(64);
    expect(d.gridShape).to.deep.equal([32]);
    const fine = sampleGrf1d({ n: 64, count: 2, seed: 4 });
    for (let j = 0; j < 32; j++) expect(d.inputs[32 + j]).to.equal(fine[64 + 2 * j]);
    const u = solveBurgers1d(fine.subarray(64, 128), { nu: 0.1, T: 0.2, dt: 1e-3 }).u;
    for (let j = 0; j < 32; j++) expect(d.outputs[32 + j]).to.be.closeTo(u[2 * j], 1e-6);
    // viscosity dissipates: the L2 norm of the output is below that of the input (mean is conserved)
    let inNorm = 0,
      outNorm = 0,
      inMean = 0,
      outMean = 0;
    for (let j = 0; j < 32; j++) {
      inNorm += d.inputs[j] ** 2;
      outNorm += d.outputs[j] ** 2;
      inMean += d.inputs[j];
      outMean += d.outputs[j];
    }
    expect(outNorm).to.be.below(inNorm);
    expect(outMean / 32).to.be.closeTo(inMean / 32, 1e-2);
  });

  it('darcyDataset uses 12/3 coefficients and solutions satisfying the discrete equation', () => {
    const d = darcyDataset({ n: 2, resolution: 17, seed: 9 });
    expect(d.gridShape).to.deep.equal([17, 17]);
    const values = new Set(Array.from(d.inputs));
    expect([...values].sort()).to.deep.equal([12, 3].sort());
    const a = d.inputs.subarray(289, 578);
    const direct = solveDarcy(a, { preconditioner: 'ic0', tol: 1e-12 });
    for (let q = 0; q < 289; q++) expect(d.outputs[289 + q]).to.be.closeTo(direct.u[q], 1e-8);
    // f = 1 > 0 gives a positive interior solution with zero boundary
    expect(d.outputs[0]).to.equal(0);
    expect(d.outputs[8 * 17 + 8]).to.be.above(0);
  });

  it('antiderivativeDataset integrates the band-limited input exactly', () => {
    const m = 16;
    const d = antiderivativeDataset({ n: 3, resolution: m, seed: 2 });
    for (let s = 0; s < 3; s++) {
      const v = d.inputs.subarray(s * m, (s + 1) * m);
      const u = d.outputs.subarray(s * m, (s + 1) * m);
      expect(u[0]).to.equal(0);
      // reference: cumulative trapezoid on a 256x finer grid of the trigonometric interpolant of v
      const fineN = m * 256;
      const V = rfft(v);
      const re = new Float64Array(fineN / 2 + 1),
        im = new Float64Array(fineN / 2 + 1);
      for (let k = 0; k < V.re.length; k++) {
        const nyq = k === m / 2 ? 0.5 : 1; // split the Nyquist bin as a real cosine
        re[k] = (V.re[k] * nyq * fineN) / m;
        im[k] = (V.im[k] * nyq * fineN) / m;
      }
      const fine = irfft(re, im, fineN);
      let acc = 0;
      for (let j = 1; j < m; j++) {
        for (let q = (j - 1) * 256; q < j * 256; q++) acc += (fine[q] + fine[q + 1]) / (2 * fineN);
        expect(u[j]).to.be.closeTo(acc, 1e-4 * (1 + Math.abs(acc)));
      }
    }
  });
});
