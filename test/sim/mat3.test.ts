import { expect } from 'chai';
import { polar3, det3, cofactor3 } from './oracle/mpm/mat3.js';
import { Mulberry32 } from '../../core/random.js';

describe('oracle: hand-written MPM 3x3 helpers', () => {
  it('polar3 returns a proper rotation with symmetric positive S = R^T F', () => {
    const rng = new Mulberry32(5);
    for (let trial = 0; trial < 20; trial++) {
      const F = Float64Array.from({ length: 9 }, (_, k) => (k % 4 === 0 ? 1 : 0) + 0.4 * rng.normal());
      if (det3(F) <= 0.05) continue;
      const R = new Float64Array(9);
      polar3(F, 0, R);
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) {
          let rr = 0,
            s = 0,
            st = 0;
          for (let k = 0; k < 3; k++) {
            rr += R[3 * k + i] * R[3 * k + j];
            s += R[3 * k + i] * F[3 * k + j];
            st += R[3 * k + j] * F[3 * k + i];
          }
          expect(rr).to.be.closeTo(i === j ? 1 : 0, 1e-13);
          expect(s).to.be.closeTo(st, 1e-12);
        }
      expect(det3(R)).to.be.closeTo(1, 1e-13);
    }
  });

  it('cofactor3 is the derivative of det3 (central differences)', () => {
    const rng = new Mulberry32(6);
    const A = Float64Array.from({ length: 9 }, () => rng.normal());
    const cof = new Float64Array(9);
    cofactor3(A, 0, cof);
    for (let k = 0; k < 9; k++) {
      const h = 1e-6;
      const p = A.slice();
      p[k] += h;
      const m = A.slice();
      m[k] -= h;
      expect((det3(p) - det3(m)) / (2 * h)).to.be.closeTo(cof[k], 1e-8);
    }
  });
});
