// `fluxion bench` rows: a GFLOP/s figure names the matmul shape it was measured on (README quotes other shapes).
import { expect } from 'chai';
import { formatBenchRow } from '../../runner/bench.js';

describe('runner: fluxion bench rows', () => {
  it('a GFLOP/s figure says its matmul shape; a row without one has none', () => {
    expect(formatBenchRow({ backend: 'wasm', problem: 'matmul 256^3', ms: 1.25, gflops: 26.8 })).to.match(
      / 1\.3 ms {2}26\.8 GFLOP\/s \(f32, 256x256x256\)$/,
    );
    expect(formatBenchRow({ backend: 'wasm', problem: 'PINN step (1024 pts, 2-32-32-1)', ms: 3 })).to.match(/ 3\.0 ms$/);
  });
});
