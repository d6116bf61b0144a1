// The chaos guard example (examples/sim/chaosGuard.ts) in short: on the walker without drag the rollout is chaotic
// (exponent > 0) and the full gradient explodes with the horizon while the truncated one does not; with strong drag
// perturbations decay (exponent < 0). Measured: drag 0, T 50 -> 200: |grad| 0.63 -> 14.9, truncated (K = 25) 0.09 ->
// 0.05; drag 100: exponent -3.6e-2 and -9.1e-3.
import { expect } from 'chai';
import { chaosTable } from '../../examples/sim/chaosGuard.js';

describe('chaos guard example: gradient norm against horizon, with and without truncation', () => {
  it('chaotic without drag (the full gradient grows 10x from T = 50 to 200, the truncated one stays 10x below it); stable with drag 100', () => {
    const rows = chaosTable([0, 100], [50, 200], 25);
    const at = (drag: number, T: number) => rows.find((r) => r.drag === drag && r.horizon === T)!;
    for (const T of [50, 200]) {
      expect(at(0, T).exponent).to.be.greaterThan(0);
      expect(at(0, T).amplification).to.be.greaterThan(10);
      expect(at(100, T).exponent).to.be.lessThan(0);
      expect(at(100, T).amplification).to.be.lessThan(1);
    }
    expect(at(0, 200).gradNorm / at(0, 50).gradNorm).to.be.greaterThan(10);
    expect(at(0, 200).truncatedGradNorm).to.be.lessThan(at(0, 200).gradNorm / 10);
  });
});
